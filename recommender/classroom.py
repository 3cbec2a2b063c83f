"""Reading a counsellor's class file: one profile per pupil, bad lines reported one by one.

A class file is a CSV as a spreadsheet writes it (``;`` or ``,``, UTF-8 with or
without BOM, or Windows-1252), one pupil per line: ``identifiant`` (a pseudonym or a
first name, optional), ``niveau``, ``centres_interet`` (several separated by ``;`` or
``|``), ``commune`` and optionally ``rayon_km``, ``voies``, ``public``, ``internat``
and ``campus``. Column names forgive case, accents and a few synonyms
(``Centres d'intérêt``, ``Ville``, ``Rayon``…); the format is in ``docs/classe.md``.

This module checks what can be checked without the catalogue (a value missing, a
radius that is not a number, an unknown voie); whether the level, the commune and the
campus exist is checked when the class runs (:mod:`recommender.class_results`).
Nothing here keeps or logs a pupil's profile: profiles of minors are personal data.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.class_fields import CLASS_HEADER, BadLine, profile_of
from recommender.errors import ClassFileError, ClassTooLarge, SourceFormatError
from recommender.offer_fields import clean_text
from recommender.offer_files import Record, csv_records
from recommender.profile import Profile

MAX_PUPILS = 200
"""Pupils one class file may hold: a few classes at most, answered in a few seconds."""
MAX_BYTES = 512_000
"""Size of a class file; 200 pupils take about 40 kB."""
NAME_MAX = 60


@dataclass(frozen=True)
class Pupil:
    """One valid line: who (as the counsellor named them) and the profile to run."""

    line: int
    name: str
    profile: Profile


@dataclass(frozen=True)
class RejectedLine:
    """A line left out, with the column at fault and the reason, in French."""

    line: int | None
    name: str | None
    field: str | None
    reason: str


@dataclass(frozen=True)
class ClassList:
    """What a class file holds: the pupils to run and the lines left out."""

    file: str
    pupils: list[Pupil]
    rejected: list[RejectedLine]

    @property
    def lines(self) -> int:
        """Pupil lines read (valid or not)."""
        return len(self.pupils) + len({r.line for r in self.rejected})


def read_class(data: bytes, *, file: str = "classe.csv", max_pupils: int = MAX_PUPILS) -> ClassList:
    """Read a class file; each bad line is reported with its reason, the others kept.

    Raises :class:`~recommender.errors.ClassTooLarge` past ``max_pupils`` lines or
    :data:`MAX_BYTES`, and :class:`~recommender.errors.ClassFileError` when the file
    itself cannot be read (encoding, unknown or missing columns, no pupil at all).

    Examples
    --------
    >>> text = "niveau;centres_interet;commune\\n3e;plasturgie|chimie;Laon\\nbac+9;;Laon\\n"
    >>> pupils = read_class(text.encode())
    >>> pupils.pupils[0].name, pupils.pupils[0].profile.interests
    ('Élève 1', ('plasturgie', 'chimie'))
    >>> [(r.line, r.field) for r in pupils.rejected]
    [(3, 'niveau'), (3, 'centres_interet')]
    """
    if len(data) > MAX_BYTES:
        raise ClassTooLarge(
            f"fichier de {len(data) // 1000} ko : {MAX_BYTES // 1000} ko au plus par envoi ; "
            "découpez la classe en plusieurs fichiers"
        )
    problems: list[SourceFormatError] = []
    records = csv_records(file, data, problems, CLASS_HEADER)
    if not records:
        if not problems:
            problems.append(SourceFormatError(file, "aucun élève : le fichier n'a qu'un en-tête"))
        raise ClassFileError(file, problems)
    # Lines the CSV reader could not split (a stray separator, a line cut short).
    rejected = [RejectedLine(p.line, None, p.field, p.reason) for p in problems]
    if len(records) + len(rejected) > max_pupils:
        raise ClassTooLarge(
            f"{len(records) + len(rejected)} élèves dans le fichier : {max_pupils} au plus par "
            "envoi ; découpez la classe en plusieurs fichiers"
        )
    pupils: list[Pupil] = []
    for position, record in enumerate(records, start=1):
        name = _name(record, position)
        try:
            pupils.append(Pupil(record.line, name, profile_of(record.values)))
        except BadLine as bad:
            rejected.extend(
                RejectedLine(record.line, name, p.field, p.reason) for p in bad.problems
            )
    rejected.sort(key=lambda r: r.line or 0)
    return ClassList(file, pupils, rejected)


def _name(record: Record, position: int) -> str:
    raw = record.values.get("identifiant")
    if raw is None:
        return f"Élève {position}"
    return clean_text(raw, NAME_MAX, one_line=True, truncate=True)
