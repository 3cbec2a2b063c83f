"""HTTP API on a tiny catalogue loaded into a real SQLite store."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from recommender.catalogue import load_catalogue
from recommender.settings import Settings
from recommender.store import create_engine


def test_health_reports_catalogue_counts(tmp_path: Path, tiny_bundle: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.sqlite'}", data_dir=tiny_bundle)
    load_catalogue(create_engine(settings.database_url), tiny_bundle, settings.campuses_path)
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["catalogue"]["formations"] == 3
    assert body["catalogue"]["formations_by_voie"] == {
        "scolaire": 2,
        "apprentissage": 1,
        "formation_continue": 0,
    }
    assert body["catalogue"]["campuses"] == 1
    assert body["checksum"]


def test_openapi_is_served(tmp_path: Path, tiny_bundle: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.sqlite'}", data_dir=tiny_bundle)
    load_catalogue(create_engine(settings.database_url), tiny_bundle, settings.campuses_path)
    with TestClient(create_app(settings)) as client:
        schema = client.get("/openapi.json").json()
    assert "/health" in schema["paths"]
