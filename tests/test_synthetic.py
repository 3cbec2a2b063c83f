from datetime import date
from pathlib import Path
from typing import TypedDict, cast

import pandas as pd
import pytest

from recommender.schema import OFFERS, conform
from recommender.synthetic import DEFAULT_REFERENCE_DATE, generate_offers

DATA = Path(__file__).resolve().parents[1] / "data"
TABLES = ("jobs", "job_titles", "job_sectors", "naf_codes", "communes", "certifications")


class Tables(TypedDict):
    jobs: pd.DataFrame
    job_titles: pd.DataFrame
    job_sectors: pd.DataFrame
    naf_codes: pd.DataFrame
    communes: pd.DataFrame
    certifications: pd.DataFrame


def toy_tables(populations: tuple[int, int] = (1000, 1000)) -> Tables:
    """Three jobs: bakery (1 division), car repair (2 divisions), pastry (no division)."""
    jobs = pd.DataFrame(
        {
            "code_rome": ["D1102", "I1604", "D1104", "K2501"],
            "label": ["Boulangerie", "Mécanique automobile", "Pâtisserie", "Gardiennage"],
            "domaine": ["D11", "I16", "D11", "K25"],
            "grand_domaine": ["D", "I", "D", "K"],
        }
    )
    titles = pd.DataFrame(
        {
            "code_ogr": ["1", "2", "3", "4"],
            "label": [
                "Boulanger / Boulangère",
                "Mécanicien / Mécanicienne",
                "Garagiste",
                "Pâtissier / Pâtissière",
            ],
            "code_rome": ["D1102", "I1604", "I1604", "D1104"],
        }
    )
    sectors = pd.DataFrame(
        {
            "code_rome": ["D1102", "I1604", "I1604"],
            "naf_division": ["10", "45", "29"],
        }
    )
    naf = pd.DataFrame(
        {
            "naf": ["10.71C", "10.71D", "29.10Z", "45.20A", "45.20B", "80.10Z"],
            "label": [
                "Boulangerie et boulangerie-pâtisserie",
                "Pâtisserie",
                "Construction de véhicules automobiles",
                "Entretien de véhicules légers",
                "Entretien d'autres véhicules",
                "Activités de sécurité privée",
            ],
            "naf_division": ["10", "10", "29", "45", "45", "80"],
        }
    )
    communes = pd.DataFrame(
        {
            "insee": ["02691", "02408"],
            "name": ["Saint-Quentin", "Laon"],
            "kind": ["commune", "commune"],
            "latitude": [49.85, 49.56],
            "longitude": [3.29, 3.62],
            "population": list(populations),
        }
    )
    certs = pd.DataFrame(
        {
            "cert_id": ["50022137", "40025214", "RNCP1", "RNCP2", "RNCP3"],
            "label": [
                "CAP Boulanger",
                "Bac pro Maintenance des véhicules",
                "Titre pâtissier",
                "Titre vendu en formation continue seulement",
                "Ancien CAP",
            ],
            "level": [3, 4, 7, 3, 3],
            "rome_codes": ["D1102", "I1604", "D1104", "D1102 I1604", "D1102"],
            "access_apprenticeship": [True, True, True, False, True],
            "access_professionalisation": [True, False, True, False, True],
            "active": [True, True, True, True, False],
        }
    )
    return {
        "jobs": jobs,
        "job_titles": titles,
        "job_sectors": sectors,
        "naf_codes": naf,
        "communes": communes,
        "certifications": certs,
    }


def generate(n: int, seed: int = 7, **replaced: pd.DataFrame) -> pd.DataFrame:
    tables = cast(Tables, {**toy_tables(), **replaced})
    return generate_offers(n, seed=seed, **tables)


def test_offers_conform_and_say_they_are_synthetic():
    offers = generate(500)
    conform(offers, OFFERS)
    assert len(offers) == 500
    assert (offers["source"] == "synthetic").all()
    assert offers["offer_id"].tolist()[:2] == ["synthetic-7-0", "synthetic-7-1"]
    assert offers["employer_name"].str.startswith("Entreprise fictive").all()
    assert offers["description"].str.contains("Offre fictive").all()
    assert offers["employer_siret"].isna().all() and offers["url"].isna().all()


def test_same_seed_same_frame_other_seed_other_frame():
    pd.testing.assert_frame_equal(generate(300, seed=3), generate(300, seed=3))
    other = generate(300, seed=4)
    assert not generate(300, seed=3).drop(columns="offer_id").equals(other.drop(columns="offer_id"))


def test_input_row_order_does_not_change_the_offers():
    tables = cast(dict[str, pd.DataFrame], toy_tables())
    shuffled = {name: frame.iloc[::-1] for name, frame in tables.items()}
    reversed_order = generate_offers(200, seed=7, **cast(Tables, shuffled))
    pd.testing.assert_frame_equal(generate(200, seed=7), reversed_order)


def test_a_job_with_one_naf_division_gets_that_division():
    offers = generate(1000)
    bakery = offers[offers["code_rome"] == "D1102"]
    assert len(bakery) > 50
    assert set(bakery["naf"]) == {"10.71C", "10.71D"}
    repair = offers[offers["code_rome"] == "I1604"]
    assert set(repair["naf"].str[:2]) == {"29", "45"}


def test_a_job_without_division_borrows_its_domaine_s_then_has_none():
    offers = generate(2000)
    pastry = offers[offers["code_rome"] == "D1104"]  # domaine D11, like the bakery
    assert len(pastry) > 0 and set(pastry["naf"].str[:2]) == {"10"}
    guard = offers[offers["code_rome"] == "K2501"]  # alone in its grand domaine
    assert len(guard) > 0 and guard["naf"].isna().all()
    assert guard["employer_name"].str.fullmatch(r"Entreprise fictive · (Saint-Quentin|Laon)").all()


def test_population_weighting_on_a_100_to_1_toy():
    offers = generate(10_000, communes=toy_tables((100_000, 1_000))["communes"])
    share = (offers["insee"] == "02691").mean()
    assert 0.985 < share < 0.995  # expected 100/101 ≈ 0.990, standard deviation 0.001
    assert (offers.loc[offers["insee"] == "02408", "latitude"] == 49.56).all()


def test_jobs_prepared_at_levels_3_to_5_are_favoured():
    offers = generate(10_000)
    stages = offers[offers["kind"] == "stage"]
    # weights: bakery 8, repair 8, pastry 1 (its only certification is level 7), guard 1
    assert stages["code_rome"].value_counts(normalize=True)["D1104"] == pytest.approx(
        1 / 18, abs=0.015
    )


def test_certifications_prepare_the_job_and_are_open_to_the_route():
    offers = generate(3000)
    prepared = {"50022137": {"D1102"}, "40025214": {"I1604"}, "RNCP1": {"D1104"}}
    apprentices = offers[offers["kind"] == "apprentissage"]
    assert apprentices["cert_id"].notna().all()
    assert all(
        code in prepared[cert]
        for code, cert in zip(apprentices["code_rome"], apprentices["cert_id"], strict=True)
    )
    # RNCP2 is closed to apprenticeship and RNCP3 is no longer awarded
    assert not offers["cert_id"].isin(["RNCP2", "RNCP3"]).any()
    pros = offers[offers["kind"] == "professionnalisation"]
    assert set(pros["cert_id"]) == {"50022137", "RNCP1"}  # the bac pro is closed to it
    assert offers.loc[offers["cert_id"] == "50022137", "level"].eq(3).all()
    assert offers.loc[offers["kind"] == "stage", "cert_id"].isna().all()


def test_kinds_durations_and_dates():
    offers = generate(10_000)
    shares = offers["kind"].value_counts(normalize=True)
    assert shares["apprentissage"] == pytest.approx(0.50, abs=0.02)
    assert shares["stage"] == pytest.approx(0.35, abs=0.02)
    assert shares["professionnalisation"] == pytest.approx(0.15, abs=0.02)
    months = {kind: set(group) for kind, group in offers.groupby("kind")["duration_months"]}
    assert months["stage"] == {1, 2, 3, 4, 5, 6}
    assert months["apprentissage"] == {12, 24, 36}
    assert months["professionnalisation"] == {6, 9, 12, 18, 24}
    starts = pd.to_datetime(offers["start_date"])
    assert starts.min() == pd.Timestamp(DEFAULT_REFERENCE_DATE)
    assert starts.max() == pd.Timestamp(DEFAULT_REFERENCE_DATE) + pd.Timedelta(days=364)


def test_reference_date_and_kind_shares_are_parameters():
    offers = generate_offers(
        50, seed=1, reference_date=date(2030, 1, 1), kind_shares={"stage": 1.0}, **toy_tables()
    )
    assert (offers["kind"] == "stage").all()
    assert offers["start_date"].min() >= "2030-01-01"


def test_titles_come_from_the_job_s_appellations():
    offers = generate(1000)
    repair_titles = set(offers.loc[offers["code_rome"] == "I1604", "title"].str.split(" – ").str[1])
    assert repair_titles == {"Mécanicien / Mécanicienne", "Garagiste"}
    guard_titles = set(offers.loc[offers["code_rome"] == "K2501", "title"])
    assert guard_titles == {"Stage – Gardiennage"}  # no appellation: the job's label


def test_paris_lyon_marseille_are_drawn_by_arrondissement():
    communes = pd.DataFrame(
        {
            "insee": ["75056", "75101", "75115"],
            "name": ["Paris", "Paris 1er Arrondissement", "Paris 15e Arrondissement"],
            "kind": ["commune", "arrondissement", "arrondissement"],
            "latitude": [48.86, 48.86, 48.84],
            "longitude": [2.34, 2.34, 2.30],
            "population": [2_100_000, 15_000, 230_000],
        }
    )
    offers = generate(500, communes=communes)
    assert set(offers["insee"]) == {"75101", "75115"}


def test_zero_offers():
    offers = generate(0)
    assert offers.empty and list(offers.columns) == OFFERS.column_names


def real_tables() -> Tables:
    missing = [name for name in TABLES if not (DATA / f"{name}.parquet").is_file()]
    if missing:
        pytest.skip(f"bundled data files missing: {', '.join(missing)} (run python -m data.build)")
    return cast(Tables, {name: pd.read_parquet(DATA / f"{name}.parquet") for name in TABLES})


def test_real_referentials_give_coherent_offers():
    tables = real_tables()
    offers = generate_offers(10_000, seed=2026, **tables)
    conform(offers, OFFERS)
    jobs = set(tables["jobs"]["code_rome"])
    assert offers["code_rome"].isin(jobs).all()
    divisions = tables["job_sectors"].groupby("code_rome")["naf_division"].agg(set)
    with_sectors = offers[offers["code_rome"].isin(divisions.index)]
    assert len(with_sectors) > 0
    assert all(
        naf[:2] in divisions[code]
        for code, naf in zip(with_sectors["code_rome"], with_sectors["naf"], strict=True)
    )
    rome_codes = tables["certifications"].set_index("cert_id")["rome_codes"].str.split()
    apprentices = offers[offers["kind"] == "apprentissage"]
    assert apprentices["cert_id"].notna().all()
    assert all(
        code in rome_codes[cert]
        for code, cert in zip(apprentices["code_rome"], apprentices["cert_id"], strict=True)
    )
    assert offers["insee"].isin(set(tables["communes"]["insee"])).all()
