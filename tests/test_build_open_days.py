"""Tests of the open-days builder (data/build/open_days.py): ONISEP sentences → open_days."""

from __future__ import annotations

import doctest
import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data.build import open_days as builder
from data.build.open_days import (
    OPEN_DAYS_FILE,
    build_open_days,
    open_days_vintage,
    sentence_dates,
    sentence_url,
)
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import OPEN_DAYS, conform
from tests.conftest import BUNDLED, SHARED_DATA

needs_sources = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"raw sources absent ({SHARED_DATA}): see data/build"
)

AFORP = "Le 15 février 2025 de 9h30 à 16h00 (Plus d'info : https://www.aforp.fr/jpo)"
PREVIOUS = "Date(s) indicative(s) des Journées portes ouvertes précédentes : le 23/03/2024"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("Le 5 avril 2025 de 9h00 à 12h00", date(2025, 4, 5), None),
        ("Le 1er mars 2025 de 9h30 à 15h30", date(2025, 3, 1), None),
        ("Le 2 août 2025 (le matin)", date(2025, 8, 2), None),
        ("le 22 février 2025 de 8h30 à 11h30", date(2025, 2, 22), None),
        (PREVIOUS, date(2024, 3, 23), None),
        (
            "Date(s) indicative(s) des Journées portes ouvertes précédentes : "
            "du 22/03/2024 au 23/03/2024",
            date(2024, 3, 22),
            date(2024, 3, 23),
        ),
        (
            "Du 28 mars 2025 à 17h30 au 29 mars 2025 à 13h00 de 17h30 à 20h le 28/03/2025 "
            "et de 9h à 13h le 29/03/2025",
            date(2025, 3, 28),
            date(2025, 3, 29),
        ),
        (
            "Du 16 octobre 2024 à 9h00 au 9 juillet 2025 à 16h00 (les mercredis, sur "
            "rendez-vous au 03 72 61 26 12)",
            date(2024, 10, 16),
            date(2025, 7, 9),
        ),
        # A day without its year is not a date, nor is an impossible day.
        ("le 10 avril, de 8h30 à 15h30", None, None),
        ("le 31/02/2025", None, None),
        # Numbers inside the link are not dates.
        ("Le 8 mars 2025 (Plus d'info : https://x.fr/jpo/12/03/2024)", date(2025, 3, 8), None),
    ],
)
def test_dates_are_read_from_the_published_sentence(
    text: str, start: date | None, end: date | None
) -> None:
    assert sentence_dates(text) == (start, end)


def test_the_link_is_cut_from_the_sentence_without_its_closing_punctuation() -> None:
    assert sentence_url(AFORP) == "https://www.aforp.fr/jpo"
    assert sentence_url("Le 8 mars 2025 (Plus d'info : https://www.site.fr/spip/?)") == (
        "https://www.site.fr/spip/?"
    )
    assert sentence_url("Le 8 mars 2025 : voir http://lycee.fr/jpo.") == "http://lycee.fr/jpo"
    assert sentence_url(PREVIOUS) is None


def _sources(tmp_path: Path, published: object) -> Sources:
    folder = tmp_path / "onisep"
    folder.mkdir()
    (folder / Path(OPEN_DAYS_FILE).name).write_text(
        json.dumps(published, ensure_ascii=False), encoding="utf-8"
    )
    return Sources(tmp_path)


def _establishments() -> pd.DataFrame:
    return pd.DataFrame(
        {"uai": ["0932760V", "0620011A", "0021502X"], "onisep_id": ["ENS.1", "ENS.2", None]}
    )


def test_sentences_of_known_establishments_become_rows_and_the_others_are_counted(
    tmp_path: Path,
) -> None:
    sources = _sources(
        tmp_path,
        {
            "ENS.1": {"jpo": [f"  {AFORP}\n", "Le 5 avril 2025\u00a0de 9h30 à 16h00", AFORP]},
            "ENS.2": {"jpo": [PREVIOUS, "  "]},
            "ENS.3": {"jpo": ["Le 8 mars 2025"]},  # not in the catalogue
            "ENS.4": {"jpo": []},
        },
    )
    out = conform(build_open_days(sources, _establishments()), OPEN_DAYS)
    assert out.astype(object).where(out.notna(), None).values.tolist() == [
        ["0932760V", AFORP, "2025-02-15", None, "https://www.aforp.fr/jpo", "2025"],
        ["0932760V", "Le 5 avril 2025 de 9h30 à 16h00", "2025-04-05", None, None, "2025"],
        ["0620011A", PREVIOUS, "2024-03-23", None, None, "2025"],
    ]
    assert out.attrs["gaps"] == {
        "journées portes ouvertes d'établissements ONISEP absents du catalogue": 1,
        "journées portes ouvertes en double pour un établissement": 1,
    }


@pytest.mark.parametrize(
    ("published", "message"),
    [
        ([], "objet JSON"),
        ({"10008": {"jpo": []}}, "identifiant '10008' inattendu"),
        ({"ENS.1": {"dates": []}}, "liste de textes attendue"),
        ({"ENS.1": {"jpo": [12]}}, "liste de textes attendue"),
    ],
)
def test_a_drifted_file_fails_naming_it(tmp_path: Path, published: object, message: str) -> None:
    with pytest.raises(SourceFormatError, match=message) as caught:
        build_open_days(_sources(tmp_path, published), _establishments())
    assert caught.value.file == OPEN_DAYS_FILE


def test_the_vintage_is_the_year_in_the_file_name() -> None:
    assert open_days_vintage(OPEN_DAYS_FILE) == "2025"
    with pytest.raises(SourceFormatError, match="année absente"):
        open_days_vintage("onisep/journees_portes_ouvertes.json")


def test_module_examples_run() -> None:
    assert doctest.testmod(builder).failed == 0


def test_bundled_open_days_conform_and_belong_to_bundled_establishments() -> None:
    bundled = pd.read_parquet(BUNDLED / "open_days.parquet")
    assert list(bundled.columns) == OPEN_DAYS.column_names
    conform(bundled, OPEN_DAYS)
    establishments = pd.read_parquet(BUNDLED / "establishments.parquet", columns=["uai"])
    assert set(bundled["uai"]) <= set(establishments["uai"])
    assert bundled["uai"].nunique() > 200
    assert (bundled["vintage"] == "2025").all()


@pytest.mark.source
@needs_sources
def test_the_bundled_file_is_what_the_build_makes_from_the_real_sources() -> None:
    establishments = pd.read_parquet(BUNDLED / "establishments.parquet")
    built = conform(build_open_days(Sources(SHARED_DATA), establishments), OPEN_DAYS)
    bundled = conform(pd.read_parquet(BUNDLED / "open_days.parquet"), OPEN_DAYS)
    pd.testing.assert_frame_equal(built, bundled)
    assert built["uai"].nunique() == 236
    aforp = built[built["uai"] == "0932760V"]
    assert aforp["start_date"].tolist() == ["2025-02-15", "2025-04-05", "2025-06-28"]
    assert set(aforp["url"]) == {"https://www.aforp.fr/jpo"}
