"""Offer search: filters and distance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from recommender.browse.index import (
    BrowseIndex,
    Item,
    Near,
    Page,
    check_known,
    equals,
    paginate,
    within,
)

SYNTHETIC_SOURCE = "synthetic"
_OFFER_FIELDS = (
    *("offer_id", "source", "kind", "title", "code_rome", "job", "employer_name"),
    *("employer_siret", "naf", "insee", "commune_name", "departement", "latitude", "longitude"),
    *("distance_km", "start_date", "duration_months", "cert_id", "level", "description", "url"),
)


@dataclass(frozen=True)
class OfferQuery:
    """Filters of an offer search; every filter given must hold, empty ones do not filter."""

    kind: Sequence[str] = ()
    code_rome: str | None = None
    cert_id: str | None = None
    departement: str | None = None
    source: str | None = None
    near: Near | None = None


def find_offers(index: BrowseIndex, query: OfferQuery, *, limit: int, offset: int) -> Page:
    """Offers matching ``query``: soonest start first, or nearest first around ``query.near``.

    Raises :class:`~recommender.errors.ProfileError` for an unknown département.

    Examples
    --------
    >>> page = find_offers(index, OfferQuery(kind=["stage"]), limit=20, offset=0)  # doctest: +SKIP
    >>> page.items[0]["synthetic"]  # doctest: +SKIP
    True
    """
    frame = index.offers.frame
    mask = np.ones(len(frame), dtype=bool)
    for column in ("code_rome", "cert_id", "source"):
        if (value := getattr(query, column)) is not None:
            mask &= equals(frame[column], value)
    if query.kind:
        mask &= within(frame["kind"], query.kind)
    if query.departement is not None:
        check_known("departement", query.departement, index.departements, "département")
        mask &= equals(frame["departement"], query.departement)
    return paginate(index.offers, mask, query.near, limit=limit, offset=offset, to_item=offer_item)


def offer_item(row: Item) -> Item:
    """A joined offer row as the API answers it; ``synthetic`` flags demonstration offers."""
    return {name: row[name] for name in _OFFER_FIELDS} | {
        "synthetic": row["source"] == SYNTHETIC_SOURCE
    }
