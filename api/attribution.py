"""Partner attribution: which site a query came through, counted per day, never the person.

A site embedding the widget passes its partner id (``data-partner``); the widget sends
it with each query in the ``X-Orientation-Partner`` header, and the campus it scopes in
``X-Orientation-Campus``. Routes call :meth:`QueryCounter.count` once they have
answered; the count is written after the response is sent, so it never slows a pupil
down, and a failed write is logged (endpoint only) without failing the query.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

import sqlalchemy as sa
from fastapi import BackgroundTasks, Depends, Header, Request

from api.schemas.common import CAMPUS_ID, PARTNER
from recommender.store import record_query

PARTNER_HEADER = "X-Orientation-Partner"
CAMPUS_HEADER = "X-Orientation-Campus"

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueryCounter:
    """Counts the queries of one request for its partner and campus."""

    engine: sa.Engine
    background: BackgroundTasks
    partner: str | None
    campus: str | None

    def count(self, endpoint: str, *, campus: str | None = None) -> None:
        """Count one answered query of ``endpoint``; ``campus`` overrides the header's."""
        self.background.add_task(
            _record, self.engine, endpoint, self.partner, campus or self.campus
        )


def get_query_counter(
    request: Request,
    background: BackgroundTasks,
    partner: Annotated[
        str | None,
        Header(
            alias=PARTNER_HEADER,
            pattern=PARTNER,
            description="site partenaire d'où vient la requête (compté par jour, sans profil)",
            examples=["college-condorcet"],
        ),
    ] = None,
    campus: Annotated[
        str | None,
        Header(
            alias=CAMPUS_HEADER,
            pattern=CAMPUS_ID,
            description="campus du widget qui envoie la requête",
            examples=["plasturgie-metallurgie-picardie"],
        ),
    ] = None,
) -> QueryCounter:
    engine: sa.Engine = request.app.state.engine
    return QueryCounter(engine, background, partner, campus)


QueryCounterDep = Annotated[QueryCounter, Depends(get_query_counter)]


def _record(engine: sa.Engine, endpoint: str, partner: str | None, campus: str | None) -> None:
    try:
        record_query(engine, endpoint, partner=partner, campus=campus)
    except sa.exc.SQLAlchemyError as error:
        logger.warning("query count of %s not recorded: %s", endpoint, type(error).__name__)
