"""Real-browser fixtures: the API served by uvicorn on a free loopback port, over the bundled
catalogue (plus seeded synthetic offers), and Debian's Chromium driven by Playwright.

Chromium is launched from ``/usr/bin/chromium`` (``make install`` installs it with apt);
Playwright never downloads a browser. Without Chromium the tests are skipped with the
reason, except under ``CI=true`` where they fail: CI must not skip them silently.
Screenshots go to ``tests/browser/artifacts/`` (git-ignored); the list of screenshots
and the axe-core results are printed at the end of the run.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from recommender.catalogue import load_catalogue
from recommender.store import create_engine, read_bundle, replace_offers
from recommender.synthetic import generate_offers_from_tables
from tests.conftest import BUNDLED, PROJECT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SYNTHETIC_OFFERS = 5_000
OFFERS_SEED = 2026
START_TIMEOUT_S = 120.0
IMPACTS = ("critical", "serious", "moderate", "minor")

_report: dict[str, list[str]] = {"screenshots": [], "axe": []}


def _missing(reason: str) -> None:
    """Skip, or fail under CI=true: CI must run the browser tests, never skip them."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} ; CI=true : les tests navigateur doivent tourner en CI")
    pytest.skip(reason)


def _require_browser() -> None:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _missing(
            f"Chromium absent ({CHROMIUM}) : `make install` l'installe (apt-get install chromium)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("Playwright absent : `.venv/bin/pip install -e '.[dev]'`")


@dataclass(frozen=True)
class LiveServer:
    """The API running in a subprocess."""

    url: str
    database_url: str


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API stopped (code {process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(
        f"the API did not answer /health in {START_TIMEOUT_S:g} s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`python -m api` (uvicorn) over the bundled catalogue loaded into a temporary SQLite file."""
    _require_browser()
    folder = tmp_path_factory.mktemp("widget-server")
    database_url = f"sqlite:///{folder / 'orientation.sqlite'}"
    engine = create_engine(database_url)
    load_catalogue(engine, BUNDLED, BUNDLED / "campuses.toml")
    offers = generate_offers_from_tables(
        SYNTHETIC_OFFERS, seed=OFFERS_SEED, tables=read_bundle(BUNDLED)
    )
    replace_offers(engine, offers, source="synthetic")
    engine.dispose()
    port = _free_port()
    environment = {
        **os.environ,
        "ORIENTATION_DATABASE_URL": database_url,
        "ORIENTATION_HOST": "127.0.0.1",
        "ORIENTATION_PORT": str(port),
    }
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "api"],
            cwd=PROJECT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(url, process, log)
        yield LiveServer(url, database_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from /usr/bin/chromium, one for the session."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@dataclass
class Problems:
    """What went wrong in the page: console errors, failed or foreign requests, 4xx/5xx."""

    origin: str
    found: list[str] = field(default_factory=list)

    def watch(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"erreur JS : {error}"))
        page.on("request", self._request)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.found.append(f"console : {message.text}")

    def _request(self, request: Any) -> None:
        if not request.url.startswith((self.origin, "data:")):
            self.found.append(f"requête hors du serveur : {request.url}")

    def _failed(self, request: Any) -> None:
        # Autocomplete requests made stale by the next keystroke are aborted on purpose.
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"requête échouée : {request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.found.append(f"HTTP {response.status} : {response.url}")


@pytest.fixture
def problems(live_server: LiveServer) -> Problems:
    return Problems(live_server.url)


@pytest.fixture
def page(browser: Any, live_server: LiveServer, problems: Problems) -> Iterator[Any]:
    """A phone-sized page (390×844, French) whose problems are collected in `problems`."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    problems.watch(new_page)
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS


@pytest.fixture
def screenshot(artifacts: Path) -> Callable[[Any, str], Path]:
    """Save a full-page screenshot as tests/browser/artifacts/<name>.png."""

    def save(page: Any, name: str) -> Path:
        path = artifacts / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _report["screenshots"].append(str(path.relative_to(PROJECT)))
        return path

    return save


@pytest.fixture
def axe_scan() -> Callable[[Any, str], dict[str, int]]:
    """Run axe-core (bundled by axe-playwright-python) on the page; fail on serious or
    critical violations; the counts by impact are printed at the end of the run."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def scan(page: Any, state: str) -> dict[str, int]:
        response = axe.run(page).response
        violations = response["violations"]
        counts = Counter(violation["impact"] for violation in violations)
        by_impact = {impact: counts.get(impact, 0) for impact in IMPACTS}
        version = response.get("testEngine", {}).get("version", "?")
        listed = ", ".join(f"{v['id']} ({v['impact']}, {len(v['nodes'])})" for v in violations)
        _report["axe"].append(
            f"axe-core {version} · {state} : {len(response['passes'])} règles respectées ; "
            "violations "
            + ", ".join(f"{impact} {n}" for impact, n in by_impact.items())
            + (f" — {listed}" if listed else "")
        )
        blocking = [v for v in violations if v["impact"] in ("critical", "serious")]
        assert not blocking, "\n".join(
            f"{v['id']} ({v['impact']}) : {v['help']} — "
            + " | ".join(node["html"][:160] for node in v["nodes"][:3])
            for v in blocking
        )
        return by_impact

    return scan


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not (_report["screenshots"] or _report["axe"]):
        return
    terminalreporter.section("widget : navigateur réel")
    for line in _report["axe"]:
        terminalreporter.write_line(line)
    if _report["screenshots"]:
        folder = ARTIFACTS.relative_to(PROJECT)
        terminalreporter.write_line(
            f"{len(_report['screenshots'])} captures d'écran dans {folder}/ :"
        )
        for path in _report["screenshots"]:
            terminalreporter.write_line(f"  {path}")
