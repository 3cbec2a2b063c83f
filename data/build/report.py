"""Coverage report of a catalogue build: what the bundled tables hold and what was left out.

The report is a plain JSON-serialisable dict, written beside the tables as
``build_report.json`` and printed at the end of ``python -m data.build``; the
data card quotes its figures.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table


@dataclass
class BuildLog:
    """What a builder dropped (and why), and how it filled gaps; counts for the data card."""

    dropped: Counter[str] = field(default_factory=Counter)
    notes: Counter[str] = field(default_factory=Counter)
    missing_certifications: dict[str, list[list[object]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dropped": {k: int(v) for k, v in sorted(self.dropped.items()) if v},
            "notes": {k: int(v) for k, v in sorted(self.notes.items()) if v},
            "missing_certifications": self.missing_certifications,
        }


def coverage_report(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Row counts of every table and the coverage of formations and establishments.

    Drop counts come from ``formations.attrs["build"]`` when the offerings
    builder left them there.

    Examples
    --------
    >>> formations = pd.DataFrame({"voie": ["scolaire"], "level": [4],
    ...     "location_precision": ["exact"], "latitude": [49.8], "outcomes_vintage": [None],
    ...     "capacity": [24], "source": ["voie_pro_2022"]})
    >>> report = coverage_report({"formations": formations})
    >>> report["rows"], report["formations"]["per_voie"], report["formations"]["share_exact"]
    ({'formations': 1}, {'scolaire': 1}, 1.0)
    """
    report: dict[str, Any] = {"rows": {name: len(frame) for name, frame in tables.items()}}
    formations = tables.get("formations")
    if formations is not None:
        report["formations"] = _formations(formations)
        build = formations.attrs.get("build", {})
        for part in ("dropped", "notes", "missing_certifications"):
            if part in build:
                report[part] = build[part]
    establishments = tables.get("establishments")
    if establishments is not None:
        report["establishments"] = {
            "per_kind": _counts(establishments["kind"]),
            "share_exact": _share(establishments["location_precision"] == "exact"),
            "share_with_onisep_id": _share(establishments["onisep_id"].notna()),
        }
    open_days = tables.get("open_days")
    if open_days is not None:
        report["open_days"] = _open_days(open_days)
    return report


def _open_days(open_days: pd.DataFrame) -> dict[str, Any]:
    """Open days: how many establishments have some, how many sentences give a date or a link."""
    return {
        "establishments": int(open_days["uai"].nunique()),
        "dated": int(open_days["start_date"].notna().sum()),
        "spans": int(open_days["end_date"].notna().sum()),
        "with_url": int(open_days["url"].notna().sum()),
        "per_vintage": _counts(open_days["vintage"]),
        "dropped": {k: int(v) for k, v in open_days.attrs.get("gaps", {}).items() if v},
    }


def _formations(formations: pd.DataFrame) -> dict[str, Any]:
    levels = formations["level"].astype("string").fillna("inconnu")
    per_source = formations["source"].str.split("+").explode()
    return {
        "per_voie": _counts(formations["voie"]),
        "per_level": _counts(levels),
        "per_voie_level": _counts(formations["voie"] + "/" + levels),
        "share_exact": _share(formations["location_precision"] == "exact"),
        "share_located": _share(formations["latitude"].notna()),
        "share_with_outcomes": _share(formations["outcomes_vintage"].notna()),
        "share_with_capacity": _share(formations["capacity"].notna()),
        "per_source": _counts(per_source),
    }


def _counts(values: pd.Series) -> dict[str, int]:
    counted = values.astype("string").fillna("inconnu").value_counts().sort_index()
    return {str(key): int(count) for key, count in counted.items()}


def _share(mask: pd.Series) -> float:
    return round(float(mask.fillna(False).astype(bool).mean()), 4) if len(mask) else 0.0


def print_report(report: dict[str, Any]) -> None:
    """Print the coverage report as readable tables (French, for the person running the build)."""
    console = Console()
    rows = Table(title="Tables construites")
    rows.add_column("table")
    rows.add_column("lignes", justify="right")
    for name, count in report.get("rows", {}).items():
        rows.add_row(name, f"{count:,}".replace(",", " "))
    console.print(rows)
    formations = report.get("formations")
    if formations:
        console.print(_voie_level_table(formations))
        shares = Table(title="Formations : couverture")
        shares.add_column("indicateur")
        shares.add_column("part", justify="right")
        for label, key in (
            ("lieu exact", "share_exact"),
            ("coordonnées présentes", "share_located"),
            ("taux d'insertion InserJeunes", "share_with_outcomes"),
            ("capacité connue", "share_with_capacity"),
        ):
            shares.add_row(label, f"{formations[key]:.1%}")
        console.print(shares)
        console.print(_count_table("Formations par source", formations["per_source"]))
    establishments = report.get("establishments")
    if establishments:
        console.print(_count_table("Établissements par type", establishments["per_kind"]))
    open_days = report.get("open_days")
    if open_days:
        console.print(
            _count_table(
                "Journées portes ouvertes (ONISEP)",
                {
                    "établissements concernés": open_days["establishments"],
                    "phrases datées": open_days["dated"],
                    "dont sur plusieurs jours": open_days["spans"],
                    "phrases avec un lien": open_days["with_url"],
                    **open_days["dropped"],
                },
            )
        )
    if report.get("dropped"):
        console.print(_count_table("Lignes écartées (et pourquoi)", report["dropped"]))
    if report.get("notes"):
        console.print(_count_table("Remarques", report["notes"]))


def _voie_level_table(formations: dict[str, Any]) -> Table:
    voies = list(formations["per_voie"])
    levels = list(formations["per_level"])
    table = Table(title="Formations par voie et niveau")
    table.add_column("niveau")
    for voie in voies:
        table.add_column(voie, justify="right")
    for level in levels:
        cells = [str(formations["per_voie_level"].get(f"{voie}/{level}", 0)) for voie in voies]
        table.add_row(level, *cells)
    table.add_row("total", *(str(formations["per_voie"][voie]) for voie in voies))
    return table


def _count_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title)
    table.add_column("")
    table.add_column("nombre", justify="right")
    for key, count in counts.items():
        table.add_row(key, str(count))
    return table
