"""Rebuild the bundled catalogue files of ``data/`` from the raw sources.

Usage: ``python -m data.build [--sources ../shared/data] [--out data]``.

Every table is checked against :mod:`recommender.schema` before anything is
written; files are written to a temporary folder and moved into place only when
the whole build succeeded, so a failed build leaves the previous files intact.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from data.build.certifications import build_certifications
from data.build.geo import build_communes
from data.build.jobs import build_jobs
from data.build.naf import build_naf_codes
from data.build.nsf import build_nsf_specialties
from data.build.offerings import build_offerings
from data.build.open_days import build_open_days
from data.build.report import coverage_report, print_report
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import CATALOGUE_TABLES, conform

DEFAULT_SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "data"
DEFAULT_OUT = Path(__file__).resolve().parents[1]


def build(sources_root: Path, out: Path) -> dict[str, object]:
    """Build every catalogue table from ``sources_root`` into ``out``; return the report."""
    sources = Sources(sources_root)
    tables: dict[str, pd.DataFrame] = {}
    steps = [
        ("communes", lambda: {"communes": build_communes(sources)}),
        ("jobs", lambda: build_jobs(sources)),
        ("naf", lambda: {"naf_codes": build_naf_codes(sources)}),
        ("nsf", lambda: {"nsf_specialties": build_nsf_specialties(sources)}),
        ("certifications", lambda: build_certifications(sources)),
        (
            "offerings",
            lambda: build_offerings(sources, tables["communes"], tables["certifications"]),
        ),
        ("open days", lambda: {"open_days": build_open_days(sources, tables["establishments"])}),
    ]
    for label, step in steps:
        print(f"· {label}…", flush=True)
        for name, frame in step().items():
            tables[name] = conform(frame, _table(name))
    report = coverage_report(tables)
    report["built_on"] = date.today().isoformat()
    with tempfile.TemporaryDirectory(dir=out) as staging:
        staging_dir = Path(staging)
        for table in CATALOGUE_TABLES:
            tables[table.name].to_parquet(
                staging_dir / f"{table.name}.parquet", index=False, compression="zstd"
            )
        (staging_dir / "build_report.json").write_text(
            json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for produced in staging_dir.iterdir():
            shutil.move(str(produced), out / produced.name)
    return report


def _table(name: str):  # type: ignore[no-untyped-def]
    for table in CATALOGUE_TABLES:
        if table.name == name:
            return table
    raise KeyError(f"builder produced an unknown table {name!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__)
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        report = build(args.sources, args.out)
    except SourceFormatError as error:
        print(f"ÉCHEC de la construction : {error}", file=sys.stderr)
        return 1
    print_report(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
