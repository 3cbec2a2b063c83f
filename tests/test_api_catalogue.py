"""The read-only catalogue endpoints over HTTP: the tiny catalogue, then the real bundled one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from api.app import create_app
from api.errors import install_error_handlers
from api.schemas.common import OfferKind, Voie
from recommender import store
from recommender.catalogue import load_catalogue
from recommender.schema import OFFER_KINDS, VOIES
from recommender.settings import Settings
from tests.conftest import BUNDLED, tiny_tables, write_bundle
from tests.test_browse import tiny_offers

CATALOGUE_PATHS = ("/v1/formations", "/v1/offers", "/v1/places", "/v1/campuses")


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The API over the tiny catalogue and two offers, in a real SQLite store."""
    folder = tmp_path_factory.mktemp("tiny")
    bundle = write_bundle(folder / "bundle", tiny_tables())
    settings = Settings(database_url=f"sqlite:///{folder / 'api.sqlite'}", data_dir=bundle)
    engine = store.create_engine(settings.database_url)
    load_catalogue(engine, bundle, settings.campuses_path)
    offers = tiny_offers()
    for source, group in offers.groupby("source"):
        store.replace_offers(engine, group, source=str(source))
    engine.dispose()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def get(client: TestClient, path: str, status: int = 200, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    return response.json()


def test_formations_list_with_identifiers_and_nested_facts(client: TestClient) -> None:
    body = get(client, "/v1/formations")
    assert (body["total"], body["limit"], body["offset"]) == (3, 20, 0)
    first = body["items"][0]
    assert first["formation_id"] == "0020079A-40025005-apprentissage"
    assert (first["uai"], first["cert_id"], first["cfd"], first["rncp"]) == (
        "0020079A",
        "40025005",
        "40025005",
        "RNCP35474",
    )
    assert (first["insee"], first["latitude"], first["longitude"]) == ("02691", 49.85, 3.29)
    assert first["establishment"]["name"] == "Lycée Condorcet"
    assert first["certification"]["type"] == "BAC PRO"
    assert first["vintage"] == "2020" and "2020" in first["vintage_note"]


def test_formations_filters_combine(client: TestClient) -> None:
    body = get(client, "/v1/formations", voie=["scolaire", "apprentissage"], level=4, q="plast")
    assert body["total"] == 2
    body = get(client, "/v1/formations", code_rome="h3201", voie="scolaire")  # case forgiven
    assert [i["formation_id"] for i in body["items"]] == ["0020079A-40025005-scolaire"]
    body = get(client, "/v1/formations", campus="plasturgie-test", departement="02")
    assert body["total"] == 2


def test_formations_near_a_place_come_nearest_first(client: TestClient) -> None:
    body = get(client, "/v1/formations", near="Amiens", radius_km=300)
    assert body["near"] == {"insee": "80021", "name": "Amiens", "radius_km": 300.0}
    assert [i["distance_km"] for i in body["items"]] == [0.0, 71.4, 71.4]  # Amiens, then Condorcet
    assert get(client, "/v1/formations", near="02100", radius_km=5)["total"] == 2


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"offset": -1}, "offset", "supérieur ou égal à 0"),
        ({"limit": 10000}, "limit", "inférieur ou égal à 100"),
        ({"limit": "dix"}, "limit", "nombre entier attendu"),
        ({"voie": "avion"}, "voie.0", "scolaire, apprentissage, formation_continue"),
        ({"level": 12}, "level.0", "inférieur ou égal à 8"),
        ({"level": "bac"}, "level.0", "nombre entier attendu"),
        ({"radius_km": -5, "near": "Amiens"}, "radius_km", "strictement supérieur à 0"),
        ({"radius_km": "nan", "near": "Amiens"}, "radius_km", "reçu"),
        ({"uai": "lycée"}, "uai", "7 chiffres et une lettre"),
        ({"departement": "Aisne"}, "departement", "2 chiffres"),
        ({"q": "x" * 101}, "q", "au plus 100 caractère(s)"),
        ({"levle": 3}, "levle", "paramètre inconnu"),
    ],
)
def test_bad_formation_parameters_get_a_french_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str, words: str
) -> None:
    body = get(client, "/v1/formations", 422, **params)
    assert body["error"] == "RequestValidationError"
    [problem] = body["errors"]
    assert problem["field"] == field
    assert words in problem["message"]
    assert body["message"].startswith("requête invalide — ")
    assert field in body["message"]


def test_a_literal_error_lists_the_allowed_values(client: TestClient) -> None:
    [problem] = get(client, "/v1/formations", 422, voie="avion")["errors"]
    assert problem["allowed"] == list(VOIES)
    assert problem["input"] == "avion"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"departement": "99"}, "departement"), ({"campus": "inconnu"}, "campus")],
)
def test_unknown_territory_or_campus_is_a_422_listing_what_exists(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    body = get(client, "/v1/formations", 422, **params)
    assert body["field"] == field
    assert body["allowed"]
    assert "inconnu" in body["message"]


def test_an_unknown_place_is_a_422_on_near(client: TestClient) -> None:
    body = get(client, "/v1/formations", 422, near="Xyzzyville")
    assert body["field"] == "near"
    assert "aucune commune ne correspond à « Xyzzyville »" in body["message"]
    assert body["allowed"] == ["nom de commune", "code postal", "code INSEE"]


def test_formation_detail_and_404(client: TestClient) -> None:
    body = get(client, "/v1/formations/0801344B-RNCP1-scolaire")
    assert body["certification"]["blocs"] == [{"bloc_code": "RNCP1BC01", "label": "Souder à plat"}]
    assert body["distance_km"] is None
    missing = get(client, "/v1/formations/nope", 404)
    assert missing == {"error": "NotFound", "message": "formation « nope » introuvable"}


def test_formation_detail_lists_the_establishments_open_days(client: TestClient) -> None:
    body = get(client, "/v1/formations/0020079A-40025005-scolaire")
    assert body["open_days"] == [
        {
            "text": "Date(s) indicative(s) des Journées portes ouvertes précédentes : "
            "le 23/03/2024",
            "date": "2024-03-23",
            "end_date": None,
            "url": None,
            "past": True,
            "vintage": "2025",
        },
        {
            "text": "Le 8 mars 2025 de 9h00 à 12h00 (Plus d'info : https://condorcet.example.fr/jpo)",
            "date": "2025-03-08",
            "end_date": None,
            "url": "https://condorcet.example.fr/jpo",
            "past": True,
            "vintage": "2025",
        },
    ]
    assert get(client, "/v1/formations/0801344B-RNCP1-scolaire")["open_days"] == []


def test_offers_say_which_are_synthetic(client: TestClient) -> None:
    body = get(client, "/v1/offers")
    assert body["total"] == 2
    flags = {o["offer_id"]: o["synthetic"] for o in body["items"]}
    assert flags == {"synthetic-1": True, "cci-1": False}
    near = get(client, "/v1/offers", near="Saint-Quentin", radius_km=10, kind="stage")
    assert [o["offer_id"] for o in near["items"]] == ["synthetic-1"]
    assert get(client, "/v1/offers", source="cci")["items"][0]["title"] == (
        "Soudeur en apprentissage"
    )
    [problem] = get(client, "/v1/offers", 422, kind="cdi")["errors"]
    assert problem["field"] == "kind.0" and problem["allowed"] == list(OFFER_KINDS)


def test_places_autocomplete(client: TestClient) -> None:
    [place] = get(client, "/v1/places", q="saint-q")
    assert place["insee"] == "02691"
    assert place["postcodes"] == ["02100"]
    assert (place["departement_name"], place["region_name"]) == ("Aisne", "Hauts-de-France")
    assert get(client, "/v1/places", q="800")[0]["name"] == "Amiens"
    [problem] = get(client, "/v1/places", 422)["errors"]
    assert problem == {"field": "q", "message": "valeur obligatoire absente", "type": "missing"}
    assert get(client, "/v1/places", 422, q="a", limit=0)["errors"][0]["field"] == "limit"


def test_campuses_list_and_detail(client: TestClient) -> None:
    [campus] = get(client, "/v1/campuses")
    assert (campus["campus_id"], campus["member_count"]) == ("plasturgie-test", 1)
    assert campus["seat"]["name"] == "Saint-Quentin"
    detail = get(client, "/v1/campuses/plasturgie-test")
    assert [m["uai"] for m in detail["members"]] == ["0020079A"]
    assert get(client, "/v1/campuses/inconnu", 404)["message"] == "campus « inconnu » introuvable"


def test_api_literals_are_the_schema_values() -> None:
    assert get_args(Voie) == VOIES
    assert get_args(OfferKind) == OFFER_KINDS


def test_every_catalogue_parameter_and_model_field_has_an_example(client: TestClient) -> None:
    schema = get(client, "/openapi.json")
    paths = {p: v for p, v in schema["paths"].items() if p.startswith(CATALOGUE_PATHS)}
    assert len(paths) == 6
    for path, operations in paths.items():
        operation = operations["get"]
        assert operation["summary"] and operation["description"], path
        for parameter in operation.get("parameters", []):
            assert parameter["schema"].get("examples"), (path, parameter["name"])
    for name, model in schema["components"]["schemas"].items():
        if name in ("HTTPValidationError", "ValidationError", "Health"):
            continue
        for field, spec in model.get("properties", {}).items():
            nested = "$ref" in str(spec) and "examples" not in spec
            assert nested or spec.get("examples"), (name, field)


class Wish(BaseModel):
    level: int = Field(ge=3, le=8)
    voies: list[Voie]


def test_the_validation_answer_also_reads_request_bodies() -> None:
    """Future endpoints take JSON bodies: their errors name the field without 'body'."""
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/wish")
    def wish(body: Wish) -> dict[str, str]:
        return {}

    with TestClient(app) as local:
        bad_json = local.post(
            "/wish", content=b"{level", headers={"content-type": "application/json"}
        )
        wrong = local.post("/wish", json={"level": 2, "voies": ["scolaire", "avion"]})
        empty = local.post("/wish")
    [problem] = bad_json.json()["errors"]
    assert (bad_json.status_code, problem["field"]) == (422, "body")
    assert problem["message"].startswith("JSON invalide")
    fields = {p["field"]: p["message"] for p in wrong.json()["errors"]}
    assert fields == {
        "level": "doit être supérieur ou égal à 3, reçu 2",
        "voies.1": "valeur « avion » non reconnue ; valeurs permises : "
        "scolaire, apprentissage, formation_continue",
    }
    assert empty.json()["errors"][0] == {
        "field": "body",
        "message": "valeur obligatoire absente",
        "type": "missing",
    }


# -- the real bundled catalogue ----------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The API over the whole bundled catalogue, loaded once into SQLite."""
    folder = tmp_path_factory.mktemp("real")
    settings = Settings(database_url=f"sqlite:///{folder / 'real.sqlite'}", data_dir=BUNDLED)
    engine = store.create_engine(settings.database_url)
    load_catalogue(engine, BUNDLED, settings.campuses_path)
    engine.dispose()
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_plastics_near_saint_quentin(real: TestClient) -> None:
    body = get(real, "/v1/formations", near="Saint-Quentin", radius_km=40, q="plast")
    assert body["near"]["insee"] == "02691"
    items = body["items"]
    assert body["total"] == len(items) >= 3
    distances = [i["distance_km"] for i in items]
    assert distances == sorted(distances) and distances[-1] <= 40
    chauny = [i for i in items if i["establishment"]["commune_name"] == "Chauny"]
    assert any(
        i["label"] == "Bac pro plastiques et composites" and i["voie"] == "scolaire" for i in chauny
    )
    assert any(i["voie"] == "apprentissage" for i in items)


def test_places_put_saint_quentin_of_the_aisne_first(real: TestClient) -> None:
    places = get(real, "/v1/places", q="saint-quen")
    assert places[0]["insee"] == "02691"
    assert all("saint quen" in p["name"].lower().replace("-", " ") for p in places)


def test_the_four_campuses_with_their_members(real: TestClient) -> None:
    campuses = get(real, "/v1/campuses")
    assert {c["campus_id"] for c in campuses} == {
        "plasturgie-metallurgie-picardie",
        "bioraffinerie-chimie-durable-hdf",
        "biotechnologies-bio-industries-normandie",
        "travaux-publics-hdf",
    }
    members = {}
    for campus in campuses:
        detail = get(real, f"/v1/campuses/{campus['campus_id']}")
        assert campus["member_count"] == len(detail["members"]) >= 5
        members[campus["campus_id"]] = {m["uai"] for m in detail["members"]}
    plastics = get(real, "/v1/formations", campus="plasturgie-metallurgie-picardie", limit=100)
    assert plastics["total"] > 100
    assert {i["uai"] for i in plastics["items"]} <= members["plasturgie-metallurgie-picardie"]


def test_real_formation_detail(real: TestClient) -> None:
    body = get(real, "/v1/formations/0022008X-40022503-scolaire")
    assert body["commune_name"] == "Chauny"
    assert body["certification"]["level"] == 4
    assert "scolaire" in body["certification"]["voies"]
    assert "plasturgie-metallurgie-picardie" in {c["campus_id"] for c in body["campuses"]}
    assert body["open_days"] == []  # ONISEP publishes none for this lycée


def test_real_formation_detail_with_the_open_days_onisep_publishes(real: TestClient) -> None:
    """Bac pro cuisine at lycée Nicolas Appert (Orvault): one open day of 2025, with a link."""
    body = get(real, "/v1/formations/0442094M-40022106-scolaire")
    assert body["establishment"]["commune_name"] == "Orvault"
    assert body["open_days"] == [
        {
            "text": "Le 1 mars 2025 de 9h30 à 15h30 "
            "(Plus d'info : https://appert.paysdelaloire.e-lyco.fr/)",
            "date": "2025-03-01",
            "end_date": None,
            "url": "https://appert.paysdelaloire.e-lyco.fr/",
            "past": True,
            "vintage": "2025",
        }
    ]


def test_real_totals_are_consistent_across_filters_and_pages(real: TestClient) -> None:
    total = get(real, "/v1/formations", limit=1)["total"]
    by_voie = [get(real, "/v1/formations", voie=v, limit=1)["total"] for v in VOIES]
    assert sum(by_voie) == total > 50_000
    seen: list[str] = []
    offset = 0
    while True:
        page = get(real, "/v1/formations", departement="02", level=4, limit=100, offset=offset)
        seen += [i["formation_id"] for i in page["items"]]
        offset += 100
        if offset >= page["total"]:
            break
    assert len(seen) == len(set(seen)) == page["total"] > 100


def test_real_ambiguous_and_unlocated_places(real: TestClient) -> None:
    body = get(real, "/v1/formations", 409, near="Beaulieu")
    assert body["field"] == "near"
    assert len(body["choices"]) > 5 and "précisez" in body["message"]
    body = get(real, "/v1/formations", 422, near="Saint-Martin")  # no coordinates published
    assert body["field"] == "near" and "inconnue" in body["message"]
