"""Imported sessions as ``formation_continue`` formations of the catalogue.

:func:`merge_sessions` adds to the catalogue's tables one formation per (training
body, certification, place) of the imported sessions, the training bodies the
establishments table lacks, and the certifications the sessions prepare that the
catalogue does not know (kept with the feed's own label, level, ROME codes and
NSF, so they can still be matched and scored). :func:`session_item` shapes one
dated session for people, saying whether it is past, under way or to come.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd

from recommender.schema import CERTIFICATIONS, ESTABLISHMENTS, FORMATIONS, conform
from recommender.text import fold

VOIE = "formation_continue"
UNKNOWN_TYPE = "NC"  # a certification type nothing in the feed says
STATUS_LABELS = {"upcoming": "à venir", "ongoing": "en cours", "past": "passée"}
_ITEM_FIELDS = (
    *("session_id", "start_date", "end_date", "duration_hours", "duration_text"),
    *("schedule", "teaching_mode", "provider_name", "insee", "url", "source"),
)


def merge_sessions(
    tables: Mapping[str, pd.DataFrame], sessions: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The tables with the sessions' formations, bodies and certifications added.

    Returns the new tables and the sessions with ``formation_id`` and ``uai`` columns
    (and ``cert_id`` set to the certification their formation has).

    A training body is the establishment of the same SIRET when the establishments
    table has it, else a new one of id ``SIRET:<siret>`` (``<source>:<hash>`` without
    SIRET). A formation's id is ``<uai>-<cert_id>-formation_continue``, followed by
    ``-<insee>`` when the body teaches the certification in several communes.
    """
    merged = dict(tables)
    listed = sessions.copy()
    if listed.empty:
        return merged, listed.assign(formation_id=pd.Series(dtype="string"), uai="")
    certifications = tables["certifications"]
    establishments = tables["establishments"]
    known_certs = set(certifications["cert_id"])
    own_cert = [
        rncp if isinstance(rncp, str) else cfd if isinstance(cfd, str) else _hashed(source, title)
        for rncp, cfd, source, title in zip(
            listed["rncp"].astype(object).where(listed["rncp"].notna(), None),
            listed["cfd"].astype(object).where(listed["cfd"].notna(), None),
            listed["source"],
            listed["title"],
            strict=True,
        )
    ]
    resolved = listed["cert_id"].where(listed["cert_id"].isin(known_certs))
    listed["cert_id"] = resolved.fillna(pd.Series(own_cert, index=listed.index)).astype("string")
    with_siret = establishments.dropna(subset=["siret"]).drop_duplicates("siret")
    by_siret = dict(zip(with_siret["siret"], with_siret["uai"], strict=True))
    listed["uai"] = [
        by_siret.get(siret) or f"SIRET:{siret}"
        if isinstance(siret, str)
        else _hashed(source, f"{name} {insee}")
        for siret, source, name, insee in zip(
            listed["provider_siret"].astype(object).where(listed["provider_siret"].notna(), None),
            listed["source"],
            listed["provider_name"],
            listed["insee"],
            strict=True,
        )
    ]
    listed["uai"] = listed["uai"].astype("string")
    # The most recent session speaks for its formation (label, place, body's name).
    listed = listed.sort_values(["start_date", "session_id"], ascending=[False, True])
    listed["formation_id"] = _formation_ids(listed)
    new_certs = listed[~listed["cert_id"].isin(known_certs)].drop_duplicates("cert_id")
    merged["certifications"] = _append(
        certifications, _certification_rows(new_certs), CERTIFICATIONS
    )
    new_bodies = listed[~listed["uai"].isin(set(establishments["uai"]))].drop_duplicates("uai")
    merged["establishments"] = _append(
        establishments, _establishment_rows(new_bodies, tables["communes"]), ESTABLISHMENTS
    )
    known_formations = set(tables["formations"]["formation_id"])
    new_formations = listed[~listed["formation_id"].isin(known_formations)]
    merged["formations"] = _append(
        tables["formations"], _formation_rows(new_formations, merged["certifications"]), FORMATIONS
    )
    return merged, listed.sort_values("session_id").reset_index(drop=True)


def session_item(row: Mapping[str, Any], today: date) -> dict[str, Any]:
    """One session as people see it: dates, duration, rhythm, mode, and whether it is past.

    A session is ``upcoming`` before its start, ``ongoing`` until its end, ``past``
    after; without an end date, once started it counts as past (its dates must be
    checked with the training body).

    Examples
    --------
    >>> row = {"session_id": "s-1", "start_date": "2015-09-01", "end_date": "2017-08-31",
    ...        "duration_hours": None, "duration_text": "2 ans", "schedule": "Temps plein",
    ...        "teaching_mode": "presentiel", "provider_name": "Lycée Kerneuzec",
    ...        "insee": "29233", "url": None, "source": "onisep"}
    >>> item = session_item(row, date(2026, 9, 1))
    >>> item["status"], item["status_label"]
    ('past', 'passée')
    """
    start = date.fromisoformat(str(row["start_date"]))
    end = date.fromisoformat(str(row["end_date"])) if row["end_date"] else None
    if start > today:
        status = "upcoming"
    elif end is not None and end >= today:
        status = "ongoing"
    else:
        status = "past"
    return {
        **{name: row[name] for name in _ITEM_FIELDS},
        "status": status,
        "status_label": STATUS_LABELS[status],
    }


def sessions_summary(items: list[dict[str, Any]]) -> tuple[str, bool] | None:
    """What a person should know of a formation's sessions, in French, and if it is good news.

    ``items`` as :meth:`Catalogue.formation_sessions` orders them (coming ones first).

    Examples
    --------
    >>> sessions_summary([{"status": "past", "start_date": "2015-09-01",
    ...                    "end_date": "2017-08-31"}])
    ("aucune session à venir connue (la dernière : du 01/09/2015 au 31/08/2017) ; \
demandez les prochaines dates à l'organisme", False)
    """
    if not items:
        return None
    first = items[0]
    if first["status"] == "upcoming":
        return f"prochaine session le {_french(first['start_date'])}", True
    if first["status"] == "ongoing":
        return f"session en cours jusqu'au {_french(first['end_date'])}", True
    start = _french(first["start_date"])
    last = (
        f"la dernière : du {start} au {_french(first['end_date'])}"
        if first["end_date"]
        else f"la dernière a commencé le {start}"
    )
    return (
        f"aucune session à venir connue ({last}) ; demandez les prochaines dates à l'organisme",
        False,
    )


def _french(iso_date: str) -> str:
    return date.fromisoformat(iso_date).strftime("%d/%m/%Y")


def by_formation(listed: pd.DataFrame) -> dict[str, list[dict[str, Any]]]:
    """Each formation's sessions as plain rows (None for missing values), latest first."""
    rows: dict[str, list[dict[str, Any]]] = {}
    plain = listed.astype(object).where(listed.notna(), None)
    for row in plain.sort_values("start_date", ascending=False).to_dict("records"):
        rows.setdefault(str(row["formation_id"]), []).append({str(k): v for k, v in row.items()})
    return rows


def _formation_ids(listed: pd.DataFrame) -> pd.Series:
    base = listed["uai"] + "-" + listed["cert_id"] + f"-{VOIE}"
    places = listed.groupby(base)["insee"].transform("nunique")
    return base.where(places == 1, base + "-" + listed["insee"]).astype("string")


def _certification_rows(sessions: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cert_id": sessions["cert_id"],
            "cfd": sessions["cfd"],
            "rncp": sessions["rncp"],
            "label": sessions["title"],
            "type": sessions["cert_type"].fillna(UNKNOWN_TYPE),
            "type_label": None,
            "level": sessions["level"],
            "rome_codes": sessions["rome_codes"].fillna(""),
            "nsf": sessions["nsf"],
            "access_school": False,
            "access_apprenticeship": False,
            "access_continuing": True,
            "access_professionalisation": False,
            "access_vae": False,
            "active": True,
            "source": sessions["source"],
            "description": sessions["description"],
        }
    )


def _establishment_rows(sessions: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    names = dict(zip(communes["insee"], communes["name"], strict=True))
    return pd.DataFrame(
        {
            "uai": sessions["uai"],
            "name": sessions["provider_name"],
            "kind": "organisme",
            "siret": sessions["provider_siret"],
            "insee": sessions["insee"],
            "commune_name": sessions["insee"].map(names),
            "latitude": sessions["latitude"],
            "longitude": sessions["longitude"],
            "location_precision": sessions["location_precision"],
            "onisep_id": None,
            "source": sessions["source"],
        }
    )


def _formation_rows(sessions: pd.DataFrame, certifications: pd.DataFrame) -> pd.DataFrame:
    if sessions.empty:
        return pd.DataFrame(columns=FORMATIONS.column_names)
    groups = sessions.groupby("formation_id", sort=True)
    first = groups.head(1).set_index("formation_id").sort_index()
    cert = certifications.set_index("cert_id").loc[first["cert_id"]]
    starts = sessions["start_date"].str[:4].astype("Int64")
    ends = sessions["end_date"].str[:4].astype("Int64").fillna(starts)
    years = pd.DataFrame(
        {"formation_id": sessions["formation_id"], "start": starts, "end": ends}
    ).groupby("formation_id")
    first_year, last_year = years["start"].min().astype(str), years["end"].max().astype(str)
    vintage = first_year.where(first_year == last_year, first_year + "-" + last_year)
    sources = groups["source"].agg(lambda values: "+".join(sorted(set(values))))
    levels = pd.Series(cert["level"].to_numpy(), dtype="Int64")
    levels = levels.fillna(pd.Series(first["level"].to_numpy(), dtype="Int64"))
    return pd.DataFrame(
        {
            "formation_id": first.index,
            "uai": first["uai"].to_numpy(),
            "cert_id": first["cert_id"].to_numpy(),
            "cfd": cert["cfd"].to_numpy(),
            "rncp": cert["rncp"].to_numpy(),
            "voie": VOIE,
            "label": first["title"].to_numpy(),
            "level": levels.to_numpy(),
            "capacity": None,
            "demand": None,
            "insee": first["insee"].to_numpy(),
            "latitude": first["latitude"].to_numpy(),
            "longitude": first["longitude"].to_numpy(),
            "location_precision": first["location_precision"].to_numpy(),
            "employment_rate_6m": None,
            "employment_rate_12m": None,
            "continuation_rate": None,
            "outcomes_vintage": None,
            "source": sources.reindex(first.index).to_numpy(),
            "vintage": vintage.reindex(first.index).to_numpy(),
        }
    )


def _append(table: pd.DataFrame, rows: pd.DataFrame, schema: Any) -> pd.DataFrame:
    if rows.empty:
        return table
    rows = conform(rows.reset_index(drop=True), schema)
    return conform(pd.concat([table, rows], ignore_index=True), schema)


def _hashed(source: str, text: str) -> str:
    """A stable id for what the feed gives no code to: the same words, the same id."""
    return f"{source}:{hashlib.sha256(fold(text).encode('utf-8')).hexdigest()[:10]}"
