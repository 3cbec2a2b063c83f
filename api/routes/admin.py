"""Write and admin endpoints: each needs an API key (`X-Api-Key`, see api/security.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Annotated, Literal, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from api.schemas.feedback import Purged
from api.security import require_api_key
from api.serving import reload
from recommender.errors import CatalogueNotLoaded, OrientationError
from recommender.feedback import export_events, purge_events
from recommender.imports import import_offers, import_sessions
from recommender.retrain import retrain, save_retrained
from recommender.store import read_query_counts

logger = logging.getLogger(__name__)
T = TypeVar("T")
router = APIRouter(prefix="/v1/admin", tags=["administration"])
SOURCE = r"^[a-z0-9][a-z0-9._-]{1,59}$"  # a source name: "carif-hdf", "cfa-btp-2026"
CallerDep = Annotated[str, Depends(require_api_key)]
KEY_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "clé d'API absente"},
    403: {"description": "clé d'API inconnue"},
}


class ReloadFailed(CatalogueNotLoaded):
    """The store could not be read again: the previous catalogue is still served (503)."""

    def __init__(self, cause: str) -> None:
        super().__init__(
            f"relecture du catalogue impossible ({cause}) : le catalogue précédent reste servi"
        )


class Reloaded(BaseModel):
    caller: str = Field(description="nom de la clé qui a demandé", examples=["carif-hdf"])
    checksum: str | None = Field(description="empreinte du catalogue servi", examples=["3f2a…"])
    counts: dict[str, object] = Field(
        description="lignes du catalogue servi", examples=[{"formations": 95_000}]
    )


@router.post("/reload", response_model=Reloaded, responses=KEY_RESPONSES)
def reload_catalogue(request: Request, caller: CallerDep) -> Reloaded:
    """Relit le catalogue dans la base (après un import) et le sert d'un coup.

    Les requêtes en cours finissent sur l'ancien catalogue ; si la relecture échoue,
    l'ancien reste servi.
    """
    try:
        catalogue = reload(request.app, request.app.state.settings)
    except Exception as error:  # whatever broke, the previous catalogue keeps serving
        logger.exception("catalogue reload failed")
        cause = str(error) if isinstance(error, OrientationError) else type(error).__name__
        raise ReloadFailed(cause) from error
    return Reloaded(
        caller=caller, checksum=catalogue.meta.get("checksum"), counts=catalogue.counts()
    )


@router.get("/feedback/export", responses=KEY_RESPONSES)
def export_feedback(
    request: Request,
    _caller: CallerDep,
    since: Annotated[datetime | None, Query(examples=["2026-09-01T00:00:00Z"])] = None,
) -> StreamingResponse:
    """Exporte les retours (JSON Lines, un événement par ligne) pour réentraîner le modèle."""
    events = export_events(request.app.state.engine, since=since)
    lines = (json.dumps(event, ensure_ascii=False) + "\n" for event in events)
    return StreamingResponse(lines, media_type="application/x-ndjson")


@router.post("/feedback/purge", response_model=Purged, responses=KEY_RESPONSES)
def purge_feedback(request: Request, _caller: CallerDep) -> Purged:
    """Supprime les retours plus anciens que la durée de conservation réglée."""
    days = request.app.state.settings.feedback_retention_days
    return Purged(deleted=purge_events(request.app.state.engine, days), retention_days=days)


class UsageRow(BaseModel):
    day: date = Field(examples=["2026-11-21"])
    partner: str | None = Field(examples=["college-condorcet"])
    campus: str | None = Field(examples=["plasturgie-metallurgie-picardie"])
    endpoint: str = Field(examples=["recommendations"])
    count: int = Field(examples=[42])


@router.get("/usage", response_model=list[UsageRow], responses=KEY_RESPONSES)
def usage(
    request: Request,
    _caller: CallerDep,
    since: Annotated[date | None, Query(examples=["2026-09-01"])] = None,
) -> list[UsageRow]:
    """Requêtes comptées par jour, site partenaire, campus et service (sans profil)."""
    counts = read_query_counts(request.app.state.engine, since=since)
    return [UsageRow.model_validate(count, from_attributes=True) for count in counts]


class Imported(BaseModel):
    source: str = Field(examples=["carif-hdf"])
    imported: int = Field(description="lignes désormais en base pour cette source", examples=[412])
    rejected: list[dict[str, object]] = Field(
        description="enregistrements écartés (sessions) : ligne, champ, raison",
        examples=[[{"line": 7, "field": "insee", "reason": "commune « 00000 » inconnue"}]],
    )
    served: bool = Field(description="le catalogue servi a été relu", examples=[True])


SourceName = Annotated[str, Query(pattern=SOURCE, examples=["carif-hdf"])]


@router.post("/imports/offers", response_model=Imported, responses=KEY_RESPONSES)
async def import_offers_file(
    request: Request,
    _caller: CallerDep,
    source: SourceName,
    format: Annotated[Literal["csv", "json"], Query(examples=["csv"])] = "csv",
) -> Imported:
    """Importe un fichier d'offres (le corps de la requête ; tout ou rien ; voir
    docs/offers.md), remplace les offres de la même source, puis sert le catalogue relu."""
    count = await _import_and_serve(request, f"offers.{format}", import_offers, source)
    return Imported(source=source, imported=count, rejected=[], served=True)


@router.post("/imports/sessions", response_model=Imported, responses=KEY_RESPONSES)
async def import_sessions_file(
    request: Request,
    _caller: CallerDep,
    source: SourceName,
    format: Annotated[Literal["xml", "csv"], Query(examples=["xml"])] = "xml",
) -> Imported:
    """Importe des sessions de formation continue (flux LHEO 2.2 ou CSV dans le corps de la
    requête ; voir docs/sessions.md) : les enregistrements invalides sont écartés et listés,
    les autres remplacent les sessions de la même source ; puis le catalogue relu est servi."""
    done = await _import_and_serve(request, f"sessions.{format}", import_sessions, source)
    rejected: list[dict[str, object]] = [
        {"line": e.line, "record": e.record, "field": e.field, "reason": e.reason}
        for e in done.read.rejected
    ]
    return Imported(source=source, imported=done.count, rejected=rejected, served=True)


async def _import_and_serve(
    request: Request, name: str, importer: Callable[[Engine, Path, str], T], source: str
) -> T:
    """Write the request body to a temporary file ``name`` as it arrives (size capped by
    api.security), run ``importer`` on it (one transaction), then serve the store again."""
    with TemporaryDirectory(prefix="import-") as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            async for chunk in request.stream():
                handle.write(chunk)
        result = await run_in_threadpool(importer, request.app.state.engine, path, source)
    await run_in_threadpool(reload, request.app, request.app.state.settings)
    return result


class RetrainedOut(BaseModel):
    pairs: int = Field(description="suggestions suivies (session × élément)", examples=[1240])
    grades: dict[int, int] = Field(
        description="0 masquée, 1 affichée, 2 ouverte, 3 gardée, 4 candidature",
        examples=[{1: 1000, 2: 200, 3: 40}],
    )
    weights: dict[str, float] = Field(examples=[{"interest": 2.3, "distance": 1.1}])
    previous: dict[str, float] = Field(examples=[{"interest": 2.0, "distance": 1.5}])
    path: str = Field(
        description="modèle écrit ; ORIENTATION_MODEL_PATH le garde après un redémarrage",
        examples=["var/models/matching-feedback-20261121T101500Z.json"],
    )


@router.post(
    "/model/retrain",
    response_model=RetrainedOut,
    responses={**KEY_RESPONSES, 409: {"description": "pas assez de retours"}},
)
def retrain_model(request: Request, _caller: CallerDep) -> RetrainedOut:
    """Apprend les poids des critères à partir des retours, puis sert le nouveau modèle."""
    state = request.app.state
    result = retrain(state.engine, state.recommender.model)
    path = save_retrained(result, state.settings.trained_models_dir)
    state.recommender.model = result.model  # one assignment: requests see one or the other
    return RetrainedOut(
        pairs=result.pairs,
        grades=result.grades,
        weights=result.weights,
        previous=result.previous,
        path=str(path),
    )
