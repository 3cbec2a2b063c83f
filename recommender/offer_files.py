"""Reading an offers file into raw records: decoding, CSV dialect, JSON shape, header.

CSV files come as Excel writes them (UTF-8 with or without BOM, or Windows-1252;
``,`` or ``;``); JSON files hold a list of objects or ``{"offers": [...]}``. Problems
of the file itself (encoding, quoting, unknown or missing columns) are collected
with their line; the values are checked later (:mod:`recommender.offer_fields`).
Sessions files (:mod:`recommender.sessions`) are read by the same CSV reader with
their own :class:`Header`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from recommender.errors import SourceFormatError
from recommender.offer_fields import FIELDS, REQUIRED, InvalidValue
from recommender.text import fold

_HEADER_ALIASES = {"id": "offer_id"}
# A well-formed multi-byte UTF-8 sequence: its presence in a file that is not valid
# UTF-8 means two encodings were mixed, which no single decoding can repair.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@dataclass(frozen=True)
class Header:
    """The columns a file may hold, those it must hold, and accepted other names."""

    fields: Sequence[str]
    required: Sequence[str]
    aliases: Mapping[str, str] = field(default_factory=dict)
    # Hand-written files (a counsellor's class list) often stop a line at its last value:
    # the missing cells at the end are then empty, not a sign of a truncated line.
    short_lines_ok: bool = False


OFFER_HEADER = Header(FIELDS, REQUIRED, _HEADER_ALIASES)


@dataclass(frozen=True)
class Record:
    """One record's raw values by field name, with where it starts in the file."""

    line: int
    values: dict[str, str | None]


def csv_records(
    file: str, data: bytes, errors: list[SourceFormatError], header: Header = OFFER_HEADER
) -> list[Record]:
    """The records of a CSV file (line = line of the file where each starts, header = 1)."""
    text = _decode_csv(file, data, errors)
    if text is None:
        return []
    if not text.strip():
        errors.append(SourceFormatError(file, "fichier vide"))
        return []
    first_line = text.split("\n", 1)[0]
    separator = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[Record] = []
    try:
        names = [_field_name(cell, header) for cell in next(reader, [])]
        if not _check_header(file, names, errors, header, line=1):
            return []
        end_of_previous = reader.line_num
        for cells in reader:
            line = end_of_previous + 1
            end_of_previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header.short_lines_ok and len(cells) < len(names):
                cells += [""] * (len(names) - len(cells))
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
) -> Record | None:
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
    return Record(line, values)


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


def json_records(file: str, data: bytes, errors: list[SourceFormatError]) -> list[Record]:
    """The records of a JSON file (line = 1-based index of the record in the list)."""
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
        names = [_field_name(str(key), OFFER_HEADER) for key in item]
        ok = _check_header(file, names, errors, OFFER_HEADER, line=index, partial=True)
        values: dict[str, str | None] = {}
        for name, value in zip(names, item.values(), strict=True):
            try:
                values[name] = _scalar(value)
            except InvalidValue as invalid:
                errors.append(SourceFormatError(file, invalid.reason, line=index, field=name))
                ok = False
        if ok:
            records.append(Record(index, values))
    return records


def _field_name(cell: str, header: Header) -> str:
    name = fold(cell.lstrip("\ufeff")).replace(" ", "_")
    return header.aliases.get(name, name)


def _check_header(
    file: str,
    names: list[str],
    errors: list[SourceFormatError],
    header: Header,
    *,
    line: int,
    partial: bool = False,
) -> bool:
    """Unknown, repeated or (CSV) missing columns: the file, not a record, is wrong."""
    before = len(errors)
    for name in names:
        if name and name not in header.fields:
            errors.append(
                SourceFormatError(
                    file,
                    f"champ inconnu ; champs acceptés : {', '.join(header.fields)}",
                    line=line,
                    field=name,
                )
            )
    for name in sorted({n for n in names if n and names.count(n) > 1}):
        errors.append(SourceFormatError(file, "champ en double", line=line, field=name))
    if not partial:
        for name in header.required:
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
        raise InvalidValue(f"valeur de type {type(value).__name__} non acceptée")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue("nombre non fini")
    text = str(value)
    return text if text.strip() else None
