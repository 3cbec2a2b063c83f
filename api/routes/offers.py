"""Internship, apprenticeship and professionalisation offers: search."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import BrowseIndexDep, PlacesDep, near_circle
from api.errors import PARAMETER_RESPONSES
from api.schemas.offers import OfferPage, OfferParams
from recommender.browse import OfferQuery, find_offers

router = APIRouter(prefix="/v1/offers", tags=["offres"])


@router.get(
    "", response_model=OfferPage, responses=PARAMETER_RESPONSES, summary="Chercher des offres"
)
def list_offers(
    params: Annotated[OfferParams, Query()], index: BrowseIndexDep, places: PlacesDep
) -> OfferPage:
    """Offres de stage ou d'alternance, filtrées, paginées ; les fictives ont `synthetic: true`."""
    filters = params.model_dump(exclude={"limit", "offset", "near", "radius_km"})
    near = near_circle(places, params.near, params.radius_km)
    page = find_offers(
        index, OfferQuery(**filters, near=near), limit=params.limit, offset=params.offset
    )
    return OfferPage.model_validate(asdict(page))
