"""Explanations in French, built from the facts that ranked an item.

Every phrase here formats a number or a code that a criterion produced; nothing
is recomputed, so what a person reads is what the model used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

VOIE_PHRASES = {
    "scolaire": "par la voie scolaire (au lycée)",
    "apprentissage": "en apprentissage (contrat avec un employeur)",
    "formation_continue": "en formation continue",
}
OFFER_KIND_PHRASES = {
    "stage": "stage",
    "apprentissage": "contrat d'apprentissage",
    "professionnalisation": "contrat de professionnalisation",
}


@dataclass(frozen=True)
class Reason:
    """One sentence of an explanation, tied to the criterion it comes from."""

    criterion: str
    text: str
    positive: bool


def km(distance: float) -> str:
    """A distance as people say it.

    Examples
    --------
    >>> km(0.4), km(12.3), km(140.0)
    ("moins d'1 km", '12 km', '140 km')
    """
    if distance < 1:
        return "moins d'1 km"
    return f"{round(distance):d} km"


def percent(share: float) -> str:
    """A share in [0, 1] as a French percentage.

    Examples
    --------
    >>> percent(0.724)
    '72 %'
    """
    return f"{round(share * 100):d} %"


def distance_reason(
    distance_km: float,
    in_area: bool,
    radius_km: float,
    origin_label: str,
    area: str,
    approximate: bool,
) -> Reason:
    if math.isnan(distance_km):
        return Reason("distance", "lieu de formation inconnu", False)
    where = f"à {km(distance_km)} de {origin_label}"
    if approximate:
        where += " (centre de la commune)"
    if in_area:
        return Reason("distance", where, True)
    if area == "departement":
        return Reason("distance", f"{where}, hors de votre département", False)
    if area == "region":
        return Reason("distance", f"{where}, hors de votre région", False)
    return Reason("distance", f"{where}, au-delà de votre rayon de {km(radius_km)}", False)


def job_reason(job_label: str, code_rome: str, weight: float) -> Reason:
    return Reason(
        "interest",
        f"prépare au métier de {_lower_first(job_label)} (ROME {code_rome})",
        weight >= 0.5,
    )


def text_reason(certification_label: str, terms: list[str]) -> Reason:
    shown = ", ".join(f"« {term} »" for term in terms[:3])
    return Reason("interest", f"correspond à {shown} : {certification_label}", True)


def no_interest_reason() -> Reason:
    return Reason("interest", "ne correspond pas aux centres d'intérêt indiqués", False)


def level_reason(text: str, score: float, allowed: bool) -> Reason:
    return Reason("level", text, allowed and score >= 0.5)


def voie_reason(voie: str, allowed: bool) -> Reason:
    phrase = VOIE_PHRASES.get(voie, voie)
    if allowed:
        return Reason("voie", phrase, True)
    return Reason("voie", f"{phrase} : voie exclue de votre recherche", False)


def outcome_reasons(
    voie: str,
    employment_12m: float | None,
    employment_6m: float | None,
    continuation: float | None,
    vintage: str | None,
) -> list[Reason]:
    who = "des apprentis" if voie == "apprentissage" else "des élèves"
    source = f" (InserJeunes {vintage})" if vintage else " (InserJeunes)"
    reasons = []
    if employment_12m is not None:
        reasons.append(
            Reason(
                "outcomes", f"{percent(employment_12m)} {who} en emploi 12 mois après{source}", True
            )
        )
    elif employment_6m is not None:
        reasons.append(
            Reason(
                "outcomes", f"{percent(employment_6m)} {who} en emploi 6 mois après{source}", True
            )
        )
    if continuation is not None:
        reasons.append(
            Reason(
                "outcomes", f"{percent(continuation)} {who} poursuivent leurs études{source}", True
            )
        )
    return reasons


def pressure_reason(demand_per_place: float, relative_demand: float) -> Reason | None:
    """Say when a formation is much more (or less) asked for than others of its level."""
    if math.isnan(demand_per_place) or math.isnan(relative_demand):
        return None
    figure = f"{demand_per_place:.1f}".replace(".", ",")
    if relative_demand >= 1.5:
        return Reason(
            "pressure",
            f"forte demande : {figure} vœux par place, plus que la plupart des formations "
            "de ce niveau",
            False,
        )
    if relative_demand <= 0.5:
        return Reason(
            "pressure",
            f"peu demandée : {figure} vœux par place, moins que la plupart des formations "
            "de ce niveau",
            True,
        )
    return None


def campus_reason(campus_name: str, member: bool) -> Reason:
    if member:
        return Reason("campus", f"membre du {campus_name}", True)
    return Reason("campus", f"hors du {campus_name}", False)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
