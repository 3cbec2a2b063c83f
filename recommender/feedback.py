"""What happened to a suggestion (shown, opened, saved, applied, hidden), stored safely.

The widget and the workspace send an event per suggestion and action, under a
**pseudonymous session id** they draw at random for a browsing session: no name, no
profile, no free text and no address are stored, only the item, the action, its
rank, the partner site and campus, and the time. Events feed the retraining of the
matching model (:func:`export_events`) and are purged after
``settings.feedback_retention_days`` (:func:`purge_events`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from recommender.errors import ProfileError
from recommender.model import CRITERIA
from recommender.store import metadata

Action = Literal["shown", "opened", "saved", "applied", "hidden"]
ItemKind = Literal["formation", "offer"]
ACTIONS: tuple[str, ...] = get_args(Action)
ITEM_KINDS: tuple[str, ...] = get_args(ItemKind)
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
ITEM_ID = re.compile(r"^[A-Za-z0-9:._-]{3,160}$")
# The same patterns as the API's partner and campus headers (api/schemas/common.py).
PARTNER = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
CAMPUS_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
EXPORT_BATCH = 5_000

feedback_events = sa.Table(
    "feedback_events",
    metadata,
    sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("session", sa.String(64), nullable=False, comment="random id drawn by the widget"),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("item_kind", sa.String(16), nullable=False),
    sa.Column("item_id", sa.String(160), nullable=False),
    sa.Column("rank", sa.Integer, nullable=True),
    sa.Column("partner", sa.String(40), nullable=True),
    sa.Column("campus", sa.String(80), nullable=True),
    sa.Column(
        "sub_scores",
        sa.Text,
        nullable=True,
        comment="the item's criterion scores when shown (JSON), to retrain the weights",
    ),
    comment="What happened to suggestions; pseudonymous, nothing about the person.",
)


@dataclass(frozen=True)
class FeedbackEvent:
    """One action on one suggestion, validated (each field's error names it, in French)."""

    session: str
    action: str
    item_kind: str
    item_id: str
    rank: int | None = None
    partner: str | None = None
    campus: str | None = None
    # The item's sub-scores as the API gave them ({"interest": 0.9, …}, each in [0, 1]):
    # numbers about the match, never the profile; they let the weights be learned.
    sub_scores: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        if not SESSION_ID.match(self.session):
            raise ProfileError(
                "session", "identifiant de session : 8 à 64 lettres, chiffres, - ou _"
            )
        if self.action not in ACTIONS:
            raise ProfileError(
                "action", f"action « {self.action} » inconnue", allowed=list(ACTIONS)
            )
        if self.item_kind not in ITEM_KINDS:
            raise ProfileError(
                "item_kind", f"type « {self.item_kind} » inconnu", allowed=list(ITEM_KINDS)
            )
        if not ITEM_ID.match(self.item_id):
            raise ProfileError("item_id", "identifiant de formation ou d'offre mal formé")
        if self.rank is not None and not 1 <= self.rank <= 1000:
            raise ProfileError("rank", "rang entre 1 et 1000")
        if self.sub_scores is not None:
            unknown = set(self.sub_scores) - set(CRITERIA)
            if unknown or not all(0.0 <= v <= 1.0 for v in self.sub_scores.values()):
                raise ProfileError(
                    "sub_scores", "scores par critère entre 0 et 1", allowed=list(CRITERIA)
                )
        for name, pattern in (("partner", PARTNER), ("campus", CAMPUS_ID)):
            value = getattr(self, name)
            if value is not None and not pattern.match(value):
                raise ProfileError(name, "identifiant en minuscules sans accent, chiffres et -")


def record_events(
    engine: Engine, events: list[FeedbackEvent], *, at: datetime | None = None
) -> int:
    """Store ``events`` in one transaction (all or none); returns how many."""
    when = at or datetime.now(UTC)
    rows = [
        {
            "at": when,
            "session": e.session,
            "action": e.action,
            "item_kind": e.item_kind,
            "item_id": e.item_id,
            "rank": e.rank,
            "partner": e.partner,
            "campus": e.campus,
            "sub_scores": None if e.sub_scores is None else json.dumps(dict(e.sub_scores)),
        }
        for e in events
    ]
    if rows:
        with engine.begin() as connection:
            connection.execute(sa.insert(feedback_events), rows)
    return len(rows)


def export_events(engine: Engine, *, since: datetime | None = None) -> Iterator[dict[str, object]]:
    """Every stored event (since ``since``), oldest first, read in batches."""
    query = sa.select(feedback_events).order_by(feedback_events.c.event_id)
    if since is not None:
        query = query.where(feedback_events.c.at >= since)
    with engine.connect() as connection:
        result = connection.execution_options(yield_per=EXPORT_BATCH).execute(query)
        for row in result.mappings():
            scores = json.loads(row["sub_scores"]) if row["sub_scores"] else None
            yield {**row, "at": _utc(row["at"]).isoformat(), "sub_scores": scores}


def purge_events(engine: Engine, retention_days: int, *, now: datetime | None = None) -> int:
    """Delete the events older than ``retention_days``; returns how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days)
    with engine.begin() as connection:
        result = connection.execute(sa.delete(feedback_events).where(feedback_events.c.at < cutoff))
    return int(result.rowcount or 0)


def _utc(value: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def upgrade_schema(engine: Engine) -> None:
    """Add the columns a feedback table made by an earlier version lacks (``sub_scores``)."""
    columns = {column["name"] for column in sa.inspect(engine).get_columns("feedback_events")}
    if "sub_scores" not in columns:
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE feedback_events ADD COLUMN sub_scores TEXT"))
