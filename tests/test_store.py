"""Store: the same behaviour on SQLite and on the real PostgreSQL server."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import Connection, Engine

from recommender import store
from recommender.catalogue import Catalogue, load_catalogue, store_counts
from recommender.errors import CatalogueNotLoaded, SourceFormatError
from recommender.schema import OFFERS, conform
from tests.conftest import tiny_tables, write_bundle


def _load(engine: Engine, bundle: Path, **options: bool):  # type: ignore[no-untyped-def]
    return load_catalogue(engine, bundle, bundle / "campuses.toml", **options)


def test_load_writes_every_table_and_reads_back_equal(engine: Engine, tiny_bundle: Path) -> None:
    result = _load(engine, tiny_bundle)
    assert result.status == "loaded"
    assert result.counts["formations"] == 3
    assert result.counts["communes"] == 2
    back = store.read_catalogue(engine)
    expected = tiny_tables()
    for name, frame in expected.items():
        ordered = back[name].sort_values(list(frame.columns[:1])).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            ordered, frame.sort_values(list(frame.columns[:1])).reset_index(drop=True)
        )


def test_loading_the_same_files_twice_changes_nothing(engine: Engine, tiny_bundle: Path) -> None:
    first = _load(engine, tiny_bundle)
    second = _load(engine, tiny_bundle)
    assert second.status == "unchanged"
    assert second.checksum == first.checksum
    assert second.counts == first.counts
    forced = _load(engine, tiny_bundle, force=True)
    assert forced.status == "loaded"
    assert forced.counts == first.counts


def test_invalid_file_is_refused_and_previous_catalogue_stays(
    engine: Engine, tiny_bundle: Path, tmp_path: Path
) -> None:
    _load(engine, tiny_bundle)
    tables = tiny_tables()
    broken = tables["formations"].copy()
    broken.loc[2, "formation_id"] = broken.loc[0, "formation_id"]  # key repeated on line 4
    bad_bundle = write_bundle(tmp_path / "bad", {**tables, "formations": broken})
    with pytest.raises(SourceFormatError) as caught:
        _load(engine, bad_bundle)
    assert caught.value.file.endswith("formations.parquet")
    assert caught.value.line == 4
    assert caught.value.field == "formation_id"
    assert store_counts(engine)["formations"] == 3
    assert store.loaded_checksum(engine) == store.files_checksum(
        [*store.bundle_paths(tiny_bundle), tiny_bundle / "campuses.toml"]
    )


def test_failure_inside_the_transaction_rolls_everything_back(
    engine: Engine, tiny_bundle: Path
) -> None:
    _load(engine, tiny_bundle)
    before = store.read_catalogue(engine)
    smaller = {**tiny_tables()}
    smaller["formations"] = smaller["formations"].iloc[:1]

    def crash(_connection: Connection) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store.replace_catalogue(engine, smaller, checksum="other", before_commit=crash)
    after = store.read_catalogue(engine)
    assert len(after["formations"]) == len(before["formations"]) == 3
    assert store.loaded_checksum(engine) != "other"


def test_campus_members_are_derived_from_the_catalogue(engine: Engine, tiny_bundle: Path) -> None:
    _load(engine, tiny_bundle)
    catalogue = Catalogue.from_store(engine)
    assert [c.campus_id for c in catalogue.campuses] == ["plasturgie-test"]
    members = catalogue.campus_members
    # Condorcet (Aisne) offers the plastics Bac pro; the university in Amiens does not.
    assert list(members["uai"]) == ["0020079A"]
    assert "2 formation(s)" in members.loc[0, "reason"]


def test_reading_before_any_load_says_what_to_do(engine: Engine) -> None:
    with pytest.raises(CatalogueNotLoaded, match="recommender load"):
        Catalogue.from_store(engine)


def _offers(source: str, n: int) -> pd.DataFrame:
    return conform(
        pd.DataFrame(
            {
                "offer_id": [f"{source}-{i}" for i in range(n)],
                "source": source,
                "kind": "apprentissage",
                "title": "Apprenti plasturgiste",
                "code_rome": "H3201",
                "employer_name": "Entreprise fictive",
                "employer_siret": None,
                "naf": "22.21Z",
                "insee": "02691",
                "latitude": 49.85,
                "longitude": 3.29,
                "start_date": "2027-09-01",
                "duration_months": 24,
                "cert_id": "40025005",
                "level": 4,
                "description": "<b>pas interprété</b>",
                "url": None,
            }
        ),
        OFFERS,
    )


def test_reimporting_offers_of_a_source_replaces_them(engine: Engine) -> None:
    assert store.replace_offers(engine, _offers("cfa-a", 3), source="cfa-a") == 3
    assert store.replace_offers(engine, _offers("cfa-b", 2), source="cfa-b") == 2
    assert store.replace_offers(engine, _offers("cfa-a", 3), source="cfa-a") == 3
    stored = store.read_offers_table(engine)
    assert stored["source"].value_counts().to_dict() == {"cfa-a": 3, "cfa-b": 2}
    assert stored.loc[0, "description"] == "<b>pas interprété</b>"


def test_query_counts_add_up_per_day_partner_campus_and_endpoint(engine: Engine) -> None:
    store.create_schema(engine)
    monday, tuesday = date(2026, 9, 7), date(2026, 9, 8)
    for _ in range(3):
        store.record_query(
            engine, "recommendations", partner="college-a", campus="campus-x", day=monday
        )
    store.record_query(engine, "recommendations", day=monday)
    store.record_query(engine, "why_not", partner="college-a", campus="campus-x", day=monday)
    store.record_query(engine, "recommendations", partner="college-a", day=tuesday)
    counts = {
        (c.day, c.partner, c.campus, c.endpoint): c.count for c in store.read_query_counts(engine)
    }
    assert counts == {
        (monday, None, None, "recommendations"): 1,
        (monday, "college-a", "campus-x", "recommendations"): 3,
        (monday, "college-a", "campus-x", "why_not"): 1,
        (tuesday, "college-a", None, "recommendations"): 1,
    }
    assert [c.day for c in store.read_query_counts(engine, since=tuesday)] == [tuesday]


def test_concurrent_query_counts_are_never_lost(engine: Engine) -> None:
    store.create_schema(engine)

    def count_ten(_worker: int) -> None:
        for _ in range(10):
            store.record_query(engine, "recommendations", partner="lycee-b")

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(count_ten, range(4)))
    [row] = store.read_query_counts(engine)
    assert (row.partner, row.campus, row.count) == ("lycee-b", None, 40)


def test_query_counts_hold_nothing_about_the_person() -> None:
    assert set(store.query_counts.columns.keys()) == {
        "day",
        "partner",
        "campus",
        "endpoint",
        "count",
    }
