"""Reconversion latency: target jobs and routes for adults, over the national catalogue
plus 100k synthetic offers and the LHEO fixture's session.

``make bench`` runs it after the recommendation benchmark. Prints the advisor's
warm-up time (done once at API start-up), then p50/p95/p99 of ``RetrainingAdvisor.advise``
in-process and of ``POST /v1/reconversion`` over HTTP (uvicorn on 127.0.0.1, one
worker). Asserts nothing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from api.app import create_app
from benchmarks.recommend import _percentiles, http_latencies
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.model import MatchingModel
from recommender.offers import places_from_communes
from recommender.routes import AdultProfile, RetrainingAdvisor
from recommender.sessions import read_sessions
from recommender.settings import Settings
from recommender.synthetic import generate_offers_from_tables

LHEO = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "lheo_exemple_bts.xml"

PROFILES: list[dict[str, Any]] = [
    {"current_job": "cariste", "place": "Saint-Quentin", "years_experience": 6, "age": 27},
    {
        "current_job": "technicien de laboratoire",
        "place": "Rouen",
        "years_experience": 4,
        "diploma": "BTS",
        "status": "salarie",
        "age": 35,
    },
    {"current_job": "vendeur en magasin", "place": "Quimperlé", "diploma": "bac", "k": 3},
    {"current_job": "soudeur", "place": "Lyon", "years_experience": 12, "age": 45},
    {"current_job": "aide-soignant", "place": "Lille", "status": "demandeur_emploi"},
    {"current_job": "H2913", "place": "Amiens", "targets": ["H3202"], "radius_km": 50},
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=120)
    args = parser.parse_args(argv)
    settings = Settings(rate_limit_per_ip=10_000_000)  # one client, many requests
    plain = Catalogue.from_bundle(settings.data_dir, settings.campuses_path)
    tables = plain.tables
    offers = generate_offers_from_tables(args.offers, seed=2026, tables=tables)
    sessions = read_sessions(
        LHEO,
        source="carif-bench",
        certifications=tables["certifications"],
        places=places_from_communes(tables["communes"]),
    ).sessions
    catalogue = Catalogue.from_bundle(
        settings.data_dir, settings.campuses_path, offers=offers, sessions=sessions
    )
    engine = Engine(catalogue, MatchingModel.load(settings.model_path))
    started = time.perf_counter()
    advisor = RetrainingAdvisor(engine).warm()
    print(
        f"advisor warm-up (job moves and indexes, once at start-up): "
        f"{time.perf_counter() - started:.1f} s"
    )
    profiles = [
        AdultProfile(**{**fields, "targets": tuple(fields.get("targets", ()))})
        for fields in PROFILES
    ]
    for profile in profiles:  # warm-up
        advisor.advise(profile)
    samples = []
    for i in range(args.repeat):
        started = time.perf_counter()
        advisor.advise(profiles[i % len(profiles)])
        samples.append((time.perf_counter() - started) * 1000)
    print(
        f"in-process, {args.repeat} reconversions (5 targets × 3 routes): {_percentiles(samples)}"
    )

    app = create_app(settings, catalogue=catalogue)
    http_samples = http_latencies(app, "/v1/reconversion", PROFILES, args.repeat)
    print(
        f"over HTTP (uvicorn, 1 worker, loopback), {args.repeat} requests: "
        f"{_percentiles(http_samples)}"
    )


if __name__ == "__main__":
    main()
