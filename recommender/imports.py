"""Imports of offers and sessions into the store, shared by the CLI and the admin API.

Each runs in one transaction (:func:`recommender.store.replace_offers`,
:func:`~recommender.store.replace_sessions`): a failure, or a process killed half-way,
leaves the previous rows in place; re-importing a source replaces its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from recommender import store
from recommender.offers import certification_codes, places_from_communes, read_offers
from recommender.schema import CERTIFICATIONS, COMMUNES
from recommender.sessions import SessionImport, read_sessions


def import_offers(engine: Engine, path: Path, source: str) -> int:
    """Read ``path`` (CSV or JSON, docs/offers.md) and replace the offers of ``source``:
    all records or none (the first bad one stops the import). Returns the count."""
    tables = store.read_catalogue(engine)
    offers = read_offers(
        path,
        source=source,
        known_rome=set(tables["jobs"]["code_rome"]),
        places=places_from_communes(tables["communes"]),
        known_certs=certification_codes(tables["certifications"]),
    )
    return store.replace_offers(engine, offers, source=source)


@dataclass(frozen=True)
class SessionsImported:
    read: SessionImport  # the valid sessions and every rejected record with its reason
    count: int  # sessions now stored for the source


def import_sessions(
    engine: Engine,
    path: Path,
    source: str,
    progress: Callable[[int], None] | None = None,
) -> SessionsImported:
    """Read ``path`` (LHEO 2.2 XML or CSV, docs/sessions.md): bad records are left out and
    reported, the valid ones replace the sessions of ``source``."""
    store.ensure_loaded(engine)
    read = read_sessions(
        path,
        source=source,
        certifications=store.read_table(engine, CERTIFICATIONS),
        places=places_from_communes(store.read_table(engine, COMMUNES)),
        progress=progress,
    )
    return SessionsImported(read, store.replace_sessions(engine, read.sessions, source=source))
