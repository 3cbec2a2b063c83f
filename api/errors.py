"""Domain exceptions turned into HTTP answers: a clear 4xx body, never a 500 for bad input."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from recommender.errors import (
    AmbiguousPlace,
    CatalogueNotLoaded,
    ImportRejected,
    NotFound,
    OrientationError,
    PlaceNotFound,
    ProfileError,
    SourceFormatError,
)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OrientationError)
    async def orientation_error(_request: Request, error: OrientationError) -> JSONResponse:
        status, body = _answer(error)
        return JSONResponse(status_code=status, content=body)


def _answer(error: OrientationError) -> tuple[int, dict[str, object]]:
    body: dict[str, object] = {"error": type(error).__name__, "message": str(error)}
    if isinstance(error, AmbiguousPlace):
        return 409, {**body, "choices": error.choices}
    if isinstance(error, PlaceNotFound):
        return 422, {**body, "field": "place"}
    if isinstance(error, NotFound):
        return 404, body
    if isinstance(error, ProfileError):
        return 422, {**body, "field": error.field, "allowed": error.allowed}
    if isinstance(error, ImportRejected):
        rows = [{"line": e.line, "field": e.field, "reason": e.reason} for e in error.errors]
        return 422, {**body, "rejected": rows}
    if isinstance(error, SourceFormatError):
        return 422, {**body, "file": error.file, "line": error.line, "field": error.field}
    if isinstance(error, CatalogueNotLoaded):
        return 503, body
    return 400, body
