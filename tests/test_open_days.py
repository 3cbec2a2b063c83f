"""Open days as people are shown them (recommender/open_days.py), on the tiny catalogue."""

from __future__ import annotations

import doctest
from datetime import date

import pandas as pd

from recommender import open_days
from recommender.open_days import by_establishment, open_day_item
from recommender.schema import OPEN_DAYS, conform
from tests.conftest import tiny_tables
from tests.test_browse import tiny_catalogue

CONDORCET = "0020079A"


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "text": "Le 5 avril 2025 de 9h00 à 12h00",
        "start_date": "2025-04-05",
        "end_date": None,
        "url": None,
        "vintage": "2025",
    }
    return row | values


def test_an_open_day_is_past_the_day_after_its_last_day() -> None:
    assert open_day_item(_row(), date(2025, 4, 5))["past"] is False
    assert open_day_item(_row(), date(2025, 4, 6))["past"] is True
    span = _row(start_date="2024-10-16", end_date="2025-07-09")
    assert open_day_item(span, date(2025, 3, 1))["past"] is False  # under way
    assert open_day_item(span, date(2025, 7, 10))["past"] is True


def test_an_undated_open_day_is_past_once_its_year_is_over() -> None:
    undated = _row(text="le 10 avril, de 8h30 à 15h30", start_date=None)
    assert open_day_item(undated, date(2025, 12, 31))["past"] is False
    assert open_day_item(undated, date(2026, 1, 1))["past"] is True


def test_the_item_keeps_the_sentence_its_dates_and_its_link() -> None:
    row = _row(url="https://www.aforp.fr/jpo", end_date="2025-04-06")
    assert open_day_item(row, date(2026, 1, 1)) == {
        "text": "Le 5 avril 2025 de 9h00 à 12h00",
        "date": "2025-04-05",
        "end_date": "2025-04-06",
        "url": "https://www.aforp.fr/jpo",
        "vintage": "2025",
        "past": True,
    }


def test_open_days_are_grouped_by_establishment_in_date_order_undated_last() -> None:
    rows = pd.DataFrame(
        [
            {"uai": "B", **_row(text="undated", start_date=None)},
            {"uai": "B", **_row(text="later", start_date="2025-06-01")},
            {"uai": "A", **_row(text="only")},
            {"uai": "B", **_row(text="earlier", start_date="2024-03-23")},
        ]
    )
    grouped = by_establishment(conform(rows, OPEN_DAYS))
    assert {uai: [r["text"] for r in group] for uai, group in grouped.items()} == {
        "A": ["only"],
        "B": ["earlier", "later", "undated"],
    }
    assert grouped["B"][2]["start_date"] is None  # missing cells are None, not <NA>


def test_the_catalogue_gives_an_establishments_open_days_on_a_given_day() -> None:
    catalogue = tiny_catalogue()
    before = catalogue.open_days(CONDORCET, today=date(2024, 1, 1))
    assert [(d["date"], d["past"]) for d in before] == [
        ("2024-03-23", False),
        ("2025-03-08", False),
    ]
    between = catalogue.open_days(CONDORCET, today=date(2025, 1, 1))
    assert [d["past"] for d in between] == [True, False]
    assert between[1]["url"] == "https://condorcet.example.fr/jpo"
    assert catalogue.open_days("0801344B") == []


def test_a_catalogue_without_open_days_answers_an_empty_list() -> None:
    tables = tiny_tables()
    tables["open_days"] = tables["open_days"].iloc[0:0]
    assert tiny_catalogue(tables).open_days(CONDORCET) == []


def test_module_examples_run() -> None:
    assert doctest.testmod(open_days).failed == 0
