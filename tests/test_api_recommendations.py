"""Recommendation endpoints over HTTP, on the real catalogue loaded into SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from recommender.catalogue import load_catalogue
from recommender.settings import Settings
from recommender.store import create_engine
from tests.conftest import BUNDLED

PLASTICS = {"level": "3e", "interests": ["plasturgie"], "place": "Saint-Quentin", "radius_km": 50}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("reco") / "reco.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}")
    load_catalogue(create_engine(settings.database_url), BUNDLED, settings.campuses_path)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_recommendations_for_a_pupil_who_likes_plastics(client: TestClient) -> None:
    response = client.post("/v1/recommendations", json={**PLASTICS, "k": 5})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["understood"]["level_code"] == "3e"
    assert body["understood"]["place"]["insee"] == "02691"
    assert body["understood"]["jobs"][0]["code_rome"] == "H3201"
    first = body["formations"][0]
    assert "plast" in first["formation"]["certification"]["label"].lower()
    assert first["formation"]["uai"] and first["formation"]["cert_id"]
    assert any("de Saint-Quentin" in r["text"] for r in first["reasons"])
    assert set(first["sub_scores"]) >= {"interest", "level", "distance"}


def test_why_not_over_http(client: TestClient) -> None:
    listing = client.get(
        "/v1/formations", params={"near": "Saint-Quentin", "radius_km": 30, "level": 5, "limit": 1}
    ).json()
    formation_id = listing["items"][0]["formation_id"]
    response = client.post(
        "/v1/recommendations/why-not", json={**PLASTICS, "formation_id": formation_id}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["excluded"] is True
    assert any("demande" in r["text"] for r in body["reasons"])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"level": "bac+9"}, "level"),
        ({"level": "3e", "voies": ["avion"]}, "voies.0"),
        ({"level": "3e", "radius_km": 900}, "radius_km"),
        ({"level": "3e", "place": "Xyzzyville"}, "place"),
        ({"level": "3e", "colour": "bleu"}, "colour"),
    ],
)
def test_bad_profiles_get_a_4xx_naming_the_field(
    client: TestClient, payload: dict[str, object], field: str
) -> None:
    response = client.post("/v1/recommendations", json=payload)
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    fields = [body.get("field")] + [e.get("field") for e in body.get("errors", [])]
    assert field in fields, body


def test_unknown_formation_in_why_not_is_a_404(client: TestClient) -> None:
    response = client.post(
        "/v1/recommendations/why-not", json={**PLASTICS, "formation_id": "0000000A-XXXX-scolaire"}
    )
    assert response.status_code == 404


def test_job_autocomplete(client: TestClient) -> None:
    body = client.get("/v1/jobs", params={"q": "soud"}).json()
    assert body["jobs"]
    assert body["jobs"][0]["label"].lower().startswith("soud")
