"""Places: finding a commune from what a person types, and distances."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.errors import AmbiguousPlace, PlaceNotFound, SourceFormatError
from recommender.geo import Commune, Places, haversine_km

BUNDLED_COMMUNES = Path(__file__).resolve().parents[1] / "data" / "communes.parquet"

DEPARTEMENTS = {
    "02": ("Aisne", "20", "Amiens", "32", "Hauts-de-France"),
    "80": ("Somme", "20", "Amiens", "32", "Hauts-de-France"),
    "50": ("Manche", "70", "Normandie", "28", "Normandie"),
    "38": ("Isère", "08", "Grenoble", "84", "Auvergne-Rhône-Alpes"),
    "34": ("Hérault", "11", "Montpellier", "76", "Occitanie"),
    "43": ("Haute-Loire", "06", "Clermont-Ferrand", "84", "Auvergne-Rhône-Alpes"),
    "33": ("Gironde", "04", "Bordeaux", "75", "Nouvelle-Aquitaine"),
    "27": ("Eure", "70", "Normandie", "28", "Normandie"),
    "75": ("Paris", "01", "Paris", "11", "Île-de-France"),
    "2A": ("Corse-du-Sud", "27", "Corse", "94", "Corse"),
}

# insee, name, postcodes, population, kind (the second Saint-Quentin and the
# Beaulieu populations are made up to build the cases)
TINY = [
    ("02691", "Saint-Quentin", "02100", 53000, "commune"),
    ("50555", "Saint-Quentin", "50810", 900, "commune"),
    ("38449", "Saint-Quentin-Fallavier", "38070", 6000, "commune"),
    ("80021", "Amiens", "80000 80080 80090", 133000, "commune"),
    ("80162", "Cagny", "80090", 1300, "commune"),
    ("80001", "Abbeville", "80100", 22000, "commune"),
    ("80100", "Bettencourt-Saint-Ouen", "80610", 600, "commune"),
    ("34028", "Beaulieu", "34160", 1900, "commune"),
    ("43022", "Beaulieu", "43800", 900, "commune"),
    ("33390", "Sainte-Colombe", "33350", 400, "commune"),
    ("27229", "Évreux", "27000", 47000, "commune"),
    ("75056", "Paris", "75001 75005", 2100000, "commune"),
    ("75101", "Paris 1er Arrondissement", "75001", 15000, "arrondissement"),
    ("75105", "Paris 5e Arrondissement", "75005", 58000, "arrondissement"),
    ("2A004", "Ajaccio", "20000 20090", 70000, "commune"),
]


def tiny_frame() -> pd.DataFrame:
    rows = []
    for insee, name, postcodes, population, kind in TINY:
        departement = insee[:2]
        dep_name, academie, academie_name, region, region_name = DEPARTEMENTS[departement]
        rows.append(
            {
                "insee": insee,
                "name": name,
                "kind": kind,
                "postcodes": postcodes,
                "departement": departement,
                "departement_name": dep_name,
                "academie": academie,
                "academie_name": academie_name,
                "region": region,
                "region_name": region_name,
                "latitude": None if insee == "50555" else 49.0,
                "longitude": None if insee == "50555" else 2.5,
                "population": population,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_frame(tiny_frame())


def insees(communes: tuple[Commune, ...] | list[Commune]) -> list[str]:
    return [commune.insee for commune in communes]


# -- tiny data ---------------------------------------------------------------------------


def test_homonyms_resolve_to_the_most_populous_with_the_others_offered(places: Places) -> None:
    match = places.resolve("Saint-Quentin")
    assert match.commune.insee == "02691"
    assert match.matched_by == "name"
    # the homonym first, then the longer names beginning the same way
    assert insees(match.alternatives) == ["50555", "38449"]


@pytest.mark.parametrize(
    "query", ["saint quentin", "ST-QUENTIN", "St Quentin", "  Saint-Quentin ", "st. quentin"]
)
def test_case_hyphens_and_saint_abbreviations_are_forgiven(places: Places, query: str) -> None:
    assert places.resolve(query).commune.insee == "02691"


@pytest.mark.parametrize(
    ("query", "insee"),
    [("evreux", "27229"), ("ÉVREUX", "27229"), ("ste colombe", "33390"), ("Ste-Colombe", "33390")],
)
def test_accents_and_sainte_are_forgiven(places: Places, query: str, insee: str) -> None:
    assert places.resolve(query).commune.insee == insee


@pytest.mark.parametrize(
    "query", ["Saint-Quentin (50)", "Saint-Quentin 50", "Saint-Quentin, Manche", "St Quentin 50810"]
)
def test_a_departement_or_postcode_hint_picks_the_smaller_homonym(
    places: Places, query: str
) -> None:
    match = places.resolve(query)
    assert match.commune.insee == "50555"
    assert match.alternatives == ()


def test_the_departement_argument_restricts_names(places: Places) -> None:
    assert places.resolve("Saint-Quentin", departement="50").commune.insee == "50555"
    assert places.resolve("saint quentin", departement="2").commune.insee == "02691"


def test_a_name_missing_from_the_departement_reaches_a_longer_name_there(places: Places) -> None:
    match = places.resolve("Saint-Quentin (38)")
    assert (match.commune.name, match.matched_by) == ("Saint-Quentin-Fallavier", "fuzzy")


def test_a_shared_postcode_goes_to_the_most_populous_and_lists_the_others(
    places: Places,
) -> None:
    match = places.resolve("80090")
    assert (match.commune.name, match.matched_by) == ("Amiens", "postcode")
    assert insees(match.alternatives) == ["80162"]
    assert places.resolve("80000").commune.insee == "80021"


def test_a_postcode_that_is_also_an_insee_code_reads_as_a_postcode(places: Places) -> None:
    match = places.resolve("80100")
    assert match.commune.name == "Abbeville"
    assert insees(match.alternatives) == ["80100"]  # Bettencourt-Saint-Ouen's INSEE code
    assert places.get("80100").name == "Bettencourt-Saint-Ouen"


@pytest.mark.parametrize("query", ["02691", "2A004", "2a004"])
def test_insee_codes(places: Places, query: str) -> None:
    match = places.resolve(query)
    assert match.matched_by == "insee"
    assert match.commune.insee == query.upper()


@pytest.mark.parametrize("query", ["Paris 5e", "Paris 5", "paris 5ème", "Paris 5e arrondissement"])
def test_arrondissement_queries(places: Places, query: str) -> None:
    match = places.resolve(query)
    assert match.commune.insee == "75105"
    assert insees(match.alternatives) == ["75056"]


def test_paris_is_the_commune_and_its_postcodes_reach_the_arrondissement(places: Places) -> None:
    assert places.resolve("Paris").commune.insee == "75056"
    match = places.resolve("75005")
    assert (match.commune.insee, insees(match.alternatives)) == ("75105", ["75056"])


def test_homonyms_without_a_clear_winner_are_ambiguous(places: Places) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        places.resolve("Beaulieu")
    assert caught.value.choices == [
        {
            "insee": "34028",
            "name": "Beaulieu",
            "departement": "34",
            "departement_name": "Hérault",
            "postcode": "34160",
        },
        {
            "insee": "43022",
            "name": "Beaulieu",
            "departement": "43",
            "departement_name": "Haute-Loire",
            "postcode": "43800",
        },
    ]
    assert "précisez le département" in str(caught.value)
    assert places.resolve("Beaulieu (43)").commune.insee == "43022"


@pytest.mark.parametrize(("query", "insee"), [("Amien", "80021"), ("Saint-Quantin", "02691")])
def test_typos_resolve_fuzzily(places: Places, query: str, insee: str) -> None:
    match = places.resolve(query)
    assert (match.commune.insee, match.matched_by) == (insee, "fuzzy")


@pytest.mark.parametrize("query", ["Gotham", "Amxyz", "99999", "12345"])
def test_unknown_places_are_not_found(places: Places, query: str) -> None:
    with pytest.raises(PlaceNotFound, match="aucune commune ne correspond"):
        places.resolve(query)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "indiquez une commune : son nom, son code postal ou son code INSEE"),
        ("   ", "indiquez une commune : son nom, son code postal ou son code INSEE"),
        ("--", "aucune commune ne correspond à « -- »"),
    ],
)
def test_empty_queries_are_refused_in_french(places: Places, query: str, message: str) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        places.resolve(query)
    assert str(caught.value) == message


def test_an_unknown_departement_is_refused(places: Places) -> None:
    with pytest.raises(PlaceNotFound, match="département 99"):
        places.resolve("Saint-Quentin", departement="99")
    with pytest.raises(PlaceNotFound):
        places.resolve("Saint-Quentin (80)", departement="02")


def test_get_returns_every_field(places: Places) -> None:
    commune = places.get("02691")
    assert commune == Commune(
        "02691", "Saint-Quentin", ("02100",), "02", "Aisne", "20", "Amiens", "32",
        "Hauts-de-France", 49.0, 2.5, 53000, "commune",
    )  # fmt: skip
    assert places.get("50555").latitude is None
    with pytest.raises(PlaceNotFound):
        places.get("00000")


def test_search_lists_prefix_matches_most_populous_first(places: Places) -> None:
    assert insees(places.search("sai")) == ["02691", "38449", "50555", "33390"]
    assert insees(places.search("SAINT-Q", limit=2)) == ["02691", "38449"]
    assert insees(places.search("8009")) == ["80021", "80162"]
    assert places.search("   ") == []


def test_search_fills_with_close_spellings(places: Places) -> None:
    assert insees(places.search("amein")) == ["80021"]
    assert insees(places.search("saint qua")) == ["02691", "38449", "50555"]


def test_from_frame_refuses_a_frame_without_the_schema_columns() -> None:
    with pytest.raises(SourceFormatError, match="colonnes manquantes"):
        Places.from_frame(tiny_frame().drop(columns=["postcodes"]))


def test_haversine_is_zero_on_the_spot_and_symmetric() -> None:
    latitudes = np.array([49.8467, 49.8941, 48.8566])
    longitudes = np.array([3.2877, 2.2958, 2.3522])
    distances_km = haversine_km(latitudes[0], longitudes[0], latitudes, longitudes)
    assert distances_km.shape == (3,)
    assert distances_km[0] == 0.0
    # Saint-Quentin → Amiens ≈ 71 km, Saint-Quentin → Paris ≈ 130 km as the crow flies
    assert distances_km[1] == pytest.approx(71.3, abs=0.5)
    assert distances_km[2] == pytest.approx(130.0, abs=2.0)
    back = haversine_km(latitudes, longitudes, latitudes[0], longitudes[0])
    np.testing.assert_allclose(back, distances_km)


# -- the bundled table ------------------------------------------------------------------


@pytest.fixture(scope="module")
def france() -> Places:
    return Places.from_frame(pd.read_parquet(BUNDLED_COMMUNES))


def test_bundled_table_covers_france(france: Places) -> None:
    kinds = pd.Series([c.kind for c in france]).value_counts().to_dict()
    assert kinds["arrondissement"] == 45  # Paris 20, Marseille 16, Lyon 9
    assert 34_900 <= kinds["commune"] <= 35_100
    assert {c.departement for c in france} >= {"01", "2A", "2B", "95", "971", "976"}
    metropolitan = [c for c in france if len(c.departement) == 2]
    assert sum(c.latitude is None for c in metropolitan) < 20
    assert all(c.academie is not None for c in metropolitan)


def test_real_saint_quentin_is_the_aisne_one_with_namesakes_offered(france: Places) -> None:
    match = france.resolve("Saint-Quentin")
    commune = match.commune
    assert (commune.insee, commune.departement_name, commune.academie_name) == (
        "02691", "Aisne", "Amiens",
    )  # fmt: skip
    assert "02100" in commune.postcodes
    assert len(match.alternatives) >= 5
    assert all(alt.name.startswith("Saint-Quentin-") for alt in match.alternatives)
    assert "38449" in insees(match.alternatives)  # Saint-Quentin-Fallavier


@pytest.mark.parametrize(
    "query", ["saint quentin", "ST-QUENTIN", "St Quentin", "Saint-Quentin (02)", "02691"]
)
def test_real_saint_quentin_spellings(france: Places, query: str) -> None:
    assert france.resolve(query).commune.insee == "02691"


@pytest.mark.parametrize(
    ("query", "insee", "matched_by"),
    [
        ("80000", "80021", "postcode"),
        ("Amien", "80021", "fuzzy"),
        ("Paris 5e", "75105", "name"),
        ("75005", "75105", "postcode"),
        ("Paris", "75056", "name"),
        ("Ajaccio", "2A004", "name"),
        ("Saint-Denis (974)", "97411", "name"),
    ],
)
def test_real_lookups(france: Places, query: str, insee: str, matched_by: str) -> None:
    match = france.resolve(query)
    assert (match.commune.insee, match.matched_by) == (insee, matched_by)


def test_real_homonyms_without_a_winner_ask_for_the_departement(france: Places) -> None:
    with pytest.raises(AmbiguousPlace) as caught:
        france.resolve("Sainte-Colombe")
    assert len(caught.value.choices) >= 10
    assert {"Gironde", "Rhône"} <= {c["departement_name"] for c in caught.value.choices}


def test_real_city_centres_sit_in_their_first_arrondissement(france: Places) -> None:
    paris, first = france.get("75056"), france.get("75101")
    assert (paris.latitude, paris.longitude) == (first.latitude, first.longitude)
    assert paris.latitude is not None and paris.longitude is not None
    lyon = france.get("69123")
    assert lyon.latitude is not None and lyon.longitude is not None
    distance_km = haversine_km(paris.latitude, paris.longitude, lyon.latitude, lyon.longitude)
    assert float(distance_km) == pytest.approx(392, abs=5)
