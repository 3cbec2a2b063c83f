"""A whole class for counsellors: a class file in, each pupil's suggestions out (JSON,
CSV, print view, PDF).

Stateless by design: the CSV is the request body itself (``Content-Type: text/csv``, its
bytes untouched so that a Windows-1252 file from Excel still reads), read in memory up
to a size limit, and every export re-runs the class from the same body. Nothing about
a pupil is stored, written to disk or logged.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from api.deps import EngineDep
from api.schemas.classes import EXAMPLE_CLASS_CSV, ClassResponse
from recommender.class_exports import PRINT_SCRIPT, class_csv, class_html
from recommender.class_pdf import class_pdf
from recommender.class_results import (
    DEFAULT_SUGGESTIONS,
    MAX_SUGGESTIONS,
    ClassResults,
    PupilResult,
    recommend_class,
)
from recommender.classroom import MAX_BYTES, MAX_PUPILS, read_class
from recommender.engine import Engine, Suggestion
from recommender.errors import ClassFileError, ClassTooLarge, SourceFormatError

router = APIRouter(prefix="/v1/classes", tags=["conseillers"])

NO_STORE = {"Cache-Control": "no-store"}
PRINT_HASH = base64.b64encode(hashlib.sha256(PRINT_SCRIPT.encode()).digest()).decode()
# The print view runs nothing but its « Imprimer » button and loads nothing at all.
PRINT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; "
    f"script-src 'unsafe-hashes' 'sha256-{PRINT_HASH}'; base-uri 'none'; form-action 'none'"
)
CLASS_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "Le fichier CSV de la classe, tel quel (`Content-Type: text/csv`) : une ligne par "
            "élève, colonnes `identifiant` (facultatif), `niveau`, `centres_interet` (séparés "
            "par `;` ou `|`), `commune`, et au choix `rayon_km`, `voies`, `public`, `internat`, "
            f"`campus`. Séparateur `;` ou `,`, UTF-8 ou Windows-1252 ; {MAX_PUPILS} élèves et "
            f"{MAX_BYTES // 1000} ko au plus. Format détaillé : docs/classe.md."
        ),
        "content": {
            "text/csv": {
                "schema": {"type": "string"},
                "examples": {
                    "classe": {
                        "summary": "deux élèves valides, une ligne au niveau inconnu",
                        "value": EXAMPLE_CLASS_CSV,
                    }
                },
            }
        },
    }
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    413: {"description": "classe trop grande : `message` dit la limite"},
    422: {"description": "fichier illisible (encodage, colonnes) : `problems` dit où et pourquoi"},
}
K = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_SUGGESTIONS,
        description="nombre de formations proposées par élève",
        examples=[DEFAULT_SUGGESTIONS],
    ),
]
_FORMS = ("multipart/", "application/x-www-form-urlencoded", "application/json")


async def class_file(request: Request) -> bytes:
    """The request body, read in memory and never past the size limit."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith(_FORMS):
        reason = (
            "envoyez le fichier CSV lui-même comme corps de la requête "
            "(Content-Type: text/csv), pas un formulaire ni du JSON"
        )
        raise ClassFileError("", [SourceFormatError("", reason)])
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BYTES:
            raise ClassTooLarge(
                f"fichier de plus de {MAX_BYTES // 1000} ko : découpez la classe en plusieurs "
                "fichiers"
            )
        chunks.append(chunk)
    return b"".join(chunks)


ClassFileDep = Annotated[bytes, Depends(class_file)]


@router.post(
    "",
    response_model=ClassResponse,
    responses=FILE_RESPONSES,
    openapi_extra=CLASS_BODY,
    summary="Pistes de formation pour toute une classe",
)
def post_class(
    data: ClassFileDep, engine: EngineDep, response: Response, k: K = DEFAULT_SUGGESTIONS
) -> dict[str, Any]:
    """Les meilleures formations de chaque élève, avec leurs raisons ; chaque ligne écartée
    est donnée avec son numéro et la raison, les autres lignes sont traitées."""
    response.headers.update(NO_STORE)
    return _response(_run(data, engine, k))


@router.post(
    "/export",
    response_class=Response,
    responses={
        **FILE_RESPONSES,
        200: {
            "description": "le CSV (Excel en français), la vue imprimable ou le PDF",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            },
        },
    },
    openapi_extra=CLASS_BODY,
    summary="Pistes de la classe en CSV, vue imprimable ou PDF",
)
def post_class_export(
    data: ClassFileDep,
    engine: EngineDep,
    output: Annotated[
        Literal["csv", "html", "pdf"],
        Query(
            alias="format",
            description="csv : une ligne par élève et piste ; html : fiches à imprimer ; "
            "pdf : une page par élève",
            examples=["pdf"],
        ),
    ],
    k: K = DEFAULT_SUGGESTIONS,
) -> Response:
    """Les mêmes pistes à télécharger : CSV (UTF-8, « ; »), fiches imprimables (une page par
    élève, avec les millésimes des données) ou PDF."""
    results = _run(data, engine, k)
    stamp = date.today().isoformat()
    if output == "csv":
        return _download(class_csv(results), "text/csv; charset=utf-8", f"pistes-{stamp}.csv")
    if output == "pdf":
        return _download(class_pdf(results), "application/pdf", f"fiches-pistes-{stamp}.pdf")
    headers = {**NO_STORE, "Content-Security-Policy": PRINT_POLICY}
    return Response(class_html(results), media_type="text/html", headers=headers)


def _run(data: bytes, engine: Engine, k: int) -> ClassResults:
    return recommend_class(engine, read_class(data, file=""), k=k)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=media_type, headers=headers)


def _response(results: ClassResults) -> dict[str, Any]:
    return {
        "k": results.k,
        "lines": results.lines,
        "pupils": [_pupil(result) for result in results.pupils],
        "rejected": [asdict(problem) for problem in results.rejected],
        "vintages": asdict(results.vintages),
    }


def _pupil(result: PupilResult) -> dict[str, Any]:
    return {
        "line": result.pupil.line,
        "name": result.pupil.name,
        "understood": [{"label": label, "text": text} for label, text in result.understood],
        "notices": [{"code": n.code, "message": n.message} for n in result.recommendations.notices],
        "formations": [_suggestion(s) for s in result.formations],
    }


def _suggestion(suggestion: Suggestion) -> dict[str, Any]:
    """The same shape as a formation of ``POST /v1/recommendations``."""
    return {
        "rank": suggestion.rank,
        "score": round(suggestion.score, 4),
        "distance_km": suggestion.distance_km,
        "sub_scores": suggestion.sub_scores,
        "reasons": [asdict(r) for r in suggestion.reasons],
        "formation": suggestion.item,
        "paired_offers": suggestion.paired_offers,
    }
