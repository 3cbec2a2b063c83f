"""The counsellor workspace over HTTP, on the real catalogue loaded into SQLite."""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.app import create_app
from recommender.catalogue import load_catalogue
from recommender.class_exports import CSV_COLUMNS
from recommender.classroom import MAX_PUPILS
from recommender.settings import Settings
from recommender.store import create_engine
from tests.conftest import BUNDLED, PROJECT

# As Excel saves a CSV on a French Windows: Windows-1252 and « ; ».
CLASS = (
    "identifiant;niveau;centres_interet;commune;rayon_km\r\n"
    "Léa;3e;plasturgie;Saint-Quentin;30\r\n"
    "Inès;3e;cuisine|pâtisserie;Laon;30\r\n"
    "Max;bac+9;soudure;Chauny;30\r\n"
    "Zoé;3e;soudure;Xyzzyville;30\r\n"
    "Noé;3e;;Soissons;30\r\n"
    ";seconde pro;vente;Amiens;20\r\n"
).encode("cp1252")
CSV_HEADERS = {"content-type": "text/csv"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("classes") / "classes.sqlite"
    settings = Settings(database_url=f"sqlite:///{path}")
    load_catalogue(create_engine(settings.database_url), BUNDLED, settings.campuses_path)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def answer(client: TestClient) -> dict[str, Any]:
    response = client.post("/v1/classes", params={"k": 4}, content=CLASS, headers=CSV_HEADERS)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def _export(client: TestClient, output: str) -> bytes:
    response = client.post(
        "/v1/classes/export", params={"format": output, "k": 4}, content=CLASS, headers=CSV_HEADERS
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.content


def _words(text: str) -> str:
    return " ".join(text.split())


def test_valid_rows_get_suggestions_and_bad_rows_their_line_and_reason(
    answer: dict[str, Any],
) -> None:
    assert (answer["k"], answer["lines"]) == (4, 6)
    assert [(p["line"], p["name"]) for p in answer["pupils"]] == [
        (2, "Léa"),
        (3, "Inès"),  # read as Windows-1252
        (7, "Élève 6"),
    ]
    for pupil in answer["pupils"]:
        assert len(pupil["formations"]) == 4
        assert all(f["reasons"] for f in pupil["formations"])
    lea, ines, _ = answer["pupils"]
    top = lea["formations"][0]
    assert "plast" in top["formation"]["certification"]["label"].lower()
    assert any("de Saint-Quentin" in r["text"] for r in top["reasons"])
    assert {"label": "Centres d'intérêt", "text": "cuisine, pâtisserie"} in ines["understood"]
    assert [(r["line"], r["name"], r["field"]) for r in answer["rejected"]] == [
        (4, "Max", "niveau"),
        (5, "Zoé", "commune"),
        (6, "Noé", "centres_interet"),
    ]
    reasons = [r["reason"] for r in answer["rejected"]]
    assert reasons[0].startswith("niveau inconnu « bac+9 »")
    assert reasons[1] == "aucune commune ne correspond à « Xyzzyville »"
    assert reasons[2].startswith("centres d'intérêt manquants")
    assert answer["vintages"]["built_on"]
    assert any(line.endswith(": 2020") for line in answer["vintages"]["sources"])


def test_csv_export_opens_in_excel_with_the_expected_columns(
    client: TestClient,
    answer: dict[str, Any],
) -> None:
    data = _export(client, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["identifiant"] for r in rows] == ["Léa"] * 4 + ["Inès"] * 4 + ["Élève 6"] * 4 + [
        "Max",
        "Zoé",
        "Noé",
    ]
    first = rows[0]
    top = answer["pupils"][0]["formations"][0]
    assert first["formation"] == top["formation"]["label"]
    assert first["établissement"] == top["formation"]["establishment"]["name"]
    assert first["distance (km)"] == f"{top['distance_km']:.1f}".replace(".", ",")
    assert first["raisons"].split(" ; ")[0] == top["reasons"][0]["text"]
    assert rows[-2]["raisons"] == (
        "ligne écartée : colonne « commune » : aucune commune ne correspond à « Xyzzyville »"
    )


def test_pdf_has_one_page_per_valid_pupil_with_their_top_suggestion(
    client: TestClient,
    answer: dict[str, Any],
) -> None:
    data = _export(client, "pdf")
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(answer["pupils"]) == 3
    names = [pupil["name"] for pupil in answer["pupils"]]
    for page, pupil in zip(reader.pages, answer["pupils"], strict=True):
        text = _words(page.extract_text())
        assert f"Fiche de pistes — {pupil['name']}" in text
        assert _words(pupil["formations"][0]["formation"]["label"]) in text
        assert "Sources et millésimes des données" in text
        assert not [other for other in names if other != pupil["name"] and f"— {other}" in text]


class _Sheets(HTMLParser):
    """Counts the print view's sheets and collects its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.sheets = 0
        self.headings: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section" and ("class", "fiche") in attrs:
            self.sheets += 1
        self._in_h1 = tag == "h1"

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.headings.append(data)
            self._in_h1 = False


def test_print_view_has_one_sheet_per_pupil_and_the_vintages(
    client: TestClient,
    answer: dict[str, Any],
) -> None:
    response = client.post(
        "/v1/classes/export", params={"format": "html"}, content=CLASS, headers=CSV_HEADERS
    )
    assert response.headers["content-type"].startswith("text/html")
    assert "script-src 'unsafe-hashes' 'sha256-" in response.headers["content-security-policy"]
    page = response.text
    sheets = _Sheets()
    sheets.feed(page)
    assert sheets.sheets == 3
    assert sheets.headings == [f"Fiche de pistes — {p['name']}" for p in answer["pupils"]]
    for line in answer["vintages"]["sources"]:
        assert page.count(line.replace("'", "&#x27;")) == 3
    built_on = "/".join(reversed(answer["vintages"]["built_on"].split("-")))
    assert page.count(f"Données assemblées le {built_on}") == 3
    assert "Lignes non traitées" in page


def test_an_oversized_class_is_refused_with_a_clear_message(client: TestClient) -> None:
    rows = "".join(f"Élève{n};3e;soudure;Laon;30\n" for n in range(MAX_PUPILS + 1))
    body = f"identifiant;niveau;centres_interet;commune;rayon_km\n{rows}".encode()
    response = client.post("/v1/classes", content=body, headers=CSV_HEADERS)
    assert response.status_code == 413
    assert response.json() == {
        "error": "ClassTooLarge",
        "message": f"{MAX_PUPILS + 1} élèves dans le fichier : {MAX_PUPILS} au plus par envoi ; "
        "découpez la classe en plusieurs fichiers",
    }
    huge = client.post("/v1/classes/export?format=pdf", content=b"x" * 600_000, headers=CSV_HEADERS)
    assert huge.status_code == 413 and "ko" in huge.json()["message"]


def test_an_unreadable_file_or_a_form_is_a_422_saying_why(client: TestClient) -> None:
    response = client.post(
        "/v1/classes", content=b"nom_complet;niveau\nx;3e\n", headers=CSV_HEADERS
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "ClassFileError"
    assert {"line": 1, "field": "nom_complet"}.items() <= body["problems"][0].items()
    assert "colonne « nom_complet »" in body["message"]
    form = client.post("/v1/classes", files={"fichier": ("classe.csv", CLASS, "text/csv")})
    assert form.status_code == 422 and "Content-Type: text/csv" in form.json()["message"]
    bad_format = client.post(
        "/v1/classes/export", params={"format": "docx"}, content=CLASS, headers=CSV_HEADERS
    )
    assert bad_format.status_code == 422 and bad_format.json()["errors"][0]["field"] == "format"


def test_no_pupil_profile_reaches_the_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = "niveau;centres_interet;commune;identifiant\n3e;soudure;Laon;Zéphyrine\n".encode()
    assert client.post("/v1/classes", content=body, headers=CSV_HEADERS).status_code == 200
    assert client.post(
        "/v1/classes/export?format=pdf", content=body, headers=CSV_HEADERS
    ).is_success
    assert "Zéphyrine" not in caplog.text and "soudure" not in caplog.text


def test_the_example_class_of_the_docs_runs_clean(client: TestClient) -> None:
    example = (PROJECT / "docs" / "exemple_classe.csv").read_bytes()
    body = client.post("/v1/classes", content=example, headers=CSV_HEADERS).json()
    assert body["rejected"] == []
    assert len(body["pupils"]) == body["lines"] == 15
    assert all(len(p["formations"]) == 5 for p in body["pupils"])
    # the page offers the same file for download
    served = client.get("/conseiller/exemple_classe.csv")
    assert served.status_code == 200 and served.content == example


def test_class_routes_are_documented_with_a_csv_example(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/classes", "/v1/classes/export"):
        operation = paths[path]["post"]
        assert operation["summary"] and operation["description"]
        example = operation["requestBody"]["content"]["text/csv"]["examples"]["classe"]["value"]
        assert example.startswith("identifiant;niveau;centres_interet;commune")
        for parameter in operation["parameters"]:
            assert parameter["schema"].get("examples") or parameter.get("examples"), parameter
    assert "application/pdf" in paths["/v1/classes/export"]["post"]["responses"]["200"]["content"]


class _Page(HTMLParser):
    """The ids, labels and links of the workspace page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.labelled: set[str] = set()
        self.controls: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in ("input", "select") and found.get("type") != "radio":
            self.controls.append(str(found.get("id")))
        for name in ("href", "src"):
            value = found.get(name)
            if value and value.startswith("/") and tag in ("link", "script", "a"):
                self.links.append(value)


def test_the_workspace_page_is_served_with_stable_ids_and_labels(client: TestClient) -> None:
    assert client.get("/conseiller", follow_redirects=False).headers["location"] == "/conseiller/"
    response = client.get("/conseiller/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = _Page()
    page.feed(response.text)
    expected = {"class-file", "source-file", "source-table", "k", "run", "results", "rejected"}
    expected |= {"download-csv", "open-print", "download-pdf", "pupils", "vintages-list"}
    assert expected <= page.ids
    assert set(page.controls) <= page.labelled  # every field has its label
    assert "/static/vendor/dsfr/dsfr.min.css" in page.links
    for link in page.links:
        if link != "/docs":
            assert client.get(link).status_code == 200, link
    script = client.get("/conseiller/conseiller.js").text
    for used in re.findall(r'\$\("([a-z0-9-]+)"\)', script):
        assert used in page.ids, used  # the script drives only elements the page has
    assert client.get("/conseiller/secret.py").status_code == 404
