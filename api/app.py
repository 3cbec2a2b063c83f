"""The FastAPI application: ``create_app(settings)`` builds it, nothing happens at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.errors import JSONResponse, install_error_handlers
from api.privacy import drop_query_strings_from_access_logs
from api.routes import (
    admin,
    campuses,
    classes,
    counsellor,
    feedback,
    formations,
    health,
    offers,
    places,
    recommendations,
    reconversion,
    widget,
)
from api.security import install_security
from api.serving import serve
from recommender.catalogue import Catalogue
from recommender.feedback import purge_events, upgrade_schema
from recommender.settings import Settings
from recommender.store import create_engine, create_schema


def create_app(settings: Settings, catalogue: Catalogue | None = None) -> FastAPI:
    """Build the API; the catalogue is read from the store at start-up unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url)
        create_schema(engine)  # tables added since the last load (query counts, feedback)
        upgrade_schema(engine)
        purge_events(engine, settings.feedback_retention_days)
        app.state.engine = engine
        # Indexes built once here (and on an admin reload); routes only read them.
        serve(app, catalogue or Catalogue.from_store(engine), settings)
        yield
        engine.dispose()

    app = FastAPI(
        title="Moteur d'orientation — API",
        summary="Formations et offres de stage ou d'alternance adaptées à un profil.",
        version="0.1.0",
        lifespan=lifespan,
        default_response_class=JSONResponse,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_security(app, settings)
    drop_query_strings_from_access_logs()  # autocomplete queries hold what people type
    app.include_router(health.router)
    # Write and admin endpoints: an API key is required (api/security.py).
    app.include_router(admin.router)
    # Feedback on suggestions (pseudonymous, nothing about the person).
    app.include_router(feedback.router)
    # Read-only catalogue endpoints.
    app.include_router(formations.router)
    app.include_router(offers.router)
    app.include_router(places.router)
    app.include_router(campuses.router)
    # Recommendations: a profile in, ranked and explained formations and offers out.
    app.include_router(recommendations.router)
    # Adults in retraining: current job in, target jobs and routes (VAE, training, contract).
    app.include_router(reconversion.router)
    # Counsellors: a whole class in, each pupil's suggestions out (JSON, CSV, print, PDF),
    # and the workspace page that uses them.
    app.include_router(classes.router)
    app.include_router(counsellor.router)
    # The pupils' widget (page, embed script, demo) and the static files of every page.
    app.include_router(widget.router)
    app.mount("/static", StaticFiles(directory=widget.STATIC), name="static")
    return app


def from_settings() -> FastAPI:
    """The app from the environment's settings (``uvicorn --factory``, several workers)."""
    return create_app(Settings())
