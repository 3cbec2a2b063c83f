"""Reading an LHEO 2.2 XML feed (Carif-Oref continuing-education offers) into session records.

LHEO nests ``<formation>`` (what is taught, the certification, the training body)
› ``<action>`` (where, how: place, rhythm, teaching mode, duration) › ``<session>``
(when). A regional feed holds thousands of formations, so the file is read in
chunks by expat and each ``<formation>`` is turned into records and dropped as soon
as it is complete: memory stays that of one formation. Every value keeps where it
was read (element, line, formation/action/session index) so a rejected record can
be found in the file. Values are checked later (:mod:`recommender.session_fields`).

The codes read here follow the LHEO 2.2 dictionaries (``dict-niveaux``,
``dict-modalites-enseignement``), converted in :mod:`recommender.session_fields`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.parsers import expat

from recommender.errors import SourceFormatError

NAMESPACE = "http://www.lheo.org/2.2"
_NS = {"l": NAMESPACE}
_LINE = " line"  # attribute key no XML attribute can have: the line an element starts on
_CHUNK_BYTES = 1 << 16
# LHEO fills its mandatory free-text elements with "-" when there is nothing to say.
_NOTHING = {"", "-"}
# Elements never read (contacts, funders, extras…): not built, which halves the work.
_UNREAD = {
    f"{NAMESPACE}}}{name}"
    for name in (
        *("extras", "contact-formation", "contact-organisme", "coordonnees-organisme"),
        *("contact-formateur", "potentiel", "resultats-attendus", "adresse-inscription"),
        *("adresse-information", "organisme-financeur"),
    )
}

# The parser's commonest complaints, for operators who read French.
_EXPAT_FRENCH = {
    "mismatched tag": "balise fermante qui ne correspond pas à la balise ouverte",
    "no element found": "fichier vide ou tronqué",
    "unclosed token": "balise non refermée",
    "not well-formed (invalid token)": "caractère ou balise invalide",
    "undefined entity": "entité non définie",
    "junk after document element": "texte après l'élément racine",
    "syntax error": "erreur de syntaxe",
}


@dataclass(frozen=True)
class Where:
    """Where a value was read: line of the file, record (LHEO indices) and field name."""

    line: int | None
    record: str | None = None
    field: str | None = None


@dataclass(frozen=True)
class SessionRecord:
    """One session's raw values by field name, where it starts, and where each value came from."""

    values: dict[str, str | None]
    where: Where
    origins: dict[str, Where] = field(default_factory=dict)
    numbers: tuple[str | None, ...] = ()  # LHEO numero of the formation, action and session

    def origin(self, name: str) -> Where:
        return self.origins.get(name, Where(self.where.line, self.where.record, name))


class _Stop(Exception):
    """Raised inside an expat handler to abort parsing with a French message."""


def lheo_records(
    file: str,
    stream: BinaryIO,
    errors: list[SourceFormatError],
    progress: Callable[[int], None] | None = None,
) -> Iterator[SessionRecord]:
    """The session records of an LHEO 2.2 file, formation by formation.

    A formation without action, or an action without session, is reported in
    ``errors`` (nothing to import). A file that is not well-formed XML, or not
    LHEO 2.2, raises :class:`SourceFormatError` with the line and column.
    ``progress`` is called with the number of bytes read so far.
    """
    reader = _FormationReader(file)
    read = 0
    while True:
        chunk = stream.read(_CHUNK_BYTES)
        read += len(chunk)
        reader.feed(chunk, final=not chunk)
        for index, formation in reader.take():
            yield from _formation_records(formation, index, file, errors)
        if progress is not None:
            progress(read)
        if not chunk:
            break


class _FormationReader:
    """Expat handlers building each ``<formation>`` as an element, with line numbers."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parser = expat.ParserCreate(namespace_separator="}")
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._data
        self.stack: list[ET.Element] = []
        self.texts: list[list[str]] = []
        self.done: list[tuple[int, ET.Element]] = []
        self.formations = 0
        self.seen_root = False
        self.skipping = 0  # depth inside an unread element

    def feed(self, chunk: bytes, *, final: bool) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as error:
            message = expat.errors.messages[error.code]
            message = _EXPAT_FRENCH.get(message, message)
            raise SourceFormatError(
                self.file,
                f"XML mal formé ({message}), colonne {error.offset + 1} : rien n'a été importé",
                line=error.lineno,
            ) from None
        except _Stop as stop:
            line = self.parser.CurrentLineNumber
            raise SourceFormatError(self.file, str(stop), line=line) from None

    def take(self) -> list[tuple[int, ET.Element]]:
        done, self.done = self.done, []
        return done

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self.skipping or name in _UNREAD:
            self.skipping += 1
            return
        tag = "{" + name if "}" in name else name
        if not self.seen_root:
            self.seen_root = True
            if tag != f"{{{NAMESPACE}}}lheo":
                found = tag.split("}")[0].lstrip("{") if "}" in tag else "aucun"
                raise _Stop(
                    f"fichier non LHEO 2.2 : élément racine « {name.split('}')[-1]} », espace "
                    f'de noms « {found} » ; attendus : <lheo xmlns="{NAMESPACE}">'
                )
        element = ET.Element(tag, attributes)
        element.set(_LINE, str(self.parser.CurrentLineNumber))
        if self.stack:
            self.stack[-1].append(element)
        self.stack.append(element)
        self.texts.append([])

    def _data(self, text: str) -> None:
        if self.texts and not self.skipping:
            self.texts[-1].append(text)

    def _end(self, _name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        element = self.stack.pop()
        element.text = "".join(self.texts.pop())
        if element.tag == f"{{{NAMESPACE}}}formation":
            self.formations += 1
            self.done.append((self.formations, element))
        if len(self.stack) == 2:  # a child of <offres> is complete: free it
            self.stack[-1].remove(element)


def _formation_records(
    formation: ET.Element, index: int, file: str, errors: list[SourceFormatError]
) -> Iterator[SessionRecord]:
    f_record = f"formation {index}"
    f_where = Where(_line(formation), f_record)
    values, origins = _formation_values(formation, f_where)
    actions = formation.findall("l:action", _NS)
    if not actions:
        errors.append(
            SourceFormatError(
                file, "formation sans <action> : aucune session", line=f_where.line, record=f_record
            )
        )
    for a_index, action in enumerate(actions, start=1):
        a_where = Where(_line(action), f"{f_record}, action {a_index}")
        a_values, a_origins = _action_values(action, a_where)
        sessions = action.findall("l:session", _NS)
        if not sessions:
            errors.append(
                SourceFormatError(
                    file,
                    "action sans <session> : rien à importer",
                    line=a_where.line,
                    record=a_where.record,
                )
            )
        for s_index, session in enumerate(sessions, start=1):
            s_where = Where(_line(session), f"{a_where.record}, session {s_index}")
            s_values = {
                "start_date": _text(session, "l:periode/l:debut"),
                "end_date": _text(session, "l:periode/l:fin"),
            }
            s_origins = {
                "start_date": Where(s_where.line, s_where.record, "periode/debut"),
                "end_date": Where(s_where.line, s_where.record, "periode/fin"),
            }
            yield SessionRecord(
                values={**values, **_given(a_values, values), **s_values},
                where=s_where,
                origins={**origins, **_given_origins(a_values, a_origins), **s_origins},
                numbers=(formation.get("numero"), action.get("numero"), session.get("numero")),
            )


def _formation_values(
    formation: ET.Element, where: Where
) -> tuple[dict[str, str | None], dict[str, Where]]:
    """What a formation says of all its sessions (certification, training body…)."""
    body = formation.find("l:organisme-formation-responsable", _NS)
    name = siret = None
    if body is not None:
        name = _text(body, "l:nom-organisme") or _text(body, "l:raison-sociale")
        siret = _text(body, "l:SIRET-organisme-formation/l:SIRET")
    rome = [code for code in _texts(formation, "l:domaine-formation/l:code-ROME") if code]
    paths = {
        "title": "intitule-formation",
        "description": "objectif-formation",
        "rome_codes": "domaine-formation/code-ROME",
        "nsf": "domaine-formation/code-NSF",
        "rncp": "certification/code-RNCP",
        "level": "code-niveau-sortie",
        "entry_level": "code-niveau-entree",
        "url": "url-formation/urlweb",
        "provider_name": "organisme-formation-responsable/nom-organisme",
        "provider_siret": "organisme-formation-responsable/SIRET-organisme-formation/SIRET",
    }
    values = {
        "title": _text(formation, "l:intitule-formation"),
        "description": _text(formation, "l:objectif-formation")
        or _text(formation, "l:contenu-formation"),
        "rome_codes": " ".join(rome) or None,
        "nsf": _text(formation, "l:domaine-formation/l:code-NSF"),
        "rncp": next(iter(_texts(formation, "l:certification/l:code-RNCP")), None),
        "level": _text(formation, "l:code-niveau-sortie"),
        "entry_level": _text(formation, "l:code-niveau-entree"),
        "url": _text(formation, "l:url-formation/l:urlweb"),
        "provider_name": name,
        "provider_siret": siret,
    }
    return values, {key: Where(where.line, where.record, path) for key, path in paths.items()}


def _action_values(
    action: ET.Element, where: Where
) -> tuple[dict[str, str | None], dict[str, Where]]:
    """Where and how an action is taught; its training body overrides the formation's."""
    address = "l:lieu-de-formation/l:coordonnees/l:adresse"
    hours = _text(action, "l:nombre-heures-total")
    if hours is None:
        given = [_text(action, f"l:nombre-heures-{part}") for part in ("centre", "entreprise")]
        parts = [part for part in given if part is not None]
        if parts and all(part.isdigit() for part in parts):
            hours = str(sum(int(part) for part in parts))
    teacher = action.find("l:organisme-formateur", _NS)
    values = {
        "insee": _text(action, f"{address}/l:code-INSEE-commune"),
        "latitude": _text(action, f"{address}/l:geolocalisation/l:latitude"),
        "longitude": _text(action, f"{address}/l:geolocalisation/l:longitude"),
        "schedule": _text(action, "l:rythme-formation"),
        "teaching_mode": _text(action, "l:modalites-enseignement"),
        "duration_text": _text(action, "l:duree-indicative"),
        "duration_hours": hours,
        "url": _text(action, "l:url-action/l:urlweb"),
    }
    paths = {
        "insee": "lieu-de-formation/…/code-INSEE-commune",
        "latitude": "lieu-de-formation/…/geolocalisation/latitude",
        "longitude": "lieu-de-formation/…/geolocalisation/longitude",
        "schedule": "rythme-formation",
        "teaching_mode": "modalites-enseignement",
        "duration_text": "duree-indicative",
        "duration_hours": "nombre-heures-total",
        "url": "url-action/urlweb",
    }
    if teacher is not None and _text(teacher, "l:raison-sociale-formateur") is not None:
        values["provider_name"] = _text(teacher, "l:raison-sociale-formateur")
        values["provider_siret"] = _text(teacher, "l:SIRET-formateur/l:SIRET")
        paths["provider_name"] = "organisme-formateur/raison-sociale-formateur"
        paths["provider_siret"] = "organisme-formateur/SIRET-formateur/SIRET"
    return values, {key: Where(where.line, where.record, path) for key, path in paths.items()}


def _given(values: dict[str, str | None], fallback: dict[str, str | None]) -> dict[str, str | None]:
    """The action's values, keeping the formation's where the action says nothing."""
    return {key: value if value is not None else fallback.get(key) for key, value in values.items()}


def _given_origins(values: dict[str, str | None], origins: dict[str, Where]) -> dict[str, Where]:
    return {key: where for key, where in origins.items() if values.get(key) is not None}


def _text(element: ET.Element, path: str) -> str | None:
    found = element.find(path, _NS)
    if found is None or found.text is None:
        return None
    text = found.text.strip()
    return None if text in _NOTHING else text


def _texts(element: ET.Element, path: str) -> list[str]:
    return [(found.text or "").strip() for found in element.findall(path, _NS)]


def _line(element: ET.Element) -> int | None:
    line = element.get(_LINE)
    return int(line) if line is not None else None
