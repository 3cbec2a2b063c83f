"""A load killed half-way (a real subprocess, SIGKILL) leaves the previous catalogue in
the database, consistent, and the API serving it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from api.app import create_app
from recommender.api_keys import new_key
from recommender.catalogue import load_catalogue
from recommender.settings import Settings
from recommender.store import create_engine, loaded_checksum
from tests.conftest import BUNDLED, PROJECT

KEY, ENTRY = new_key("ops")
WRITING = 4_000_000  # bytes of write-ahead log: the national load is well under way


def test_a_load_killed_midway_leaves_the_previous_catalogue(
    tmp_path: Path, tiny_bundle: Path
) -> None:
    database = tmp_path / "store.sqlite"
    settings = Settings(
        database_url=f"sqlite:///{database}", data_dir=tiny_bundle, api_keys=[ENTRY]
    )
    engine = create_engine(settings.database_url)
    load_catalogue(engine, tiny_bundle, settings.campuses_path)
    before = loaded_checksum(engine)
    with TestClient(create_app(settings)) as client:
        served = client.get("/health").json()["catalogue"]["formations"]
        assert served == 3
        # The national catalogue, loaded by the CLI in another process, killed mid-write.
        environment = {
            **os.environ,
            "ORIENTATION_DATABASE_URL": settings.database_url,
            "ORIENTATION_DATA_DIR": str(BUNDLED),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "recommender", "load", "--force"],
            cwd=PROJECT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wal = Path(f"{database}-wal")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if wal.exists() and wal.stat().st_size > WRITING:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the load ended before it could be interrupted"
        written = wal.stat().st_size
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        print(f"load killed after {written / 1e6:.0f} MB of uncommitted writes")

        engine.dispose()
        with engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
            formations = connection.execute(sa.text("SELECT count(*) FROM formations")).scalar()
        assert formations == 3
        assert loaded_checksum(engine) == before
        # The API never stopped serving, and a reload finds the same catalogue.
        assert client.get("/health").json()["catalogue"]["formations"] == 3
        reloaded = client.post("/v1/admin/reload", headers={"X-Api-Key": KEY})
        assert reloaded.status_code == 200, reloaded.text
        assert reloaded.json()["checksum"] == before
