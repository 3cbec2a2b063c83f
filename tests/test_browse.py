"""Browsing the tiny catalogue: filters, distance order, pages, details and campuses.

The tiny catalogue (tests/conftest.py) has three formations: the Bac pro
Plastiques et composites of lycée Condorcet in Saint-Quentin (scolaire and
apprentissage, 2020) and a Soudeur title at the Amiens university, 70 km west.
"""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.browse import (
    BrowseIndex,
    FormationQuery,
    OfferQuery,
    campus_detail,
    campus_summaries,
    find_formations,
    find_offers,
    formation_detail,
    locate,
    vintage_note,
)
from recommender.campuses import Campus, derive_members
from recommender.catalogue import Catalogue
from recommender.errors import AmbiguousPlace, NotFound, PlaceNotFound, ProfileError
from recommender.geo import Places
from recommender.schema import OFFERS, conform
from tests.conftest import tiny_tables

CONDORCET_SCOLAIRE = "0020079A-40025005-scolaire"
CONDORCET_APPRENTISSAGE = "0020079A-40025005-apprentissage"
AMIENS_SOUDEUR = "0801344B-RNCP1-scolaire"

CAMPUS = Campus(
    campus_id="plasturgie-test",
    name="Campus de test plasturgie",
    sector="Plasturgie",
    seat_insee="02691",
    departements=("02",),
    rome_domains=("H32",),
)


def tiny_offers() -> pd.DataFrame:
    common = dict(employer_siret=None, naf=None, cert_id=None, level=None, url=None)
    rows = [
        dict(
            offer_id="synthetic-1",
            source="synthetic",
            kind="stage",
            title="Stage en plasturgie",
            code_rome="H3201",
            employer_name="Entreprise fictive 1",
            insee="02691",
            latitude=49.847,
            longitude=3.278,
            start_date="2026-10-01",
            duration_months=2,
            description="Offre fictive de démonstration.",
            **common,
        ),
        dict(
            offer_id="cci-1",
            source="cci",
            kind="apprentissage",
            title="Soudeur en apprentissage",
            code_rome="H2913",
            employer_name="Chaudronnerie Picarde",
            insee="80021",
            latitude=49.894,
            longitude=2.296,
            start_date="2026-09-01",
            duration_months=24,
            description=None,
            **common,
        ),
    ]
    return conform(pd.DataFrame(rows), OFFERS)


def tiny_catalogue(tables: dict[str, pd.DataFrame] | None = None) -> Catalogue:
    tables = tables or tiny_tables()
    members = derive_members(
        CAMPUS,
        formations=tables["formations"],
        certifications=tables["certifications"],
        communes=tables["communes"],
    ).assign(campus_id=CAMPUS.campus_id)
    return Catalogue(tables, tiny_offers(), [CAMPUS], members[["campus_id", "uai", "reason"]])


@pytest.fixture(scope="module")
def index() -> BrowseIndex:
    return BrowseIndex(tiny_catalogue())


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_frame(tiny_tables()["communes"])


def ids(index: BrowseIndex, query: FormationQuery, limit: int = 20, offset: int = 0) -> list[str]:
    page = find_formations(index, query, limit=limit, offset=offset)
    return [item["formation_id"] for item in page.items]


def test_without_filters_every_formation_comes_in_label_order(index: BrowseIndex) -> None:
    page = find_formations(index, FormationQuery(), limit=20, offset=0)
    assert page.total == 3
    assert [i["formation_id"] for i in page.items] == [
        CONDORCET_APPRENTISSAGE,  # "Bac pro Plastiques…" twice, then by id
        CONDORCET_SCOLAIRE,
        AMIENS_SOUDEUR,
    ]
    assert all(item["distance_km"] is None for item in page.items)
    assert page.near is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (FormationQuery(voie=["scolaire"]), [CONDORCET_SCOLAIRE, AMIENS_SOUDEUR]),
        (FormationQuery(voie=["apprentissage", "formation_continue"]), [CONDORCET_APPRENTISSAGE]),
        (FormationQuery(level=[3]), [AMIENS_SOUDEUR]),
        (FormationQuery(level=[3, 4], voie=["scolaire"]), [CONDORCET_SCOLAIRE, AMIENS_SOUDEUR]),
        (FormationQuery(cert_id="RNCP1"), [AMIENS_SOUDEUR]),
        (FormationQuery(cfd="40025005", voie=["scolaire"]), [CONDORCET_SCOLAIRE]),
        (FormationQuery(rncp="RNCP35474"), [CONDORCET_APPRENTISSAGE, CONDORCET_SCOLAIRE]),
        (FormationQuery(uai="0801344B"), [AMIENS_SOUDEUR]),
        (FormationQuery(code_rome="H3201"), [CONDORCET_APPRENTISSAGE, CONDORCET_SCOLAIRE]),
        (FormationQuery(code_rome="H2913"), []),  # no certification prepares it
        (FormationQuery(departement="80"), [AMIENS_SOUDEUR]),
        (FormationQuery(region="32", voie=["apprentissage"]), [CONDORCET_APPRENTISSAGE]),
        (FormationQuery(campus="plasturgie-test"), [CONDORCET_APPRENTISSAGE, CONDORCET_SCOLAIRE]),
        (FormationQuery(q="PLAST"), [CONDORCET_APPRENTISSAGE, CONDORCET_SCOLAIRE]),
        (FormationQuery(q="soudéur"), [AMIENS_SOUDEUR]),  # accents and case forgiven
        (FormationQuery(q="--"), [CONDORCET_APPRENTISSAGE, CONDORCET_SCOLAIRE, AMIENS_SOUDEUR]),
        (FormationQuery(q="menuiserie"), []),
    ],
)
def test_each_filter_keeps_exactly_the_matching_formations(
    index: BrowseIndex, query: FormationQuery, expected: list[str]
) -> None:
    assert ids(index, query) == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (FormationQuery(departement="99"), "departement"),
        (FormationQuery(region="99"), "region"),
        (FormationQuery(campus="inconnu"), "campus"),
    ],
)
def test_an_unknown_territory_or_campus_is_refused_with_what_exists(
    index: BrowseIndex, query: FormationQuery, field: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        find_formations(index, query, limit=20, offset=0)
    assert caught.value.field == field
    assert caught.value.allowed  # the known values, for the person to pick from
    assert "inconnu" in str(caught.value)


def test_near_a_place_keeps_the_circle_and_sorts_by_distance(
    index: BrowseIndex, places: Places
) -> None:
    near = locate(places, "02100", 100)
    page = find_formations(index, FormationQuery(near=near), limit=20, offset=0)
    assert [i["formation_id"] for i in page.items] == [
        CONDORCET_APPRENTISSAGE,
        CONDORCET_SCOLAIRE,
        AMIENS_SOUDEUR,
    ]
    # Condorcet is 0.9 km from the centre of Saint-Quentin, Amiens about 71 km away
    assert [i["distance_km"] for i in page.items] == [0.9, 0.9, 70.6]
    assert page.near == {"insee": "02691", "name": "Saint-Quentin", "radius_km": 100}
    closer = find_formations(
        index, FormationQuery(near=locate(places, "02691", 30)), limit=20, offset=0
    )
    assert closer.total == 2


def test_a_formation_without_position_is_left_out_of_a_search_around_a_place(
    places: Places,
) -> None:
    tables = tiny_tables()
    formations = tables["formations"]
    formations.loc[formations["formation_id"] == CONDORCET_SCOLAIRE, ["latitude", "longitude"]] = (
        None
    )
    index = BrowseIndex(tiny_catalogue(tables))
    near = locate(places, "Saint-Quentin", 300)
    assert ids(index, FormationQuery(near=near)) == [CONDORCET_APPRENTISSAGE, AMIENS_SOUDEUR]
    assert len(ids(index, FormationQuery())) == 3


def test_pages_cut_the_same_ordered_list(index: BrowseIndex) -> None:
    everything = ids(index, FormationQuery())
    pages = [find_formations(index, FormationQuery(), limit=2, offset=o) for o in (0, 2, 4)]
    assert [p.total for p in pages] == [3, 3, 3]
    assert [i["formation_id"] for p in pages for i in p.items] == everything
    assert pages[2].items == []


def test_items_carry_establishment_certification_outcomes_and_vintage(index: BrowseIndex) -> None:
    items = {
        i["formation_id"]: i
        for i in find_formations(index, FormationQuery(), limit=3, offset=0).items
    }
    school = items[CONDORCET_SCOLAIRE]
    assert school["establishment"] == {
        "uai": "0020079A",
        "name": "Lycée Condorcet",
        "kind": "lycee_pro",
        "insee": "02691",
        "commune_name": "Saint-Quentin",
        "location_precision": "exact",
    }
    assert school["certification"] == {
        "cert_id": "40025005",
        "type": "BAC PRO",
        "level": 4,
        "label": "Plastiques et composites",
    }
    assert school["outcomes"] == {
        "employment_rate_6m": 0.5,
        "employment_rate_12m": None,
        "continuation_rate": 0.4,
        "vintage": "2022",
    }
    assert (school["departement"], school["region"], school["commune_name"]) == (
        "02",
        "32",
        "Saint-Quentin",
    )
    assert school["vintage_note"] is None
    # the apprenticeship row comes from the 2020 national catalogue, and says so
    assert "2020" in items[CONDORCET_APPRENTISSAGE]["vintage_note"]


def test_vintage_note_warns_only_when_every_source_is_old() -> None:
    note = vintage_note("2020", "apprentissage")
    assert note is not None and "apprentissage" in note and "vérifiez" in note
    assert vintage_note("2020+2022-2024", "apprentissage") is None
    assert vintage_note("2021-2022", "scolaire") is None


def test_formation_detail_lists_jobs_voies_blocs_and_campuses(index: BrowseIndex) -> None:
    plastics = formation_detail(index, CONDORCET_SCOLAIRE)
    certification = plastics["certification"]
    assert certification["jobs"] == [{"code_rome": "H3201", "label": "Plasturgiste"}]
    assert certification["voies"] == ["scolaire", "apprentissage", "vae"]
    assert certification["blocs"] == []
    assert plastics["campuses"] == [
        {"campus_id": "plasturgie-test", "name": "Campus de test plasturgie"}
    ]
    welder = formation_detail(index, AMIENS_SOUDEUR)
    assert welder["certification"]["blocs"] == [
        {"bloc_code": "RNCP1BC01", "label": "Souder à plat"}
    ]
    assert welder["certification"]["voies"] == [
        "formation_continue",
        "professionnalisation",
        "vae",
    ]
    assert welder["campuses"] == []


def test_formation_detail_lists_its_establishments_open_days_past_ones_marked(
    index: BrowseIndex,
) -> None:
    plastics = formation_detail(index, CONDORCET_APPRENTISSAGE)
    assert [(d["date"], d["past"]) for d in plastics["open_days"]] == [
        ("2024-03-23", True),  # the tiny open days are of 2024 and 2025: over today
        ("2025-03-08", True),
    ]
    assert plastics["open_days"][1]["text"].startswith("Le 8 mars 2025 de 9h00")
    assert formation_detail(index, AMIENS_SOUDEUR)["open_days"] == []


def test_an_unknown_formation_is_not_found(index: BrowseIndex) -> None:
    with pytest.raises(NotFound, match="formation « 0000000X-1-scolaire » introuvable"):
        formation_detail(index, "0000000X-1-scolaire")


def test_offers_filter_flag_synthetic_ones_and_sort_by_start_or_distance(
    index: BrowseIndex, places: Places
) -> None:
    page = find_offers(index, OfferQuery(), limit=20, offset=0)
    assert [o["offer_id"] for o in page.items] == ["cci-1", "synthetic-1"]  # September first
    assert [o["synthetic"] for o in page.items] == [False, True]
    assert page.items[0]["job"] == "Soudeur / Soudeuse"
    assert page.items[0]["commune_name"] == "Amiens"
    near = locate(places, "Saint-Quentin", 300)
    nearest = find_offers(index, OfferQuery(near=near), limit=20, offset=0)
    assert [o["offer_id"] for o in nearest.items] == ["synthetic-1", "cci-1"]
    assert nearest.items[0]["distance_km"] == 0.0

    def offer_ids(query: OfferQuery) -> list[str]:
        return [o["offer_id"] for o in find_offers(index, query, limit=20, offset=0).items]

    assert offer_ids(OfferQuery(kind=["stage"])) == ["synthetic-1"]
    assert offer_ids(OfferQuery(source="cci")) == ["cci-1"]
    assert offer_ids(OfferQuery(code_rome="H3201", departement="02")) == ["synthetic-1"]
    assert offer_ids(OfferQuery(departement="80", kind=["stage"])) == []
    with pytest.raises(ProfileError):
        find_offers(index, OfferQuery(departement="99"), limit=20, offset=0)


def test_campuses_say_where_they_are_and_who_belongs(index: BrowseIndex) -> None:
    [summary] = campus_summaries(index)
    assert summary["member_count"] == 1
    assert summary["seat"] == {"insee": "02691", "name": "Saint-Quentin", "departement": "02"}
    assert summary["territory"] == {"departements": ["02"], "regions": []}
    assert summary["perimeter"]["rome_domains"] == ["H32"]
    detail = campus_detail(index, "plasturgie-test")
    [member] = detail["members"]
    assert (member["uai"], member["name"], member["commune_name"]) == (
        "0020079A",
        "Lycée Condorcet",
        "Saint-Quentin",
    )
    assert "formation(s) du secteur" in member["reason"]
    with pytest.raises(NotFound):
        campus_detail(index, "inconnu")


def test_locate_reads_names_and_codes_and_refuses_the_unknown(places: Places) -> None:
    assert locate(places, "st quentin", 10).insee == "02691"
    assert locate(places, "80000", 10).name == "Amiens"
    with pytest.raises(PlaceNotFound):
        locate(places, "Xyzzyville", 10)


def test_locate_names_homonyms_and_refuses_a_place_without_position() -> None:
    communes = tiny_tables()["communes"]
    twin = communes.iloc[[0]].assign(insee="38449", departement="38", postcodes="38070")
    twin = twin.assign(departement_name="Isère", population=50_000)
    lost = communes.iloc[[1]].assign(insee="80999", name="Nulle-Part", postcodes="80999")
    lost = lost.assign(latitude=None, longitude=None)
    places = Places.from_frame(pd.concat([communes, twin, lost], ignore_index=True))
    with pytest.raises(AmbiguousPlace) as caught:
        locate(places, "Saint-Quentin", 10)
    assert {c["insee"] for c in caught.value.choices} == {"02691", "38449"}
    with pytest.raises(ProfileError) as missing:
        locate(places, "Nulle-Part", 10)
    assert missing.value.field == "near"
