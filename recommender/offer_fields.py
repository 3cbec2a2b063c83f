"""The fields of an imported offer: which exist, which are required, and how each is read.

:class:`FieldChecker` normalises the values of one record (codes upper-cased, dates
in ISO form, text trimmed…) and says, in French, what is wrong with each bad one;
:mod:`recommender.offers` turns those reasons into errors with their line.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from recommender.schema import OFFER_KINDS, OFFERS
from recommender.text import fold

Coordinates = tuple[float | None, float | None]
Places = Mapping[str, Coordinates] | Callable[[str], Coordinates | None]

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
ROME_CODE = re.compile(r"[A-Z]\d{4}")
INSEE_CODE = re.compile(r"\d{5}|2[AB]\d{3}")
_NAF = re.compile(r"(\d{2})\.?(\d{2})([A-Z])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# La Poste's establishments share one SIREN; past the head office they follow a digit-sum
# rule instead of Luhn.
_LA_POSTE_SIREN = "356000000"


class InvalidValue(Exception):
    """One field of one record is wrong; ``reason`` is in French."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FieldChecker:
    """Normalises one record's fields; collects (field, reason) for each bad one."""

    def __init__(
        self,
        known_rome: set[str],
        places: Places,
        known_certs: Mapping[str, tuple[str, ...]] | None,
        known_naf: set[str] | None,
    ) -> None:
        self.known_rome = known_rome
        self.known_certs = known_certs
        self.known_naf = known_naf
        self.place_of: Callable[[str], Coordinates | None] = (
            places.get if isinstance(places, Mapping) else places
        )
        self.parsers: dict[str, Callable[[str], Any]] = {
            "offer_id": lambda v: clean_text(v, OFFER_ID_MAX, one_line=True),
            "kind": _kind,
            "title": lambda v: clean_text(v, TITLE_MAX, one_line=True),
            "code_rome": self._code_rome,
            "employer_name": lambda v: clean_text(v, EMPLOYER_NAME_MAX, one_line=True),
            "employer_siret": parse_siret,
            "naf": self._naf,
            "insee": self._insee,
            "latitude": lambda v: parse_number(v, -90.0, 90.0),
            "longitude": lambda v: parse_number(v, -180.0, 180.0),
            "start_date": parse_iso_date,
            "duration_months": lambda v: parse_integer(v, 1, 48),
            "cert_id": self._cert_id,
            "level": lambda v: parse_integer(v, 3, 8),
            "description": lambda v: clean_text(v, DESCRIPTION_MAX, truncate=True),
            "url": parse_url,
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
            except InvalidValue as invalid:
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
        if not ROME_CODE.fullmatch(code):
            raise InvalidValue(
                f"code ROME « {value} » mal formé (attendu : une lettre et 4 chiffres)"
            )
        if code not in self.known_rome:
            raise InvalidValue(f"code ROME « {code} » inconnu du référentiel")
        return code

    def _insee(self, value: str) -> str:
        code = value.strip().upper()
        if re.fullmatch(r"\d{4}", code):
            code = "0" + code  # a spreadsheet ate the leading zero of Ain…Ardennes communes
        if not INSEE_CODE.fullmatch(code):
            raise InvalidValue(f"code INSEE « {value} » mal formé (attendu : 5 caractères)")
        if self.place_of(code) is None:
            raise InvalidValue(f"commune « {code} » inconnue")
        return code

    def _naf(self, value: str) -> str:
        match = _NAF.fullmatch(value.strip().upper())
        if match is None:
            raise InvalidValue(f"code NAF « {value} » mal formé (attendu : 22.21Z)")
        code = f"{match[1]}.{match[2]}{match[3]}"
        if self.known_naf is not None and code not in self.known_naf:
            raise InvalidValue(f"code NAF « {code} » inconnu")
        return code

    def _cert_id(self, value: str) -> str:
        """Any code of the certification (its id, CFD or RNCP code) gives its id."""
        code = re.sub(r"\s+", "", value).upper()
        if self.known_certs is None:
            return code
        ids = self.known_certs.get(code, ())
        if not ids:
            raise InvalidValue(
                f"certification « {code} » inconnue (code CFD ou RNCP attendu, p. ex. "
                "40022503 ou RNCP38566)"
            )
        if len(ids) > 1:
            raise InvalidValue(
                f"le code « {code} » désigne plusieurs diplômes ; indiquez le code CFD de "
                f"celui qui est préparé : {', '.join(ids)}"
            )
        return ids[0]


def clean_text(value: str, limit: int, *, one_line: bool = False, truncate: bool = False) -> str:
    """Plain text as given (HTML included: it is escaped when shown, never interpreted)."""
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    # NUL and other control characters break PostgreSQL text columns and terminals.
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split()) if one_line else text.strip()
    if len(text) > limit:
        if not truncate:
            raise InvalidValue(f"{len(text)} caractères, {limit} au plus")
        text = text[: limit - 1].rstrip() + "…"
    return text


def _kind(value: str) -> str:
    kind = _KINDS.get(fold(value))
    if kind is None:
        raise InvalidValue(
            f"type d'offre « {value} » inconnu ; attendus : {', '.join(OFFER_KINDS)}"
        )
    return kind


def parse_siret(value: str) -> str:
    siret = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(r"\d{14}", siret):
        raise InvalidValue(f"SIRET « {value} » invalide : 14 chiffres attendus")
    doubled = (int(d) * (2 if i % 2 else 1) for i, d in enumerate(reversed(siret)))
    valid = sum(n - 9 if n > 9 else n for n in doubled) % 10 == 0
    if siret.startswith(_LA_POSTE_SIREN):
        valid |= sum(int(digit) for digit in siret) % 5 == 0
    if not valid:
        raise InvalidValue(
            f"SIRET « {siret} » invalide : clé de contrôle fausse (faute de frappe ?)"
        )
    return siret


def parse_number(value: str, low: float, high: float) -> float:
    try:
        number = float(value.strip().replace(",", ".", 1))
    except ValueError:
        raise InvalidValue(f"nombre attendu, pas « {value} »") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InvalidValue(f"{value} hors de l'intervalle [{low:g}, {high:g}]")
    return number


def parse_integer(value: str, low: int, high: int) -> int:
    text = value.strip()
    if not re.fullmatch(r"\d+", text):
        raise InvalidValue(f"nombre entier attendu, pas « {value} »")
    number = int(text)
    if not low <= number <= high:
        raise InvalidValue(f"{number} hors de l'intervalle [{low}, {high}]")
    return number


def parse_iso_date(value: str) -> str:
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise InvalidValue(f"date « {value} » au format AAAA-MM-JJ attendue (ex. 2026-09-01)")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"date « {text} » inexistante") from None
    if not 2000 <= day.year <= 2099:
        raise InvalidValue(f"année {day.year} invraisemblable")
    return day.isoformat()


def parse_url(value: str) -> str:
    url = value.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", url):
        raise InvalidValue(f"adresse « {value} » invalide : http:// ou https:// attendu")
    if len(url) > URL_MAX:
        raise InvalidValue(f"adresse de {len(url)} caractères, {URL_MAX} au plus")
    return url


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))
