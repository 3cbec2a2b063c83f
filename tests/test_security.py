"""Access rules (api/security.py) on a real app over the tiny catalogue in SQLite:
API keys, origins, rate limits, body size, security headers, and the admin reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from recommender.api_keys import hash_key, key_names, new_key
from recommender.catalogue import load_catalogue
from recommender.settings import Settings
from recommender.store import create_engine

KEY, ENTRY = new_key("carif-test")
PROFILE = {"level": "3e", "interests": ["plasturgie"], "place": "Saint-Quentin"}


def _settings(tmp_path: Path, bundle: Path, **changes: object) -> Settings:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.sqlite'}",
        data_dir=bundle,
        api_keys=[ENTRY],
        cors_origins=["https://www.lycee-exemple.fr"],
        **changes,  # type: ignore[arg-type]
    )
    load_catalogue(create_engine(settings.database_url), bundle, settings.campuses_path)
    return settings


@pytest.fixture
def client(tmp_path: Path, tiny_bundle: Path) -> Iterator[TestClient]:
    with TestClient(create_app(_settings(tmp_path, tiny_bundle))) as client:
        yield client


def test_keys_are_kept_as_digests_only() -> None:
    name, digest = ENTRY.split(":")
    assert name == "carif-test" and KEY not in ENTRY
    assert digest == hash_key(KEY) and len(digest) == 64
    assert key_names([ENTRY]) == {digest: "carif-test"}
    with pytest.raises(ValueError, match="invalide"):
        new_key("nom avec espaces")
    with pytest.raises(ValueError, match="nom:sha256-hex"):
        key_names(["carif-test:abc"])


def test_admin_endpoints_need_a_known_key(client: TestClient) -> None:
    missing = client.post("/v1/admin/reload")
    assert missing.status_code == 401
    assert missing.json()["message"].startswith("clé d'API requise")
    assert missing.headers["www-authenticate"] == "ApiKey"
    wrong = client.post("/v1/admin/reload", headers={"X-Api-Key": "devine"})
    assert wrong.status_code == 403
    assert wrong.json() == {"error": "AccessDenied", "message": "clé d'API inconnue ou révoquée"}
    ok = client.post("/v1/admin/reload", headers={"X-Api-Key": KEY})
    assert ok.status_code == 200, ok.text
    assert ok.json()["caller"] == "carif-test"
    bearer = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {KEY}"})
    assert bearer.status_code == 200
    assert client.get("/v1/admin/usage").status_code == 401
    client.post("/v1/recommendations", json=PROFILE, headers={"X-Orientation-Partner": "lycee-x"})
    usage = client.get("/v1/admin/usage", headers={"X-Api-Key": KEY}).json()
    assert {(row["partner"], row["endpoint"]) for row in usage} == {("lycee-x", "recommendations")}
    # Read endpoints stay open.
    assert client.get("/v1/places", params={"q": "saint"}).status_code == 200


def test_a_browser_on_another_site_is_refused_and_an_allowed_one_gets_cors(
    client: TestClient,
) -> None:
    evil = client.get(
        "/v1/places", params={"q": "saint"}, headers={"Origin": "https://evil.example"}
    )
    assert evil.status_code == 403
    assert evil.json()["error"] == "OriginNotAllowed"
    assert "access-control-allow-origin" not in evil.headers
    school = "https://www.lycee-exemple.fr"
    allowed = client.get("/v1/places", params={"q": "saint"}, headers={"Origin": school})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == school
    preflight = client.options(
        "/v1/recommendations",
        headers={
            "Origin": school,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == school
    # The API's own pages (the widget it serves) call it from its own origin.
    own = client.get("/v1/places", params={"q": "saint"}, headers={"Origin": "http://testserver"})
    assert own.status_code == 200


def test_past_the_rate_an_address_gets_429_with_retry_after(
    tmp_path: Path, tiny_bundle: Path
) -> None:
    settings = _settings(tmp_path, tiny_bundle, rate_limit_per_ip=3, rate_limit_per_key=5)
    with TestClient(create_app(settings)) as client:
        codes = [client.get("/health").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = client.get("/health")
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert limited.json()["message"].startswith("trop de requêtes")
        # A key has its own, larger, budget.
        keyed = [
            client.post("/v1/admin/reload", headers={"X-Api-Key": KEY}).status_code
            for _ in range(6)
        ]
        assert keyed == [200] * 5 + [429]


def test_an_oversized_body_is_refused_whether_announced_or_streamed(
    tmp_path: Path, tiny_bundle: Path
) -> None:
    settings = _settings(tmp_path, tiny_bundle, max_body_bytes=4096)
    with TestClient(create_app(settings)) as client:
        big = {**PROFILE, "interests": ["x" * 5000]}
        announced = client.post("/v1/recommendations", json=big)
        assert announced.status_code == 413
        assert announced.json()["error"] == "BodyTooLarge"

        def chunks() -> Iterator[bytes]:
            yield b'{"level": "3e", "interests": ["'
            yield b"y" * 5000
            yield b'"]}'

        streamed = client.post(
            "/v1/recommendations", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413


def test_answers_carry_security_headers_and_pages_a_strict_csp(client: TestClient) -> None:
    data = client.get("/health")
    assert data.headers["x-content-type-options"] == "nosniff"
    assert data.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = client.get("/widget/")
    assert page.status_code == 200
    policy = dict(
        part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";")
    )
    assert policy["script-src"] == "'self'"  # no inline script can run
    assert policy["frame-ancestors"] == "*"  # any school site may embed the widget
    assert page.headers["x-content-type-options"] == "nosniff"


def test_a_failed_reload_keeps_the_previous_catalogue_serving(client: TestClient) -> None:
    before = client.get("/health").json()["catalogue"]["formations"]
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:  # a table lost: the store would serve nothing
        connection.execute(sa.text("DELETE FROM formations"))
    emptied = client.post("/v1/admin/reload", headers={"X-Api-Key": KEY})
    assert emptied.status_code == 503
    assert "aucune formation" in emptied.json()["message"]
    path = Path(engine.url.database)
    path.write_bytes(b"not a database" * 100)  # the store itself broken
    engine.dispose()
    broken = client.post("/v1/admin/reload", headers={"X-Api-Key": KEY})
    assert broken.status_code == 503
    assert "le catalogue précédent reste servi" in broken.json()["message"]
    assert client.get("/health").json()["catalogue"]["formations"] == before
    assert client.post("/v1/recommendations", json=PROFILE).status_code == 200


def test_malformed_or_wrongly_encoded_bodies_get_a_clear_4xx(client: TestClient) -> None:
    json_type = {"Content-Type": "application/json"}
    cp1252 = '{"level": "3e", "place": "Quimperlé"}'.encode("cp1252")
    encoded = client.post("/v1/recommendations", content=cp1252, headers=json_type)
    assert encoded.status_code == 400
    assert encoded.json()["message"] == (
        "corps de requête illisible : du JSON encodé en UTF-8 est attendu"
    )
    cut = client.post("/v1/recommendations", content=b'{"level": "3e", "in', headers=json_type)
    assert cut.status_code == 422 and "JSON invalide" in cut.json()["message"]
    hostile = {"level": "3e", "place": "<img src=x onerror=alert(1)>"}
    answer = client.post("/v1/recommendations", json=hostile)
    assert answer.status_code == 422
    assert "<img" not in answer.text and "<img" in answer.json()["message"]
    unknown = client.get("/v1/nulle-part")
    assert unknown.status_code == 404 and unknown.json()["error"] == "HTTPError"


def test_imports_over_http_need_a_key_and_go_live_at_once(client: TestClient) -> None:
    feed = (
        "id;title;level;rome_codes;provider_name;insee;start_date\n"
        "S1;Conducteur de machines plastiques;3;H3202;GRETA de l'Aisne;02691;2027-03-01\n"
        "S2;Session sans date;3;H3202;GRETA de l'Aisne;02691;\n"
    ).encode("cp1252")
    url = "/v1/admin/imports/sessions?source=carif-test&format=csv"
    assert client.post(url, content=feed).status_code == 401
    before = client.get("/health").json()["catalogue"]
    assert before["sessions"] == 0
    imported = client.post(url, content=feed, headers={"X-Api-Key": KEY})
    assert imported.status_code == 200, imported.text
    answer = imported.json()
    assert (answer["source"], answer["imported"], answer["served"]) == ("carif-test", 1, True)
    assert [(r["line"], r["field"]) for r in answer["rejected"]] == [(3, "start_date")]
    after = client.get("/health").json()["catalogue"]
    assert after["sessions"] == 1  # served at once, without a restart
    assert after["formations_by_voie"]["formation_continue"] == 1
    broken = client.post(
        "/v1/admin/imports/offers?source=cfa-test&format=csv",
        content=b"offer_id;title\n1;Soudeur\n",
        headers={"X-Api-Key": KEY},
    )
    assert broken.status_code == 422
    assert client.get("/health").json()["catalogue"]["offers"] == before["offers"]
    bad_source = client.post(
        "/v1/admin/imports/offers?source=../etc&format=csv", headers={"X-Api-Key": KEY}
    )
    assert bad_source.status_code == 422
