"""Formation search (filters, text, distance) and the detailed view of one formation."""

from __future__ import annotations

import re
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
    plain,
    records,
    within,
)
from recommender.errors import NotFound
from recommender.text import fold

RECENT_YEAR = 2021
"""A formation whose newest source year is older than this carries a warning for people."""
_YEAR = re.compile(r"\d{4}")
_ACCESS_VOIES = {
    "access_school": "scolaire",
    "access_apprenticeship": "apprentissage",
    "access_continuing": "formation_continue",
    "access_professionalisation": "professionnalisation",
    "access_vae": "vae",
}
_FORMATION_FIELDS = (
    *("formation_id", "label", "voie", "level", "uai", "cert_id", "cfd", "rncp", "insee"),
    *("commune_name", "departement", "region", "latitude", "longitude", "location_precision"),
    *("distance_km", "capacity", "demand", "source", "vintage"),
)
_ESTABLISHMENT_FIELDS = ("name", "kind", "insee", "commune_name", "location_precision")
_CERTIFICATION_FIELDS = ("type", "level", "label")
_OUTCOME_FIELDS = ("employment_rate_6m", "employment_rate_12m", "continuation_rate")


@dataclass(frozen=True)
class FormationQuery:
    """Filters of a formation search; every filter given must hold, empty ones do not filter."""

    voie: Sequence[str] = ()
    level: Sequence[int] = ()
    cert_id: str | None = None
    cfd: str | None = None
    rncp: str | None = None
    uai: str | None = None
    code_rome: str | None = None
    departement: str | None = None
    region: str | None = None
    campus: str | None = None
    q: str | None = None
    near: Near | None = None


def find_formations(index: BrowseIndex, query: FormationQuery, *, limit: int, offset: int) -> Page:
    """Formations matching ``query``, ordered by label, or nearest first around ``query.near``.

    ``code_rome`` keeps formations whose certification prepares that job;
    ``campus`` those given by a member establishment of the campus; ``q`` those
    whose folded label contains the folded text.

    Raises :class:`~recommender.errors.ProfileError` naming the field for an
    unknown département, région or campus.

    Examples
    --------
    >>> index = BrowseIndex(catalogue)  # doctest: +SKIP
    >>> page = find_formations(index, FormationQuery(voie=["scolaire"], q="PLAST"),
    ...                        limit=20, offset=0)  # doctest: +SKIP
    >>> page.total, page.items[0]["formation_id"]  # doctest: +SKIP
    (1, '0020079A-40025005-scolaire')
    """
    frame = index.formations.frame
    mask = np.ones(len(frame), dtype=bool)
    for column in ("cert_id", "cfd", "rncp", "uai"):
        if (value := getattr(query, column)) is not None:
            mask &= equals(frame[column], value)
    if query.voie:
        mask &= within(frame["voie"], query.voie)
    if query.level:
        mask &= within(frame["level"], query.level)
    if query.code_rome is not None:
        mask &= within(frame["cert_id"], index.certs_by_job.get(query.code_rome, set()))
    if query.departement is not None:
        check_known("departement", query.departement, index.departements, "département")
        mask &= equals(frame["departement"], query.departement)
    if query.region is not None:
        check_known("region", query.region, index.regions, "région")
        mask &= equals(frame["region"], query.region)
    if query.campus is not None:
        check_known("campus", query.campus, sorted(index.campuses), "campus")
        members = index.members.loc[index.members["campus_id"] == query.campus, "uai"]
        mask &= within(frame["uai"], set(members))
    if query.q is not None and (needle := fold(query.q)):
        found = frame["folded_label"].str.contains(needle, regex=False)
        mask &= found.to_numpy(dtype=bool, na_value=False)
    return paginate(
        index.formations, mask, query.near, limit=limit, offset=offset, to_item=formation_item
    )


def formation_detail(index: BrowseIndex, formation_id: str) -> Item:
    """One formation with its certification's jobs, voies and blocs, campuses, sessions and
    its establishment's open days.

    Raises :class:`~recommender.errors.NotFound` for an unknown id.

    Examples
    --------
    >>> formation_detail(index, "0020079A-40025005-scolaire")["campuses"]  # doctest: +SKIP
    [{'campus_id': 'plasturgie-test', 'name': 'Campus de test plasturgie'}]
    """
    position = index.formation_positions.get(formation_id)
    if position is None:
        raise NotFound("formation", formation_id)
    row = records(index.formations.frame.iloc[[position]])[0]
    item = formation_item(row | {"distance_km": None})
    cert = index.certifications.loc[item["cert_id"]]
    blocs = index.blocs.loc[equals(index.blocs["rncp"], cert["rncp"]), ["bloc_code", "label"]]
    item["certification"] |= {
        "type_label": plain(cert["type_label"]),
        "nsf": plain(cert["nsf"]),
        "active": bool(cert["active"]),
        "jobs": [
            {"code_rome": code, "label": plain(index.jobs.get(code))}
            for code in str(cert["rome_codes"]).split()
        ],
        "voies": [voie for flag, voie in _ACCESS_VOIES.items() if bool(cert[flag])],
        "blocs": records(blocs),
    }
    campuses = index.members.loc[index.members["uai"] == item["uai"], "campus_id"]
    item["campuses"] = [{"campus_id": c, "name": index.campuses[c].name} for c in campuses]
    item["sessions"] = index.formation_sessions(formation_id)
    item["open_days"] = index.open_days(item["uai"])
    return item


def formation_item(row: Item) -> Item:
    """A joined formation row shaped as the API answers it (nested establishment…)."""
    return {
        **{name: row[name] for name in _FORMATION_FIELDS},
        "vintage_note": vintage_note(row["vintage"], row["voie"]),
        "establishment": {
            "uai": row["uai"],
            **{name: row[f"e_{name}"] for name in _ESTABLISHMENT_FIELDS},
        },
        "certification": {
            "cert_id": row["cert_id"],
            **{name: row[f"c_{name}"] for name in _CERTIFICATION_FIELDS},
        },
        "outcomes": {
            **{name: row[name] for name in _OUTCOME_FIELDS},
            "vintage": row["outcomes_vintage"],
        },
    }


def vintage_note(vintage: str, voie: str) -> str | None:
    """A warning in French when the newest source listing a formation is old, else None.

    Examples
    --------
    >>> vintage_note("2020", "apprentissage")[:60]
    "Donnée de 2020 : le catalogue national de l'apprentissage n'"
    >>> vintage_note("2020+2022-2024", "apprentissage") is None
    True
    """
    newest = max((int(year) for year in _YEAR.findall(vintage)), default=None)
    if newest is None or newest >= RECENT_YEAR:
        return None
    if voie == "apprentissage":
        why = "le catalogue national de l'apprentissage n'a pas été republié depuis"
    else:
        why = "la source n'a pas été republiée depuis"
    return (
        f"Donnée de {newest} : {why} ; vérifiez auprès de l'établissement "
        "que la formation est toujours ouverte."
    )
