"""Open days (journées portes ouvertes) of an establishment, as people are shown them.

The bundled ``open_days`` table keeps ONISEP's sentences as published with the
dates they give (see ``data/build/open_days.py``). Here each becomes an item that
says whether it is over, so that a past open day is shown as such, never hidden
and never presented as coming.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

_COLUMNS = ["uai", "text", "start_date", "end_date", "url", "vintage"]


def open_day_item(row: dict[str, Any], today: date) -> dict[str, Any]:
    """One open day: its sentence, first and last dates, link, and whether it is ``past``.

    An open day is past once its last day (its only day for a single date) is
    before ``today``. A sentence without a date ("le 10 avril") is past once the
    year of its ONISEP file is over.

    Examples
    --------
    >>> row = {"text": "Le 5 avril 2025 de 9h00 à 12h00", "start_date": "2025-04-05",
    ...        "end_date": None, "url": None, "vintage": "2025"}
    >>> item = open_day_item(row, date(2025, 4, 5))
    >>> item["date"], item["past"]
    ('2025-04-05', False)
    >>> open_day_item(row, date(2025, 4, 6))["past"]
    True
    >>> open_day_item(row | {"start_date": None}, date(2025, 12, 31))["past"]
    False
    """
    last = row["end_date"] or row["start_date"]
    if last:
        past = date.fromisoformat(str(last)) < today
    else:
        past = int(str(row["vintage"])[:4]) < today.year
    return {
        "text": row["text"],
        "date": row["start_date"],
        "end_date": row["end_date"],
        "url": row["url"],
        "vintage": row["vintage"],
        "past": past,
    }


def by_establishment(open_days: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """The rows of the ``open_days`` table grouped by UAI, each group in date order.

    Sentences without a date come last; the order does not depend on how the
    store returned the rows.
    """
    rows = open_days[_COLUMNS].astype(object).where(open_days[_COLUMNS].notna(), None)
    ordered = rows.assign(undated=rows["start_date"].isna()).sort_values(
        ["uai", "undated", "start_date", "text"], na_position="last", kind="stable"
    )
    grouped: dict[str, list[dict[str, Any]]] = {}
    for record in ordered.drop(columns="undated").to_dict("records"):
        grouped.setdefault(str(record["uai"]), []).append({str(k): v for k, v in record.items()})
    return grouped
