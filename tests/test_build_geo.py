"""Building the communes table from the raw sources (needs ../shared/data)."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from data.build.geo import LAPOSTE_FILE, build_communes
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import COMMUNES, conform

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
GEO_FILES = (
    "geo/communes.json.gz",
    "geo/departements.json",
    "geo/regions.json",
    "geo/departements_academies_regions.csv",
    "geo/codes-postaux.json.gz",
    "geo/laposte_hexasmal_2022.csv.gz",
)

pytestmark = [
    pytest.mark.source,
    pytest.mark.skipif(
        not SHARED_DATA.is_dir(), reason=f"raw sources absent ({SHARED_DATA} not found)"
    ),
]


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    return build_communes(Sources(SHARED_DATA))


def copy_sources(target: Path, *, except_: str) -> Sources:
    """The geo sources in ``target``, all but ``except_`` copied unchanged."""
    (target / "geo").mkdir()
    for relative in GEO_FILES:
        if relative != except_:
            shutil.copy(SHARED_DATA / relative, target / relative)
    return Sources(target)


def test_builds_every_current_commune(communes: pd.DataFrame) -> None:
    table = conform(communes, COMMUNES)
    assert table["kind"].value_counts().to_dict() == {"commune": 34_964, "arrondissement": 45}
    report = communes.attrs["report"]
    assert report["skipped"] == {
        "commune-associee": 471,
        "commune-deleguee": 2105,
        "sans code postal": 5,  # the uninhabited TAAF districts
    }
    assert report["without_academie"] == ["98901"]  # Clipperton


def test_codes_and_names_join_up(communes: pd.DataFrame) -> None:
    by_insee = communes.set_index("insee")
    saint_quentin = by_insee.loc["02691"]
    assert saint_quentin["departement_name"] == "Aisne"
    assert (saint_quentin["academie"], saint_quentin["academie_name"]) == ("20", "Amiens")
    assert saint_quentin["region_name"] == "Hauts-de-France"
    assert saint_quentin["postcodes"] == "02100"
    assert saint_quentin["latitude"] == pytest.approx(49.85, abs=0.05)
    # The ministry writes "02A" and "971"; the COG "2A" and "971".
    assert by_insee.loc["2A004", "academie_name"] == "Corse"
    assert by_insee.loc["97105", "academie_name"] == "Guadeloupe"


def test_coordinates_fallbacks(communes: pd.DataFrame) -> None:
    by_insee = communes.set_index("insee")
    latitudes = dict(zip(communes["insee"], communes["latitude"], strict=True))
    for city, first in (("75056", "75101"), ("69123", "69381"), ("13055", "13201")):
        assert latitudes[city] == latitudes[first]
    # Conques-en-Rouergue changed code after 2022; La Poste lists it under 12076.
    assert by_insee.loc["12218", "latitude"] == pytest.approx(44.595, abs=0.01)
    metropolitan = communes[communes["departement"].str.len() == 2]
    assert metropolitan["latitude"].isna().sum() == 7  # merged/split after La Poste 2022
    located = metropolitan.dropna(subset=["latitude"])
    assert located["latitude"].between(41.0, 51.5).all()
    assert located["longitude"].between(-5.5, 10.0).all()
    # La Poste's placeholders for the collectivités d'outre-mer are not kept.
    assert by_insee.loc["98735", ["latitude", "longitude"]].isna().all()  # Papeete


def test_a_missing_laposte_column_names_the_file(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path, except_=LAPOSTE_FILE)
    original = pd.read_csv(SHARED_DATA / LAPOSTE_FILE, sep=";", dtype=str, nrows=50)
    with gzip.open(tmp_path / LAPOSTE_FILE, "wt", encoding="utf-8") as handle:
        original.drop(columns=["latitude"]).to_csv(handle, sep=";", index=False)
    with pytest.raises(SourceFormatError, match="latitude") as caught:
        build_communes(sources)
    assert caught.value.file == LAPOSTE_FILE


def test_an_unknown_commune_type_names_file_line_and_field(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path, except_="geo/communes.json.gz")
    records = [
        {"code": "02691", "nom": "Saint-Quentin", "type": "commune-actuelle", "zone": "metro",
         "departement": "02", "region": "32", "codesPostaux": ["02100"], "population": 52813},
        {"code": "02999", "nom": "Nulle-Part", "type": "commune-fantome", "zone": "metro",
         "departement": "02", "region": "32", "codesPostaux": ["02100"], "population": 1},
    ]  # fmt: skip
    with gzip.open(tmp_path / "geo/communes.json.gz", "wt", encoding="utf-8") as handle:
        handle.write("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    with pytest.raises(SourceFormatError) as caught:
        build_communes(sources)
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "geo/communes.json.gz", 3, "type",
    )  # fmt: skip
