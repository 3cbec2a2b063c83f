"""Formations of the catalogue: search and detail."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.attribution import QueryCounterDep
from api.deps import BrowseIndexDep, PlacesDep, near_circle
from api.errors import PARAMETER_RESPONSES
from api.schemas.formations import FormationDetail, FormationPage, FormationParams
from recommender.browse import FormationQuery, find_formations, formation_detail

router = APIRouter(prefix="/v1/formations", tags=["formations"])


@router.get(
    "",
    response_model=FormationPage,
    responses=PARAMETER_RESPONSES,
    summary="Chercher des formations",
)
def list_formations(
    params: Annotated[FormationParams, Query()], index: BrowseIndexDep, places: PlacesDep
) -> FormationPage:
    """Formations filtrées (voie, niveau, certification, métier, lieu, campus, texte), paginées."""
    filters = params.model_dump(exclude={"limit", "offset", "near", "radius_km"})
    near = near_circle(places, params.near, params.radius_km)
    query = FormationQuery(**filters, near=near)
    page = find_formations(index, query, limit=params.limit, offset=params.offset)
    return FormationPage.model_validate(asdict(page))


@router.get(
    "/{formation_id}",
    response_model=FormationDetail,
    responses={404: {"description": "formation inconnue"}},
    summary="Détail d'une formation",
)
def get_formation(
    formation_id: Annotated[
        str,
        Path(
            max_length=160,
            description="identifiant « uai-cert_id-voie »",
            examples=["0022008X-40022503-scolaire"],
        ),
    ],
    index: BrowseIndexDep,
    counter: QueryCounterDep,
) -> FormationDetail:
    """Une formation : établissement, certification, campus, sessions, portes ouvertes."""
    detail = FormationDetail.model_validate(formation_detail(index, formation_id))
    counter.count("formation")
    return detail
