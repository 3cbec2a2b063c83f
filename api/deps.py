"""Dependencies injected into routes: what the lifespan loaded once, and the `near` circle."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ParameterError
from recommender.browse import BrowseIndex, Near, locate
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.errors import AmbiguousPlace, PlaceNotFound, ProfileError
from recommender.geo import Places


def get_catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


def get_places(request: Request) -> Places:
    places: Places = request.app.state.places
    return places


def get_browse_index(request: Request) -> BrowseIndex:
    index: BrowseIndex = request.app.state.browse_index
    return index


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.recommender
    return engine


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
EngineDep = Annotated[Engine, Depends(get_engine)]
PlacesDep = Annotated[Places, Depends(get_places)]
BrowseIndexDep = Annotated[BrowseIndex, Depends(get_browse_index)]


def near_circle(places: Places, near: str | None, radius_km: float) -> Near | None:
    """The circle the `near` parameter designates; its errors name the parameter."""
    if near is None:
        return None
    try:
        return locate(places, near, radius_km)
    except (PlaceNotFound, AmbiguousPlace, ProfileError) as error:
        raise ParameterError("near", error) from error
