"""Persistence through SQLAlchemy: SQLite by default, PostgreSQL through a URL, same code.

Tables are generated from :mod:`recommender.schema`. Loading the catalogue runs in
one transaction that replaces every catalogue table at once: a failure anywhere
rolls back and leaves the previous catalogue in service; loading the same files
twice is a no-op (their checksum is recorded). The only write at query time is a
counter (:func:`record_query`): queries per day, partner, campus and endpoint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from recommender.errors import CatalogueNotLoaded, SourceFormatError
from recommender.schema import CATALOGUE_TABLES, OFFERS, SESSIONS, Table, conform

metadata = sa.MetaData()

_SQL_TYPES: dict[str, Callable[[], sa.types.TypeEngine[Any]]] = {
    "str": sa.Text,
    "int": sa.BigInteger,
    "float": sa.Float,
    "bool": sa.Boolean,
}


def _sql_table(table: Table) -> sa.Table:
    columns = [
        sa.Column(
            column.name,
            _SQL_TYPES[column.kind](),
            nullable=column.nullable,
            primary_key=column.name in table.key,
            comment=column.doc or None,
        )
        for column in table.columns
    ]
    return sa.Table(table.name, metadata, *columns, comment=table.doc or None)


SQL_TABLES: dict[str, sa.Table] = {
    t.name: _sql_table(t) for t in (*CATALOGUE_TABLES, OFFERS, SESSIONS)
}

catalogue_meta = sa.Table(
    "catalogue_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

campuses_table = sa.Table(
    "campuses",
    metadata,
    sa.Column("campus_id", sa.String(80), primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("definition", sa.Text, nullable=False, comment="the campus as JSON"),
)

campus_members = sa.Table(
    "campus_members",
    metadata,
    sa.Column("campus_id", sa.String(80), primary_key=True),
    sa.Column("uai", sa.String(16), primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
)

query_counts = sa.Table(
    "query_counts",
    metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("partner", sa.String(40), primary_key=True, comment="partner site; '' when none"),
    sa.Column("campus", sa.String(80), primary_key=True, comment="campus scoping; '' when none"),
    sa.Column("endpoint", sa.String(40), primary_key=True, comment="e.g. 'recommendations'"),
    sa.Column("count", sa.BigInteger, nullable=False),
    comment="Queries per day, partner, campus and endpoint: nothing about the person.",
)

ProgressCallback = Callable[[str, int], None]
"""Called with (table name, rows written) as loading goes on."""


def create_engine(database_url: str) -> Engine:
    """Create an engine; for SQLite, create the file's folder and use WAL journaling.

    WAL lets API workers keep reading the previous catalogue while a reload writes.
    """
    url = sa.make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if url.get_backend_name() == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if url.database not in (None, "", ":memory:"):
                cursor.execute("PRAGMA journal_mode=WAL")
                # With WAL, NORMAL syncs at checkpoints rather than at every commit: the
                # per-query counters and feedback stay cheap, the file stays consistent
                # after a crash (only the last commits may be lost on power loss).
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    """Create every table that does not exist yet."""
    metadata.create_all(engine)


def files_checksum(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_bundle(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Read and check every catalogue table from the parquet files of ``data_dir``."""
    tables = {}
    for table in CATALOGUE_TABLES:
        path = data_dir / f"{table.name}.parquet"
        if not path.is_file():
            raise SourceFormatError(
                str(path), "fichier de catalogue absent ; lancez `python -m data.build`"
            )
        tables[table.name] = conform(pd.read_parquet(path), table, file=str(path))
    return tables


def bundle_paths(data_dir: Path) -> list[Path]:
    return [data_dir / f"{table.name}.parquet" for table in CATALOGUE_TABLES]


def loaded_checksum(engine: Engine) -> str | None:
    """The checksum of the catalogue files in service, or None before the first load."""
    create_schema(engine)
    with engine.connect() as connection:
        return connection.execute(
            sa.select(catalogue_meta.c.value).where(catalogue_meta.c.key == "checksum")
        ).scalar_one_or_none()


def replace_catalogue(
    engine: Engine,
    tables: Mapping[str, pd.DataFrame],
    *,
    checksum: str,
    extra_meta: Mapping[str, str] | None = None,
    progress: ProgressCallback | None = None,
    before_commit: Callable[[Connection], None] | None = None,
) -> None:
    """Replace every catalogue table by ``tables`` in a single transaction.

    ``before_commit`` runs inside the transaction after the rows are written (the
    campus members are derived there); if it or anything else raises, nothing changes.
    """
    create_schema(engine)
    with engine.begin() as connection:
        for table in reversed(CATALOGUE_TABLES):
            connection.execute(SQL_TABLES[table.name].delete())
        for table in CATALOGUE_TABLES:
            write_rows(connection, table, tables[table.name], progress=progress)
        if before_commit is not None:
            before_commit(connection)
        meta = {
            "checksum": checksum,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            **(extra_meta or {}),
        }
        connection.execute(catalogue_meta.delete())
        connection.execute(
            catalogue_meta.insert(), [{"key": k, "value": v} for k, v in meta.items()]
        )


def write_rows(
    connection: Connection,
    table: Table,
    frame: pd.DataFrame,
    *,
    progress: ProgressCallback | None = None,
    chunk_rows: int = 20_000,
) -> None:
    """Insert the rows of ``frame`` (already conformed to ``table``) in chunks."""
    sql_table = SQL_TABLES[table.name]
    for start in range(0, len(frame), chunk_rows):
        chunk = frame.iloc[start : start + chunk_rows]
        connection.execute(sql_table.insert(), _records(chunk))
        if progress is not None:
            progress(table.name, len(chunk))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain Python rows with None for missing values (what every DB driver accepts)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [
        {str(key): _plain(value) for key, value in row.items()} for row in plain.to_dict("records")
    ]


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def read_table(engine: Engine, table: Table) -> pd.DataFrame:
    """Read one table back as a frame conforming to ``table``."""
    sql_table = SQL_TABLES[table.name]
    with engine.connect() as connection:
        result = connection.execute(sa.select(sql_table))
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    return conform(frame, table)


def ensure_loaded(engine: Engine) -> None:
    """Fail with CatalogueNotLoaded, saying what to run, before the first load."""
    if loaded_checksum(engine) is None:
        raise CatalogueNotLoaded(
            "aucun catalogue n'est chargé dans la base ; lancez `python -m recommender load`"
        )


def read_catalogue(engine: Engine) -> dict[str, pd.DataFrame]:
    """Read every catalogue table; fails with CatalogueNotLoaded before the first load."""
    ensure_loaded(engine)
    return {table.name: read_table(engine, table) for table in CATALOGUE_TABLES}


def catalogue_metadata(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(catalogue_meta)).all()
    return {key: value for key, value in rows}


def replace_offers(
    engine: Engine, offers: pd.DataFrame, *, source: str, progress: ProgressCallback | None = None
) -> int:
    """Replace every offer of ``source`` by ``offers`` in one transaction; return the count.

    Re-importing the same file therefore never duplicates an offer.
    """
    return _replace_source(engine, OFFERS, offers, source, "offres", progress)


def read_offers_table(engine: Engine) -> pd.DataFrame:
    create_schema(engine)
    return read_table(engine, OFFERS)


def replace_sessions(
    engine: Engine,
    sessions: pd.DataFrame,
    *,
    source: str,
    progress: ProgressCallback | None = None,
) -> int:
    """Replace every session of ``source`` by ``sessions`` in one transaction; return the count.

    Re-importing the same file therefore never duplicates a session, and sessions
    gone from the producer's feed disappear. Sessions are not catalogue tables: a
    catalogue reload keeps them.
    """
    return _replace_source(engine, SESSIONS, sessions, source, "sessions", progress)


def _replace_source(
    engine: Engine,
    table: Table,
    rows: pd.DataFrame,
    source: str,
    what: str,
    progress: ProgressCallback | None,
) -> int:
    """Delete the rows of ``source`` and write ``rows`` in their place, in one transaction."""
    frame = conform(rows, table)
    if (frame["source"] != source).any():
        raise SourceFormatError(source, f"toutes les {what} doivent porter la même source")
    create_schema(engine)
    sql_table = SQL_TABLES[table.name]
    with engine.begin() as connection:
        connection.execute(sql_table.delete().where(sql_table.c.source == source))
        write_rows(connection, table, frame, progress=progress)
    return len(frame)


def read_sessions_table(engine: Engine) -> pd.DataFrame:
    create_schema(engine)
    return read_table(engine, SESSIONS)


def dump_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class QueryCount:
    """How many queries one endpoint answered one day for one partner and campus."""

    day: date
    partner: str | None
    campus: str | None
    endpoint: str
    count: int


def record_query(
    engine: Engine,
    endpoint: str,
    *,
    partner: str | None = None,
    campus: str | None = None,
    day: date | None = None,
) -> None:
    """Count one query of ``endpoint`` for ``partner`` and ``campus`` on ``day`` (today, UTC).

    Only these four values are kept, never the profile. The increment is one atomic
    upsert, so concurrent API workers never lose a count. The table is made by
    :func:`create_schema` (every load runs it, and so does the API at start-up).
    """
    row = {
        "day": day or datetime.now(UTC).date(),
        "partner": partner or "",
        "campus": campus or "",
        "endpoint": endpoint,
        "count": 1,
    }
    dialect = engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(query_counts).values(row)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "partner", "campus", "endpoint"],
        set_={"count": query_counts.c.count + 1},
    )
    with engine.begin() as connection:
        connection.execute(statement)


def read_query_counts(engine: Engine, *, since: date | None = None) -> list[QueryCount]:
    """Every count recorded (since ``since``), by day, partner, campus and endpoint."""
    create_schema(engine)
    query = sa.select(query_counts).order_by(*query_counts.primary_key.columns)
    if since is not None:
        query = query.where(query_counts.c.day >= since)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        QueryCount(
            row["day"], row["partner"] or None, row["campus"] or None, row["endpoint"], row["count"]
        )
        for row in rows
    ]
