"""Catalogue benchmark: load time into the store, memory, and place-lookup latency.

Run with ``make bench`` (or ``python -m benchmarks.catalogue [--database-url URL]``).
Prints figures; it asserts nothing. Record results in ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from recommender.catalogue import Catalogue, load_catalogue
from recommender.errors import AmbiguousPlace, PlaceNotFound
from recommender.geo import Places
from recommender.settings import Settings
from recommender.store import create_engine

PLACE_QUERIES = [
    "Saint-Quentin",
    "80000",
    "02691",
    "Amiens",
    "ST QUENTIN",
    "saint etienne du rouvray",
    "Bruay-la-Buissière",
    "Amien",
    "Rouen",
    "Evreux",
    "Lyon",
    "13001",
    "Marseille",
    "Paris",
    "Beauvais",
    "Soissons",
    "Laon",
    "Lille",
    "Strasbourg",
    "Toulouse",
    "Saint-Quantin",
]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentiles(samples_ms: list[float]) -> str:
    p50, p95, p99 = np.percentile(samples_ms, [50, 95, 99])
    return f"p50 {p50:.3f} ms · p95 {p95:.3f} ms · p99 {p99:.3f} ms"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--repeat", type=int, default=2_000, help="place lookups to time")
    args = parser.parse_args(argv)
    settings = Settings()
    print(
        f"machine: {platform.node()} · {platform.processor() or platform.machine()} · "
        f"Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        engine = create_engine(url)
        started = time.perf_counter()
        result = load_catalogue(engine, settings.data_dir, settings.campuses_path, force=True)
        load_s = time.perf_counter() - started
        print(
            f"load into {engine.dialect.name}: {load_s:.1f} s "
            f"({sum(result.counts.values()):,} rows)"
        )
        started = time.perf_counter()
        catalogue = Catalogue.from_store(engine)
        read_s = time.perf_counter() - started
        print(f"read catalogue from store: {read_s:.1f} s · peak RSS {_rss_mb():.0f} MB")
        print(f"formations: {len(catalogue.tables['formations']):,}")
        engine.dispose()

    started = time.perf_counter()
    places = Places.from_frame(catalogue.tables["communes"])
    print(f"place index: {(time.perf_counter() - started) * 1000:.0f} ms")
    samples = []
    for i in range(args.repeat):
        query = PLACE_QUERIES[i % len(PLACE_QUERIES)]
        started = time.perf_counter()
        with contextlib.suppress(AmbiguousPlace, PlaceNotFound):
            places.resolve(query)
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"place resolution ({args.repeat} lookups, mixed names/codes/typos): "
        f"{_percentiles(samples)}"
    )


if __name__ == "__main__":
    main()
