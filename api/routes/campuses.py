"""Campus des métiers et des qualifications: list and detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import BrowseIndexDep
from api.schemas.campuses import Campus, CampusDetail
from recommender.browse import campus_detail, campus_summaries

router = APIRouter(prefix="/v1/campuses", tags=["campus"])


@router.get("", response_model=list[Campus], summary="Lister les campus")
def list_campuses(index: BrowseIndexDep) -> list[Campus]:
    """Chaque campus : secteur, territoire, périmètre, commune siège, nombre de membres."""
    return [Campus.model_validate(item) for item in campus_summaries(index)]


@router.get(
    "/{campus_id}",
    response_model=CampusDetail,
    responses={404: {"description": "campus inconnu"}},
    summary="Détail d'un campus",
)
def get_campus(
    campus_id: Annotated[
        str,
        Path(
            max_length=80, description="identifiant", examples=["plasturgie-metallurgie-picardie"]
        ),
    ],
    index: BrowseIndexDep,
) -> CampusDetail:
    """Un campus et ses établissements membres, avec la raison de chaque adhésion."""
    return CampusDetail.model_validate(campus_detail(index, campus_id))
