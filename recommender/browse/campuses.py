"""Campus des métiers et des qualifications as people browse them: summaries and members."""

from __future__ import annotations

from recommender.browse.index import BrowseIndex, Item, records
from recommender.errors import NotFound

_MEMBER_FIELDS = ["uai", "name", "kind", "insee", "commune_name", "reason"]


def campus_summaries(index: BrowseIndex) -> list[Item]:
    """Every campus with its territory, perimeter, seat commune and member count.

    Examples
    --------
    >>> [c["member_count"] for c in campus_summaries(index)]  # doctest: +SKIP
    [1]
    """
    counts = index.members["campus_id"].value_counts()
    return [
        _campus_item(index, campus_id) | {"member_count": int(counts.get(campus_id, 0))}
        for campus_id in index.campuses
    ]


def campus_detail(index: BrowseIndex, campus_id: str) -> Item:
    """One campus with its member establishments and the reason of each membership.

    Raises :class:`~recommender.errors.NotFound` for an unknown campus.

    Examples
    --------
    >>> campus_detail(index, "plasturgie-test")["members"][0]["uai"]  # doctest: +SKIP
    '0020079A'
    """
    if campus_id not in index.campuses:
        raise NotFound("campus", campus_id)
    members = index.members.loc[index.members["campus_id"] == campus_id, _MEMBER_FIELDS]
    item = _campus_item(index, campus_id)
    return item | {"member_count": len(members), "members": records(members)}


def _campus_item(index: BrowseIndex, campus_id: str) -> Item:
    campus = index.campuses[campus_id]
    seat = index.places.loc[campus.seat_insee]
    return {
        "campus_id": campus.campus_id,
        "name": campus.name,
        "sector": campus.sector,
        "description": campus.description,
        "seat": {
            "insee": campus.seat_insee,
            "name": str(seat["name"]),
            "departement": str(seat["departement"]),
        },
        "territory": {"departements": list(campus.departements), "regions": list(campus.regions)},
        "perimeter": {
            "rome_codes": list(campus.rome_codes),
            "rome_domains": list(campus.rome_domains),
            "nsf": list(campus.nsf),
        },
        "sources": list(campus.sources),
    }
