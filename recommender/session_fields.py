"""The fields of an imported session: which exist, which are required, and how each is read.

CSV files and LHEO feeds give the same fields (LHEO elements are mapped onto them
by :mod:`recommender.lheo`); only the codes differ: a CSV gives EU levels (3–8),
``presentiel``/``mixte``/``distance`` and ISO dates, an LHEO 2.2 feed its own
dictionaries (``dict-niveaux``: 6 = « niveau III (BTS, DUT) », that is EU level 5;
``dict-modalites-enseignement``: 0, 1, 2) and dates as ``AAAAMMJJ``.
:class:`SessionChecker` normalises one record and says, in French, what is wrong.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from typing import Any

from recommender.geo import haversine_km
from recommender.offer_fields import (
    INSEE_CODE,
    MAX_KM_FROM_COMMUNE,
    ROME_CODE,
    Coordinates,
    InvalidValue,
    Places,
    clean_text,
    parse_integer,
    parse_iso_date,
    parse_number,
    parse_siret,
    parse_url,
)
from recommender.text import fold

FIELDS: tuple[str, ...] = (
    *("session_id", "title", "rncp", "cfd", "level", "rome_codes", "nsf"),
    *("provider_name", "provider_siret", "insee", "latitude", "longitude"),
    *("start_date", "end_date", "duration_hours", "duration_text", "schedule"),
    *("teaching_mode", "entry_level", "url", "description"),
)
REQUIRED: tuple[str, ...] = ("title", "provider_name", "insee", "start_date")
TEACHING_MODES = ("presentiel", "mixte", "distance")
TITLE_MAX = 300
DESCRIPTION_MAX = 5000

# LHEO 2.2 dict-niveaux → EU level (décret 2019-14). 0 « information non communiquée »;
# 1 « sans niveau spécifique », 2 « niveau VI », 3 « niveau V bis » lead to no level of
# the EU scale 3–8 and require none at entry (0); 4 « niveau V (CAP, BEP) » = 3,
# 5 « niveau IV (BP, BT, bac) » = 4, 6 « niveau III (BTS, DUT) » = 5,
# 7 « niveau II (licence, maîtrise) » = 6, 8 « niveau I » = 7.
LHEO_EXIT_LEVELS: dict[str, int | None] = {
    **{"0": None, "1": None, "2": None, "3": None},
    **{"4": 3, "5": 4, "6": 5, "7": 6, "8": 7},
}
LHEO_ENTRY_LEVELS: dict[str, int | None] = {**LHEO_EXIT_LEVELS, "1": 0, "2": 0, "3": 0}
LHEO_TEACHING_MODES = {"0": "presentiel", "1": "mixte", "2": "distance"}
_MODES = {
    **{mode: mode for mode in TEACHING_MODES},
    "formation entierement presentielle": "presentiel",
    "formation mixte": "mixte",
    "hybride": "mixte",
    "a distance": "distance",
    "formation entierement a distance": "distance",
    "distanciel": "distance",
}
_RNCP = re.compile(r"(?:RNCP)?(\d{1,6})")
_NSF = re.compile(r"(\d{3})\s*[a-z]?")
_LHEO_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_UNFIXED_DATES = {"00000000", "99999999"}  # LHEO: date not known or not fixed
_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/li|/div|/h\d)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]*>")


class SessionChecker:
    """Normalises one record's fields; collects (field, reason) for each bad one."""

    def __init__(self, places: Places, *, lheo: bool) -> None:
        self.place_of: Callable[[str], Coordinates | None] = (
            places if callable(places) else places.get
        )
        self.parsers: dict[str, Callable[[str], Any]] = {
            "session_id": lambda v: clean_text(v, 100, one_line=True),
            "title": lambda v: clean_text(v, TITLE_MAX, one_line=True),
            "rncp": _rncp,
            "cfd": _cfd,
            "level": _lheo_level(LHEO_EXIT_LEVELS) if lheo else lambda v: parse_integer(v, 3, 8),
            "rome_codes": _rome_codes,
            "nsf": _nsf,
            "provider_name": lambda v: clean_text(v, 200, one_line=True),
            "provider_siret": parse_siret,
            "insee": self._insee,
            "latitude": lambda v: parse_number(v, -90.0, 90.0),
            "longitude": lambda v: parse_number(v, -180.0, 180.0),
            "start_date": _session_date,
            "end_date": _session_date,
            "duration_hours": lambda v: parse_integer(v.replace(" ", ""), 1, 20_000),
            "duration_text": lambda v: clean_text(v, 200, one_line=True),
            "schedule": lambda v: clean_text(v, 300, one_line=True),
            "teaching_mode": _lheo_mode if lheo else _teaching_mode,
            "entry_level": _lheo_level(LHEO_ENTRY_LEVELS) if lheo else _entry_level,
            "url": _web_address,
            "description": lambda v: clean_text(plain_text(v), DESCRIPTION_MAX, truncate=True),
        }

    def check(self, values: dict[str, str | None]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        row: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for name, parse in self.parsers.items():
            raw = values.get(name)
            row[name] = None
            if raw is not None and raw.strip():
                try:
                    row[name] = parse(raw)
                except InvalidValue as invalid:
                    problems.append((name, invalid.reason))
                    continue
            if row[name] is None and name in REQUIRED:
                reason = "valeur obligatoire absente"
                if raw is not None and raw.strip():
                    reason = f"date « {raw.strip()} » non fixée : une session a une date de début"
                problems.append((name, reason))
        if not problems:
            problems.extend(self._check_dates(row))
            problems.extend(self._check_coordinates(row))
        return row, problems

    def place(self, row: dict[str, Any]) -> None:
        """Sessions without coordinates are placed at their commune's centre."""
        if row["latitude"] is None:
            row["latitude"], row["longitude"] = self.place_of(row["insee"]) or (None, None)
            row["location_precision"] = "commune"
        else:
            row["location_precision"] = "exact"

    def _insee(self, value: str) -> str:
        code = value.strip().upper()
        if re.fullmatch(r"\d{4}", code):
            code = "0" + code  # a spreadsheet ate the leading zero of Ain…Ardennes communes
        if not INSEE_CODE.fullmatch(code):
            raise InvalidValue(f"code INSEE « {value} » mal formé (attendu : 5 caractères)")
        if self.place_of(code) is None:
            raise InvalidValue(f"commune « {code} » inconnue")
        return code

    def _check_dates(self, row: dict[str, Any]) -> Iterator[tuple[str, str]]:
        if row["end_date"] is not None and row["end_date"] < row["start_date"]:
            yield (
                "end_date",
                f"fin le {row['end_date']}, avant le début ({row['start_date']})",
            )

    def _check_coordinates(self, row: dict[str, Any]) -> Iterator[tuple[str, str]]:
        latitude, longitude = row["latitude"], row["longitude"]
        if (latitude is None) != (longitude is None):
            missing = "longitude" if longitude is None else "latitude"
            yield missing, "latitude et longitude vont ensemble : l'une est absente"
            return
        centre = self.place_of(row["insee"]) or (None, None)
        if latitude is None or centre[0] is None or centre[1] is None:
            return
        km = float(haversine_km(latitude, longitude, centre[0], centre[1]))
        if km > MAX_KM_FROM_COMMUNE:
            yield (
                "latitude",
                f"coordonnées à {km:.0f} km de la commune {row['insee']} "
                "(latitude et longitude inversées ?)",
            )


def plain_text(value: str) -> str:
    """Text without its HTML: tags dropped (paragraphs and list items become lines).

    Examples
    --------
    >>> plain_text("<p>Vendre &amp; n&eacute;gocier</p><ul><li>Prospecter</li></ul>")
    'Vendre & négocier\\nProspecter'
    """
    text = html.unescape(_TAGS.sub(" ", _BLOCK_TAGS.sub("\n", value)))
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _rncp(value: str) -> str:
    match = _RNCP.fullmatch(re.sub(r"\s+", "", value).upper())
    if match is None:
        raise InvalidValue(
            f"code RNCP « {value} » mal formé (attendu : des chiffres, p. ex. 38368 ou RNCP38368)"
        )
    return f"RNCP{int(match[1])}"


def _cfd(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[0-9A-Z]{8}", code):
        raise InvalidValue(f"code CFD « {value} » mal formé (attendu : 8 caractères, ex. 32031212)")
    return code


def _rome_codes(value: str) -> str:
    codes = [code.upper() for code in re.split(r"[\s,;]+", value.strip()) if code]
    bad = [code for code in codes if not ROME_CODE.fullmatch(code)]
    if bad:
        raise InvalidValue(f"code ROME « {bad[0]} » mal formé (attendu : une lettre et 4 chiffres)")
    return " ".join(dict.fromkeys(codes))


def _nsf(value: str) -> str:
    match = _NSF.fullmatch(value.strip().lower())
    if match is None:
        raise InvalidValue(f"code NSF « {value} » mal formé (attendu : 3 chiffres, ex. 312)")
    return match[1]


def _lheo_level(levels: dict[str, int | None]) -> Callable[[str], int | None]:
    def parse(value: str) -> int | None:
        code = value.strip()
        if code not in levels:
            raise InvalidValue(
                f"code de niveau « {value} » absent du dictionnaire LHEO 2.2 (dict-niveaux : 0 à 8)"
            )
        return levels[code]

    return parse


def _entry_level(value: str) -> int:
    if value.strip() == "0":
        return 0  # no level required
    return parse_integer(value, 3, 8)


def _teaching_mode(value: str) -> str:
    mode = _MODES.get(fold(value)) or LHEO_TEACHING_MODES.get(value.strip())
    if mode is None:
        raise InvalidValue(
            f"modalité « {value} » inconnue ; attendues : {', '.join(TEACHING_MODES)}"
        )
    return mode


def _lheo_mode(value: str) -> str:
    mode = LHEO_TEACHING_MODES.get(value.strip())
    if mode is None:
        raise InvalidValue(
            f"modalité « {value} » absente du dictionnaire LHEO "
            "(0 présentiel, 1 mixte, 2 à distance)"
        )
    return mode


def _session_date(value: str) -> str | None:
    """ISO ``AAAA-MM-JJ`` or LHEO ``AAAAMMJJ``; LHEO's 00000000 and 99999999 mean "not fixed"."""
    text = value.strip()
    if text in _UNFIXED_DATES:
        return None
    match = _LHEO_DATE.fullmatch(text)
    if match is not None:
        text = f"{match[1]}-{match[2]}-{match[3]}"
    elif not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise InvalidValue(f"date « {value} » au format AAAA-MM-JJ ou AAAAMMJJ attendue")
    try:
        return parse_iso_date(text)
    except InvalidValue:
        raise InvalidValue(f"date « {value} » inexistante ou invraisemblable") from None


def _web_address(value: str) -> str:
    """Feeds often give ``www.exemple.fr``: such an address is read as ``http://…``."""
    url = value.strip()
    if "://" not in url and re.fullmatch(r"[\w.-]+\.[a-z]{2,}(?:[/?#]\S*)?", url, re.IGNORECASE):
        url = "http://" + url
    return parse_url(url)
