"""Importing continuing-education sessions from LHEO 2.2 XML feeds or CSV files.

One imported row is one **session**: a dated instance of a training action (a
place, a rhythm, a teaching mode) of a formation (a certification taught by a
training body). Unlike offers, rejection is per record: every bad record is
reported with where it is and why, and the valid ones are imported; a file that
is not readable as a whole (malformed XML, unknown columns) imports nothing. The
store then replaces all the sessions of the source in one transaction
(:func:`recommender.store.replace_sessions`), and the catalogue turns them into
``formation_continue`` formations (:mod:`recommender.session_formations`).
Operators' guide: ``docs/sessions.md``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd

from recommender.certification_finder import CertificationFinder
from recommender.errors import ImportRejected, SourceFormatError
from recommender.lheo import SessionRecord, Where, lheo_records
from recommender.offer_fields import Places
from recommender.offer_files import Header, csv_records
from recommender.schema import SESSIONS, conform
from recommender.session_fields import FIELDS, REQUIRED, SessionChecker

SESSION_HEADER = Header(FIELDS, REQUIRED, {"id": "session_id"})
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")


@dataclass(frozen=True)
class SessionImport:
    """What an import read: the valid sessions, and every rejected record with its reason."""

    file: str
    sessions: pd.DataFrame  # conforming to recommender.schema.SESSIONS
    rejected: list[SourceFormatError]  # each names its line, record and field
    rejected_records: int  # sessions (or empty formations/actions) left out

    @property
    def imported(self) -> int:
        return len(self.sessions)


def read_sessions(
    path: Path,
    *,
    source: str,
    certifications: pd.DataFrame,
    places: Places,
    progress: Callable[[int], None] | None = None,
) -> SessionImport:
    """Read and check a sessions file (``.xml`` LHEO 2.2 or ``.csv``), record by record.

    Parameters
    ----------
    path
        LHEO 2.2 XML (namespace ``http://www.lheo.org/2.2``) or CSV (UTF-8 with or
        without BOM, or Windows-1252; ``,`` or ``;``; columns in ``docs/sessions.md``).
    source
        Short name of the import (``[a-z0-9_-]``, 40 characters at most); it prefixes
        every ``session_id`` and names the formations the sessions make.
    certifications
        The catalogue's certifications: each session is matched to one by its RNCP
        code, then its CFD, then its label (see :class:`CertificationFinder`).
    places
        Mapping or function from an INSEE code to its commune's ``(latitude, longitude)``.
    progress
        Called with the number of bytes read so far (large LHEO feeds).

    Returns
    -------
    SessionImport
        The valid sessions and the rejected records, each as a :class:`SourceFormatError`
        with its line, its LHEO position (``formation 2, action 1, session 3``) and field.

    Raises
    ------
    SourceFormatError
        The file as a whole is unreadable: missing, malformed XML, not LHEO 2.2.
    ImportRejected
        Bad source name, bad CSV header, or not one valid session in the file.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "sessions.csv").write_text(
    ...     "id;title;provider_name;insee;start_date;end_date;rncp\\n"
    ...     "S1;Titre pro vendeur conseil;GRETA;02691;2026-09-07;2027-03-12;RNCP1\\n"
    ...     "S2;Titre pro vendeur conseil;GRETA;99999;2026-09-07;;RNCP1\\n", encoding="utf-8")
    >>> certifications = pd.DataFrame({"cert_id": ["RNCP1"], "cfd": [None], "rncp": ["RNCP1"],
    ...     "label": ["Vendeur conseil"], "type": ["TP"], "level": [4]})
    >>> result = read_sessions(folder / "sessions.csv", source="greta",
    ...                        places={"02691": (49.8, 3.3)}, certifications=certifications)
    >>> result.sessions.loc[0, ["session_id", "cert_id", "start_date"]].tolist()
    ['greta-S1', 'RNCP1', '2026-09-07']
    >>> print(result.rejected[0])
    sessions.csv, ligne 3, champ « insee » : commune « 99999 » inconnue
    """
    file = path.name
    if not _SOURCE.fullmatch(source):
        reason = (
            f"nom de source « {source} » invalide : lettres minuscules, chiffres, "
            "« - » ou « _ », 40 caractères au plus"
        )
        raise ImportRejected(file, [SourceFormatError(file, reason, field="source")])
    if not path.is_file():
        raise SourceFormatError(str(path), "fichier introuvable")
    suffix = path.suffix.lower()
    if suffix not in (".xml", ".csv"):
        reason = f"extension « {path.suffix} » non reconnue ; attendues : .xml (LHEO) ou .csv"
        raise ImportRejected(file, [SourceFormatError(file, reason)])
    finder = CertificationFinder(certifications)
    checker = SessionChecker(places, lheo=suffix == ".xml")
    unreadable: list[SourceFormatError] = []  # records the reader could not even split
    errors: list[SourceFormatError] = []
    rows: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    rejected = 0
    with path.open("rb") as stream:
        for record in _records(file, suffix, stream, unreadable, progress):
            row, problems = checker.check(record.values)
            for name, reason in problems:
                _reject(errors, file, record.origin(name), reason)
            session_id = "" if problems else _session_id(source, record, row)
            if session_id in first_seen:
                reason = f"session {session_id} en double : déjà vue {first_seen[session_id]}"
                _reject(errors, file, record.where, reason)
            if problems or session_id in first_seen:
                rejected += 1
                continue
            first_seen[session_id] = _place(record.where)
            checker.place(row)
            rows.append(_session_row(row, session_id, source, finder))
    errors = sorted([*unreadable, *_unique(errors)], key=lambda error: error.line or 0)
    if not rows:
        if not errors:
            errors.append(SourceFormatError(file, "aucune session dans le fichier"))
        raise ImportRejected(file, errors)
    frame = conform(pd.DataFrame(rows, columns=SESSIONS.column_names), SESSIONS, file=file)
    return SessionImport(file, frame, errors, rejected + len(unreadable))


def _records(
    file: str,
    suffix: str,
    stream: BinaryIO,
    errors: list[SourceFormatError],
    progress: Callable[[int], None] | None,
) -> Iterator[SessionRecord]:
    if suffix == ".xml":
        yield from lheo_records(file, stream, errors, progress)
        return
    records = csv_records(file, stream.read(), errors, SESSION_HEADER)
    if not records and errors:
        raise ImportRejected(file, errors)  # unreadable file or header: nothing to import
    for record in records:
        yield SessionRecord(record.values, Where(record.line))


def _session_row(
    row: dict[str, Any], session_id: str, source: str, finder: CertificationFinder
) -> dict[str, Any]:
    cert_id, how = finder.find(
        rncp=row["rncp"], cfd=row["cfd"], title=row["title"], level=row["level"]
    )
    return {
        **row,
        "session_id": session_id,
        "source": source,
        "cert_id": cert_id,
        "cert_match": how,
        "cert_type": finder.type_in(row["title"]),
        "rome_codes": row["rome_codes"] or "",
    }


def _session_id(source: str, record: SessionRecord, row: dict[str, Any]) -> str:
    """Producers' numbers when given (LHEO: formation, action, session), else a content hash."""
    if record.numbers and all(record.numbers):
        return "-".join((source, *(str(number) for number in record.numbers)))
    if row["session_id"]:
        return f"{source}-{row['session_id']}"
    content = json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
    return f"{source}-{hashlib.sha256(content.encode('utf-8')).hexdigest()[:16]}"


def _reject(errors: list[SourceFormatError], file: str, where: Where, reason: str) -> None:
    errors.append(
        SourceFormatError(file, reason, line=where.line, field=where.field, record=where.record)
    )


def _place(where: Where) -> str:
    return f"ligne {where.line}" + (f" ({where.record})" if where.record else "")


def _unique(errors: list[SourceFormatError]) -> list[SourceFormatError]:
    """One report per problem: a bad code of a formation is said once, not once per session."""
    seen: set[tuple[object, ...]] = set()
    unique = []
    for error in errors:
        key = (error.line, error.record, error.field, error.reason)
        if key not in seen:
            seen.add(key)
            unique.append(error)
    return unique
