"""What people type, resolved into jobs: free French text → ROME codes, interests, words.

A pupil types "je veux devenir soudeur", "j'aime bricoler et la chimie", "plasturgi" or
"H3201". The :class:`Vocabulary`, built once from the catalogue tables, turns that into
weighted ROME codes, interest categories, and word stems that score certification texts.

Each word is resolved by the first rule that applies:

1. a code: ROME (``h3201``), interest category (1–2 digits), NSF group (3 digits);
2. a word of the referentials (job titles and labels, domains, interest categories, NSF
   and certification labels), by its French Snowball stem, feminine titles folded onto
   the masculine as the "Soudeur / Soudeuse" pairs teach ("soudeuses" → "soudeur"); its
   derivations ("chimie" → "chimiste", "chimique": same root) count 0.7;
3. a derivation alone, when only the root is known ("bricoleur" → "bricolage");
4. a typo of a known word: at most 1 edit (2 from 8 letters), never changing the first
   letter ("chaudronerie" → "chaudronnerie"). Rules 3 and 4 never guess at words under
   5 letters ("xqzw", "soud" stay unresolved);
5. :data:`SYNONYMS`, a short table of everyday words that the referentials lack
   ("dehors" → "nature"), added to what the word itself matched.

French stop words and intent words ("je veux devenir", "j'aime", "travailler dans") are
dropped; words that match nothing are reported in ``unresolved``.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from recommender.codefit import code_weights
from recommender.jobtree import JobTree
from recommender.text import fold

TermKind = Literal["word", "synonym", "rome", "interest", "nsf"]

#: Everyday words people use → the referentials' words for them ("dehors" is in no title,
#: "sport" in no interest category). Keys match by root ("bricole", "bricoler" alike).
#: Keep it short: only very common words that the referentials lack.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "dehors": ("nature",),
    "extérieur": ("nature",),
    "plein air": ("nature",),
    "bricoler": ("manuel", "construire", "rénover"),
    "mains": ("manuel",),
    "ordinateur": ("informatique",),
    "voiture": ("automobile",),
    "médicament": ("pharmaceutique",),
    "aider": ("soin",),
    "sport": ("physique",),
    "bouger": ("sport", "physique"),
}


# Weights of the evidence, relative to an exact word (1.0).
_DERIVATION = 0.7  # same root, another word: "chimiste" for "chimie"
_TYPO = 0.9
_SYNONYM = 0.8
_WEAK = 0.5  # "métier(s)": certification labels only ("BTS métiers de la chimie")
_DOMAIN_ROW = 0.5  # a job reached through its domaine's label ("Chimie et pharmacie")
_INTEREST_PRINCIPAL = 0.5  # a job reached through an interest category: below a title
_INTEREST_OTHER = 0.35
_INTEREST_CAP = 0.75  # two interest categories of the query: still below an exact title
_FLOOR = 0.6  # weaker interest or NSF matches are noise: "sens" names 3 categories
_NSF_SHARE = 0.3  # share of the NSF label match in a certification's text score
_NSF_WORDS = 0.5  # the other words of an NSF group's label that the query names
_JOB_LABEL_WEIGHT = 0.3  # weight of each of a certification's job labels in its text…
_JOB_LABELS_TOTAL = 0.6  # …and of all of them together when it has many
_BREADTH = 0.25  # share of a job's score from how many of its titles match
_RELATIVE_CUT = 0.3  # jobs kept: weight ≥ 30 % of the best…
_MAX_JOBS = 30  # …and at most 30
_PER_WORD = 5  # in a query of several words, each keeps its 5 best jobs

_ROME_CODE = re.compile(r"[a-n]\d{4}")
_LETTERS = re.compile(r"[^\W_]+")


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one text, so that long lists stay readable."""
    return frozenset(words.split())


_STOP_WORDS = _word_set(
    """a ai aie au aux avec c ca ce ceci cela ces cet cette d dans de des du elle elles en
    et etre eu eux il ils j je l la le les leur leurs lui m ma me mes moi mon n ne ni nos
    notre nous on ou par pas pour qu que qui s sa se ses si son sur t ta te tes toi ton tu
    un une vos votre vous y"""
)
# What people say around what they want: dropped from queries and interest labels, kept
# in titles ("Chef de secteur").
_INTENT_WORDS = _word_set(
    """adore adorerais aimais aime aimer aimerai aimerais attire attiree beaucoup bien bosser
    chose choses devenir domaine domaines envie exercer faire fais ferai genre interesse
    interessee passionne passionnee peux plus plutot quelque secteur souhaite souhaiterais
    suis tard travaille travailler tres truc veux voudrais vraiment"""
)
_WEAK_WORDS = _word_set("metier metiers")
# Words naming a certification's type, not its trade: the type has its own column and
# filter, so that "Bac pro cuisine" and "CAP cuisine" compare as "cuisine".
_TYPE_WORDS = _word_set(
    """bac bep bepa bma bp bpa bts btsa but cap capa cqp cs deust diplome dma dn dut lic
    licence lmd lp master mc mention option parcours pro professionnel spe specialite titre"""
)
# Derivational and inflectional endings, longest first; what remains is a word's root.
_SUFFIXES = sorted(
    _word_set(
        """iciennes icienne iciens icien icite iques ique istes iste ateurs ateur atrices
        atrice ations ation tions tion ieres iere iers ier eries erie euses euse eurs eur
        trices trice teurs teur ages age ures ure iennes ienne iens ien ements ement antes
        ante ants ant elles elle els el ives ive ifs if ies ie er es e s x"""
    ),
    key=lambda suffix: (-len(suffix), suffix),
)
_MIN_ROOT = 4
_MIN_GUESS = 5  # shorter unknown words are never guessed at (by root or as a typo)
_INFLECTIONS = _word_set("s x e es ne nes")


@dataclass(frozen=True)
class Term:
    """One word of a query and what it resolved to, for explanations."""

    typed: str  # as typed, lower-case
    matched: str  # the referentials' word, or the code and its label
    kind: TermKind
    corrected: bool = False  # a typo or a cut word was corrected


@dataclass(frozen=True)
class InterestMatch:
    """What a text means for the engine.

    ``jobs`` maps ROME codes to weights in (0, 1], best first (the best is 1);
    ``interests`` and ``nsf`` map interest category and NSF codes to strengths in
    (0, 1]; ``stems`` holds the query's word stems with weights (they score
    certification texts).
    """

    jobs: dict[str, float]
    interests: dict[str, float]
    terms: tuple[Term, ...]
    unresolved: tuple[str, ...]
    nsf: dict[str, float]
    stems: dict[str, float]


@dataclass(frozen=True)
class JobTitle:
    """A job title (appellation) for autocomplete."""

    code_ogr: str
    label: str
    code_rome: str
    job_label: str


@dataclass(frozen=True)
class InterestCategory:
    code: str
    label: str


@dataclass(frozen=True)
class CertificationJobScores:
    """Per certification row: the best job-tree proximity to the matched jobs, and why.

    ``cert_job`` is the index (in :attr:`Vocabulary.job_codes`) of the certification's
    own ROME code that gave the score, ``matched_job`` the matched job it is close to;
    both are -1 where the score is 0.
    """

    scores: np.ndarray
    cert_job: np.ndarray
    matched_job: np.ndarray


class Vocabulary:
    """Resolves free text into jobs, interest categories and certification text scores.

    Build it once with :meth:`from_tables` (seconds on the real catalogue), then call
    :meth:`match` per query (about a millisecond).

    A job title scores ``coverage of the query × (½ + ½ coverage of the title)``, words
    weighted by their rarity among titles (idf), the query's words read as "either, and
    better both" (see :func:`_either_and_both`): "soudeur" puts "Soudeur / Soudeuse"
    (H2913) first and "Soudeur / Soudeuse MIG MAG" (H2917) close behind. A job takes
    its best title, three quarters of it plus a quarter for the share of its titles that
    match; its domaine's label counts as a title at half weight. Interest categories
    reached add ½ (principal) or 0.35 to their jobs, at most 0.75 in all. Typed ROME
    codes weigh as much as the best job. Weights are divided by the best; the 30 best
    at 30 % of it or more are kept, and in a query of several words each word keeps
    its own 5 best jobs.

    Examples
    --------
    >>> vocabulary = Vocabulary.from_tables(bundled_tables)  # doctest: +SKIP
    >>> vocabulary.match("je veux devenir soudeuse").jobs["H2913"]  # doctest: +SKIP
    1.0
    """

    def __init__(
        self,
        *,
        jobs: pd.DataFrame,
        job_titles: pd.DataFrame,
        interests: pd.DataFrame,
        job_interests: pd.DataFrame,
        certifications: pd.DataFrame,
        nsf_specialties: pd.DataFrame,
        job_skills: pd.DataFrame | None = None,
    ) -> None:
        self.job_codes: np.ndarray = jobs["code_rome"].to_numpy(dtype=str)
        self.job_labels: np.ndarray = jobs["label"].to_numpy(dtype=str)
        self._job_index = {str(code): i for i, code in enumerate(self.job_codes)}
        self._interests = _Codes(interests["code"], interests["label"])
        self._nsf = _Codes(nsf_specialties["code"], nsf_specialties["label"])
        feminine = _feminine_stems([*job_titles["label"], *jobs["label"]])
        self._words = _Words(feminine)

        # Register every text first: stem ids must be final before postings are built.
        title_jobs = [self._job_index.get(code, -1) for code in job_titles["code_rome"]]
        row_texts = [*job_titles["label"], *jobs["label"], *jobs["domaine_label"]]
        row_jobs = [*title_jobs, *range(len(jobs)), *range(len(jobs))]
        row_factors = [1.0] * (len(job_titles) + len(jobs)) + [_DOMAIN_ROW] * len(jobs)
        row_stems = [self._words.register(text) for text in row_texts]
        interest_stems = [
            self._words.register(label, intent=True) for label in self._interests.labels
        ]
        nsf_stems = [self._words.register(label, intent=True) for label in self._nsf.labels]
        cert_terms = self._certification_terms(certifications, jobs)
        n_stems = len(self._words.stems)

        keep = [i for i, job in enumerate(row_jobs) if job >= 0]  # titles of unknown jobs
        self._row_job = np.array([row_jobs[i] for i in keep], dtype=np.int64)
        self._row_factor = np.array([row_factors[i] for i in keep])
        self._titles = _Postings.of_sets([row_stems[i] for i in keep], n_stems)
        title_counts = self._titles.counts()
        self._title_idf = np.log((1 + len(keep)) / (1 + title_counts)) + 1.0
        self._row_idf = np.array([self._title_idf[list(row_stems[i])].sum() for i in keep])
        is_title = self._row_factor == 1.0
        self._titles_per_job = np.maximum(
            np.bincount(self._row_job[is_title], minlength=len(jobs)), 1
        )
        self._interest_words = _Postings.of_label_sets(interest_stems, n_stems)
        self._nsf_words = _Postings.of_label_sets(nsf_stems, n_stems)
        self._nsf_stems = nsf_stems
        self._cert_words, self._cert_idf = _Postings.of_tfidf(cert_terms, n_stems)

        self._links = _interest_links(job_interests, self._interests.index, self._job_index)
        self._cert_nsf = np.array(
            [
                self._nsf.index.get(code, len(self._nsf.codes))
                for code in certifications["nsf"].fillna("")
            ]
        )
        self._cert_jobs = _padded_jobs(certifications["rome_codes"], self._job_index)
        self._cert_code_weights = code_weights(certifications, self._cert_jobs, self.job_codes)
        self._tree = JobTree(jobs, job_skills)
        self._synonyms = self._resolve_synonyms()
        self._prefixes = _TitlePrefixes(
            job_titles, dict(zip(self.job_codes, self.job_labels, strict=True))
        )

    @classmethod
    def from_tables(cls, tables: Mapping[str, pd.DataFrame]) -> Vocabulary:
        """Build from frames conforming to the schema tables of the same names.

        Uses ``jobs``, ``job_titles``, ``interests``, ``job_interests``,
        ``certifications`` and ``nsf_specialties``, and ``job_skills`` when present
        (see :mod:`recommender.jobtree`); other tables are ignored.
        """
        needed = (
            "jobs",
            "job_titles",
            "interests",
            "job_interests",
            "certifications",
            "nsf_specialties",
        )
        missing = [name for name in needed if name not in tables]
        if missing:
            raise KeyError(f"tables manquantes pour le vocabulaire : {missing}")
        return cls(**{name: tables[name] for name in needed}, job_skills=tables.get("job_skills"))

    # --- queries ------------------------------------------------------------------

    def match(self, text: str) -> InterestMatch:
        """Resolve ``text`` into weighted jobs, interest categories and word stems.

        Examples
        --------
        >>> found = vocabulary.match("plasturgi")  # doctest: +SKIP
        >>> found.terms  # doctest: +SKIP
        (Term(typed='plasturgi', matched='plasturgie', kind='word', corrected=True),)
        >>> list(found.jobs)[:3], found.nsf  # doctest: +SKIP
        (['H3201', 'H1203', 'H3202'], {'225': 1.0})
        """
        parsed = self._parse(text)
        job_raw, strengths = self._job_scores(parsed.concepts, parsed.interests)
        if parsed.codes:
            job_raw[[self._job_index[code] for code in parsed.codes]] = max(1.0, job_raw.max())
        # Each word keeps a few of its own best jobs: "chimie" must not crowd out "bricoler".
        kept = []
        if len(parsed.concepts) > 1:
            for concept in parsed.concepts:
                alone, _ = self._job_scores([concept], [])
                kept += [int(i) for i in _best(alone, _PER_WORD)]
        total = sum(concept.weight for concept in parsed.concepts)
        nsf, _ = self._category_scores(self._nsf_words, parsed.concepts, total, parsed.nsf)
        stems = dict(parsed.weak)
        # The words of the NSF groups named ("plasturgie" → "matériaux composites") find
        # certifications whose label never says the group's name.
        for row in np.flatnonzero(nsf):
            for stem in self._nsf_stems[row]:
                stems[stem] = max(stems.get(stem, 0.0), _NSF_WORDS * nsf[row])
        for concept in parsed.concepts:
            for stem, weight in concept.stems.items():
                stems[stem] = max(stems.get(stem, 0.0), weight)
        return InterestMatch(
            jobs=self._top_jobs(job_raw, kept),
            interests=_ranked(self._interests.codes, strengths),
            terms=tuple(parsed.terms),
            unresolved=tuple(parsed.unresolved),
            nsf=_ranked(self._nsf.codes, nsf),
            stems={self._words.stems[stem]: weight for stem, weight in stems.items()},
        )

    def certification_scores(self, match: InterestMatch) -> np.ndarray:
        """Text similarity of the query to each certification row, in [0, 1].

        Cosine of TF-IDF vectors of stems (the certification's label, its NSF group's
        label at ½, its ROME jobs' labels at 0.3 each, at most 0.6 in all), with 0.3 of
        the score for how well the query names its NSF group: "plasturgie" reaches the
        Bac pro "Plastiques et composites" through NSF 225 "Plasturgie, matériaux
        composites".
        """
        cosine = np.zeros(len(self._cert_nsf))
        query = [
            (stem_id, weight * self._cert_idf[stem_id])
            for stem, weight in match.stems.items()
            if (stem_id := self._words.stem_ids.get(stem)) is not None
        ]
        norm = math.sqrt(sum(value * value for _, value in query)) or 1.0
        for stem_id, value in query:
            rows, values = self._cert_words.column(stem_id)
            cosine[rows] += values * (value / norm)
        nsf = np.zeros(len(self._nsf.codes) + 1)  # the last one: certifications without NSF
        for code, strength in match.nsf.items():
            nsf[self._nsf.index[code]] = strength
        return (1 - _NSF_SHARE) * cosine + _NSF_SHARE * nsf[self._cert_nsf]

    def certification_job_scores(self, match: InterestMatch) -> CertificationJobScores:
        """Per certification row, the best of ``proximity(its ROME code, matched job) ×
        the matched job's weight × the code's fit`` (:mod:`recommender.jobtree`,
        :mod:`recommender.codefit`), and the codes behind it."""
        n_certs = len(self._cert_jobs)
        if not match.jobs:
            return CertificationJobScores(
                np.zeros(n_certs), np.full(n_certs, -1), np.full(n_certs, -1)
            )
        matched = np.array([self._job_index[code] for code in match.jobs])
        weights = np.fromiter(match.jobs.values(), dtype=np.float64, count=len(matched))
        weighted = self._tree.proximity(np.arange(len(self.job_codes)), matched) * weights
        closest = weighted.argmax(axis=1)  # for every job, the matched job it is closest to
        best = np.append(weighted[np.arange(len(weighted)), closest], 0.0)
        # The padding points at the trailing 0; stray codes count less (codefit).
        values = best[self._cert_jobs] * self._cert_code_weights
        column = values.argmax(axis=1)
        rows = np.arange(n_certs)
        scores = values[rows, column]
        found = scores > 0
        cert_job = np.where(found, self._cert_jobs[rows, column], -1)
        matched_job = np.where(found, matched[closest[np.where(found, cert_job, 0)]], -1)
        return CertificationJobScores(scores, cert_job, matched_job)

    def job_proximity(self, codes_a: Sequence[str], codes_b: Sequence[str]) -> np.ndarray:
        """Job-tree proximity (:mod:`recommender.jobtree`) of each code of ``codes_a`` to each of
        ``codes_b``.

        Examples
        --------
        >>> vocabulary.job_proximity(["H3201", "H2913"], ["H3202"])  # doctest: +SKIP
        array([[0.6],
               [0.2]])
        """
        return self._tree.proximity_of_codes(codes_a, codes_b)

    def search_titles(self, prefix: str, limit: int = 10) -> list[JobTitle]:
        """Job titles for autocomplete: each word typed starts a word of the title (titles
        that start with it first, then the shortest); then, if too few, the same with the
        typos corrected as :meth:`match` does ("sodeur" → "soudeur").

        Examples
        --------
        >>> [title.label for title in vocabulary.search_titles("soud", limit=2)]  # doctest: +SKIP
        ['Soudeur / Soudeuse', 'Soudeur / Soudeuse MIG MAG']
        """
        typed = [word for _, word in _words(prefix)]
        words = [word for word in typed if word not in _STOP_WORDS] or typed
        if not words or limit <= 0:
            return []
        rows = self._prefixes.search(words, limit)
        if len(rows) < limit:
            corrected = [self._words.correct(word) or word for word in words]
            if corrected != words:
                more = self._prefixes.search(corrected, limit)
                rows += [row for row in more if row not in set(rows)][: limit - len(rows)]
        return [self._prefixes.title(row) for row in rows]

    def search_interests(self, text: str, limit: int = 5) -> list[InterestCategory]:
        """Interest categories suggested by ``text``: by code, by words starting as typed
        ("natu"), or through what the words mean ("dehors" → nature)."""
        words = [folded for _, folded in _words(text) if not _is_filler(folded)]
        if not words:
            return []
        scores = np.zeros(len(self._interests.codes))
        for i, label_words in enumerate(self._interests.words):
            scores[i] = sum(
                word == self._interests.codes[i] or any(w.startswith(word) for w in label_words)
                for word in words
            )
        parsed = self._parse(text)
        strengths, _ = self._category_scores(
            self._interest_words, parsed.concepts, 0.0, parsed.interests
        )
        scores += strengths
        order = np.argsort(-scores, kind="stable")[:limit]
        return [
            InterestCategory(str(self._interests.codes[i]), str(self._interests.labels[i]))
            for i in order
            if scores[i] > 0
        ]

    # --- parsing a query ----------------------------------------------------------

    def _parse(self, text: str) -> _Parsed:
        parsed = _Parsed()
        words = _words(text)
        position = 0
        while position < len(words):
            typed, folded = words[position]
            position += 1
            if position < len(words):
                phrase = f"{folded} {words[position][1]}"
                if phrase in self._synonyms:
                    typed = f"{typed} {words[position][0]}"
                    parsed.concepts.append(self._with_synonyms(parsed, typed, phrase, {}))
                    position += 1
                    continue
            if _is_filler(folded):
                continue
            if folded in _WEAK_WORDS:
                stem_id = self._words.stem_ids.get(self._words.stem(folded))
                if stem_id is not None:
                    parsed.weak[stem_id] = _WEAK
            elif _ROME_CODE.fullmatch(folded) or folded.isdigit():
                self._add_code(parsed, typed, folded)
            else:
                self._add_word(parsed, typed, folded)
        for concept in parsed.concepts:
            stems = concept.titles or concept.stems
            concept.weight = max((self._title_idf[s] * w for s, w in stems.items()), default=0.0)
        return parsed

    def _add_code(self, parsed: _Parsed, typed: str, folded: str) -> None:
        code = folded.upper()
        if code in self._job_index:
            parsed.codes.append(code)
            label = self.job_labels[self._job_index[code]]
            parsed.terms.append(Term(typed, f"{code} {label}", "rome"))
        elif len(folded) <= 2 and folded in self._interests.index:
            index = self._interests.index[folded]
            parsed.interests.append(index)
            parsed.terms.append(Term(typed, str(self._interests.labels[index]), "interest"))
        elif len(folded) == 3 and folded in self._nsf.index:
            index = self._nsf.index[folded]
            parsed.nsf.append(index)
            parsed.terms.append(Term(typed, str(self._nsf.labels[index]), "nsf"))
        else:
            parsed.unresolved.append(typed)

    def _add_word(self, parsed: _Parsed, typed: str, folded: str) -> None:
        key = _root(folded)
        # A synonym is known for sure: never "correct" it ("dehors" is no typo of "décors").
        resolved = self._resolve(folded, typos=key not in self._synonyms)
        stems: dict[int, float] = {}
        if resolved is not None:
            matched, stems, corrected = resolved
            parsed.terms.append(Term(typed, self._words.spelling(matched), "word", corrected))
        if key in self._synonyms:
            parsed.concepts.append(self._with_synonyms(parsed, typed, key, stems))
        elif resolved is not None:
            parsed.concepts.append(_Concept(stems, dict(stems)))
        else:
            parsed.unresolved.append(typed)

    def _with_synonyms(
        self, parsed: _Parsed, typed: str, key: str, stems: dict[int, float]
    ) -> _Concept:
        """The word's own stems plus its synonyms'. A synonym naming an interest category
        ("nature", "manuel") reaches that category, not job titles ("Agent de
        conditionnement manuel" is no bricoleur's job); the others reach titles too."""
        concept = _Concept(dict(stems), dict(stems))
        for target, target_stems, names_interest in self._synonyms[key]:
            parsed.terms.append(Term(typed, target, "synonym"))
            for stem, weight in target_stems.items():
                concept.stems[stem] = max(concept.stems.get(stem, 0.0), weight * _SYNONYM)
                if not names_interest:
                    concept.titles[stem] = max(concept.titles.get(stem, 0.0), weight * _SYNONYM)
        return concept

    def _resolve(
        self, folded: str, *, typos: bool = True
    ) -> tuple[str, dict[int, float], bool] | None:
        """The known word that ``folded`` stands for, the stems it reaches (with weights)
        and whether it was corrected; None when it is no word of the referentials."""
        words = self._words
        stem = words.stem(folded)
        if folded in words.counts or stem in words.stem_ids:
            matched = folded if folded in words.counts else words.closest_form(folded, stem)
            corrected = folded not in words.counts and not _is_inflection(folded, matched)
            return matched, self._expand(matched, 1.0), corrected
        related = words.root_stems.get(_root(folded)) if len(folded) >= _MIN_GUESS else None
        if related:
            forms = [form for stem_id in related for form in words.forms[stem_id]]
            matched = min(forms, key=lambda form: (OSA.distance(folded, form), form))
            return matched, dict.fromkeys(related, _DERIVATION), False
        typo_of = words.correct(folded) if typos else None
        if typo_of is None:
            return None
        return typo_of, self._expand(typo_of, _TYPO), True

    def _expand(self, word: str, weight: float) -> dict[int, float]:
        """A known word's stem, and the stems sharing its root at a lower weight."""
        stems = dict.fromkeys(self._words.root_stems.get(_root(word), ()), weight * _DERIVATION)
        stems[self._words.stem_ids[self._words.stem(word)]] = weight
        return stems

    # --- scoring ------------------------------------------------------------------

    def _title_scores(self, concepts: list[_Concept], total: float) -> np.ndarray:
        job_raw = np.zeros(len(self.job_codes))
        if total <= 0:
            return job_raw
        n_rows = len(self._row_job)
        covered = np.zeros(n_rows)
        strongest = np.zeros(n_rows)
        matched_idf = np.zeros(n_rows)
        best_of_stem: dict[int, float] = {}
        for concept in concepts:
            best = np.zeros(n_rows)
            for stem, weight in concept.titles.items():
                rows, _ = self._titles.column(stem)
                best[rows] = np.maximum(best[rows], weight)
                best_of_stem[stem] = max(best_of_stem.get(stem, 0.0), weight)
            covered += concept.weight * best
            strongest = np.maximum(strongest, concept.weight * best)
        for stem, weight in best_of_stem.items():
            rows, _ = self._titles.column(stem)
            matched_idf[rows] += self._title_idf[stem] * weight
        hit = np.flatnonzero(covered)
        query_share = _either_and_both(strongest[hit], covered[hit], concepts, total)
        title_share = np.minimum(matched_idf[hit] / self._row_idf[hit], 1.0)
        scores = query_share * (0.5 + 0.5 * title_share) * self._row_factor[hit]
        np.maximum.at(job_raw, self._row_job[hit], scores)
        titles = self._row_factor[hit] == 1.0
        breadth = np.bincount(
            self._row_job[hit][titles], weights=query_share[titles], minlength=len(job_raw)
        )
        return job_raw * ((1 - _BREADTH) + _BREADTH * breadth / self._titles_per_job)

    def _category_scores(
        self, postings: _Postings, concepts: list[_Concept], total: float, direct: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Strength of each interest category or NSF group (capped at 1), and its share of
        the query's weight; ``direct`` ones were typed as codes."""
        strengths = np.zeros(postings.n_rows)
        covered = np.zeros(postings.n_rows)
        strongest = np.zeros(postings.n_rows)
        for concept in concepts:
            reached = np.zeros(postings.n_rows)
            for stem, weight in concept.stems.items():
                rows, values = postings.column(stem)
                reached[rows] = np.maximum(reached[rows], weight * values)
            strengths += reached
            covered += concept.weight * reached
            strongest = np.maximum(strongest, concept.weight * reached)
        shares = _either_and_both(strongest, covered, concepts, total)
        keep = np.minimum(strengths, 1.0) >= _FLOOR
        strengths = np.where(keep, np.minimum(strengths, 1.0), 0.0)
        shares = np.where(keep, np.minimum(shares, 1.0), 0.0)
        strengths[direct] = 1.0
        shares[direct] = 1.0
        return strengths, shares

    def _job_scores(
        self, concepts: list[_Concept], direct_interests: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Raw score of every job (titles, then interest categories), and the strength of
        each interest category."""
        total = sum(concept.weight for concept in concepts)
        job_raw = self._title_scores(concepts, total)
        strengths, shares = self._category_scores(
            self._interest_words, concepts, total, direct_interests
        )
        interest, job, factor = self._links
        # Summed: a job of two of the interests meant ranks above a job of one.
        reached = np.bincount(job, weights=shares[interest] * factor, minlength=len(job_raw))
        return job_raw + np.minimum(reached, _INTEREST_CAP), strengths

    def _top_jobs(self, job_raw: np.ndarray, kept: list[int]) -> dict[str, float]:
        """The best jobs (with the ``kept`` ones), weights divided by the best."""
        best = float(job_raw.max(initial=0.0))
        if best <= 0:
            return {}
        chosen = list(dict.fromkeys(kept))
        chosen += [int(i) for i in _best(job_raw, _MAX_JOBS) if i not in set(chosen)]
        chosen.sort(key=lambda i: -job_raw[i])
        return {
            str(self.job_codes[i]): round(float(job_raw[i] / best), 4) for i in chosen[:_MAX_JOBS]
        }

    # --- building -----------------------------------------------------------------

    def _certification_terms(
        self, certifications: pd.DataFrame, jobs: pd.DataFrame
    ) -> list[dict[int, float]]:
        """Term frequencies of each certification: label 1, NSF label ½, job labels 0.3
        each (0.6 shared among them when there are more than two)."""
        nsf_labels = dict(zip(self._nsf.codes, self._nsf.labels, strict=True))
        job_labels = dict(zip(jobs["code_rome"], jobs["label"], strict=True))
        shared: dict[str, set[int]] = {}  # NSF and job labels repeat: register them once
        out: list[dict[int, float]] = []
        for label, nsf, codes in zip(
            certifications["label"],
            certifications["nsf"].fillna(""),
            certifications["rome_codes"],
            strict=True,
        ):
            frequencies = dict.fromkeys(self._words.register(label, types=True), 1.0)
            texts = [(nsf_labels.get(nsf, ""), 0.5)]
            # Job labels share a fixed weight: a certification linked to many jobs must
            # not drown its own label in theirs.
            job_codes = codes.split()
            job_weight = min(_JOB_LABEL_WEIGHT, _JOB_LABELS_TOTAL / max(len(job_codes), 1))
            texts += [(job_labels.get(code, ""), job_weight) for code in job_codes]
            for text, weight in texts:
                if text not in shared:
                    shared[text] = self._words.register(text)
                for stem in shared[text]:
                    frequencies[stem] = frequencies.get(stem, 0.0) + weight
            out.append(frequencies)
        return out

    def _resolve_synonyms(self) -> dict[str, list[tuple[str, dict[int, float], bool]]]:
        """SYNONYMS keyed by root (phrases folded): each target with its stems and whether
        it names an interest category. Targets the referentials lack are left out."""
        table: dict[str, list[tuple[str, dict[int, float], bool]]] = {}
        for key, targets in SYNONYMS.items():
            found = []
            for target in targets:
                resolved = self._resolve(fold(target), typos=False)
                if resolved is not None:
                    stem = self._words.stem_ids[self._words.stem(resolved[0])]
                    names_interest = len(self._interest_words.column(stem)[0]) > 0
                    found.append((target, resolved[1], names_interest))
            folded = fold(key)
            table[folded if " " in folded else _root(folded)] = found
        return table

    @property
    def unknown_synonyms(self) -> list[str]:
        """Targets of :data:`SYNONYMS` that the referentials do not hold."""
        found = {target for targets in self._synonyms.values() for target, _, _ in targets}
        return [t for targets in SYNONYMS.values() for t in targets if t not in found]


# --- the pieces -------------------------------------------------------------------


@dataclass
class _Concept:
    """One word of the query with every stem it reaches (stem id → weight)."""

    stems: dict[int, float]
    titles: dict[int, float]  # the stems that reach job titles (most of them)
    weight: float = 0.0  # its rarity among job titles: rare words weigh more


@dataclass
class _Parsed:
    concepts: list[_Concept] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    interests: list[int] = field(default_factory=list)
    nsf: list[int] = field(default_factory=list)
    weak: dict[int, float] = field(default_factory=dict)


class _Codes:
    """Codes and labels of a small referential (interest categories, NSF groups)."""

    def __init__(self, codes: Iterable[str], labels: Iterable[str]) -> None:
        self.codes = np.array(list(codes), dtype=str)
        self.labels = np.array(list(labels), dtype=str)
        self.index = {str(code): i for i, code in enumerate(self.codes)}
        self.words = [{w for _, w in _content_words(label, intent=True)} for label in self.labels]


class _Postings:
    """For each stem, the rows holding it with a value: a column-major sparse matrix."""

    def __init__(
        self, rows: list[int], stems: list[int], values: list[float], shape: tuple[int, int]
    ) -> None:
        stem_ids = np.asarray(stems, dtype=np.int64)
        order = np.argsort(stem_ids, kind="stable")
        self.rows = np.asarray(rows, dtype=np.int64)[order]
        self.values = np.asarray(values, dtype=np.float64)[order]
        self.n_rows, n_stems = shape
        self.starts = np.concatenate(([0], np.cumsum(np.bincount(stem_ids, minlength=n_stems))))

    @classmethod
    def of_sets(cls, row_stems: list[set[int]], n_stems: int) -> _Postings:
        rows = [row for row, stems in enumerate(row_stems) for _ in stems]
        stems = [stem for found in row_stems for stem in found]
        return cls(rows, stems, [1.0] * len(stems), (len(row_stems), n_stems))

    @classmethod
    def of_label_sets(cls, row_stems: list[set[int]], n_stems: int) -> _Postings:
        """Valued 1 / number of labels holding the stem: "nature" names one interest
        category, "sens" three."""
        frequency = Counter(stem for found in row_stems for stem in found)
        rows = [row for row, found in enumerate(row_stems) for _ in found]
        stems = [stem for found in row_stems for stem in found]
        values = [1.0 / frequency[stem] for stem in stems]
        return cls(rows, stems, values, (len(row_stems), n_stems))

    @classmethod
    def of_tfidf(
        cls, frequencies: list[dict[int, float]], n_stems: int
    ) -> tuple[_Postings, np.ndarray]:
        """L2-normalised TF-IDF rows, and the idf of each stem."""
        document_frequency = np.zeros(n_stems)
        for found in frequencies:
            document_frequency[list(found)] += 1
        idf = np.log((1 + len(frequencies)) / (1 + document_frequency)) + 1.0
        rows, stems, values = [], [], []
        for row, found in enumerate(frequencies):
            vector = {stem: tf * idf[stem] for stem, tf in found.items()}
            norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
            for stem, value in vector.items():
                rows.append(row)
                stems.append(stem)
                values.append(value / norm)
        return cls(rows, stems, values, (len(frequencies), n_stems)), idf

    def column(self, stem: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.starts[stem], self.starts[stem + 1]
        return self.rows[start:end], self.values[start:end]

    def counts(self) -> np.ndarray:
        return np.diff(self.starts)


class _Words:
    """Every word of the referentials: stems, spellings, frequencies, roots, typos."""

    def __init__(self, feminine: dict[str, str]) -> None:
        self._feminine = feminine
        self.stem_ids: dict[str, int] = {}
        self.stems: list[str] = []
        self.forms: defaultdict[int, set[str]] = defaultdict(set)
        self.counts: Counter[str] = Counter()
        self.root_stems: defaultdict[str, set[int]] = defaultdict(set)
        self._spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self._by_initial: dict[str, list[str]] = {}

    def stem(self, word: str) -> str:
        stem = _snowball(word)
        return self._feminine.get(stem, stem)

    def register(self, text: str, *, intent: bool = False, types: bool = False) -> set[int]:
        """Register the content words of ``text``; return their stem ids."""
        found = set()
        for spelling, word in _content_words(text, intent=intent, spellings=True):
            if types and word in _TYPE_WORDS:
                continue
            stem = self.stem(word)
            stem_id = self.stem_ids.setdefault(stem, len(self.stems))
            if stem_id == len(self.stems):
                self.stems.append(stem)
            self.forms[stem_id].add(word)
            self.counts[word] += 1
            self.root_stems[_root(word)].add(stem_id)
            self._spellings[word][spelling] += 1
            found.add(stem_id)
        self._by_initial = {}
        return found

    def spelling(self, word: str) -> str:
        """The most frequent accented spelling of a folded word."""
        spellings = self._spellings.get(word)
        return spellings.most_common(1)[0][0] if spellings else word

    def closest_form(self, word: str, stem: str) -> str:
        forms = self.forms[self.stem_ids[stem]]
        return min(forms, key=lambda form: (OSA.distance(word, form), -self.counts[form], form))

    def correct(self, word: str) -> str | None:
        """The known word of 5 letters or more, same first letter, within 1 edit (2 from
        8 letters) of ``word``, the most frequent on ties; None if there is none."""
        if len(word) < _MIN_GUESS or not word.isalpha():
            return None
        if not self._by_initial:
            by_initial: defaultdict[str, list[str]] = defaultdict(list)
            for known in self.counts:
                if len(known) >= 5:
                    by_initial[known[0]].append(known)
            self._by_initial = dict(by_initial)
        edits = 1 if len(word) < 8 else 2
        candidates = self._by_initial.get(word[0], [])
        found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=edits, limit=10)
        if not found:
            return None
        return str(min(found, key=lambda hit: (hit[1], -self.counts[hit[0]], hit[0]))[0])


class _TitlePrefixes:
    """Folded words of job titles, sorted, for prefix lookups."""

    def __init__(self, job_titles: pd.DataFrame, job_labels: dict[str, str]) -> None:
        self._titles = job_titles.reset_index(drop=True)
        self._job_labels = {str(code): str(label) for code, label in job_labels.items()}
        self._folded = [fold(label) for label in self._titles["label"]]
        triples = sorted(
            (word, row, position)
            for row, text in enumerate(self._folded)
            for position, word in enumerate(text.split())
        )
        self._words = np.array([word for word, _, _ in triples], dtype=str)
        self._rows = np.array([row for _, row, _ in triples], dtype=np.int64)
        self._positions = np.array([position for _, _, position in triples], dtype=np.int64)
        self._lengths = np.array([len(text) for text in self._folded])

    def search(self, words: list[str], limit: int) -> list[int]:
        """Rows of the titles in which each of the folded ``words`` starts a word: those
        where the first one comes earliest first, then the shortest."""
        first_position: dict[int, int] = {}
        for i, word in enumerate(words):
            start = int(np.searchsorted(self._words, word, side="left"))
            end = int(np.searchsorted(self._words, word + "\x7f", side="left"))
            rows, positions = self._rows[start:end], self._positions[start:end]
            if i == 0:
                for row, position in zip(rows.tolist(), positions.tolist(), strict=True):
                    first_position[row] = min(position, first_position.get(row, position))
            else:
                keep = set(rows.tolist())
                first_position = {r: p for r, p in first_position.items() if r in keep}
        return sorted(
            first_position,
            key=lambda row: (first_position[row], self._lengths[row], self._folded[row]),
        )[:limit]

    def title(self, row: int) -> JobTitle:
        title = self._titles.iloc[row]
        code = str(title["code_rome"])
        return JobTitle(
            str(title["code_ogr"]), str(title["label"]), code, self._job_labels.get(code, "")
        )


# --- words ------------------------------------------------------------------------

_STEMMER = snowballstemmer.stemmer("french")
_STEMMER_LOCK = threading.Lock()  # Snowball stemmers keep state: one caller at a time


@lru_cache(maxsize=200_000)
def _snowball(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def _words(text: str) -> list[tuple[str, str]]:
    """(as typed in lower case, folded) for each word of ``text``."""
    return [
        (piece.lower(), word) for piece in _LETTERS.findall(text) for word in fold(piece).split()
    ]


def _is_filler(folded: str) -> bool:
    return (
        folded in _STOP_WORDS
        or folded in _INTENT_WORDS
        or folded in _TYPE_WORDS
        or (len(folded) == 1 and not folded.isdigit())
    )


def _content_words(text: str, *, intent: bool, spellings: bool = False) -> list[tuple[str, str]]:
    """(spelling, folded) of the words of a label that carry meaning."""
    out = []
    for spelling, word in _words(text):
        if len(word) < 2 or word.isdigit() or word in _STOP_WORDS:
            continue
        if intent and (word in _INTENT_WORDS or word in _WEAK_WORDS):
            continue
        out.append((spelling if spellings else word, word))
    return out


def _root(word: str) -> str:
    """``word`` without its derivational ending ("chimiste" → "chim"), at least 4 letters.

    Examples
    --------
    >>> _root("chimiste"), _root("chimique"), _root("soudeuse"), _root("bricolage")
    ('chim', 'chim', 'soud', 'bricol')
    """
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_ROOT:
            return word[: -len(suffix)]
    return word


def _is_inflection(typed: str, known: str) -> bool:
    """Whether ``typed`` is ``known`` with a plural or feminine ending (not a typo)."""
    return typed.startswith(known) and typed[len(known) :] in _INFLECTIONS


def _feminine_stems(labels: Iterable[str]) -> dict[str, str]:
    """Feminine stem → masculine stem, from titles written "Soudeur / Soudeuse …".

    Examples
    --------
    >>> _feminine_stems(["Chef soudeur / Cheffe soudeuse"])
    {'cheff': 'chef', 'soudeux': 'soudeur'}
    """
    votes: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for label in labels:
        if " / " not in label:
            continue
        masculine, feminine = label.split(" / ", 1)
        masculine_words = fold(masculine).split()
        feminine_words = fold(feminine).split()[: len(masculine_words)]
        for male, female in zip(masculine_words, feminine_words, strict=False):
            if male != female and male[:3] == female[:3]:
                male_stem, female_stem = _snowball(male), _snowball(female)
                if male_stem != female_stem:
                    votes[female_stem][male_stem] += 1
    return {female: males.most_common(1)[0][0] for female, males in votes.items()}


def _interest_links(
    job_interests: pd.DataFrame, interest_index: dict[str, int], job_index: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(interest index, job index, weight) of every interest → job link."""
    known = job_interests["code_rome"].isin(job_index) & job_interests["interest_code"].isin(
        interest_index
    )
    links = job_interests[known]
    principal = links["principal"].fillna(False).to_numpy(dtype=bool)
    return (
        links["interest_code"].map(interest_index).to_numpy(dtype=np.int64),
        links["code_rome"].map(job_index).to_numpy(dtype=np.int64),
        np.where(principal, _INTEREST_PRINCIPAL, _INTEREST_OTHER),
    )


def _padded_jobs(rome_codes: pd.Series, job_index: dict[str, int]) -> np.ndarray:
    """Each certification's job indices, one row each, padded with ``len(job_index)``."""
    lists = [[job_index[c] for c in codes.split() if c in job_index] for codes in rome_codes]
    width = max((len(found) for found in lists), default=0) or 1
    padded = np.full((len(lists), width), len(job_index), dtype=np.int64)
    for row, found in enumerate(lists):
        padded[row, : len(found)] = found
    return padded


def _either_and_both(
    strongest: np.ndarray, covered: np.ndarray, concepts: list[_Concept], total: float
) -> np.ndarray:
    """How much of the query a row (title, category) covers: half for its best word, half
    for all its words, each weighted by rarity. Several words are read as "either, and
    better both": "chimie biologie" keeps a chemistry title above a title holding only
    "chimique" and "biologique", while "soudeur TIG" still puts the TIG welder first."""
    heaviest = max((concept.weight for concept in concepts), default=0.0)
    if heaviest <= 0 or total <= 0:
        return np.zeros_like(covered)
    return 0.5 * strongest / heaviest + 0.5 * covered / total


def _best(scores: np.ndarray, limit: int) -> np.ndarray:
    """Indices of the ``limit`` best positive scores at ≥ 30 % of the best, best first."""
    order = np.argsort(-scores, kind="stable")[:limit]
    return order[(scores[order] > 0) & (scores[order] >= _RELATIVE_CUT * scores.max(initial=0))]


def _ranked(codes: np.ndarray, strengths: np.ndarray) -> dict[str, float]:
    order = np.argsort(-strengths, kind="stable")
    return {str(codes[i]): round(float(strengths[i]), 4) for i in order if strengths[i] > 0}
