"""Recommendations and "pourquoi pas ?" over an :class:`~recommender.engine.Engine`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from recommender import explain
from recommender.browse.formations import formation_item, vintage_note
from recommender.browse.offers import offer_item
from recommender.engine import (
    Engine,
    FormationScores,
    OfferScores,
    Recommendations,
    Resolved,
    Suggestion,
)
from recommender.explain import Reason
from recommender.model import CRITERIA
from recommender.profile import Profile
from recommender.ranking import fair_top_k, tiered_top_k
from recommender.session_formations import sessions_summary


def recommend(
    engine: Engine, profile: Profile, *, k: int = 10, offers_k: int = 10
) -> Recommendations:
    """Rank formations and offers for ``profile``, each with its reasons in French.

    Examples
    --------
    See ``tests/test_recommend.py``: a pupil in 3e at Saint-Quentin who likes
    plastics gets the plastics programmes of the Aisne first.
    """
    resolved = engine.resolve(profile)
    scores, notices = engine.score_formations_widening(resolved, k)
    tiers = (scores.sound_in_area, scores.sound, scores.eligible)
    rows = tiered_top_k(scores.scores, tiers, k, engine.diversity_attributes)
    formations = [
        _formation_suggestion(engine, resolved, scores, int(row), rank)
        for rank, row in enumerate(rows, start=1)
    ]
    offers: list[Suggestion] = []
    if offers_k and len(engine.offers):
        scored = engine.score_offers(resolved, scores.distance.radius_km, offers_k)
        everyone = np.ones(len(scored.rows), dtype=bool)
        employers = engine.offers.employers[scored.rows]
        chosen = fair_top_k(scored.scores, everyone, offers_k, employers)
        for rank, candidate in enumerate(chosen, start=1):
            item = engine.offer_rows(int(scored.rows[candidate]))
            distance_km = _km(scored.distance.distances_km[candidate])
            item["distance_km"] = distance_km
            offers.append(
                Suggestion(
                    rank=rank,
                    score=float(scored.scores[candidate]),
                    item=offer_item(item),
                    sub_scores=_sub_scores(scored.sub_scores[candidate]),
                    distance_km=distance_km,
                    reasons=_offer_reasons(resolved, item, scored, int(candidate)),
                )
            )
    return Recommendations(resolved, formations, offers, notices, scores.distance.radius_km)


def _formation_suggestion(
    engine: Engine, resolved: Resolved, scores: FormationScores, row: int, rank: int
) -> Suggestion:
    item = engine.formation_rows(row)
    item["distance_km"] = _km(scores.distance.distances_km[row])
    paired = engine.paired_offers(row) if item["voie"] == "apprentissage" else []
    # Continuing-education formations list their dated sessions, past ones included and
    # marked as such (see Catalogue.formation_sessions).
    sessions = engine.catalogue.formation_sessions(item["formation_id"])
    reasons = formation_reasons(engine, resolved, scores, row, item)
    if (said := sessions_summary(sessions)) is not None:
        reasons.append(Reason("sessions", *said))
    return Suggestion(
        rank=rank,
        score=float(scores.scores[row]),
        item=formation_item(item) | {"sessions": sessions},
        sub_scores=_sub_scores(scores.sub_scores[row]),
        distance_km=_km(scores.distance.distances_km[row]),
        reasons=reasons,
        paired_offers=paired,
    )


def formation_reasons(
    engine: Engine, resolved: Resolved, scores: FormationScores, row: int, item: dict[str, Any]
) -> list[Reason]:
    """Every reason for one formation, from the arrays that scored it."""
    reasons: list[Reason] = []
    cert_row = int(engine.formations.cert_rows[row])
    interest = scores.interest
    if interest.given:
        if interest.job_scores[cert_row] >= interest.text_scores[cert_row] and (
            interest.cert_job[cert_row] >= 0
        ):
            job = int(interest.cert_job[cert_row])
            reasons.append(
                explain.job_reason(
                    str(engine.vocabulary.job_labels[job]),
                    str(engine.vocabulary.job_codes[job]),
                    float(interest.job_scores[cert_row]),
                )
            )
        elif interest.text_scores[cert_row] > 0 and resolved.match is not None:
            terms = [t.matched for t in resolved.match.terms]
            reasons.append(explain.text_reason(item["c_label"], terms))
        if interest.scores[cert_row] < 0.1:
            reasons.append(explain.no_interest_reason())
    step = scores.level
    reasons.append(
        explain.level_reason(step.reason(row), float(step.scores[row]), bool(step.allowed[row]))
    )
    if resolved.origin is not None:
        reasons.append(
            explain.distance_reason(
                float(scores.distance.distances_km[row]),
                bool(scores.distance.in_area[row]),
                scores.distance.radius_km,
                resolved.origin.label,
                resolved.profile.area,
                item["location_precision"] == "commune",
            )
        )
    reasons.append(explain.voie_reason(item["voie"], bool(scores.voie.allowed[row])))
    reasons.extend(
        explain.outcome_reasons(
            item["voie"],
            item["employment_rate_12m"],
            item["employment_rate_6m"],
            item["continuation_rate"],
            item["outcomes_vintage"],
        )
    )
    pressure = explain.pressure_reason(
        float(engine.formations.demand_per_place[row]),
        float(engine.formations.relative_demand[row]),
    )
    if pressure is not None:
        reasons.append(pressure)
    if resolved.campus is not None:
        reasons.append(
            explain.campus_reason(resolved.campus.name, bool(scores.campus.members[row]))
        )
    note = vintage_note(item["vintage"], item["voie"])
    if note is not None:
        reasons.append(Reason("vintage", note, False))
    return reasons


def _offer_reasons(
    resolved: Resolved, item: dict[str, Any], scored: OfferScores, candidate: int
) -> list[Reason]:
    sub_scores = scored.sub_scores[candidate]
    reasons = []
    if resolved.match is not None and resolved.match.jobs:
        interest = float(sub_scores[CRITERIA.index("interest")])
        reasons.append(explain.job_reason(str(item["job"]), str(item["code_rome"]), interest))
    reasons.append(
        Reason(
            "voie",
            explain.OFFER_KIND_PHRASES.get(item["kind"], item["kind"]),
            bool(sub_scores[CRITERIA.index("voie")] > 0),
        )
    )
    if resolved.origin is not None:
        distance = scored.distance
        reasons.append(
            explain.distance_reason(
                float(distance.distances_km[candidate]),
                bool(distance.in_area[candidate]),
                distance.radius_km,
                resolved.origin.label,
                resolved.profile.area,
                False,
            )
        )
    if item["source"] == "synthetic":
        reasons.append(Reason("source", "offre fictive de démonstration", False))
    return reasons


@dataclass(frozen=True)
class WhyNot:
    """Why a given formation ranks where it does, or why it is excluded."""

    formation_id: str
    item: dict[str, Any]
    excluded: bool
    rank: int | None  # rank among eligible formations (1 = first); None when excluded
    eligible_count: int
    score: float
    sub_scores: dict[str, float]
    reasons: list[Reason]  # what holds it back first


def why_not(engine: Engine, profile: Profile, formation_id: str) -> WhyNot:
    """Say why ``formation_id`` ranks low for ``profile``, or why it is excluded."""
    row = engine.formation_row(formation_id)
    resolved = engine.resolve(profile)
    scores = engine.score_formations(resolved, profile.radius_km)
    item = engine.formation_rows(row)
    item["distance_km"] = _km(scores.distance.distances_km[row])
    reasons = formation_reasons(engine, resolved, scores, row, item)
    excluded = not bool(scores.eligible[row])
    if excluded and not any(r.criterion in ("level", "voie") and not r.positive for r in reasons):
        reasons.insert(0, Reason("campus", "hors du campus choisi", False))
    rank = None
    if not excluded:
        # Tiers first, then the score within the tier (see ranking.tiered_top_k).
        tier = _tier(scores)
        better = scores.eligible & (
            (tier < tier[row]) | ((tier == tier[row]) & (scores.scores > scores.scores[row]))
        )
        rank = int(better.sum()) + 1
    # The factors that pull the score down most come first.
    factors = engine.model.factors(scores.sub_scores[row : row + 1])[0]
    weight = {name: factors[i] for i, name in enumerate(CRITERIA)}
    reasons.sort(key=lambda r: (r.positive, weight.get(r.criterion, 1.0)))
    return WhyNot(
        formation_id,
        formation_item(item),
        excluded,
        rank,
        int(scores.eligible.sum()),
        float(scores.scores[row]),
        _sub_scores(scores.sub_scores[row]),
        reasons,
    )


def _tier(scores: FormationScores) -> np.ndarray:
    """0 for the sound items in the area, 1 for the sound ones beyond, 2 for the rest."""
    return np.where(scores.sound_in_area, 0, np.where(scores.sound, 1, 2))


def _sub_scores(row: np.ndarray) -> dict[str, float]:
    return {name: round(float(value), 4) for name, value in zip(CRITERIA, row, strict=True)}


def _km(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 1)
