"""Serve the API: ``python -m api`` (host and port from the settings)."""

from __future__ import annotations

import sys

import uvicorn

from api.app import create_app
from recommender.errors import CatalogueNotLoaded
from recommender.settings import Settings
from recommender.store import create_engine, loaded_checksum


def main() -> int:
    settings = Settings()
    if loaded_checksum(create_engine(settings.database_url)) is None:
        print(
            str(CatalogueNotLoaded("aucun catalogue chargé : lancez `python -m recommender load`")),
            file=sys.stderr,
        )
        return 1
    if settings.workers > 1:  # each worker process builds its own app from the settings
        uvicorn.run(
            "api.app:from_settings",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="warning",
        )
    else:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
