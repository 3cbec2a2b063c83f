"""The catalogue served to queries: read once from the store, held in memory.

:func:`load_catalogue` moves the bundled files (and the campus file) into the
store; :meth:`Catalogue.from_store` reads the store back into frames and the
columnar arrays the matching model scores against.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from recommender import store
from recommender.campuses import Campus, derive_members, read_campuses
from recommender.errors import SourceFormatError
from recommender.open_days import by_establishment, open_day_item
from recommender.schema import OFFERS, SESSIONS, VOIES, conform
from recommender.session_formations import by_formation, merge_sessions, session_item


@dataclass(frozen=True)
class LoadResult:
    status: Literal["loaded", "unchanged"]
    checksum: str
    counts: dict[str, int]


def load_catalogue(
    engine: Engine,
    data_dir: Path,
    campuses_path: Path,
    *,
    force: bool = False,
    progress: store.ProgressCallback | None = None,
) -> LoadResult:
    """Load the bundled catalogue and the campuses into the store, all or nothing.

    Loading files whose checksum is already in service does nothing (unless
    ``force``). Any invalid file raises :class:`SourceFormatError` before or
    during the single transaction, and the previous catalogue stays in service.
    """
    paths = [*store.bundle_paths(data_dir), campuses_path]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise SourceFormatError(str(missing[0]), "fichier absent ; lancez `python -m data.build`")
    checksum = store.files_checksum(paths)
    if not force and store.loaded_checksum(engine) == checksum:
        return LoadResult("unchanged", checksum, store_counts(engine))
    tables = store.read_bundle(data_dir)
    campuses = read_campuses(campuses_path)
    _check_campuses(campuses, tables, str(campuses_path))
    report_path = data_dir / "build_report.json"
    extra = (
        {"build_report": report_path.read_text(encoding="utf-8")} if report_path.is_file() else {}
    )

    def write_campuses(connection: Connection) -> None:
        connection.execute(store.campus_members.delete())
        connection.execute(store.campuses_table.delete())
        for campus in campuses:
            connection.execute(
                store.campuses_table.insert(),
                {
                    "campus_id": campus.campus_id,
                    "name": campus.name,
                    "definition": store.dump_json(campus.as_dict()),
                },
            )
            members = derive_members(
                campus,
                formations=tables["formations"],
                certifications=tables["certifications"],
                communes=tables["communes"],
            )
            if len(members):
                connection.execute(
                    store.campus_members.insert(),
                    [
                        {"campus_id": campus.campus_id, "uai": uai, "reason": reason}
                        for uai, reason in zip(members["uai"], members["reason"], strict=True)
                    ],
                )

    store.replace_catalogue(
        engine,
        tables,
        checksum=checksum,
        extra_meta=extra,
        progress=progress,
        before_commit=write_campuses,
    )
    return LoadResult("loaded", checksum, store_counts(engine))


def _check_campuses(campuses: list[Campus], tables: Mapping[str, pd.DataFrame], file: str) -> None:
    communes = set(tables["communes"]["insee"])
    establishments = set(tables["establishments"]["uai"])
    jobs = set(tables["jobs"]["code_rome"])
    for campus in campuses:
        unknown_jobs = [code for code in campus.rome_codes if code not in jobs]
        if unknown_jobs:
            raise SourceFormatError(
                file,
                f"codes ROME inconnus : {unknown_jobs}",
                field=f"{campus.campus_id}.perimeter.rome_codes",
            )
        if campus.seat_insee not in communes:
            raise SourceFormatError(
                file,
                f"commune {campus.seat_insee} inconnue",
                field=f"{campus.campus_id}.seat_insee",
            )
        unknown = [uai for uai in campus.include_uai if uai not in establishments]
        if unknown:
            raise SourceFormatError(
                file,
                f"établissements inconnus du catalogue : {unknown}",
                field=f"{campus.campus_id}.members.include",
            )


def store_counts(engine: Engine) -> dict[str, int]:
    """Row counts of every stored table (catalogue, offers, campuses)."""
    store.create_schema(engine)
    names = [*store.SQL_TABLES, "campuses", "campus_members"]
    with engine.connect() as connection:
        return {
            name: int(
                connection.execute(
                    sa.select(sa.func.count()).select_from(store.metadata.tables[name])
                ).scalar_one()
            )
            for name in names
        }


@dataclass
class Catalogue:
    """Everything a query needs, in memory: tables as frames, formations as arrays.

    Imported continuing-education sessions are already merged into ``tables`` (their
    formations, training bodies and unknown certifications, see
    :func:`~recommender.session_formations.merge_sessions`); ``sessions`` holds the
    sessions themselves with their ``formation_id``.
    """

    tables: dict[str, pd.DataFrame]
    offers: pd.DataFrame
    campuses: list[Campus]
    campus_members: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)
    sessions: pd.DataFrame = field(default_factory=lambda: _no_sessions())

    @classmethod
    def from_store(cls, engine: Engine) -> Catalogue:
        """The catalogue in service, with the offers and sessions imported since."""
        tables, sessions = merge_sessions(
            store.read_catalogue(engine), store.read_sessions_table(engine)
        )
        with engine.connect() as connection:
            definitions = connection.execute(sa.select(store.campuses_table.c.definition)).scalars()
            campuses = [_campus_from_json(text) for text in definitions]
            members = pd.DataFrame(
                connection.execute(sa.select(store.campus_members)).all(),
                columns=["campus_id", "uai", "reason"],
            )
        return cls(
            tables=tables,
            offers=store.read_offers_table(engine),
            campuses=campuses,
            campus_members=members,
            meta=store.catalogue_metadata(engine),
            sessions=sessions,
        )

    @classmethod
    def from_bundle(
        cls,
        data_dir: Path,
        campuses_path: Path,
        offers: pd.DataFrame | None = None,
        sessions: pd.DataFrame | None = None,
    ) -> Catalogue:
        """Read the bundled files directly, without a database (tests, benchmarks).

        Campus members are derived before the sessions are merged, as when loading
        the store (sessions are imported after the catalogue is loaded).
        """
        tables = store.read_bundle(data_dir)
        campuses = read_campuses(campuses_path)
        _check_campuses(campuses, tables, str(campuses_path))
        members = [
            derive_members(
                campus,
                formations=tables["formations"],
                certifications=tables["certifications"],
                communes=tables["communes"],
            ).assign(campus_id=campus.campus_id)
            for campus in campuses
        ]
        merged, listed = merge_sessions(
            tables, conform(sessions if sessions is not None else _no_sessions(), SESSIONS)
        )
        return cls(
            tables=merged,
            offers=conform(
                offers if offers is not None else pd.DataFrame(columns=OFFERS.column_names), OFFERS
            ),
            campuses=campuses,
            campus_members=pd.concat(members, ignore_index=True)[["campus_id", "uai", "reason"]],
            meta={"checksum": store.files_checksum(store.bundle_paths(data_dir))},
            sessions=listed,
        )

    def formation_sessions(
        self, formation_id: str, *, today: date | None = None
    ) -> list[dict[str, object]]:
        """The dated sessions of a formation: to come or under way first, then past ones.

        Each says whether it is ``past``, ``ongoing`` or ``upcoming`` on ``today``
        (default: the current date), so a past session is shown as such, never hidden.
        """
        when = today or date.today()
        rows = self._sessions_by_formation.get(formation_id, [])
        items = [session_item(row, when) for row in rows]
        return [item for item in items if item["status"] != "past"][::-1] + [
            item for item in items if item["status"] == "past"
        ]

    @cached_property
    def _sessions_by_formation(self) -> dict[str, list[dict[str, object]]]:
        return by_formation(self.sessions)

    def open_days(self, uai: str, *, today: date | None = None) -> list[dict[str, object]]:
        """The open days of an establishment in date order, each saying whether it is ``past``
        on ``today`` (default: the current date); an empty list when none is known."""
        when = today or date.today()
        return [open_day_item(row, when) for row in self._open_days_by_uai.get(uai, [])]

    @cached_property
    def _open_days_by_uai(self) -> dict[str, list[dict[str, object]]]:
        return by_establishment(self.tables["open_days"])

    def counts(self) -> dict[str, object]:
        """Catalogue figures for /health and the CLI."""
        formations = self.tables["formations"]
        by_voie = formations["voie"].value_counts().reindex(list(VOIES), fill_value=0)
        levels = formations["level"].value_counts().sort_index()
        offers_by_source = self.offers["source"].value_counts()
        sessions_by_source = self.sessions["source"].value_counts()
        return {
            **{name: len(frame) for name, frame in self.tables.items()},
            "formations_by_voie": {voie: int(n) for voie, n in by_voie.items()},
            "formations_by_level": {str(level): int(n) for level, n in levels.items()},
            "offers": len(self.offers),
            "offers_by_source": {str(s): int(n) for s, n in offers_by_source.items()},
            "sessions": len(self.sessions),
            "sessions_by_source": {str(s): int(n) for s, n in sessions_by_source.items()},
            "campuses": len(self.campuses),
            "campus_members": len(self.campus_members),
        }


def _no_sessions() -> pd.DataFrame:
    return pd.DataFrame(columns=[*SESSIONS.column_names, "formation_id", "uai"])


def _campus_from_json(text: str) -> Campus:
    raw: dict[str, Any] = json.loads(text)
    fields: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()
    }
    return Campus(**fields)
