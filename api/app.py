"""The FastAPI application: ``create_app(settings)`` builds it, nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import (
    campuses,
    formations,
    health,
    offers,
    places,
    recommendations,
    reconversion,
)
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.model import MatchingModel
from recommender.routes import RetrainingAdvisor
from recommender.settings import Settings
from recommender.store import create_engine


def create_app(settings: Settings, catalogue: Catalogue | None = None) -> FastAPI:
    """Build the API; the catalogue is read from the store at start-up unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        loaded = catalogue or Catalogue.from_store(engine)
        app.state.catalogue = loaded
        # Indexes built once here; routes only read them.
        recommender = Engine(loaded, MatchingModel.load(settings.model_path))
        app.state.recommender = recommender
        app.state.places = recommender.places
        app.state.browse_index = recommender.browse
        app.state.advisor = RetrainingAdvisor(recommender).warm()
        yield
        engine.dispose()

    app = FastAPI(
        title="Moteur d'orientation — API",
        summary="Formations et offres de stage ou d'alternance adaptées à un profil.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    # Read-only catalogue endpoints.
    app.include_router(formations.router)
    app.include_router(offers.router)
    app.include_router(places.router)
    app.include_router(campuses.router)
    # Recommendations: a profile in, ranked and explained formations and offers out.
    app.include_router(recommendations.router)
    # Adults in retraining: current job in, target jobs and routes (VAE, training, contract).
    app.include_router(reconversion.router)
    return app
