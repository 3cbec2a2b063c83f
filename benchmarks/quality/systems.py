"""The systems compared on the judged profiles: the engine and four baselines.

Every baseline sees the same request as the engine and, to give it a fair chance,
only the formations within the person's radius in the voies they want (the engine
gets no such help: it filters and widens by itself).

- **La bonne alternance**: the person types their interest in a job search box and
  takes the first suggestion (the engine's job-title autocomplete, on the whole text,
  else word by word, longest first); the formations preparing that ROME code, sorted
  by distance.
- **Text (BM25)**: Okapi BM25 of the interests over each certification's label and
  ONISEP description (folded, stemmed, stop words out); matching formations only,
  best first, nearer first on ties.
- **Distance**: the nearest formations, whatever they teach.
- **Popularity**: the formations with the most applicants (Affelnet / Parcoursup
  wishes) first, nearer first on ties.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import snowballstemmer
from numpy.typing import NDArray

from benchmarks.quality.metrics import Formation
from recommender.engine import Engine
from recommender.errors import ProfileError
from recommender.geo import haversine_km
from recommender.profile import Profile
from recommender.recommend import recommend
from recommender.schema import VOIES
from recommender.text import fold

DEPTH = 20
System = Callable[[Profile], list[Formation]]

_STOP_WORDS = """a au aux avec ce ces d dans de des du en et etre faire j je l la le les leur
ma me mes mon ne on ou par pas plus pour qu que qui s sa se ses son sur un une veux voudrais
aime aimerais devenir travailler metier metiers bien tres"""
_STOP = frozenset(_STOP_WORDS.split())
_STEMMER = snowballstemmer.stemmer("french")


def tokens(text: str) -> list[str]:
    """Folded, stemmed content words.

    Examples
    --------
    >>> tokens("J'aime la plasturgie et les matériaux composites")
    ['plasturg', 'material', 'composit']
    """
    return [_STEMMER.stemWord(w) for w in fold(text).split() if w not in _STOP and len(w) > 1]


class Systems:
    """The engine and the baselines over one catalogue."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        index = engine.formations
        frame = index.frame
        self._keys: list[Formation] = list(
            zip(
                frame["cert_id"].astype(str),
                frame["uai"].astype(str),
                frame["voie"].astype(str),
                strict=True,
            )
        )
        self._cert_rows = index.cert_rows
        self._demand = frame["demand"].to_numpy(dtype=float, na_value=np.nan)
        certifications = engine.catalogue.tables["certifications"].reset_index(drop=True)
        codes = certifications["rome_codes"].fillna("").str.split()
        self._prepares: dict[str, NDArray[np.bool_]] = {}
        for row, row_codes in enumerate(codes):
            for code in row_codes:
                self._prepares.setdefault(code, np.zeros(len(certifications), dtype=bool))[row] = (
                    True
                )
        texts = certifications["label"].fillna("") + " " + certifications["description"].fillna("")
        self._bm25 = _BM25([tokens(text) for text in texts])

    def all(self) -> dict[str, System]:
        return {
            "moteur": self.engine_top,
            "La bonne alternance": self.la_bonne_alternance,
            "texte (BM25)": self.text,
            "distance": self.distance,
            "popularité": self.popularity,
        }

    # -- the engine -----------------------------------------------------------------

    def engine_top(self, profile: Profile) -> list[Formation]:
        result = recommend(self.engine, profile, k=DEPTH, offers_k=0)
        return [(s.item["cert_id"], s.item["uai"], s.item["voie"]) for s in result.formations]

    # -- baselines --------------------------------------------------------------------

    def la_bonne_alternance(self, profile: Profile) -> list[Formation]:
        code = self.first_suggestion(profile.interests)
        if code is None or code not in self._prepares:
            return []
        rows, distances = self._within_reach(profile)
        keep = self._prepares[code][self._cert_rows[rows]]
        return self._ordered(rows[keep], distances[keep])

    def first_suggestion(self, interests: Sequence[str]) -> str | None:
        """ROME code of the first job-title suggestion for what the person typed."""
        vocabulary = self.engine.vocabulary
        for text in interests:
            words = sorted(fold(text).split(), key=len, reverse=True)
            for attempt in (text, *words):
                if fold(attempt) in _STOP:
                    continue
                hits = vocabulary.search_titles(attempt, limit=1)
                if hits:
                    return hits[0].code_rome
        return None

    def text(self, profile: Profile) -> list[Formation]:
        scores = self._bm25.scores(tokens(" ".join(profile.interests)))
        rows, distances = self._within_reach(profile)
        relevance = scores[self._cert_rows[rows]]
        keep = relevance > 0
        rows, distances, relevance = rows[keep], distances[keep], relevance[keep]
        order = np.lexsort((distances, -relevance))[:DEPTH]
        return [self._keys[int(row)] for row in rows[order]]

    def distance(self, profile: Profile) -> list[Formation]:
        rows, distances = self._within_reach(profile)
        return self._ordered(rows, distances)

    def popularity(self, profile: Profile) -> list[Formation]:
        rows, distances = self._within_reach(profile)
        demand = np.nan_to_num(self._demand[rows], nan=-1.0)
        order = np.lexsort((distances, -demand))[:DEPTH]
        return [self._keys[int(row)] for row in rows[order]]

    # -- shared -----------------------------------------------------------------------

    def _within_reach(self, profile: Profile) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
        """Formations within the radius, in the voies wanted, and their distances."""
        index = self.engine.formations
        commune = self.engine.places.resolve(profile.place or "").commune
        if commune.latitude is None or commune.longitude is None:
            raise ProfileError("place", f"la position de {commune.name} est inconnue")
        distances = haversine_km(
            commune.latitude, commune.longitude, index.latitudes, index.longitudes
        )
        reach = distances <= profile.radius_km
        if profile.voies:
            reach &= np.isin(index.voies, [VOIES.index(v) for v in profile.voies])
        rows = np.flatnonzero(reach)
        return rows, distances[rows]

    def _ordered(self, rows: NDArray[np.intp], distances: NDArray[np.float64]) -> list[Formation]:
        order = np.argsort(distances, kind="stable")[:DEPTH]
        return [self._keys[int(row)] for row in rows[order]]


class _BM25:
    """Okapi BM25 (k1 = 1.2, b = 0.75) over tokenised documents."""

    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.lengths = np.array([len(d) for d in documents], dtype=float)
        self.average = float(self.lengths.mean()) if len(documents) else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = {}
        for row, document in enumerate(documents):
            for term, count in Counter(document).items():
                self.postings.setdefault(term, []).append((row, count))
        n = len(documents)
        self.idf = {
            term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
            for term, p in self.postings.items()
        }

    def scores(self, query: list[str]) -> NDArray[np.float64]:
        out = np.zeros(len(self.lengths))
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average, 1e-9))
        for term in set(query):
            for row, count in self.postings.get(term, ()):
                out[row] += self.idf[term] * count * (self.k1 + 1) / (count + norm[row])
        return out
