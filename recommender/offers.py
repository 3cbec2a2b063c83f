"""Importing internship, apprenticeship and professionalisation offers from CSV or JSON files.

An import is all or nothing: every record is checked, every problem is collected
with its line and field, and a single invalid record rejects the whole file
(:class:`~recommender.errors.ImportRejected`), so a half-imported file never
leaves the catalogue in a state nobody chose. The import schema is documented for
operators in ``docs/offers.md``.

Files are read into records by :mod:`recommender.offer_files` and each record's
fields are checked by :mod:`recommender.offer_fields`; this module names the
import, gives every offer its id and rejects duplicates.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.errors import ImportRejected, SourceFormatError
from recommender.offer_fields import Coordinates, FieldChecker, Places
from recommender.offer_files import csv_records, json_records
from recommender.schema import OFFERS, conform

SYNTHETIC_SOURCE = "synthetic"
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


def read_offers(
    path: Path,
    *,
    source: str,
    known_rome: set[str],
    places: Places,
    known_certs: Mapping[str, tuple[str, ...]] | None = None,
    known_naf: set[str] | None = None,
) -> pd.DataFrame:
    """Read and validate an offers file (``.csv`` or ``.json``); all records or none.

    Parameters
    ----------
    path
        CSV (UTF-8 with or without BOM, or Windows-1252; ``,`` or ``;``) or JSON
        (a list of objects or ``{"offers": [...]}``), chosen by extension.
    source
        Short name of the import (``[a-z0-9_-]``, 40 characters at most); it prefixes
        every ``offer_id``. Names starting with ``synthetic`` are reserved.
    known_rome, known_naf
        Accepted ROME codes and NAF codes (``None``: not checked).
    known_certs
        Every accepted certification code (id, CFD, RNCP) mapped to the ids it designates,
        as built by :func:`certification_codes` (``None``: not checked). A code that
        designates several certifications is refused with the CFDs to choose from.
    places
        Mapping or function from an INSEE code to its commune's ``(latitude, longitude)``;
        a missing key (or ``None``) means the commune is unknown.

    Returns
    -------
    pandas.DataFrame
        The offers, conforming to :data:`recommender.schema.OFFERS`.

    Raises
    ------
    ImportRejected
        Listing every problem as a :class:`SourceFormatError` with its line (CSV: line
        of the file where the record starts, header = 1; JSON: 1-based record index)
        and field.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "offres.csv").write_text(
    ...     "id;kind;title;code_rome;employer_name;insee;start_date;duration_months\\n"
    ...     "42;Apprentissage;Boulanger;D1102;Fournil du Centre;02691;2026-09-01;24\\n",
    ...     encoding="utf-8-sig")
    >>> offers = read_offers(folder / "offres.csv", source="cfa-aisne", known_rome={"D1102"},
    ...                      places={"02691": (49.85, 3.29)})
    >>> offers.loc[0, "offer_id"], offers.loc[0, "kind"], float(offers.loc[0, "latitude"])
    ('cfa-aisne-42', 'apprentissage', 49.85)
    """
    file = path.name
    if source.startswith(SYNTHETIC_SOURCE) or not _SOURCE.fullmatch(source):
        reason = (
            f"source « {source} » réservée aux offres générées"
            if source.startswith(SYNTHETIC_SOURCE)
            else f"nom de source « {source} » invalide : lettres minuscules, chiffres, "
            "« - » ou « _ », 40 caractères au plus"
        )
        raise ImportRejected(file, [SourceFormatError(file, reason, field="source")])
    if not path.is_file():
        raise SourceFormatError(str(path), "fichier introuvable")
    errors: list[SourceFormatError] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = csv_records(file, path.read_bytes(), errors)
    elif suffix == ".json":
        records = json_records(file, path.read_bytes(), errors)
    else:
        raise ImportRejected(
            file,
            [
                SourceFormatError(
                    file, f"extension « {path.suffix} » non reconnue ; attendues : .csv ou .json"
                )
            ],
        )
    if not records and not errors:
        errors.append(SourceFormatError(file, "aucune offre dans le fichier"))
    checker = FieldChecker(known_rome, places, known_certs, known_naf)
    rows: list[dict[str, Any]] = []
    first_line_of: dict[str, int] = {}
    for record in records:
        row, problems = checker.check(record.values)
        for field, reason in problems:
            errors.append(SourceFormatError(file, reason, line=record.line, field=field))
        if problems:
            continue
        given_id = row.pop("offer_id")
        offer_id = f"{source}-{given_id}" if given_id else f"{source}-{_digest(row)}"
        if offer_id in first_line_of:
            what = "identifiant" if given_id else "offre identique (même contenu, sans identifiant)"
            errors.append(
                SourceFormatError(
                    file,
                    f"{what} en double : déjà vu ligne {first_line_of[offer_id]}",
                    line=record.line,
                    field="offer_id",
                )
            )
            continue
        first_line_of[offer_id] = record.line
        checker.fill_coordinates(row)
        rows.append({"offer_id": offer_id, "source": source, **row})
    if errors:
        # file-level problems (line None) first, then by line; a stable sort keeps field order
        errors.sort(key=lambda error: error.line or 0)
        raise ImportRejected(file, errors)
    return conform(pd.DataFrame(rows, columns=OFFERS.column_names), OFFERS, file=file)


def certification_codes(certifications: pd.DataFrame) -> dict[str, tuple[str, ...]]:
    """Map every code of each certification (id, CFD, RNCP) to the ids it designates.

    An RNCP code shared by several CFDs (the options of one diploma) designates them all.

    Examples
    --------
    >>> certifications = pd.DataFrame(
    ...     {"cert_id": ["40025214", "40025215"], "cfd": ["40025214", "40025215"],
    ...      "rncp": ["RNCP19117", "RNCP19117"]}
    ... )
    >>> certification_codes(certifications)["RNCP19117"]
    ('40025214', '40025215')
    """
    codes: dict[str, list[str]] = {}
    for column in ("cert_id", "cfd", "rncp"):
        pairs = certifications[[column, "cert_id"]].dropna()
        for code, cert_id in zip(
            pairs[column].astype(str), pairs["cert_id"].astype(str), strict=True
        ):
            ids = codes.setdefault(code, [])
            if cert_id not in ids:
                ids.append(cert_id)
    return {code: tuple(ids) for code, ids in codes.items()}


def places_from_communes(communes: pd.DataFrame) -> dict[str, Coordinates]:
    """Map each commune's INSEE code to its ``(latitude, longitude)`` for :func:`read_offers`.

    Examples
    --------
    >>> communes = pd.DataFrame({"insee": ["02691"], "latitude": [49.85], "longitude": [3.29]})
    >>> places_from_communes(communes)
    {'02691': (49.85, 3.29)}
    """
    latitudes = communes["latitude"].astype("float64").to_numpy()
    longitudes = communes["longitude"].astype("float64").to_numpy()
    return {
        str(insee): (_finite(float(lat)), _finite(float(lon)))
        for insee, lat, lon in zip(communes["insee"], latitudes, longitudes, strict=True)
    }


def _digest(row: dict[str, Any]) -> str:
    """Same content, same id: re-importing a file without ids is idempotent."""
    content = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None
