"""Dependencies point one way: api → recommender ← data loaders."""

from __future__ import annotations

import ast
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def _imported_packages(package: str) -> dict[str, set[str]]:
    found = {}
    for path in (PROJECT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(PROJECT))] = names
    return found


def test_engine_never_imports_the_api_or_the_data_build() -> None:
    offenders = {
        path: names & {"api", "data", "fastapi", "uvicorn"}
        for path, names in _imported_packages("recommender").items()
        if names & {"api", "data", "fastapi", "uvicorn"}
    }
    assert offenders == {}


def test_data_build_never_imports_the_api() -> None:
    offenders = {p: n for p, n in _imported_packages("data").items() if "api" in n}
    assert offenders == {}
