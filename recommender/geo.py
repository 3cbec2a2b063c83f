"""Places: find a commune from what a person types, and measure distances.

:class:`Places` holds every commune and municipal arrondissement of the
``communes`` table with in-memory indexes built once, so a lookup by code,
postcode or name costs a few dictionary reads.

How a query is read (:meth:`Places.resolve`):

- ``2A004``, ``02691``: an INSEE code. A 5-digit string that is also a
  postcode is read as a postcode (what people type); the commune holding that
  INSEE code then comes first among the alternatives. Programs that hold an
  INSEE code should call :meth:`Places.get`.
- ``80000``: a postcode. When it covers several communes, a municipal
  arrondissement comes first (``75005`` → Paris 5e Arrondissement, the more
  precise place), then the most populous; the others are alternatives.
- ``Saint-Quentin``, ``st quentin``: a name, with case, accents, hyphens and
  St/Ste forgiven. Homonyms resolve to the most populous when it has at least
  :data:`CLEAR_WINNER_RATIO` times the population of the next one; otherwise
  :class:`~recommender.errors.AmbiguousPlace` lists them.
- ``Saint-Quentin (02)``, ``Saint-Quentin 02``, ``Saint-Quentin, Aisne``,
  ``Saint-Quentin 02100``: a name with a département or postcode hint.
- ``Paris 5e``, ``Paris 5``, ``Lyon 3ème``: a municipal arrondissement, while a
  plain ``Paris`` is the commune. ``Marseille 13`` reads as the 13th
  arrondissement; ``Marseille (13)`` as Marseille in département 13.
- No exact name: longer names the query begins (``Boulogne`` →
  Boulogne-Billancourt, ``Saint-Quentin (38)`` → Saint-Quentin-Fallavier) and
  close spellings above :data:`FUZZY_THRESHOLD` (``Amien`` → Amiens) compete
  under the same population rule (``matched_by="fuzzy"``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process

from recommender.errors import AmbiguousPlace, PlaceNotFound
from recommender.schema import COMMUNES, conform
from recommender.text import fold

T = TypeVar("T")
MatchedBy = Literal["insee", "postcode", "name", "fuzzy"]

EARTH_RADIUS_KM = 6371.0088
CLEAR_WINNER_RATIO = 3.0
"""A homonym wins when its population is at least this many times the next one's."""
FUZZY_THRESHOLD = 80.0
"""Minimum rapidfuzz ``ratio`` (0–100) for a typo to count: one wrong letter in five."""
FUZZY_WINDOW = 10.0
"""Spellings within this many points of the closest one compete on population."""
MAX_ALTERNATIVES = 10
MAX_CHOICES = 20

_CODE = re.compile(r"\d[\dAB]\d{3}", re.IGNORECASE)
_DIGITS = re.compile(r"\d{5}")
_PARENTHESIS_HINT = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")
_COMMA_HINT = re.compile(r"^(.*?)\s*,\s*([^,]+)$")
_TRAILING_HINT = re.compile(r"^(.*?)[\s\-]+(\d{5}|\d{2,3}|2[AB])$", re.IGNORECASE)
_ARRONDISSEMENT_NAME = re.compile(r"^(.+) (\d{1,2})(?:er|e) arrondissement$")
_ARRONDISSEMENT_QUERY = re.compile(
    r"^(.+?) (\d{1,2}) ?(?:er|ere|e|eme|ieme|em)?(?: (?:arr|arrt|arrdt|arrondissement))?$"
)


@dataclass(frozen=True, slots=True)
class Commune:
    """One commune or municipal arrondissement."""

    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    departement_name: str
    academie: str | None
    academie_name: str | None
    region: str
    region_name: str
    latitude: float | None
    longitude: float | None
    population: int | None
    kind: str

    def choice(self) -> dict[str, str]:
        """The short description :class:`AmbiguousPlace` offers a person to pick from."""
        return {
            "insee": self.insee,
            "name": self.name,
            "departement": self.departement,
            "departement_name": self.departement_name,
            "postcode": self.postcodes[0] if self.postcodes else "",
        }


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """The commune a query designates, the other plausible ones, and how it was found."""

    commune: Commune
    alternatives: tuple[Commune, ...]
    matched_by: MatchedBy


def _optional(value: Any, convert: Callable[[Any], T]) -> T | None:
    """``convert(value)``, or None for a missing cell (pandas NA or NaN)."""
    return None if pd.isna(value) else convert(value)


def _rank(commune: Commune) -> tuple[bool, int]:
    """Sort key: communes before arrondissements, then most populous first."""
    return (commune.kind != "commune", -(commune.population or 0))


class Places:
    """Every commune, indexed by INSEE code, postcode and folded name.

    Examples
    --------
    >>> paris = Commune("75056", "Paris", ("75001",), "75", "Paris", "01", "Paris",
    ...                 "11", "Île-de-France", 48.86, 2.34, 2103778, "commune")
    >>> Places([paris]).resolve("PARIS").commune.insee
    '75056'
    """

    def __init__(self, communes: Iterable[Commune]) -> None:
        self._communes: list[Commune] = sorted(communes, key=lambda c: c.insee)
        self._by_insee = {c.insee: c for c in self._communes}
        by_name: dict[str, list[Commune]] = defaultdict(list)
        by_postcode: dict[str, list[Commune]] = defaultdict(list)
        names_by_departement: dict[str, set[str]] = defaultdict(set)
        self._departement_names: dict[str, str] = {}
        self._arrondissements: dict[tuple[str, int], Commune] = {}
        cities: dict[str, tuple[str, str]] = {}
        for commune in self._communes:
            folded = fold(commune.name)
            by_name[folded].append(commune)
            names_by_departement[commune.departement].add(folded)
            self._departement_names[fold(commune.departement_name)] = commune.departement
            for postcode in commune.postcodes:
                by_postcode[postcode].append(commune)
            arrondissement = _ARRONDISSEMENT_NAME.match(folded)
            if commune.kind == "arrondissement" and arrondissement:
                city, number = arrondissement.groups()
                self._arrondissements[(city, int(number))] = commune
                cities[commune.insee] = (city, commune.departement)
        self._by_name = {name: sorted(group, key=_rank) for name, group in by_name.items()}
        # Postcodes: an arrondissement is the more precise place for its postcode.
        self._by_postcode = {
            code: sorted(group, key=lambda c: (c.kind != "arrondissement", -(c.population or 0)))
            for code, group in by_postcode.items()
        }
        self._cities = {
            insee: parents[0]
            for insee, (city, departement) in cities.items()
            if (parents := self._filtered(self._by_name.get(city, []), departement, None))
        }
        self._names = sorted(self._by_name)
        self._names_by_departement = {d: sorted(n) for d, n in names_by_departement.items()}
        # Prefix search: communes sorted by folded name, with populations aligned.
        keyed = sorted((fold(c.name), c.insee) for c in self._communes)
        self._prefix_keys = [key for key, _ in keyed]
        self._prefix_communes = [self._by_insee[insee] for _, insee in keyed]
        self._prefix_populations = np.array(
            [c.population or 0 for c in self._prefix_communes], dtype=np.int64
        )
        postcoded = sorted((p, c.insee) for c in self._communes for p in c.postcodes)
        self._postcode_keys = [postcode for postcode, _ in postcoded]
        self._postcode_communes = [self._by_insee[insee] for _, insee in postcoded]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Places:
        """Build from a ``communes`` table (checked against the schema first).

        Examples
        --------
        >>> frame = pd.DataFrame([{"insee": "80021", "name": "Amiens", "kind": "commune",
        ...     "postcodes": "80000 80080", "departement": "80", "departement_name": "Somme",
        ...     "academie": "20", "academie_name": "Amiens", "region": "32",
        ...     "region_name": "Hauts-de-France", "latitude": 49.9, "longitude": 2.29,
        ...     "population": 133625}])
        >>> Places.from_frame(frame).get("80021").postcodes
        ('80000', '80080')
        """
        table = conform(frame, COMMUNES)
        communes = [
            Commune(
                insee=str(row.insee),
                name=str(row.name),
                postcodes=tuple(str(row.postcodes).split()),
                departement=str(row.departement),
                departement_name=str(row.departement_name),
                academie=_optional(row.academie, str),
                academie_name=_optional(row.academie_name, str),
                region=str(row.region),
                region_name=str(row.region_name),
                latitude=_optional(row.latitude, float),
                longitude=_optional(row.longitude, float),
                population=_optional(row.population, int),
                kind=str(row.kind),
            )
            for row in table.itertuples(index=False)
        ]
        return cls(communes)

    def __len__(self) -> int:
        return len(self._communes)

    def __iter__(self) -> Iterator[Commune]:
        return iter(self._communes)

    def get(self, insee: str) -> Commune:
        """The commune with this INSEE code.

        Raises :class:`PlaceNotFound` for an unknown code.
        """
        try:
            return self._by_insee[insee.strip().upper()]
        except KeyError:
            raise PlaceNotFound(insee) from None

    def resolve(self, query: str, departement: str | None = None) -> PlaceMatch:
        """The commune ``query`` designates (code, postcode or name; see the module doc).

        Parameters
        ----------
        query
            What the person typed.
        departement
            Optional département code ("02", "2A", "971") restricting name matches.

        Raises
        ------
        PlaceNotFound
            Empty query, unknown département or nothing close enough.
        AmbiguousPlace
            Homonyms with no clear winner; ``choices`` lists them.

        Examples
        --------
        >>> amiens = Commune("80021", "Amiens", ("80000", "80080"), "80", "Somme", "20",
        ...                  "Amiens", "32", "Hauts-de-France", 49.9, 2.29, 133625, "commune")
        >>> places = Places([amiens])
        >>> places.resolve("80000").commune.name
        'Amiens'
        >>> places.resolve("amien").matched_by
        'fuzzy'
        """
        if not isinstance(query, str) or not query.strip():
            raise PlaceNotFound("" if not isinstance(query, str) else query.strip())
        text = query.strip()
        wanted = self._departement(departement, query) if departement is not None else None
        if _CODE.fullmatch(text):
            return self._by_code(text.upper(), wanted)
        folded = fold(text)
        if not folded:
            raise PlaceNotFound(query)
        if "(" not in text:
            arrondissement = self._arrondissement(folded)
            if arrondissement is not None and wanted in (None, arrondissement.departement):
                city = self._cities.get(arrondissement.insee)
                return PlaceMatch(arrondissement, (city,) if city else (), "name")
        hint = self._split_hint(text)
        if hint is not None:
            name, hinted_departement, postcode = hint
            if wanted is not None and hinted_departement not in (None, wanted):
                raise PlaceNotFound(query)
            return self._resolve_name(name, query, hinted_departement or wanted, postcode)
        return self._resolve_name(folded, query, wanted, None)

    def search(self, prefix: str, limit: int = 10) -> list[Commune]:
        """Autocomplete: communes whose folded name (or a postcode) starts with ``prefix``.

        Most populous first; when fewer than ``limit`` match, close spellings
        fill the list.

        Examples
        --------
        >>> amiens = Commune("80021", "Amiens", ("80000",), "80", "Somme", "20",
        ...                  "Amiens", "32", "Hauts-de-France", 49.9, 2.29, 133625, "commune")
        >>> [c.name for c in Places([amiens]).search("ami")]
        ['Amiens']
        """
        if limit < 1:
            raise ValueError(f"limit doit être au moins 1, reçu {limit}")
        text = prefix.strip() if isinstance(prefix, str) else ""
        if text.isdigit():
            start = bisect_left(self._postcode_keys, text)
            stop = bisect_left(self._postcode_keys, text + ":")  # ':' follows '9'
            found = dict.fromkeys(self._postcode_communes[start:stop])
            return sorted(found, key=lambda c: -(c.population or 0))[:limit]
        folded = fold(text)
        if not folded:
            return []
        start = bisect_left(self._prefix_keys, folded)
        stop = bisect_left(self._prefix_keys, folded + "\x7f")
        populations = self._prefix_populations[start:stop]
        if len(populations) > limit:
            top = np.argpartition(-populations, limit - 1)[:limit]
        else:
            top = np.arange(len(populations))
        top = top[np.argsort(-populations[top], kind="stable")]
        results = [self._prefix_communes[start + int(i)] for i in top]
        if len(results) < limit and len(folded) >= 3:
            results += self._fuzzy_prefix(folded, limit - len(results), set(results))
        return results

    # -- reading a query ---------------------------------------------------------------

    def _by_code(self, code: str, departement: str | None) -> PlaceMatch:
        by_code = self._by_insee.get(code)
        sharing = self._by_postcode.get(code, []) if _DIGITS.fullmatch(code) else []
        if departement is not None:
            sharing = [c for c in sharing if c.departement == departement] or sharing
        if sharing:
            extra = [by_code] if by_code is not None and by_code not in sharing else []
            return PlaceMatch(sharing[0], (*extra, *sharing[1:]), "postcode")
        if by_code is not None:
            return PlaceMatch(by_code, (), "insee")
        raise PlaceNotFound(code)

    def _resolve_name(
        self, folded: str, query: str, departement: str | None, postcode: str | None
    ) -> PlaceMatch:
        """Exact name, else the likeliest of longer names and close spellings."""
        folded = fold(folded)
        longer = self._filtered(self._extensions(folded), departement, postcode)
        homonyms = self._filtered(self._by_name.get(folded, []), departement, postcode)
        if homonyms:
            return self._pick(homonyms, longer, query, "name")
        if departement is not None:
            choices: Sequence[str] = self._names_by_departement.get(departement, [])
        elif postcode is not None:
            choices = sorted({fold(c.name) for c in self._by_postcode.get(postcode, [])})
        else:
            choices = self._names
        # Names the query begins ("Boulogne" → Boulogne-Billancourt) and close
        # spellings ("Amien" → Amiens) compete on population: a one-letter slip
        # towards a hamlet ("Chalons" → Chalon) must not beat the obvious town.
        close = [
            commune
            for name in self._closest(folded, choices)
            for commune in self._filtered(self._by_name[name], departement, postcode)
        ]
        pool = sorted(dict.fromkeys([*longer, *close]), key=_rank)
        if not pool:
            raise PlaceNotFound(query)
        suggested = self._filtered(self._extensions(fold(pool[0].name)), departement, postcode)
        match = self._pick(pool, suggested, query, "fuzzy")
        return PlaceMatch(match.commune, tuple(sorted(match.alternatives, key=_rank)), "fuzzy")

    @staticmethod
    def _pick(
        candidates: list[Commune], others: list[Commune], query: str, matched_by: MatchedBy
    ) -> PlaceMatch:
        """The first candidate unless it does not clearly outweigh the next one.

        ``candidates`` are sorted by :func:`_rank`; ``others`` are further
        suggestions appended to the alternatives.
        """
        first = candidates[0]
        if len(candidates) > 1 and first.kind == candidates[1].kind:
            top, runner_up = first.population or 0, candidates[1].population or 0
            if top == 0 or top < CLEAR_WINNER_RATIO * runner_up:
                raise AmbiguousPlace(query.strip(), [c.choice() for c in candidates[:MAX_CHOICES]])
        homonyms = candidates[1:MAX_CHOICES]
        suggested = [c for c in others if c not in homonyms and c is not first]
        return PlaceMatch(first, (*homonyms, *suggested[:MAX_ALTERNATIVES]), matched_by)

    def _extensions(self, folded: str) -> list[Commune]:
        """Communes whose name continues this one ("Saint-Quentin-Fallavier"), by rank."""
        start = bisect_left(self._prefix_keys, folded + " ")
        stop = bisect_left(self._prefix_keys, folded + "!")  # '!' follows ' '
        return sorted(self._prefix_communes[start:stop], key=_rank)

    @staticmethod
    def _filtered(
        communes: list[Commune], departement: str | None, postcode: str | None
    ) -> list[Commune]:
        return [
            c
            for c in communes
            if (departement is None or c.departement == departement)
            and (postcode is None or postcode in c.postcodes)
        ]

    def _closest(self, folded: str, choices: Sequence[str]) -> list[str]:
        """Names above the threshold and near the best score.

        Near-equal spellings are all kept, as the larger town is the likelier
        intent: "Bordaux" is Bordeaux before Bourdeaux.
        """
        found = process.extract(
            folded, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=25
        )
        if not found:
            return []
        best_score = max(score for _, score, _ in found)
        return [name for name, score, _ in found if score >= best_score - FUZZY_WINDOW]

    def _fuzzy_prefix(self, folded: str, wanted: int, seen: set[Commune]) -> list[Commune]:
        """Names whose beginning is a close spelling of ``folded``."""
        # Typos rarely hit the first letter: comparing only names that share
        # it keeps this fallback to a few milliseconds.
        start = bisect_left(self._names, folded[0])
        stop = bisect_left(self._names, chr(ord(folded[0]) + 1))
        heads = [name[: len(folded)] for name in self._names[start:stop]]
        found = process.extract(
            folded, heads, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=None
        )
        scored = [
            (score, commune)
            for _, score, index in found
            for commune in self._by_name[self._names[start + index]]
            if commune not in seen
        ]
        scored.sort(key=lambda pair: (-pair[0], -(pair[1].population or 0)))
        return [commune for _, commune in scored[:wanted]]

    def _arrondissement(self, folded: str) -> Commune | None:
        match = _ARRONDISSEMENT_QUERY.match(folded)
        if match is None:
            return None
        return self._arrondissements.get((match.group(1), int(match.group(2))))

    def _split_hint(self, text: str) -> tuple[str, str | None, str | None] | None:
        """Split "Name (02)", "Name 02", "Name, Aisne", "Name 02100" into name and hint."""
        for pattern in (_PARENTHESIS_HINT, _COMMA_HINT, _TRAILING_HINT):
            match = pattern.match(text)
            if match is None or not match.group(1).strip():
                continue
            hint = match.group(2).strip()
            if _DIGITS.fullmatch(hint):
                if hint in self._by_postcode:
                    return match.group(1), None, hint
                continue
            departement = self._known_departement(hint)
            if departement is not None:
                return match.group(1), departement, None
        return None

    def _known_departement(self, hint: str) -> str | None:
        code = hint.strip().upper()
        if len(code) == 1 and code.isdigit():
            code = code.zfill(2)
        elif len(code) == 3 and code.startswith("0"):
            code = code[1:]  # the education ministry's "002", "02A"
        if code in self._names_by_departement:
            return code
        return self._departement_names.get(fold(hint))

    def _departement(self, departement: str, query: str) -> str:
        known = self._known_departement(departement) if departement.strip() else None
        if known is None:
            raise PlaceNotFound(f"{query.strip()} (département {departement})")
        return known


def haversine_km(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in km between points given in degrees (numpy broadcasting).

    Examples
    --------
    >>> import numpy as np
    >>> paris, lyon = (48.8566, 2.3522), (45.7640, 4.8357)
    >>> float(np.round(haversine_km(*paris, *lyon)))
    391.0
    >>> haversine_km(49.85, 3.28, np.array([49.85, 49.89]), np.array([3.28, 2.30])).round(1)
    array([ 0. , 70.4])
    """
    phi1, lam1, phi2, lam2 = (
        np.radians(np.asarray(value, dtype=np.float64)) for value in (lat1, lon1, lat2, lon2)
    )
    half_chord = (
        np.sin((phi2 - phi1) / 2.0) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2
    )
    distances_km: npt.NDArray[np.float64] = (
        2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(half_chord, 0.0, 1.0)))
    )
    return distances_km
