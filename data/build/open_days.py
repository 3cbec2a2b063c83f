"""Open days (journées portes ouvertes) of the bundled establishments, from ONISEP.

ONISEP publishes, per establishment id (``ENS.10008``), a list of French sentences
as schools typed them: "Le 5 avril 2025 de 9h00 à 12h00", "Date(s) indicative(s)
des Journées portes ouvertes précédentes : le 23/03/2024", sometimes ending with
"Plus d'info : <url>". Each sentence is kept as published (whitespace tidied) with
the first and last dates it gives and its link, so that people can be told plainly
when an open day is over.

The only link between ONISEP ids and UAI codes in the sources is the
apprenticeship catalogue's ``onisep_url`` (``establishments.onisep_id``, one UAI per
id); sentences of ONISEP establishments the catalogue does not hold are dropped and
counted.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd

from data.build.sources import Sources, with_gaps
from recommender.errors import SourceFormatError
from recommender.text import fold

OPEN_DAYS_FILE = "onisep/journees_portes_ouvertes_2025.json"

_ONISEP_ID = re.compile(r"ENS\.\d+")
_VINTAGE = re.compile(r"_(\d{4})\.json$")
_MONTHS = {
    fold(name): number
    for number, name in enumerate(
        (
            *("janvier", "février", "mars", "avril", "mai", "juin", "juillet"),
            *("août", "septembre", "octobre", "novembre", "décembre"),
        ),
        start=1,
    )
}
# "5 avril 2025", "1er mars 2025" or "23/03/2024"; a day without its year is not a date.
_DATE = re.compile(
    r"\b(?P<day>\d{1,2})(?:er)?\s+(?P<month>[a-zéû]+)\s+(?P<year>\d{4})\b"
    r"|\b(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})\b",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://[^\s()<>\"]+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def build_open_days(sources: Sources, establishments: pd.DataFrame) -> pd.DataFrame:
    """One row per (UAI, sentence) for the establishments whose ONISEP id has open days.

    Columns of :data:`recommender.schema.OPEN_DAYS`: ``uai``, ``text``, ``start_date``
    and ``end_date`` (ISO dates, see :func:`sentence_dates`), ``url``, ``vintage``.

    Examples
    --------
    >>> build_open_days(Sources(root), establishments).iloc[0]["text"]  # doctest: +SKIP
    'Le 8 mars 2025 de 9h00 à 17h00 (pause méridienne … Plus d\\'info : https://www.epl67.fr/…)'
    """
    published = read_open_days(sources)
    by_onisep = establishments.dropna(subset=["onisep_id"]).drop_duplicates("onisep_id")
    uais = published["onisep_id"].map(by_onisep.set_index("onisep_id")["uai"])
    unknown = uais.isna()
    rows = published.assign(uai=uais)[~unknown]
    repeated = rows.duplicated(["uai", "text"])
    rows = rows[~repeated]
    dates = [sentence_dates(text) for text in rows["text"]]
    out = pd.DataFrame(
        {
            "uai": rows["uai"].astype("string"),
            "text": rows["text"],
            "start_date": [start.isoformat() if start else None for start, _ in dates],
            "end_date": [end.isoformat() if end else None for _, end in dates],
            "url": [sentence_url(text) for text in rows["text"]],
            "vintage": open_days_vintage(OPEN_DAYS_FILE),
        }
    ).reset_index(drop=True)
    return with_gaps(
        out,
        "open_days",
        {
            "journées portes ouvertes d'établissements ONISEP absents du catalogue": int(
                unknown.sum()
            ),
            "journées portes ouvertes en double pour un établissement": int(repeated.sum()),
        },
    )


def read_open_days(sources: Sources) -> pd.DataFrame:
    """Every published sentence, tidied: columns ``onisep_id`` and ``text``, in file order.

    Fails naming the file and the establishment id when the layout drifts (an id that
    is not ``ENS.<digits>``, no ``jpo`` list, a sentence that is not text).
    """
    raw: Any = sources.read_json(OPEN_DAYS_FILE)
    if not isinstance(raw, dict):
        raise SourceFormatError(OPEN_DAYS_FILE, "objet JSON {identifiant ONISEP: …} attendu")
    rows = []
    for onisep_id, entry in raw.items():
        if not _ONISEP_ID.fullmatch(onisep_id):
            raise SourceFormatError(
                OPEN_DAYS_FILE, f"identifiant {onisep_id!r} inattendu (motif : ENS.<chiffres>)"
            )
        sentences = entry.get("jpo") if isinstance(entry, dict) else None
        if not isinstance(sentences, list) or not all(isinstance(s, str) for s in sentences):
            raise SourceFormatError(
                OPEN_DAYS_FILE, "liste de textes attendue", field=f"{onisep_id}.jpo"
            )
        rows += [(onisep_id, text) for s in sentences if (text := tidy(s))]
    return pd.DataFrame(rows, columns=["onisep_id", "text"]).astype("string")


def tidy(text: str) -> str:
    """The sentence with runs of whitespace (line breaks, non-breaking spaces) made one space.

    Examples
    --------
    >>> tidy("  Le 5 avril 2025\\n de 9h00\\xa0à 12h00 ")
    'Le 5 avril 2025 de 9h00 à 12h00'
    """
    return _SPACES.sub(" ", text).strip()


def sentence_dates(text: str) -> tuple[date | None, date | None]:
    """The earliest date a sentence gives, and its latest when it gives a span (else None).

    Days written without a year ("le 10 avril") are not dates: the year is unknown.
    Dates inside the link are ignored.

    Examples
    --------
    >>> sentence_dates("Le 1er mars 2025 de 9h30 à 15h30")
    (datetime.date(2025, 3, 1), None)
    >>> sentence_dates("Date(s) indicative(s) des Journées portes ouvertes précédentes : "
    ...                "du 22/03/2024 au 23/03/2024")
    (datetime.date(2024, 3, 22), datetime.date(2024, 3, 23))
    >>> sentence_dates("le 10 avril, de 8h30 à 15h30")
    (None, None)
    """
    found = []
    for match in _DATE.finditer(_URL.sub(" ", text)):
        if match["day"]:
            year, month, day = match["year"], _MONTHS.get(fold(match["month"]), 0), match["day"]
        else:
            year, month, day = match["y"], int(match["m"]), match["d"]
        try:
            found.append(date(int(year), month, int(day)))
        except ValueError:  # an unknown month name or an impossible day: not a date
            continue
    if not found:
        return None, None
    start, end = min(found), max(found)
    return start, (end if end != start else None)


def sentence_url(text: str) -> str | None:
    """The first web link of a sentence, without the punctuation that ends the sentence.

    Examples
    --------
    >>> sentence_url("Le 15 mars 2025 (Plus d'info : https://www.aforp.fr/jpo)")
    'https://www.aforp.fr/jpo'
    >>> sentence_url("Le 26 mars 2025") is None
    True
    """
    match = _URL.search(text)
    return match.group(0).rstrip(".,;:!") if match else None


def open_days_vintage(relative: str) -> str:
    """The year in the file's name: 'onisep/journees_portes_ouvertes_2025.json' → '2025'."""
    match = _VINTAGE.search(relative)
    if match is None:
        raise SourceFormatError(relative, "année absente du nom de fichier (…_AAAA.json)")
    return match.group(1)
