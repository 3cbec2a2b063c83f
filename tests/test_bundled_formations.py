"""The bundled formations and establishments: what a user of the catalogue relies on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.schema import ESTABLISHMENTS, FORMATIONS, conform
from tests.conftest import BUNDLED


def load(name: str) -> pd.DataFrame:
    path = BUNDLED / f"{name}.parquet"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `python -m data.build`")
    return pd.read_parquet(path)


@pytest.fixture(scope="module")
def formations() -> pd.DataFrame:
    return conform(load("formations"), FORMATIONS)


@pytest.fixture(scope="module")
def establishments() -> pd.DataFrame:
    return conform(load("establishments"), ESTABLISHMENTS)


def test_tens_of_thousands_of_formations_nationally(formations: pd.DataFrame):
    assert 30_000 < len(formations) < 100_000
    departements = load("communes").set_index("insee")["departement"]
    assert formations["insee"].map(departements).nunique() >= 96  # every mainland département


@pytest.mark.parametrize("voie", ["scolaire", "apprentissage"])
@pytest.mark.parametrize("level", [3, 4, 5])
def test_each_voie_has_plausible_counts_per_level(formations: pd.DataFrame, voie: str, level: int):
    count = ((formations["voie"] == voie) & (formations["level"] == level)).sum()
    assert 2_000 < count < 30_000


def test_no_continuing_education_rows_are_invented(formations: pd.DataFrame):
    assert set(formations["voie"]) == {"scolaire", "apprentissage"}


def test_ids_say_what_they_are(formations: pd.DataFrame):
    expected = formations["uai"] + "-" + formations["cert_id"] + "-" + formations["voie"]
    assert (formations["formation_id"] == expected).all()


def test_plastics_in_the_aisne_through_more_than_one_voie(formations: pd.DataFrame):
    certifications = load("certifications")
    plastics = certifications[
        certifications["rome_codes"].str.contains(r"\bH320[13]\b")
        | certifications["label"].str.contains("plast", case=False)
    ]
    departements = load("communes").set_index("insee")["departement"]
    in_aisne = formations[
        formations["cert_id"].isin(plastics["cert_id"])
        & formations["insee"].map(departements).eq("02")
    ]
    assert set(in_aisne["voie"]) == {"scolaire", "apprentissage"}
    assert {"40022503", "50022510"} <= set(in_aisne["cert_id"])  # Bac pro and CAP in Chauny


def test_every_formation_points_to_known_rows(
    formations: pd.DataFrame, establishments: pd.DataFrame
):
    assert formations["uai"].isin(establishments["uai"]).all()
    assert formations["cert_id"].isin(load("certifications")["cert_id"]).all()
    assert formations["insee"].dropna().isin(load("communes")["insee"]).all()


def test_coordinates_for_nearly_every_formation(formations: pd.DataFrame):
    located = formations["latitude"].notna() & formations["longitude"].notna()
    assert located.mean() >= 0.95
    assert formations.loc[located, "location_precision"].isin(["exact", "commune"]).all()
    assert formations["latitude"].dropna().between(-23, 52).all()  # mainland and overseas


def test_2020_apprenticeship_rows_are_never_presented_as_current(formations: pd.DataFrame):
    only_2020 = ~formations["source"].str.contains(r"20(?:2[1-9])")
    assert (formations.loc[only_2020, "vintage"] == "2020").all()
    assert only_2020.sum() > 10_000


def test_outcomes_are_fractions_with_their_vintage(formations: pd.DataFrame):
    rates = formations[["employment_rate_6m", "employment_rate_12m", "continuation_rate"]]
    published = rates.to_numpy(dtype=float)
    published = published[~np.isnan(published)]
    assert ((published >= 0) & (published <= 1)).all()
    with_rates = rates.notna().any(axis=1)
    assert formations.loc[with_rates, "outcomes_vintage"].notna().all()
    assert with_rates.mean() > 0.7


def test_establishments_have_kinds_and_places(establishments: pd.DataFrame):
    kinds = {"lycee", "lycee_pro", "cfa", "universite", "ecole_superieure", "organisme"}
    assert set(establishments["kind"]) == kinds
    assert establishments["latitude"].notna().mean() > 0.9
    assert establishments["onisep_id"].dropna().str.fullmatch(r"ENS\.\d+").all()
