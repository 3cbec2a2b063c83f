"""What the API serves from: one catalogue and the indexes built over it, swapped whole.

:func:`serve` builds everything a request reads (the engine, its places and browse
index, the retraining advisor) *before* touching the app, then replaces the app's
references in one step: requests under way finish on the catalogue they started
with, and a reload that fails (a store mid-import, a broken table) leaves the
previous catalogue serving.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI

from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.errors import CatalogueNotLoaded
from recommender.model import MatchingModel
from recommender.routes import RetrainingAdvisor
from recommender.settings import Settings

_RELOADING = threading.Lock()


def serve(app: FastAPI, catalogue: Catalogue, settings: Settings) -> None:
    """Build the indexes over ``catalogue`` (about 10 s nationally), then serve them."""
    recommender = Engine(catalogue, MatchingModel.load(settings.model_path))
    advisor = RetrainingAdvisor(recommender).warm()
    state = app.state
    state.catalogue, state.recommender, state.advisor = catalogue, recommender, advisor
    state.places, state.browse_index = recommender.places, recommender.browse


def reload(app: FastAPI, settings: Settings) -> Catalogue:
    """Read the catalogue again from the store (after an import) and serve it.

    One reload at a time; nothing is swapped unless everything was built, and a store
    without formations (a table lost) is refused.
    """
    with _RELOADING:
        catalogue = Catalogue.from_store(app.state.engine)
        if not len(catalogue.tables["formations"]):
            raise CatalogueNotLoaded("la base ne contient aucune formation")
        serve(app, catalogue, settings)
        return catalogue
