"""The widget's routes, its static files, and the partner attribution of queries (no browser:
tests/browser/ drives the widget in Chromium)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.privacy import DropQueryStrings
from api.routes.widget import STATIC, WIDGET
from recommender.catalogue import load_catalogue
from recommender.levels import parse_level
from recommender.settings import Settings
from recommender.store import create_engine, read_query_counts

VENDOR = STATIC / "vendor" / "dsfr"
PROFILE = {"level": "3e", "interests": ["plasturgie"], "place": "Saint-Quentin", "k": 2}


@pytest.fixture
def settings(tmp_path: Path, tiny_bundle: Path) -> Settings:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.sqlite'}", data_dir=tiny_bundle)
    load_catalogue(create_engine(settings.database_url), tiny_bundle, settings.campuses_path)
    return settings


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


class _Page(HTMLParser):
    """The attributes of every tag of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Page()
    parser.feed(html)
    return parser.tags


def test_the_widget_page_is_french_and_embeddable_anywhere(client: TestClient) -> None:
    response = client.get("/widget/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr"' in response.text
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors *" in policy
    assert "default-src 'self'" in policy


def test_every_file_the_widget_page_loads_is_served_locally(client: TestClient) -> None:
    page = client.get("/widget/").text
    references = [
        attributes.get("href") or attributes.get("src")
        for tag, attributes in _tags(page)
        if tag in ("link", "script") and (attributes.get("href") or attributes.get("src"))
    ]
    local = [ref for ref in references if ref and not ref.startswith("data:")]
    assert len(local) == 6
    for reference in local:
        assert reference.startswith("../static/"), reference
        response = client.get(f"/widget/{reference}")
        assert response.status_code == 200, reference


def test_vendored_css_refers_only_to_files_that_exist() -> None:
    for sheet in ("dsfr.min.css", "icons.min.css"):
        text = (VENDOR / sheet).read_text(encoding="utf-8")
        for url in re.findall(r"url\(\"?([^\")]+)\"?\)", text):
            if url.startswith("data:") or url.endswith(".woff"):  # woff2 comes first
                continue
            assert (VENDOR / url).is_file(), f"{sheet} → {url}"


def test_every_icon_the_widget_uses_is_vendored() -> None:
    vendored = (VENDOR / "icons.min.css").read_text(encoding="utf-8")
    sources = "".join(path.read_text(encoding="utf-8") for path in WIDGET.glob("*.*"))
    used = set(re.findall(r"fr-icon-([a-z0-9-]+)", sources)) - {"-sm"}
    used |= {name for name in re.findall(r'icon\("([a-z0-9-]+)"\)', sources)}
    assert used, "the widget uses DSFR icons"
    missing = {name for name in used if f".fr-icon-{name}::before" not in vendored}
    assert missing == set(), "add them to ICONS in scripts/vendor_dsfr.sh"


def test_every_level_of_the_form_is_understood_by_the_engine() -> None:
    page = (WIDGET / "index.html").read_text(encoding="utf-8")
    select = page.split('id="level"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert len(values) > 15
    assert [value for value in values[1:] if parse_level(value).code != value] == []


def test_every_diploma_of_the_adult_form_is_understood_by_the_engine() -> None:
    page = (WIDGET / "index.html").read_text(encoding="utf-8")
    select = page.split('id="diploma"', 1)[1].split("</select>", 1)[0]
    values = re.findall(r'<option value="([^"]*)"', select)
    assert len(values) > 15
    standings = [parse_level(value) for value in values[1:]]
    assert [standing.code for standing in standings] == values[1:]
    assert not [standing.code for standing in standings if standing.is_pupil]


def test_widget_without_slash_redirects_and_keeps_the_query(client: TestClient) -> None:
    response = client.get("/widget?campus=plasturgie-test&partner=lycee-a", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/widget/?campus=plasturgie-test&partner=lycee-a"


def test_embed_script_is_javascript(client: TestClient) -> None:
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "orientation-widget:height" in response.text


def test_demo_page_shows_both_snippets_for_this_host(client: TestClient) -> None:
    response = client.get(
        "/widget/demo", params={"campus": "plasturgie-test", "partner": "lycee-a"}
    )
    assert response.status_code == 200
    page = response.text
    assert (
        "&lt;script src=&quot;http://testserver/widget.js&quot; data-campus=&quot;"
        "plasturgie-test&quot; data-partner=&quot;lycee-a&quot; async&gt;&lt;/script&gt;" in page
    )
    assert "http://testserver/widget/?campus=plasturgie-test&amp;amp;partner=lycee-a" not in page
    assert "http://testserver/widget/?campus=plasturgie-test&amp;partner=lycee-a" in page
    scripts = [attrs for tag, attrs in _tags(page) if tag == "script"]
    assert scripts == [
        {
            "src": "http://testserver/widget.js",
            "data-campus": "plasturgie-test",
            "data-partner": "lycee-a",
            "async": None,
        }
    ]


def test_demo_page_refuses_a_bad_partner_in_french(client: TestClient) -> None:
    response = client.get("/widget/demo", params={"partner": "Mon Collège"})
    assert response.status_code == 422
    assert "identifiant de partenaire" in response.json()["message"]


def test_interest_categories_are_listed(client: TestClient) -> None:
    response = client.get("/v1/interests")
    assert response.status_code == 200
    assert response.json() == [{"code": "1", "label": "J'ai envie de créer, construire, rénover"}]


def test_each_query_is_counted_for_its_partner_and_campus(
    client: TestClient, settings: Settings
) -> None:
    headers = {"X-Orientation-Partner": "lycee-a", "X-Orientation-Campus": "plasturgie-test"}
    assert client.post("/v1/recommendations", json=PROFILE, headers=headers).status_code == 200
    assert client.post("/v1/recommendations", json=PROFILE).status_code == 200
    formation_id = "0020079A-40025005-scolaire"
    why_not = {
        **{key: value for key, value in PROFILE.items() if key != "k"},
        "campus": "plasturgie-test",
        "formation_id": formation_id,
    }
    assert (
        client.post(
            "/v1/recommendations/why-not",
            json=why_not,
            headers={"X-Orientation-Partner": "lycee-a"},
        ).status_code
        == 200
    )
    assert client.get(f"/v1/formations/{formation_id}", headers=headers).status_code == 200
    # Failed queries and autocomplete are not counted.
    assert client.post("/v1/recommendations", json={"level": "bac+9"}, headers=headers).is_error
    assert client.get("/v1/jobs", params={"q": "plast"}, headers=headers).status_code == 200
    counts = {
        (row.partner, row.campus, row.endpoint): row.count
        for row in read_query_counts(create_engine(settings.database_url))
    }
    assert counts == {
        ("lycee-a", "plasturgie-test", "recommendations"): 1,
        (None, None, "recommendations"): 1,
        ("lycee-a", "plasturgie-test", "why_not"): 1,
        ("lycee-a", "plasturgie-test", "formation"): 1,
    }


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Orientation-Partner", "Mon College"),
        ("X-Orientation-Partner", "x"),
        ("X-Orientation-Partner", "a" * 41),
        ("X-Orientation-Campus", "Campus!"),
    ],
)
def test_a_bad_partner_or_campus_header_is_a_french_422(
    client: TestClient, settings: Settings, header: str, value: str
) -> None:
    response = client.post("/v1/recommendations", json=PROFILE, headers={header: value})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == header
    assert "format invalide" in body["message"]
    assert read_query_counts(create_engine(settings.database_url)) == []


def test_access_logs_never_hold_what_people_type() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/places?q=saint-quen&limit=8", "1.1", 200),
        None,
    )
    assert DropQueryStrings().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /v1/places HTTP/1.1" 200'


def test_the_app_installs_the_access_log_filter(settings: Settings) -> None:
    create_app(settings)
    filters = logging.getLogger("uvicorn.access").filters
    assert sum(isinstance(f, DropQueryStrings) for f in filters) == 1
