"""The real bundled catalogue, loaded into SQLite and into the real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from recommender import store
from recommender.catalogue import Catalogue, load_catalogue, store_counts
from recommender.errors import SourceFormatError
from recommender.schema import CATALOGUE_TABLES
from recommender.settings import Settings
from tests.conftest import BUNDLED, _postgres_engine


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def real_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A store holding the whole bundled catalogue (loaded once per backend)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("real") / "catalogue.sqlite"
        engine = store.create_engine(f"sqlite:///{path}")
        load_catalogue(engine, BUNDLED, BUNDLED / "campuses.toml")
        yield engine
        engine.dispose()
    else:
        for engine in _postgres_engine():
            load_catalogue(engine, BUNDLED, BUNDLED / "campuses.toml")
            yield engine


@pytest.fixture(scope="module")
def real_catalogue(real_engine: Engine) -> Catalogue:
    return Catalogue.from_store(real_engine)


def test_every_bundled_row_is_in_the_store(real_engine: Engine) -> None:
    counts = store_counts(real_engine)
    for table in CATALOGUE_TABLES:
        rows = len(pd.read_parquet(BUNDLED / f"{table.name}.parquet", columns=[table.key[0]]))
        assert counts[table.name] == rows, table.name


def test_the_national_catalogue_has_plausible_counts(real_catalogue: Catalogue) -> None:
    counts = real_catalogue.counts()
    assert 50_000 <= counts["formations"] <= 120_000
    by_voie = counts["formations_by_voie"]
    assert isinstance(by_voie, dict)
    assert by_voie["scolaire"] > 20_000
    assert by_voie["apprentissage"] > 20_000
    by_level = counts["formations_by_level"]
    assert isinstance(by_level, dict)
    assert by_level["3"] > 5_000 and by_level["4"] > 10_000 and by_level["5"] > 10_000


def test_each_campus_has_members_from_its_territory(real_catalogue: Catalogue) -> None:
    members = real_catalogue.campus_members
    by_campus = members.groupby("campus_id")["uai"].apply(set).to_dict()
    assert set(by_campus) == {c.campus_id for c in real_catalogue.campuses}
    assert all(len(uais) >= 5 for uais in by_campus.values())
    # the support establishments named in the campus file
    assert "0020079A" in by_campus["plasturgie-metallurgie-picardie"]  # Condorcet, Saint-Quentin
    assert "0622801H" in by_campus["travaux-publics-hdf"]  # lycée des TP, Bruay-la-Buissière
    assert "0271666P" in by_campus["biotechnologies-bio-industries-normandie"]  # IUT d'Évreux
    # members derived from the data, not only the ones listed by hand
    establishments = real_catalogue.tables["establishments"].set_index("uai")
    plastics = establishments.loc[sorted(by_campus["plasturgie-metallurgie-picardie"])]
    assert {"Saint-Quentin", "Chauny", "Soissons"} <= set(plastics["commune_name"].dropna())


def test_a_broken_reload_leaves_the_real_catalogue_in_service(
    tmp_path: Path, bundled_copy: Path
) -> None:
    engine = store.create_engine(f"sqlite:///{tmp_path / 'reload.sqlite'}")
    load_catalogue(engine, bundled_copy, bundled_copy / "campuses.toml")
    before = store_counts(engine)
    formations = pd.read_parquet(bundled_copy / "formations.parquet")
    formations.drop(columns=["voie"]).to_parquet(bundled_copy / "formations.parquet")
    with pytest.raises(SourceFormatError, match="voie") as caught:
        load_catalogue(engine, bundled_copy, bundled_copy / "campuses.toml")
    assert caught.value.file.endswith("formations.parquet")
    assert store_counts(engine) == before
    engine.dispose()


def test_health_over_http_on_the_real_catalogue(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'health.sqlite'}")
    load_catalogue(store.create_engine(settings.database_url), BUNDLED, settings.campuses_path)
    with TestClient(create_app(settings)) as client:
        body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["built_on"]
    assert body["catalogue"]["formations"] > 50_000
    assert body["catalogue"]["communes"] > 34_900
    assert body["catalogue"]["campuses"] == 4
