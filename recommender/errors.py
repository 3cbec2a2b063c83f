"""Domain exceptions: the only errors the engine raises on purpose.

``api/`` turns them into HTTP answers; the CLI prints them. Each carries a message
for people (French where a pupil, counsellor or adult reads it) and precise fields
for programs.
"""

from __future__ import annotations


class OrientationError(Exception):
    """Base class of every error the engine raises on purpose."""


class SourceFormatError(OrientationError):
    """A raw source or an import file does not have the shape we expect.

    Names the file, the line (1-based, header = line 1), the record when the line
    alone does not say it (an LHEO feed's « formation 2, action 1, session 3 ») and
    the field, so an operator can open the file and fix it.
    """

    def __init__(
        self,
        file: str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        record: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.record = record
        self.reason = message
        where = file
        if line is not None:
            where += f", ligne {line}"
        if record is not None:
            where += f" ({record})" if line is not None else f", {record}"
        if field is not None:
            where += f", champ « {field} »"
        super().__init__(f"{where} : {message}")


class ImportRejected(OrientationError):
    """An import file holds invalid records; nothing was imported.

    ``errors`` lists every rejected record as a :class:`SourceFormatError`.
    """

    def __init__(self, file: str, errors: list[SourceFormatError]) -> None:
        self.file = file
        self.errors = errors
        shown = "\n".join(f"  - {error}" for error in errors[:20])
        more = f"\n  … et {len(errors) - 20} autres" if len(errors) > 20 else ""
        super().__init__(
            f"{file} : {len(errors)} enregistrement(s) invalide(s), rien n'a été importé\n"
            f"{shown}{more}"
        )


class CatalogueNotLoaded(OrientationError):
    """The database holds no catalogue yet (run the load command first)."""


class PlaceNotFound(OrientationError):
    """No commune matches the query."""

    def __init__(self, query: str) -> None:
        self.query = query
        if query.strip():
            message = f"aucune commune ne correspond à « {query} »"
        else:
            message = "indiquez une commune : son nom, son code postal ou son code INSEE"
        super().__init__(message)


class AmbiguousPlace(OrientationError):
    """Several communes match the query; ``choices`` lists them for the person to pick."""

    def __init__(self, query: str, choices: list[dict[str, str]]) -> None:
        self.query = query
        self.choices = choices
        listed = ", ".join(f"{c['name']} ({c['departement']})" for c in choices[:10])
        super().__init__(
            f"plusieurs communes s'appellent « {query} » : {listed} ; "
            "précisez le département ou le code postal"
        )


class ProfileError(OrientationError):
    """A profile field holds a value the engine cannot use.

    ``field`` names the field (as in the API: ``level``, ``place``…), ``allowed``
    says what is accepted; the message is in French for the person.
    """

    def __init__(self, field: str, message: str, *, allowed: list[str] | None = None) -> None:
        self.field = field
        self.reason = message
        self.allowed = allowed or []
        super().__init__(f"{field} : {message}")


class NotFound(OrientationError):
    """An identifier (formation, offer, campus…) that the catalogue does not hold."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"{kind} « {identifier} » introuvable")


class ClassFileError(OrientationError):
    """A class file that cannot be read at all (encoding, columns, no pupil): nothing ran.

    ``problems`` lists what is wrong with the file itself, each with its line and
    column when it has one; bad pupils' lines are not errors of the file (see
    :mod:`recommender.classroom`), they are reported one by one and the others run.
    """

    def __init__(self, file: str, problems: list[SourceFormatError]) -> None:
        self.file = file
        self.problems = problems
        shown = " ; ".join(_where(problem) for problem in problems[:10])
        more = f" ; … et {len(problems) - 10} autres" if len(problems) > 10 else ""
        named = f" « {file} »" if file else ""
        super().__init__(f"fichier de classe{named} inutilisable : {shown}{more}")


class ClassTooLarge(OrientationError):
    """A class file with more pupils (or bytes) than one request may carry."""


def _where(problem: SourceFormatError) -> str:
    parts = []
    if problem.line is not None:
        parts.append(f"ligne {problem.line}")
    if problem.field is not None:
        parts.append(f"colonne « {problem.field} »")
    prefix = ", ".join(parts)
    return f"{prefix} : {problem.reason}" if prefix else problem.reason


class NotEnoughFeedback(OrientationError):
    """Too few observed suggestions to learn the model's weights from (the model stays)."""
