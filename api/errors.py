"""Domain exceptions turned into HTTP answers: a clear 4xx body, never a 500 for bad input.

Every 4xx body has ``error`` (a type name) and ``message`` (French, for people);
errors about one parameter name it in ``field`` and say what is allowed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse as _PlainJSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas.common import PATTERN_HINTS
from recommender.errors import (
    AmbiguousPlace,
    CatalogueNotLoaded,
    ClassFileError,
    ClassTooLarge,
    ImportRejected,
    NotEnoughFeedback,
    NotFound,
    OrientationError,
    PlaceNotFound,
    ProfileError,
    SourceFormatError,
)


class JSONResponse(_PlainJSONResponse):
    """JSON with ``<``, ``>`` and ``&`` escaped (``\\u003c``…): what a request said and an
    answer repeats (an invalid value in an error) can never be read as HTML, even by a
    page that would insert it carelessly. The JSON decodes to the same values."""

    def render(self, content: object) -> bytes:
        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(raw, escaped)
        return text.encode("utf-8")


PLACE_FORMS = ["nom de commune", "code postal", "code INSEE"]
PARAMETER_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "commune `near` ambiguë : `choices` liste les communes possibles"},
    422: {"description": "paramètre invalide : `field` le nomme, `message` dit ce qui est permis"},
}


class ParameterError(Exception):
    """A domain error caused by one request parameter: the answer names that parameter.

    The engine does not know how the API calls its inputs (``near``, ``place``…);
    the API wraps the engine's error with the parameter's name.
    """

    def __init__(self, field: str, error: OrientationError) -> None:
        self.field = field
        self.error = error
        super().__init__(f"{field} : {error}")


HTTP_MESSAGES = {
    400: "corps de requête illisible : du JSON encodé en UTF-8 est attendu",
    404: "adresse inconnue de l'API (voir /docs)",
    405: "méthode non permise pour cette adresse",
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        # The framework's own refusals (a body it cannot decode, an unknown path) in the
        # API's shape and in French; a route's own HTTPException keeps its detail.
        generic = error.detail in (None, "", "Not Found", "Method Not Allowed") or (
            error.status_code == 400 and "parsing the body" in str(error.detail)
        )
        message = HTTP_MESSAGES.get(error.status_code) if generic else None
        body = {"error": "HTTPError", "message": message or str(error.detail)}
        return JSONResponse(status_code=error.status_code, content=body, headers=error.headers)

    @app.exception_handler(OrientationError)
    async def orientation_error(_request: Request, error: OrientationError) -> JSONResponse:
        status, body = _answer(error)
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(ParameterError)
    async def parameter_error(_request: Request, error: ParameterError) -> JSONResponse:
        status, body = _answer(error.error)
        return JSONResponse(status_code=status, content={**body, "field": error.field})

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(item) for item in error.errors()]
        listed = " ; ".join(f"{p['field']} : {p['message']}" for p in problems)
        body = {
            "error": "RequestValidationError",
            "message": f"requête invalide — {listed}",
            "errors": problems,
        }
        return JSONResponse(status_code=422, content=jsonable_encoder(body))


def _answer(error: OrientationError) -> tuple[int, dict[str, object]]:
    body: dict[str, object] = {"error": type(error).__name__, "message": str(error)}
    if isinstance(error, AmbiguousPlace):
        return 409, {**body, "choices": error.choices}
    if isinstance(error, PlaceNotFound):
        return 422, {**body, "field": "place", "allowed": PLACE_FORMS}
    if isinstance(error, NotFound):
        return 404, body
    if isinstance(error, ProfileError):
        return 422, {**body, "field": error.field, "allowed": error.allowed}
    if isinstance(error, ImportRejected):
        rows = [{"line": e.line, "field": e.field, "reason": e.reason} for e in error.errors]
        return 422, {**body, "rejected": rows}
    if isinstance(error, SourceFormatError):
        return 422, {**body, "file": error.file, "line": error.line, "field": error.field}
    if isinstance(error, ClassFileError):
        rows = [{"line": e.line, "field": e.field, "reason": e.reason} for e in error.problems]
        return 422, {**body, "problems": rows}
    if isinstance(error, ClassTooLarge):
        return 413, body
    if isinstance(error, CatalogueNotLoaded):
        return 503, body
    if isinstance(error, NotEnoughFeedback):
        return 409, body
    return 400, body


# -- request validation (pydantic) in French ------------------------------------------

_QUOTED = re.compile(r"'([^']*)'")


def _problem(item: Any) -> dict[str, object]:
    """One pydantic error as {field, message, type, input, allowed?} in French."""
    location = [str(part) for part in item.get("loc", ())]
    kind = str(item.get("type", ""))
    context: dict[str, Any] = item.get("ctx") or {}
    if kind == "json_invalid":
        location = location[:1]  # the rest is a character position, not a field
    field = ".".join(location[1:] if len(location) > 1 else location) or "requête"
    problem: dict[str, object] = {
        "field": field,
        "message": _message(kind, context, item.get("input"), str(item.get("msg", ""))),
        "type": kind,
    }
    if kind != "missing" and kind != "json_invalid":
        problem["input"] = item.get("input")
    if kind in ("literal_error", "enum"):
        problem["allowed"] = _QUOTED.findall(str(context.get("expected", "")))
    return problem


def _message(kind: str, context: dict[str, Any], received: Any, english: str) -> str:
    shown = f"« {received} »" if isinstance(received, str) else repr(received)
    simple = {
        "missing": "valeur obligatoire absente",
        "int_parsing": f"nombre entier attendu, reçu {shown}",
        "int_type": f"nombre entier attendu, reçu {shown}",
        "int_from_float": f"nombre entier attendu, reçu {shown}",
        "float_parsing": f"nombre attendu, reçu {shown}",
        "float_type": f"nombre attendu, reçu {shown}",
        "finite_number": f"nombre fini attendu, reçu {shown}",
        "bool_parsing": f"booléen attendu (true ou false), reçu {shown}",
        "bool_type": f"booléen attendu (true ou false), reçu {shown}",
        "string_type": f"texte attendu, reçu {shown}",
        "list_type": f"liste attendue, reçu {shown}",
        "dict_type": "objet JSON attendu",
        "model_attributes_type": "objet JSON attendu",
        "model_type": "objet JSON attendu",
        "extra_forbidden": "paramètre inconnu ; consultez /docs pour les paramètres permis",
        "uuid_parsing": f"identifiant UUID attendu, reçu {shown}",
        "date_parsing": f"date AAAA-MM-JJ attendue, reçu {shown}",
        "date_from_datetime_parsing": f"date AAAA-MM-JJ attendue, reçu {shown}",
    }
    if kind in simple:
        return simple[kind]
    bounds = {
        "greater_than_equal": ("supérieur ou égal à", "ge"),
        "greater_than": ("strictement supérieur à", "gt"),
        "less_than_equal": ("inférieur ou égal à", "le"),
        "less_than": ("strictement inférieur à", "lt"),
    }
    if kind in bounds:
        words, key = bounds[kind]
        return f"doit être {words} {_number(context.get(key))}, reçu {shown}"
    if kind in ("literal_error", "enum"):
        allowed = ", ".join(_QUOTED.findall(str(context.get("expected", ""))))
        return f"valeur {shown} non reconnue ; valeurs permises : {allowed}"
    if kind == "string_too_long":
        return f"au plus {context.get('max_length')} caractère(s)"
    if kind == "string_too_short":
        return f"au moins {context.get('min_length')} caractère(s)"
    if kind == "too_long":
        return f"au plus {context.get('max_length')} élément(s)"
    if kind == "too_short":
        return f"au moins {context.get('min_length')} élément(s)"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        expected = PATTERN_HINTS.get(pattern, f"le format {pattern}")
        return f"format invalide {shown} ; attendu : {expected}"
    if kind == "json_invalid":
        return f"JSON invalide : {context.get('error', english)}"
    return f"valeur invalide {shown} ({english})"


def _number(value: Any) -> str:
    """300.0 → "300": bounds read as people write them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
