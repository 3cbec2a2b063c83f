"""Skills of one job held by another: the share of a target job's skills a person already has.

The ROME lists about 57 skills and knowledge items per job (``job_skills``), but
two jobs rarely share a code even for the same thing ("Règles de sécurité" and
"Règles et consignes de sécurité"). So a target skill counts as **held** from the
current job when the current job lists

1. the same skill code, or
2. a skill whose words cover it: labels are folded (case, accents), stop words and
   empty verbs ("réaliser", "assurer"…) dropped, the rest reduced to French Snowball
   stems; the two share at least two stems and either every stem of the target
   skill is in the current one ("Règles de sécurité" ⊂ "Règles et consignes de
   sécurité") or they differ by little (Jaccard ≥ 0.75: "Surveiller le bon
   fonctionnement des machines" / "Surveiller le fonctionnement des machines").
   A looser rule (Jaccard 2/3, or rapidfuzz token_set_ratio ≥ 90) also took
   "Techniques de plantation d'osier" for "Techniques de plantation" and "Gestion de
   projet" for "Gestion des risques projet", checked by eye on 300 ROME links.

Diplomas, titles and habilitations that the ROME lists among a job's knowledge
("CAP Opérateur/Opératrice logistique", "CACES R489…", "Manager des organisations
logistiques") are not skills: they are left out of the share and reported apart as
``credentials``. The bundled table has no category for them, so they are told by
their label (:func:`is_credential`): 96 % of the ROME's 2,870 "Certifications et
habilitations" items, and 28 of its 27,108 other items ("Big Data", "Web designer").
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import snowballstemmer
from numpy.typing import NDArray

from recommender.errors import ProfileError
from recommender.text import fold

MIN_SHARED_STEMS = 2
MIN_JACCARD = 0.75
HELD_CACHE = 256  # current jobs whose held items stay in memory (30 kB each)

_STOP_WORDS = """a au aux avec ce ces cet cette d dans de des du en et l la le les leur leurs lors
    ou par pour sa selon ses son sur un une bon bonne vigueur
    realiser effectuer assurer faire mettre oeuvre"""
_STOP = frozenset(_STOP_WORDS.split())
_CREDENTIAL = re.compile(
    r"^(diplome|licence|master|mastere|magistere|cqp|cqpi|certificat|certification|titre|"
    r"cap|capa|bac|bep|bepa|bts|btsa|bp|bpa|bpjeps|bma|but|dut|deust|du|de|deaes|dejeps|"
    r"desjeps|dma|dnmade|dnsp|dsaa|cta|mc|bachelor|brevet|habilitation|permis|"
    r"qualification|attestation|caces|ingenieur diplome|carte professionnelle)\b"
)
_KNOWLEDGE_WORDS = frozenset(["cadre", "guide", "support", "construction", "art", "danse", "aide"])
_CREDENTIAL_NOTE = re.compile(r"\((caces|ms|bm|ctm|btm)\b", re.IGNORECASE)  # "… (CACES R 372)"
# Listing order of missing skills: core first, then what one does before what one knows.
_CATEGORY_ORDER = {"savoir_faire": 0, "savoir": 1, "savoir_etre": 2}
_STEMMER = snowballstemmer.stemmer("french")
_STEMMER_LOCK = threading.Lock()  # Snowball stemmers keep state: one caller at a time


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


def stems(label: str) -> frozenset[str]:
    """The meaningful word stems of a skill label.

    Examples
    --------
    >>> sorted(stems("Règles et consignes de sécurité"))
    ['consign', 'regl', 'securit']
    >>> stems("Réaliser la maintenance") == stems("maintenance")
    True
    """
    return frozenset(_stem(w) for w in fold(label).split() if w not in _STOP and len(w) > 1)


def is_credential(label: str, category: str, person_words: frozenset[str] = frozenset()) -> bool:
    """Whether a knowledge item names a diploma, a title or an habilitation.

    Its label starts with a type of diploma or habilitation ("CAP", "Licence",
    "Habilitation"…), or cites one in brackets ("(CACES R 372)"), or starts with one
    of ``person_words``, the first words of job titles ("Manager de la chaîne
    logistique" is a title; knowledge reads "Gestion de…", "Techniques de…").

    Examples
    --------
    >>> is_credential("CAP Opérateur/Opératrice logistique", "savoir")
    True
    >>> is_credential("Conduire un véhicule nécessitant une habilitation", "savoir_faire")
    False
    >>> is_credential("Manager des organisations logistiques", "savoir", frozenset({"manager"}))
    True
    """
    if category != "savoir":
        return False
    folded = fold(label)
    return bool(
        _CREDENTIAL.search(folded)
        or _CREDENTIAL_NOTE.search(label)
        or folded.split(" ", 1)[0] in person_words
    )


def person_words(titles: Iterable[str]) -> frozenset[str]:
    """First words of job titles, both forms: "Soudeur / Soudeuse" gives both words.

    Words that also start knowledge ("Cadre réglementaire…", "Guide des bonnes
    pratiques…", "Construction métallique") are left out.
    """
    firsts = {
        words[0] for title in titles for side in title.split(" / ") if (words := fold(side).split())
    }
    return frozenset(firsts - _KNOWLEDGE_WORDS)


@dataclass(frozen=True)
class SkillGap:
    """What a person in the ``current`` job has and lacks of the ``target`` job.

    ``share`` is held / total over the target's skills (credentials left out, every
    skill counting once); ``core_share`` the same over its core skills (coeur de
    métier; equal to ``share`` when the ROME marks none). ``held`` and ``missing``
    list labels, core skills first, then savoir-faire, savoir, savoir-être, the
    shorter (broader) first in each group: the first few are what to show.
    ``credentials`` lists the diplomas and habilitations the ROME cites for the
    target that the current job does not cite (same code or near-identical label).
    """

    current: str
    target: str
    share: float
    core_share: float
    held_count: int
    total: int
    held: tuple[str, ...]
    missing: tuple[str, ...]
    credentials: tuple[str, ...]

    @property
    def score(self) -> float:
        """Half the share of all skills, half the share of core skills."""
        return 0.5 * self.share + 0.5 * self.core_share


class SkillIndex:
    """Every job's skills, indexed once, so that a gap costs microseconds.

    For a current job, the items it holds (its own and those its skills cover) are
    computed once (a few milliseconds) and cached; every gap from it is then a lookup.

    Examples
    --------
    >>> index = SkillIndex(tables["job_skills"], tables["job_titles"]["label"])  # doctest: +SKIP
    >>> round(index.gap("N1101", "N1103").share, 2)  # doctest: +SKIP
    0.33
    """

    def __init__(self, job_skills: pd.DataFrame, titles: Iterable[str] = ()) -> None:
        codes = job_skills["skill_code"].to_numpy(dtype=str)
        self.item_codes, row_items = np.unique(codes, return_inverse=True)
        first = np.unique(row_items, return_index=True)[1]
        self.item_labels: NDArray[np.str_] = job_skills["label"].to_numpy(dtype=str)[first]
        categories = job_skills["category"].to_numpy(dtype=str)[first]
        persons = person_words(titles)
        self._credential = np.array(
            [
                is_credential(label, category, persons)
                for label, category in zip(self.item_labels, categories, strict=True)
            ]
        )
        self._postings, self._sizes, self._item_stems = _postings(self.item_labels)
        core = job_skills["core"].fillna(False).to_numpy(dtype=bool)
        order = [_CATEGORY_ORDER.get(c, 3) for c in job_skills["category"].to_numpy(dtype=str)]
        lengths = [len(label) for label in job_skills["label"].to_numpy(dtype=str)]
        rows = pd.DataFrame(
            {
                "job": job_skills["code_rome"].to_numpy(dtype=str),
                "item": row_items,
                "core": core,
                "key": [(not c, o, n) for c, o, n in zip(core, order, lengths, strict=True)],
            }
        ).sort_values(["job", "key"], kind="stable")
        self.job_codes, row_jobs = np.unique(rows["job"].to_numpy(dtype=str), return_inverse=True)
        self._row_jobs = row_jobs
        self._row_items = rows["item"].to_numpy(np.intp)
        self._row_core = rows["core"].to_numpy(bool)
        self._row_skill = ~self._credential[self._row_items]
        bounds = np.searchsorted(row_jobs, np.arange(len(self.job_codes) + 1))
        self._rows = {
            str(job): slice(int(a), int(b))
            for job, a, b in zip(self.job_codes, bounds[:-1], bounds[1:], strict=True)
        }
        self.held_items: Callable[[str], NDArray[np.bool_]] = lru_cache(maxsize=HELD_CACHE)(
            self._held_items
        )

    def _held_items(self, current: str) -> NDArray[np.bool_]:
        own = self._row_items[self._slice(current)]
        held = np.zeros(len(self.item_codes), dtype=bool)
        held[own] = True
        for item in own:
            item_stems = self._item_stems[item]
            if len(item_stems) == 1:  # one word: only the same word elsewhere
                same = self._postings[item_stems[0]]
                held[same[self._sizes[same] == 1]] = True
            if len(item_stems) < MIN_SHARED_STEMS:
                continue
            shared = np.bincount(
                np.concatenate([self._postings[s] for s in item_stems]), minlength=len(held)
            )
            union = self._sizes + len(item_stems) - shared
            held |= (shared >= MIN_SHARED_STEMS) & (
                (shared == self._sizes) | (shared >= MIN_JACCARD * union)
            )
        held.flags.writeable = False
        return held

    def _slice(self, job: str) -> slice:
        rows = self._rows.get(job)
        if rows is None:
            raise ProfileError("job", f"code ROME « {job} » inconnu")
        return rows

    def gap(self, current: str, target: str) -> SkillGap:
        """The skills of ``target`` held and missing from ``current``."""
        held_items = self.held_items(current)
        rows = self._slice(target)
        items, core, skill = self._row_items[rows], self._row_core[rows], self._row_skill[rows]
        held = held_items[items]
        total = int(skill.sum())
        held_count = int((held & skill).sum())
        core_total = int((core & skill).sum())
        share = held_count / total if total else 0.0
        core_share = int((core & skill & held).sum()) / core_total if core_total else share
        labels = self.item_labels[items]
        return SkillGap(
            current=current,
            target=target,
            share=share,
            core_share=core_share,
            held_count=held_count,
            total=total,
            held=tuple(labels[skill & held].tolist()),
            missing=tuple(labels[skill & ~held].tolist()),
            credentials=tuple(labels[~skill & ~held].tolist()),
        )

    def scores(self, current: str) -> NDArray[np.float64]:
        """:attr:`SkillGap.score` from ``current`` to every job of :attr:`job_codes`."""
        held = self.held_items(current)[self._row_items] & self._row_skill
        n_jobs = len(self.job_codes)
        skills = np.bincount(self._row_jobs, weights=self._row_skill, minlength=n_jobs)
        core = self._row_skill & self._row_core
        cores = np.bincount(self._row_jobs, weights=core, minlength=n_jobs)
        share = np.bincount(self._row_jobs, weights=held, minlength=n_jobs) / np.maximum(skills, 1)
        core_held = np.bincount(self._row_jobs, weights=held & core, minlength=n_jobs)
        core_share = np.where(cores > 0, core_held / np.maximum(cores, 1), share)
        return 0.5 * share + 0.5 * core_share


def _postings(
    labels: NDArray[np.str_],
) -> tuple[list[NDArray[np.intp]], NDArray[np.int64], list[NDArray[np.intp]]]:
    """Items of each stem, stem count of each item, stems of each item (as stem ids)."""
    vocabulary: dict[str, int] = {}
    item_stems = [
        np.array(sorted({vocabulary.setdefault(s, len(vocabulary)) for s in stems(label)}))
        for label in labels
    ]
    sizes = np.array([len(s) for s in item_stems], dtype=np.int64)
    flat_stems = np.concatenate([s for s in item_stems if len(s)]).astype(np.intp)
    flat_items = np.repeat(np.arange(len(labels)), sizes)
    order = np.argsort(flat_stems, kind="stable")
    bounds = np.searchsorted(flat_stems[order], np.arange(len(vocabulary) + 1))
    postings = [flat_items[order[a:b]] for a, b in itertools.pairwise(bounds)]
    return postings, sizes, [s.astype(np.intp) for s in item_stems]
