"""Adults in retraining: from the job they have to target jobs, and the routes there.

For an adult's current job (:class:`AdultProfile`), :class:`~recommender.mobility.JobMoves`
proposes target jobs with the skills held and missing; for each target, this module
lays the routes side by side (:mod:`recommender.route_kinds`):

- **VAE** (validation des acquis de l'expérience), when the experience covers the
  field of a certification that prepares the target;
- **training** in continuing education, by certification and its blocs de
  compétences, at the places that deliver it near the person, flagged by what the
  data proves (an imported session, an adult-education body, or merely a
  certification open to continuing education);
- a **contract** (professionnalisation, apprenticeship while under 30) with the
  nearby offers and the CFAs that prepare it.

Nothing about the person is stored: the profile lives for the request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recommender.engine import Engine
from recommender.errors import ProfileError
from recommender.interest import certification_fit
from recommender.jobs import JobRef, resolve_job, resolve_job_choices
from recommender.levels import Standing, parse_level
from recommender.mobility import JobMoves, Target
from recommender.profile import MAX_RADIUS_KM, MIN_RADIUS_KM, Notice, Origin
from recommender.route_kinds import (
    APPRENTICESHIP_MAX_AGE,
    CLOSE_JOBS,
    Place,
    Route,
    RouteContext,
    contract_route,
    sentence_case,
    training_route,
    vae_route,
)

Status = Literal["demandeur_emploi", "salarie", "autre"]
STATUSES: tuple[Status, ...] = ("demandeur_emploi", "salarie", "autre")
CERTIFICATIONS_PER_TARGET = 3  # below this many direct ones, close jobs add theirs
MAX_CERTIFICATIONS = 200
STEP_DOWN = 0.6  # a certification below the diploma held still counts, after the others


@dataclass(frozen=True)
class AdultProfile:
    """An adult's request, as given (validated here, like :class:`~recommender.profile.Profile`).

    ``current_job`` is a title, free words or a ROME code; ``diploma`` the highest
    diploma in everyday words ("CAP", "bac pro", "BTS", "sans diplôme");
    ``targets`` optional target jobs the person names (titles or ROME codes).
    """

    current_job: str
    place: str
    years_experience: float = 0.0
    diploma: str = "sans diplôme"
    age: int | None = None
    status: Status = "autre"
    radius_km: float = 30.0
    part_time: bool = False
    evenings: bool = False
    distance_learning: bool = False
    targets: tuple[str, ...] = ()
    k: int = 5

    def __post_init__(self) -> None:
        if not 0 <= self.years_experience <= 50:
            raise ProfileError("years_experience", "années d'expérience entre 0 et 50")
        if self.age is not None and not 16 <= self.age <= 75:
            raise ProfileError("age", "âge entre 16 et 75 ans")
        if self.status not in STATUSES:
            raise ProfileError(
                "status", f"statut « {self.status} » inconnu", allowed=list(STATUSES)
            )
        if not MIN_RADIUS_KM <= self.radius_km <= MAX_RADIUS_KM:
            raise ProfileError(
                "radius_km", f"rayon entre {MIN_RADIUS_KM:g} et {MAX_RADIUS_KM:g} km"
            )
        if not 1 <= self.k <= 10:
            raise ProfileError("k", "entre 1 et 10 métiers visés")


@dataclass(frozen=True)
class TargetRoutes:
    """One target job and the routes to it, side by side (VAE, training, contract)."""

    target: Target
    routes: tuple[Route, ...]


@dataclass(frozen=True)
class Reconversion:
    current: JobRef
    standing: Standing
    origin: Origin
    radius_km: float
    targets: list[TargetRoutes]
    notices: list[Notice] = field(default_factory=list)
    # Other jobs the current job's title may mean ("technicien de laboratoire").
    current_alternatives: list[JobRef] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (the API's body, the CLI's ``--json``)."""
        return {
            "current_job": asdict(self.current),
            "current_job_alternatives": [asdict(job) for job in self.current_alternatives],
            "diploma": self.standing.label,
            "place": self.origin.label,
            "radius_km": self.radius_km,
            "notices": [asdict(notice) for notice in self.notices],
            "targets": [
                {
                    "job": asdict(item.target.job),
                    "skills": asdict(item.target.gap),
                    "score": round(item.target.score, 4),
                    "sources": list(item.target.sources),
                    "entry_level": item.target.entry_level,
                    "reasons": [asdict(reason) for reason in item.target.reasons],
                    "routes": [asdict(route) for route in item.routes],
                }
                for item in self.targets
            ],
        }


class RetrainingAdvisor:
    """Targets and routes over one engine (its catalogue, vocabulary and offers)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def warm(self) -> RetrainingAdvisor:
        """Build the job moves and indexes now (about 2 s) rather than on the first request."""
        _ = self.moves, self._formations_by_cert, self._certs_by_job, self._blocs_by_rncp
        return self

    @cached_property
    def moves(self) -> JobMoves:
        catalogue = self.engine.catalogue
        return JobMoves.from_tables(catalogue.tables, catalogue.campuses)

    @cached_property
    def _certifications(self) -> pd.DataFrame:
        certifications = self.engine.catalogue.tables["certifications"].reset_index(drop=True)
        certifications.attrs = {}  # the parquet schema, deep-copied by every slice otherwise
        return certifications.assign(codes=certifications["rome_codes"].fillna("").str.split())

    @cached_property
    def _blocs_by_rncp(self) -> dict[str, tuple[str, ...]]:
        """Each RNCP certification's blocs de compétences, in order, as sentences."""
        blocs = self.engine.catalogue.tables["cert_blocs"].sort_values("bloc_code")
        return {
            str(rncp): tuple(sentence_case(str(label)) for label in labels)
            for rncp, labels in blocs.groupby("rncp", sort=False)["label"]
        }

    @cached_property
    def _formations_by_cert(self) -> dict[str, NDArray[np.int64]]:
        cert_ids = self.engine.formations.frame["cert_id"].astype(str)
        return {
            str(cert_id): np.asarray(rows, dtype=np.int64)
            for cert_id, rows in cert_ids.groupby(cert_ids).indices.items()
        }

    @cached_property
    def _certs_by_job(self) -> dict[str, list[int]]:
        """Rows of the active certifications listing each ROME code, and of those that
        imported sessions prepare under the codes their feed gives (a session may prepare
        a certification the referentials retired or list without codes)."""
        by_job: dict[str, list[int]] = {}
        certifications = self._certifications
        active = certifications["active"].fillna(False).astype(bool).to_numpy()
        for row, codes in enumerate(certifications["codes"]):
            if active[row]:
                for code in codes:
                    by_job.setdefault(code, []).append(row)
        row_of = {str(cert_id): row for row, cert_id in enumerate(certifications["cert_id"])}
        sessions = self.engine.catalogue.sessions
        for cert_id, codes in zip(sessions["cert_id"], sessions["rome_codes"], strict=True):
            found = row_of.get(str(cert_id))
            if found is None:
                continue
            for code in str(codes or "").split():
                if found not in by_job.setdefault(code, []):
                    by_job[code].append(found)
        return by_job

    def advise(self, profile: AdultProfile) -> Reconversion:
        """Target jobs for ``profile`` and, for each, the routes compared side by side."""
        engine = self.engine
        current, others = resolve_job_choices(engine.vocabulary, profile.current_job)
        try:
            standing = parse_level(profile.diploma)
        except ProfileError as error:
            raise ProfileError("diploma", error.reason, allowed=error.allowed) from error
        commune = engine.places.resolve(profile.place).commune
        if commune.latitude is None or commune.longitude is None:
            raise ProfileError("place", f"la position de {commune.name} est inconnue")
        origin = Origin(commune.latitude, commune.longitude, commune.name, commune)
        named = [self._named(text) for text in profile.targets]
        level = standing.held_level or None
        targets = self.moves.targets(
            current.code_rome, insee=commune.insee, level=level, k=profile.k, named=named
        )
        context = RouteContext(
            engine,
            profile,
            current,
            standing,
            origin,
            self.moves,
            self._formations_by_cert,
            self._blocs_by_rncp,
        )
        notices = _notices(profile, current, others)
        chosen = []
        for target in targets:
            preparing = self._preparing(target, standing)
            routes = (
                vae_route(context, target, preparing),
                training_route(context, target, preparing),
                contract_route(context, target, preparing),
            )
            chosen.append(TargetRoutes(target, routes))
        return Reconversion(current, standing, origin, profile.radius_km, chosen, notices, others)

    def _named(self, text: str) -> str:
        code = text.strip().upper()
        if code in self.moves.jobs:
            return code
        try:
            return resolve_job(self.engine.vocabulary, text).code_rome
        except ProfileError as error:
            raise ProfileError("targets", error.reason) from error

    def _preparing(self, target: Target, standing: Standing) -> pd.DataFrame:
        """The active certifications that prepare ``target``, best first, with ``via``:
        the target's code, or a close job's when none lists the target itself (two
        thirds of ROME 4.0 codes are on no certification yet), and ``fit``.

        Those listing the target come first; then by ``fit``
        (:func:`~recommender.interest.certification_fit`: a certification whose codes
        agree with the target prepares it more surely than one listing it among twenty
        trades) times the level's reach: levels far above the person's count less, and
        a diploma below the one held (a step down) a little less.
        """
        code = target.code_rome
        via = {row: code for row in self._certs_by_job.get(code, [])}
        if len(via) < CERTIFICATIONS_PER_TARGET:
            for neighbour in self._neighbours(code):
                for row in self._certs_by_job.get(neighbour, []):
                    via.setdefault(row, neighbour)
        rows = list(via)
        fit = certification_fit(self.engine.vocabulary, code, self.engine.cert_codes)[rows]
        found = self._certifications.iloc[rows].assign(via=list(via.values()), fit=fit)
        if found.empty:
            return found
        held = standing.held_level or 3
        levels = found["level"].astype("float").fillna(held).to_numpy()
        reach = np.where(
            levels < held,
            STEP_DOWN,
            np.where(levels <= held + 1, 1.0, 0.5 ** (levels - held - 1)),
        )
        direct = (found["via"] == code).to_numpy()
        order = np.lexsort((-(fit * reach), ~direct))
        return found.iloc[order[:MAX_CERTIFICATIONS]]

    def _neighbours(self, code: str) -> list[str]:
        """Jobs close to ``code`` (same domaine and shared skills), closest first."""
        codes = self.engine.vocabulary.job_codes
        closeness = self.engine.vocabulary.job_proximity(list(codes), [code])[:, 0]
        order = np.argsort(-closeness, kind="stable")
        return [str(codes[i]) for i in order if closeness[i] >= CLOSE_JOBS and codes[i] != code]


def _notices(profile: AdultProfile, current: JobRef, others: list[JobRef]) -> list[Notice]:
    notices = []
    if others:
        listed = ", ".join(f"{job.name} ({job.code_rome})" for job in others)
        notices.append(
            Notice(
                "current_job_ambiguous",
                f"« {profile.current_job.strip()} » peut désigner plusieurs métiers : nous "
                f"avons retenu {current.name} ({current.code_rome}). Si votre métier est "
                f"plutôt l'un de ceux-ci, choisissez-le : {listed}.",
                {"chosen": current.code_rome, "alternatives": [job.code_rome for job in others]},
            )
        )
    if profile.age is not None and profile.age > APPRENTICESHIP_MAX_AGE:
        notices.append(
            Notice(
                "apprenticeship_closed",
                f"À {profile.age} ans, l'apprentissage n'est plus ouvert (jusqu'à "
                f"{APPRENTICESHIP_MAX_AGE} ans révolus, sauf travailleur handicapé, projet de "
                "création ou de reprise d'entreprise, sportif de haut niveau) : le contrat de "
                "professionnalisation reste possible.",
                {"age": profile.age, "max_age": APPRENTICESHIP_MAX_AGE},
            )
        )
    return notices


__all__ = [
    "AdultProfile",
    "Place",
    "Reconversion",
    "RetrainingAdvisor",
    "Route",
    "TargetRoutes",
]
