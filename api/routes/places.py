"""Communes: autocomplete for the place fields of forms."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PlacesDep
from api.schemas.places import Place, PlaceParams

router = APIRouter(prefix="/v1/places", tags=["communes"])


@router.get("", response_model=list[Place], summary="Compléter un nom de commune")
def search_places(params: Annotated[PlaceParams, Query()], places: PlacesDep) -> list[Place]:
    """Communes dont le nom (ou un code postal) commence par `q`, les plus peuplées d'abord."""
    found = places.search(params.q, limit=params.limit)
    return [Place.model_validate(commune, from_attributes=True) for commune in found]
