"""The FastAPI application: ``create_app(settings)`` builds it, nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routes import health
from recommender.catalogue import Catalogue
from recommender.settings import Settings
from recommender.store import create_engine


def create_app(settings: Settings, catalogue: Catalogue | None = None) -> FastAPI:
    """Build the API; the catalogue is read from the store at start-up unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        app.state.engine = engine
        app.state.catalogue = catalogue or Catalogue.from_store(engine)
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
    return app
