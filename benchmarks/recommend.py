"""Recommendation latency over the national catalogue plus 100k synthetic offers.

``make bench`` runs it after the catalogue benchmark. Prints p50/p95/p99 in-process
and over HTTP (uvicorn on 127.0.0.1, one worker), and memory. Asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import socket
import threading
import time
from typing import Any

import httpx2 as httpx
import numpy as np
import uvicorn
from fastapi import FastAPI

from api.app import create_app
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.model import MatchingModel
from recommender.profile import Profile
from recommender.recommend import recommend
from recommender.settings import Settings
from recommender.synthetic import generate_offers_from_tables

PROFILES: list[dict[str, Any]] = [
    {"level": "3e", "interests": ["plasturgie"], "place": "Saint-Quentin"},
    {"level": "bac pro", "interests": ["chimie", "biologie"], "place": "Amiens", "radius_km": 60},
    {"level": "3e", "interests": ["je veux devenir soudeur"], "place": "Lyon"},
    {"level": "CAP", "interests": ["cuisine"], "place": "Lille", "voies": ["apprentissage"]},
    {"level": "terminale pro", "interests": ["maintenance industrielle"], "place": "Rouen"},
    {"level": "seconde", "interests": ["travailler dehors"], "place": "Guéret", "radius_km": 20},
    {"level": "bac", "interests": ["informatique"], "place": "Toulouse"},
    {"level": "3e", "place": "Bruay-la-Buissière"},
]


def _profile(fields: dict[str, Any]) -> Profile:
    tuples = {k: tuple(fields.get(k, ())) for k in ("interests", "voies")}
    return Profile(**{**fields, **tuples})


def _percentiles(samples: list[float]) -> str:
    p50, p95, p99 = np.percentile(samples, [50, 95, 99])
    return f"p50 {p50:.1f} ms · p95 {p95:.1f} ms · p99 {p99:.1f} ms"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=400)
    args = parser.parse_args(argv)
    settings = Settings(rate_limit_per_ip=10_000_000)  # one client, many requests
    plain = Catalogue.from_bundle(settings.data_dir, settings.campuses_path)
    tables = plain.tables
    offers = generate_offers_from_tables(args.offers, seed=2026, tables=tables)
    catalogue = Catalogue.from_bundle(settings.data_dir, settings.campuses_path, offers=offers)
    started = time.perf_counter()
    engine = Engine(catalogue, MatchingModel.load(settings.model_path))
    print(
        f"engine build: {time.perf_counter() - started:.1f} s · "
        f"{len(engine.formations):,} formations · {len(engine.offers):,} offers"
    )
    profiles = [_profile(p) for p in PROFILES]
    for profile in profiles:  # warm-up
        recommend(engine, profile)
    samples = []
    for i in range(args.repeat):
        started = time.perf_counter()
        recommend(engine, profiles[i % len(profiles)], k=10, offers_k=10)
        samples.append((time.perf_counter() - started) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"in-process, {args.repeat} recommendations (10 formations + 10 offers): "
        f"{_percentiles(samples)} · peak RSS {rss:.0f} MB"
    )

    app = create_app(settings, catalogue=catalogue)
    http_samples = http_latencies(app, "/v1/recommendations", PROFILES, args.repeat)
    print(
        f"over HTTP (uvicorn, 1 worker, loopback), {args.repeat} requests: "
        f"{_percentiles(http_samples)}"
    )


def http_latencies(
    app: FastAPI, path: str, bodies: list[dict[str, Any]], repeat: int
) -> list[float]:
    """Milliseconds of ``repeat`` POSTs of ``bodies`` (in turn) to ``app`` served by uvicorn
    (one worker, loopback), after one warm-up round."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.1)
    samples = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for body in bodies:
            client.post(path, json=body).raise_for_status()
        for i in range(repeat):
            started = time.perf_counter()
            client.post(path, json=bodies[i % len(bodies)]).raise_for_status()
            samples.append((time.perf_counter() - started) * 1000)
    server.should_exit = True
    thread.join(timeout=10)
    return samples


if __name__ == "__main__":
    main()
