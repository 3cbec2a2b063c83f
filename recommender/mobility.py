"""Where an adult can go from the job they have: target jobs, skills held and missing.

Candidates come from three sources: the ROME mobility links of the current job, the
jobs whose skills it covers best (:mod:`recommender.skills`), and the sector jobs of
the campuses whose territory holds the person's commune. Each target is scored

    score = level factor × (0.6 skills + 0.25 ROME link + 0.15 campus sector)

where *skills* is :attr:`SkillGap.score`, *ROME link* runs from 1 (rank 1) down to
0.5 and is 0 without a link, *campus sector* is 1 or 0, and the level factor halves
the score for each level the target's entry level stands above the person's level
plus one: a cariste (level 3) keeps the full score for a level-4 job, half for a
level-5 one. The list keeps room for every source (:func:`_select`): a quarter of
the places for the sector jobs of the campuses of the person's département (of the
région when none names the département), a quarter for ROME links.

A job's entry level is the level of its easier certifications (the lowest fifth
of the active certifications that list it); for the jobs that no certification
lists (two thirds of ROME 4.0), the median of the entry levels of its ROME
neighbours, flagged as estimated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.campuses import Campus
from recommender.errors import ProfileError
from recommender.explain import Reason, percent
from recommender.jobs import LEVELS, JobRef, entry_levels, job_name, level_reason, lower_first
from recommender.skills import SkillGap, SkillIndex

SKILLS_WEIGHT, LINK_WEIGHT, CAMPUS_WEIGHT = 0.6, 0.25, 0.15
LINK_FLOOR = 0.5  # strength of the farthest ROME link
LEVEL_DECAY = 0.5  # score factor per level above the person's level + 1
OVERLAP_CANDIDATES = 2  # × k jobs taken for their skills overlap
MIN_SECTOR_SKILLS = 0.05  # skills score from which a campus sector job may take a kept place
SHOWN_MISSING = 3


@dataclass(frozen=True)
class Target:
    """A job reachable from the current one, with the facts that ranked it.

    ``sources`` holds ``"rome"`` (a ROME mobility link, ``mobility_rank`` 1 being the
    closest), ``"skills"`` (among the jobs whose skills the current job covers best),
    ``"campus"`` (sector of the campuses ``campus_ids`` near the person) and
    ``"named"`` (the person asked for it). ``entry_level`` is an EU level (3–8).
    """

    job: JobRef
    gap: SkillGap
    score: float
    sources: tuple[str, ...]
    mobility_rank: int | None
    campus_ids: tuple[str, ...]
    entry_level: int | None
    entry_level_estimated: bool
    reasons: tuple[Reason, ...]

    @property
    def code_rome(self) -> str:
        return self.job.code_rome

    @property
    def label(self) -> str:
        return self.job.label


class JobMoves:
    """Target jobs from a current job, built once from the catalogue tables."""

    def __init__(
        self,
        *,
        jobs: pd.DataFrame,
        job_titles: pd.DataFrame,
        job_mobility: pd.DataFrame,
        job_skills: pd.DataFrame,
        certifications: pd.DataFrame,
        communes: pd.DataFrame,
        campuses: Sequence[Campus],
    ) -> None:
        self.skills = SkillIndex(job_skills, [*job_titles["label"], *jobs["label"]])
        self.jobs = {
            str(code): JobRef(str(code), str(label), job_name(str(label)))
            for code, label in zip(jobs["code_rome"], jobs["label"], strict=True)
        }
        self.links: dict[str, dict[str, int]] = {}
        for source, target, rank in job_mobility[
            ["code_rome", "code_rome_target", "rank"]
        ].itertuples(index=False):
            self.links.setdefault(str(source), {})[str(target)] = int(rank)
        self.entry_levels = entry_levels(certifications, job_mobility)
        self.places = {
            str(insee): (str(dep), str(reg))
            for insee, dep, reg in zip(
                communes["insee"], communes["departement"], communes["region"], strict=True
            )
        }
        self.campuses = list(campuses)
        self.sector_jobs = {
            campus.campus_id: {
                code
                for code in self.jobs
                if code in campus.rome_codes or code.startswith(campus.rome_domains or ("-",))
            }
            for campus in self.campuses
        }

    @classmethod
    def from_tables(
        cls, tables: Mapping[str, pd.DataFrame], campuses: Sequence[Campus]
    ) -> JobMoves:
        """Build from the catalogue tables (``Catalogue.tables``) and its campuses."""
        names = ("jobs", "job_titles", "job_mobility", "job_skills", "certifications", "communes")
        return cls(**{name: tables[name] for name in names}, campuses=campuses)

    def job(self, code: str, field: str = "current_job") -> JobRef:
        """The job of a ROME code; :class:`ProfileError` on ``field`` when unknown."""
        found = self.jobs.get(code.strip().upper())
        if found is None:
            raise ProfileError(field, f"code ROME « {code} » inconnu")
        return found

    def gap(self, current: str, target: str) -> SkillGap:
        """The skills of ``target`` held and lacked from ``current`` (ROME codes)."""
        return self.skills.gap(self.job(current).code_rome, self.job(target, "target").code_rome)

    def targets(
        self,
        current: str,
        *,
        insee: str | None = None,
        level: int | None = None,
        k: int = 8,
        named: Sequence[str] = (),
    ) -> list[Target]:
        """Up to ``k`` target jobs from ``current`` (a ROME code), best first; or exactly
        the ``named`` ROME codes, in the order given (words: :func:`~recommender.jobs.resolve_job`).

        ``insee`` places the person (for the campuses near them); ``level`` is their
        EU level (3–8), by default the entry level of the current job.

        Examples
        --------
        >>> moves = JobMoves.from_tables(catalogue.tables, catalogue.campuses)  # doctest: +SKIP
        >>> [t.job.code_rome for t in moves.targets("N1101", insee="02691")][:3]  # doctest: +SKIP
        ['N1103', 'N1106', 'N1105']
        """
        me = self.job(current)
        if level is not None and level not in LEVELS:
            raise ProfileError("level", f"niveau {level} inconnu", allowed=[str(n) for n in LEVELS])
        if k < 1:
            raise ProfileError("k", f"nombre de métiers {k} invalide : au moins 1")
        near = self._campuses_near(insee)
        given = level is not None
        if level is None:
            level = self.entry_levels.get(me.code_rome, (None, False))[0]
        links = self.links.get(me.code_rome, {})
        if named:
            chosen = list(dict.fromkeys(self.job(code, "targets").code_rome for code in named))
            if me.code_rome in chosen:
                raise ProfileError("targets", f"« {me.label} » est déjà votre métier actuel")
            return [
                self._target(me, code, links, near, level, given, named=True) for code in chosen
            ]
        overlap = self.skills.scores(me.code_rome)
        best = np.argsort(-overlap, kind="stable")[: OVERLAP_CANDIDATES * k + 1]
        by_skills = {str(self.skills.job_codes[i]) for i in best}
        codes = set(links) | by_skills
        for campus, _ in near:
            codes |= self.sector_jobs[campus.campus_id]
        codes.discard(me.code_rome)
        ranked = sorted(
            (
                self._target(me, code, links, near, level, given, overlap=code in by_skills)
                for code in codes
            ),
            key=lambda target: (-target.score, target.job.code_rome),
        )
        return _select(ranked, k, [(campus.campus_id, where) for campus, where in near])

    def _campuses_near(self, insee: str | None) -> list[tuple[Campus, str]]:
        """The campuses whose territory holds the commune, and by what: those that name
        its département first, then those that name its région."""
        if insee is None:
            return []
        place = self.places.get(insee.strip())
        if place is None:
            raise ProfileError("place", f"commune « {insee} » inconnue (code INSEE attendu)")
        departement, region = place
        by_departement = [
            (c, "département") for c in self.campuses if departement in c.departements
        ]
        by_region = [
            (c, "région")
            for c in self.campuses
            if region in c.regions and departement not in c.departements
        ]
        return by_departement + by_region

    def _target(
        self,
        me: JobRef,
        code: str,
        links: Mapping[str, int],
        near: Sequence[tuple[Campus, str]],
        level: int | None,
        given: bool,
        *,
        overlap: bool = False,
        named: bool = False,
    ) -> Target:
        job = self.jobs[code]
        gap = self.skills.gap(me.code_rome, code)
        rank = links.get(code)
        link = max(LINK_FLOOR, 1.0 - (rank - 1) * 0.05) if rank is not None else 0.0
        sectors = [(c, where) for c, where in near if code in self.sector_jobs[c.campus_id]]
        entry, estimated = self.entry_levels.get(code, (None, False))
        steps = 0 if entry is None or level is None else max(0, entry - level - 1)
        score = LEVEL_DECAY**steps * (
            SKILLS_WEIGHT * gap.score + LINK_WEIGHT * link + CAMPUS_WEIGHT * bool(sectors)
        )
        reasons = []
        if named:
            reasons.append(Reason("named", "Métier que vous avez choisi", True))
        if rank is not None:
            text = f"Passerelle prévue par le ROME (France Travail) depuis le métier de {me.name}"
            reasons.append(Reason("rome", text, True))
        for campus, where in sectors[:1]:
            text = (
                f"Métier du secteur « {campus.sector} » du {campus.name}, qui couvre votre {where}"
            )
            reasons.append(Reason("campus", text, True))
        reasons.append(Reason("skills", _skills_sentence(me, job, gap), gap.share >= 0.2))
        if entry is not None:
            reasons.append(level_reason(entry, estimated, steps, given))
        flags = {
            "rome": rank is not None,
            "skills": overlap,
            "campus": bool(sectors),
            "named": named,
        }
        return Target(
            job=job,
            gap=gap,
            score=float(score),
            sources=tuple(name for name, on in flags.items() if on),
            mobility_rank=rank,
            campus_ids=tuple(c.campus_id for c, _ in sectors),
            entry_level=entry,
            entry_level_estimated=estimated,
            reasons=tuple(reasons),
        )


def _select(ranked: list[Target], k: int, near: Sequence[tuple[str, str]]) -> list[Target]:
    """The ``k`` best of ``ranked`` (in its order), keeping room for every source.

    A quarter of the places go to the sector jobs of the campuses near the person,
    campus after campus, those that name the person's département (or, when none
    does, those that name the région); a sector job takes one only when the current
    job covers some of its skills (:data:`MIN_SECTOR_SKILLS`). Another quarter goes
    to ROME links; the rest by score.
    """
    quarter = max(1, k // 4)
    chosen: dict[str, Target] = {}

    def take(wanted: int, candidates: list[Target]) -> None:
        fresh = [target for target in candidates if target.code_rome not in chosen]
        chosen.update((t.code_rome, t) for t in fresh[: max(0, min(wanted, k - len(chosen)))])

    closest = [campus_id for campus_id, where in near if where == near[0][1]] if near else []
    sectors = {
        campus_id: [
            t for t in ranked if campus_id in t.campus_ids and t.gap.score >= MIN_SECTOR_SKILLS
        ]
        for campus_id in closest
    }
    for _ in range(quarter):  # one place per campus and round
        for campus_id in closest:
            take(min(1, quarter - len(chosen)), sectors[campus_id])
    linked = [target for target in ranked if target.mobility_rank is not None]
    take(quarter - sum(t.mobility_rank is not None for t in chosen.values()), linked)
    take(k, ranked)
    return [target for target in ranked if target.code_rome in chosen]


def _skills_sentence(me: JobRef, job: JobRef, gap: SkillGap) -> str:
    have = f"Comme {me.name}, vous avez déjà {percent(gap.share)} des compétences d'un {job.name}"
    if not gap.missing:
        return f"{have}."
    shown = " ; ".join(lower_first(label) for label in gap.missing[:SHOWN_MISSING])
    more = "…" if len(gap.missing) > SHOWN_MISSING else ""
    return f"{have}. Il vous manque notamment : {shown}{more}"
