"""Load test: uvicorn with 2 workers on loopback, mixed widget queries from locust.

``make bench-load`` (or ``python -m benchmarks.load.run --duration 60``) serves the
catalogue loaded in the store (``make load``; ``python -m recommender offers generate``
adds offers) with ``python -m api`` and 2 workers on a free loopback port, runs locust
headless for the given time, and prints the request count, failures, latency
percentiles and throughput per endpoint, and the workers' memory (RSS) sampled
along the run: the first and last samples show whether it stays flat. Rate limits
are lifted for the run (one client address sends everything). Asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx2 as httpx

HERE = Path(__file__).resolve().parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            continue
    return total / 1024


def _workers(server: int) -> list[int]:
    children = Path(f"/proc/{server}/task/{server}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--users", type=int, default=40, help="concurrent locust users")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    port = _free_port()
    environment = {
        **os.environ,
        "ORIENTATION_PORT": str(port),
        "ORIENTATION_WORKERS": str(args.workers),
        "ORIENTATION_RATE_LIMIT_PER_IP": "1000000000",
    }
    server = subprocess.Popen([sys.executable, "-m", "api"], env=environment)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        workers = _workers(server.pid)
        print(f"uvicorn: {len(workers)} workers on {base}; RSS {_rss_mb(workers):.0f} MB idle")
        samples: list[tuple[float, float]] = []
        with TemporaryDirectory() as folder:
            prefix = Path(folder) / "stats"
            started = time.monotonic()
            locust = subprocess.Popen(
                [
                    *(sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py")),
                    *("--headless", "--only-summary", "-u", str(args.users), "-r", "20"),
                    *("-t", f"{args.duration}s", "--host", base, "--csv", str(prefix)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            while locust.poll() is None:
                samples.append((time.monotonic() - started, _rss_mb(workers)))
                time.sleep(5)
            _report(prefix.with_name("stats_stats.csv"), args.duration)
        print(
            "workers' RSS over the run: "
            + " · ".join(
                f"{t:.0f} s {rss:.0f} MB" for t, rss in samples[:: max(1, len(samples) // 8)]
            )
        )
        if samples:
            first, last = samples[min(1, len(samples) - 1)][1], samples[-1][1]
            print(f"RSS after warm-up {first:.0f} MB → end {last:.0f} MB ({last - first:+.0f} MB)")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _report(path: Path, duration: int) -> None:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = ("requests", 9), ("failures", 8), ("p50", 6), ("p95", 6), ("p99", 6), ("req/s", 7)
    print(f"{'endpoint':<28} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name[:28]:<28} {int(row['Request Count']):>9} {int(row['Failure Count']):>8} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6} {float(row['Requests/s']):>7.1f}"
        )
    print(f"(latencies in ms, {duration} s of load)")


if __name__ == "__main__":
    main()
