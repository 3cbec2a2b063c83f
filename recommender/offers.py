"""Importing internship, apprenticeship and professionalisation offers from CSV or JSON files.

An import is all or nothing: every record is checked, every problem is collected
with its line and field, and a single invalid record rejects the whole file
(:class:`~recommender.errors.ImportRejected`), so a half-imported file never
leaves the catalogue in a state nobody chose. The import schema is documented for
operators in ``docs/offers.md``.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from recommender.errors import ImportRejected, SourceFormatError
from recommender.schema import OFFER_KINDS, OFFERS, conform
from recommender.text import fold

Coordinates = tuple[float | None, float | None]
Places = Mapping[str, Coordinates] | Callable[[str], Coordinates | None]

SYNTHETIC_SOURCE = "synthetic"
FIELDS: tuple[str, ...] = tuple(name for name in OFFERS.column_names if name != "source")
REQUIRED: tuple[str, ...] = (
    "kind",
    "title",
    "code_rome",
    "employer_name",
    "insee",
    "start_date",
    "duration_months",
)
TITLE_MAX = 200
EMPLOYER_NAME_MAX = 200
DESCRIPTION_MAX = 5000
URL_MAX = 2000
OFFER_ID_MAX = 100
# Coordinates this far from the commune's centre are a typo or swapped lat/lon.
MAX_KM_FROM_COMMUNE = 100.0

_HEADER_ALIASES = {"id": "offer_id"}
_KINDS: dict[str, str] = {
    **{fold(kind): kind for kind in OFFER_KINDS},
    "stage en entreprise": "stage",
    "internship": "stage",
    "contrat d apprentissage": "apprentissage",
    "contrat apprentissage": "apprentissage",
    "apprenticeship": "apprentissage",
    "contrat de professionnalisation": "professionnalisation",
    "contrat professionnalisation": "professionnalisation",
    "contrat pro": "professionnalisation",
    "professionalisation": "professionnalisation",
}
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_ROME = re.compile(r"[A-Z]\d{4}")
_INSEE = re.compile(r"\d{5}|2[AB]\d{3}")
_NAF = re.compile(r"(\d{2})\.?(\d{2})([A-Z])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A well-formed multi-byte UTF-8 sequence: its presence in a file that is not valid
# UTF-8 means two encodings were mixed, which no single decoding can repair.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
# La Poste's establishments share one SIREN; past the head office they follow a digit-sum
# rule instead of Luhn.
_LA_POSTE_SIREN = "356000000"


@dataclass(frozen=True)
class _Record:
    line: int
    values: dict[str, str | None]


class _Invalid(Exception):
    """One field of one record is wrong; ``reason`` is in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_offers(
    path: Path,
    *,
    source: str,
    known_rome: set[str],
    places: Places,
    known_certs: set[str] | None = None,
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
    known_rome, known_certs, known_naf
        Accepted ROME codes, certification ids and NAF codes (``None``: not checked).
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
    errors: list[SourceFormatError] = []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(file, path.read_bytes(), errors)
    elif suffix == ".json":
        records = _json_records(file, path.read_bytes(), errors)
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
    checker = _Checker(known_rome, places, known_certs, known_naf)
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


# ---------------------------------------------------------------- reading files


def _csv_records(file: str, data: bytes, errors: list[SourceFormatError]) -> list[_Record]:
    text = _decode_csv(file, data, errors)
    if text is None:
        return []
    if not text.strip():
        errors.append(SourceFormatError(file, "fichier vide"))
        return []
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[_Record] = []
    try:
        header = next(reader, [])
        names = [_field_name(cell) for cell in header]
        if not _check_header(file, names, errors, line=1):
            return []
        end_of_previous = reader.line_num
        for cells in reader:
            line = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            record = _csv_record(file, names, cells, line, errors)
            if record is not None:
                records.append(record)
    except csv.Error as error:
        errors.append(
            SourceFormatError(
                file,
                f"CSV illisible ({error}) : guillemet non refermé ?",
                line=reader.line_num,
            )
        )
    return records


def _csv_record(
    file: str, names: list[str], cells: list[str], line: int, errors: list[SourceFormatError]
) -> _Record | None:
    extra = cells[len(names) :]
    if any(cell.strip() for cell in extra):
        errors.append(
            SourceFormatError(
                file,
                f"{len(cells)} cellules pour {len(names)} colonnes : séparateur dans une "
                "valeur non entourée de guillemets ?",
                line=line,
            )
        )
        return None
    if len(cells) < len(names):
        errors.append(
            SourceFormatError(
                file,
                f"{len(cells)} cellules pour {len(names)} colonnes : ligne tronquée ?",
                line=line,
            )
        )
        return None
    values: dict[str, str | None] = {}
    for name, cell in zip(names, cells, strict=False):
        if name == "" and cell.strip():
            errors.append(
                SourceFormatError(
                    file,
                    "valeur dans une colonne sans en-tête",
                    line=line,
                )
            )
            return None
        values[name] = cell if cell.strip() else None
    values.pop("", None)
    return _Record(line, values)


def _decode_csv(file: str, data: bytes, errors: list[SourceFormatError]) -> str | None:
    """UTF-8 (BOM optional), else Windows-1252 as Excel writes it on French Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        errors.append(
            SourceFormatError(
                file,
                "fichier en UTF-16 : enregistrez-le en « CSV UTF-8 »",
            )
        )
        return None
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        if data.startswith(codecs.BOM_UTF8) or _UTF8_SEQUENCE.search(body):
            errors.append(
                SourceFormatError(
                    file,
                    "encodage mixte (UTF-8 et autre) : octet invalide ; "
                    "enregistrez le fichier en « CSV UTF-8 »",
                    line=line,
                )
            )
            return None
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as error:
        errors.append(
            SourceFormatError(
                file,
                "encodage non reconnu (ni UTF-8 ni Windows-1252) ; "
                "enregistrez le fichier en « CSV UTF-8 »",
                line=body[: error.start].count(b"\n") + 1,
            )
        )
        return None


def _json_records(file: str, data: bytes, errors: list[SourceFormatError]) -> list[_Record]:
    try:
        document = json.loads(data.removeprefix(codecs.BOM_UTF8).decode("utf-8"))
    except UnicodeDecodeError:
        errors.append(SourceFormatError(file, "un fichier JSON doit être encodé en UTF-8"))
        return []
    except json.JSONDecodeError as error:
        errors.append(
            SourceFormatError(
                file,
                f"JSON invalide ({error.msg}) ligne {error.lineno}, colonne {error.colno} "
                "du fichier",
            )
        )
        return []
    if isinstance(document, dict) and "offers" in document:
        document = document["offers"]
    if not isinstance(document, list):
        errors.append(
            SourceFormatError(
                file,
                'JSON attendu : une liste d\'offres ou {"offers": [...]}',
            )
        )
        return []
    records = []
    for index, item in enumerate(document, start=1):
        if not isinstance(item, dict):
            errors.append(SourceFormatError(file, "une offre doit être un objet JSON", line=index))
            continue
        names = [_field_name(str(key)) for key in item]
        ok = _check_header(file, names, errors, line=index, partial=True)
        values: dict[str, str | None] = {}
        for name, value in zip(names, item.values(), strict=True):
            try:
                values[name] = _scalar(value)
            except _Invalid as invalid:
                errors.append(SourceFormatError(file, invalid.reason, line=index, field=name))
                ok = False
        if ok:
            records.append(_Record(index, values))
    return records


def _field_name(header: str) -> str:
    name = fold(header.lstrip("\ufeff")).replace(" ", "_")
    return _HEADER_ALIASES.get(name, name)


def _check_header(
    file: str,
    names: list[str],
    errors: list[SourceFormatError],
    *,
    line: int,
    partial: bool = False,
) -> bool:
    """Unknown, repeated or (CSV) missing columns: the file, not a record, is wrong."""
    before = len(errors)
    for name in names:
        if name and name not in FIELDS:
            errors.append(
                SourceFormatError(
                    file,
                    f"champ inconnu ; champs acceptés : {', '.join(FIELDS)}",
                    line=line,
                    field=name,
                )
            )
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        errors.append(SourceFormatError(file, "champ en double", line=line, field=name))
    if not partial:
        for name in REQUIRED:
            if name not in names:
                errors.append(
                    SourceFormatError(
                        file,
                        "colonne obligatoire absente",
                        line=line,
                        field=name,
                    )
                )
    return len(errors) == before


def _scalar(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(f"valeur de type {type(value).__name__} non acceptée")
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid("nombre non fini")
    text = str(value)
    return text if text.strip() else None


# ---------------------------------------------------------------- checking records


class _Checker:
    """Normalises one record's fields; collects (field, reason) for each bad one."""

    def __init__(
        self,
        known_rome: set[str],
        places: Places,
        known_certs: set[str] | None,
        known_naf: set[str] | None,
    ) -> None:
        self.known_rome = known_rome
        self.known_certs = known_certs
        self.known_naf = known_naf
        self.place_of: Callable[[str], Coordinates | None] = (
            places.get if isinstance(places, Mapping) else places
        )
        self.parsers: dict[str, Callable[[str], Any]] = {
            "offer_id": lambda v: _text(v, OFFER_ID_MAX, one_line=True),
            "kind": _kind,
            "title": lambda v: _text(v, TITLE_MAX, one_line=True),
            "code_rome": self._code_rome,
            "employer_name": lambda v: _text(v, EMPLOYER_NAME_MAX, one_line=True),
            "employer_siret": _siret,
            "naf": self._naf,
            "insee": self._insee,
            "latitude": lambda v: _number(v, -90.0, 90.0),
            "longitude": lambda v: _number(v, -180.0, 180.0),
            "start_date": _iso_date,
            "duration_months": lambda v: _integer(v, 1, 48),
            "cert_id": self._cert_id,
            "level": lambda v: _integer(v, 3, 8),
            "description": lambda v: _text(v, DESCRIPTION_MAX, truncate=True),
            "url": _url,
        }

    def check(self, values: dict[str, str | None]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        row: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for field, parse in self.parsers.items():
            raw = values.get(field)
            if raw is None:
                if field in REQUIRED:
                    problems.append((field, "valeur obligatoire absente"))
                row[field] = None
                continue
            try:
                row[field] = parse(raw)
            except _Invalid as invalid:
                problems.append((field, invalid.reason))
        if not problems:
            problems.extend(self._check_coordinates(row))
        return row, problems

    def fill_coordinates(self, row: dict[str, Any]) -> None:
        """Offers without coordinates are placed at their commune's centre."""
        if row["latitude"] is None:
            row["latitude"], row["longitude"] = self.place_of(row["insee"]) or (None, None)

    def _check_coordinates(self, row: dict[str, Any]) -> Iterator[tuple[str, str]]:
        latitude, longitude = row["latitude"], row["longitude"]
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            yield missing, "latitude et longitude vont ensemble : l'une est absente"
            return
        centre = self.place_of(row["insee"]) or (None, None)
        if latitude is None or centre[0] is None or centre[1] is None:
            return
        km = _haversine_km(latitude, longitude, centre[0], centre[1])
        if km > MAX_KM_FROM_COMMUNE:
            yield (
                "latitude",
                (
                    f"coordonnées à {km:.0f} km de la commune {row['insee']} "
                    "(latitude et longitude inversées ?)"
                ),
            )

    def _code_rome(self, value: str) -> str:
        code = value.strip().upper()
        if not _ROME.fullmatch(code):
            raise _Invalid(f"code ROME « {value} » mal formé (attendu : une lettre et 4 chiffres)")
        if code not in self.known_rome:
            raise _Invalid(f"code ROME « {code} » inconnu du référentiel")
        return code

    def _insee(self, value: str) -> str:
        code = value.strip().upper()
        if re.fullmatch(r"\d{4}", code):
            code = "0" + code  # a spreadsheet ate the leading zero of Ain…Ardennes communes
        if not _INSEE.fullmatch(code):
            raise _Invalid(f"code INSEE « {value} » mal formé (attendu : 5 caractères)")
        if self.place_of(code) is None:
            raise _Invalid(f"commune « {code} » inconnue")
        return code

    def _naf(self, value: str) -> str:
        match = _NAF.fullmatch(value.strip().upper())
        if match is None:
            raise _Invalid(f"code NAF « {value} » mal formé (attendu : 22.21Z)")
        code = f"{match[1]}.{match[2]}{match[3]}"
        if self.known_naf is not None and code not in self.known_naf:
            raise _Invalid(f"code NAF « {code} » inconnu")
        return code

    def _cert_id(self, value: str) -> str:
        code = re.sub(r"\s+", "", value).upper()
        if self.known_certs is not None and code not in self.known_certs:
            raise _Invalid(f"certification « {code} » inconnue")
        return code


def _text(value: str, limit: int, *, one_line: bool = False, truncate: bool = False) -> str:
    """Plain text as given (HTML included: it is escaped when shown, never interpreted)."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    # NUL and other control characters break PostgreSQL text columns and terminals.
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > limit:
        if not truncate:
            raise _Invalid(f"{len(text)} caractères, {limit} au plus")
        text = text[: limit - 1].rstrip() + "…"
    return text


def _kind(value: str) -> str:
    kind = _KINDS.get(fold(value))
    if kind is None:
        raise _Invalid(f"type d'offre « {value} » inconnu ; attendus : {', '.join(OFFER_KINDS)}")
    return kind


def _siret(value: str) -> str:
    siret = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(r"\d{14}", siret):
        raise _Invalid(f"SIRET « {value} » invalide : 14 chiffres attendus")
    doubled = (int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(siret)))
    valid = sum(n - 9 if n > 9 else n for n in doubled) % 10 == 0
    if siret.startswith(_LA_POSTE_SIREN):
        valid |= sum(int(digit) for digit in siret) % 5 == 0
    if not valid:
        raise _Invalid(f"SIRET « {siret} » invalide : clé de contrôle fausse (faute de frappe ?)")
    return siret


def _number(value: str, low: float, high: float) -> float:
    try:
        number = float(value.strip().replace(",", ".", 1))
    except ValueError:
        raise _Invalid(f"nombre attendu, pas « {value} »") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise _Invalid(f"{value} hors de l'intervalle [{low:g}, {high:g}]")
    return number


def _integer(value: str, low: int, high: int) -> int:
    text = value.strip()
    if not re.fullmatch(r"\d+", text):
        raise _Invalid(f"nombre entier attendu, pas « {value} »")
    number = int(text)
    if not low <= number <= high:
        raise _Invalid(f"{number} hors de l'intervalle [{low}, {high}]")
    return number


def _iso_date(value: str) -> str:
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise _Invalid(f"date « {value} » au format AAAA-MM-JJ attendue (ex. 2026-09-01)")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise _Invalid(f"date « {text} » inexistante") from None
    if not 2000 <= day.year <= 2099:
        raise _Invalid(f"année {day.year} invraisemblable")
    return day.isoformat()


def _url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        raise _Invalid(f"adresse « {value} » invalide : http:// ou https:// attendu")
    if len(url) > URL_MAX:
        raise _Invalid(f"adresse de {len(url)} caractères, {URL_MAX} au plus")
    return url


def _digest(row: dict[str, Any]) -> str:
    """Same content, same id: re-importing a file without ids is idempotent."""
    content = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))
