"""Dependencies injected into routes: the catalogue loaded once in the lifespan."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from recommender.catalogue import Catalogue


def get_catalogue(request: Request) -> Catalogue:
    catalogue: Catalogue = request.app.state.catalogue
    return catalogue


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
