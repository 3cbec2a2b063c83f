"""A whole class through the engine: the top formations of each pupil, with their reasons.

Each valid line of a class file (:mod:`recommender.classroom`) runs through the same
:func:`~recommender.recommend.recommend` as a single profile; a line whose level,
commune or campus the catalogue does not know is reported with its line and the
others still run. The helpers below say each result in French once, for every
output (JSON, CSV, print view, PDF). Nothing is stored: results live for the request.
"""

from __future__ import annotations

from dataclasses import dataclass

from recommender.classroom import ClassList, Pupil, RejectedLine
from recommender.engine import Engine, Recommendations, Suggestion
from recommender.errors import AmbiguousPlace, PlaceNotFound, ProfileError
from recommender.explain import Reason, km
from recommender.recommend import recommend
from recommender.vintages import DataVintages, data_vintages

DEFAULT_SUGGESTIONS = 5
MAX_SUGGESTIONS = 10
JOBS_SHOWN = 5
# The engine's field names as the class file's columns call them.
COLUMNS = {
    "level": "niveau",
    "place": "commune",
    "latitude": "commune",
    "longitude": "commune",
    "radius_km": "rayon_km",
    "voies": "voies",
    "campus": "campus",
    "interests": "centres_interet",
}
VOIE_LABELS = {
    "scolaire": "scolaire",
    "apprentissage": "apprentissage",
    "formation_continue": "formation continue",
}
LEVEL_LABELS = {
    3: "niveau 3 (CAP)",
    4: "niveau 4 (Bac)",
    5: "niveau 5 (Bac+2)",
    6: "niveau 6 (Bac+3)",
    7: "niveau 7 (Bac+5)",
    8: "niveau 8 (doctorat)",
}


@dataclass(frozen=True)
class PupilResult:
    """One pupil's suggestions, as the engine ranked and explained them."""

    pupil: Pupil
    recommendations: Recommendations
    understood: list[tuple[str, str]]  # what the engine understood, to check by eye

    @property
    def formations(self) -> list[Suggestion]:
        return self.recommendations.formations


@dataclass(frozen=True)
class ClassResults:
    """Every pupil's suggestions, every line left out, and the data's vintages."""

    file: str
    k: int
    lines: int
    pupils: list[PupilResult]
    rejected: list[RejectedLine]
    vintages: DataVintages


def recommend_class(
    engine: Engine, class_list: ClassList, *, k: int = DEFAULT_SUGGESTIONS
) -> ClassResults:
    """Run each pupil of ``class_list``; a pupil the catalogue cannot place is left out.

    Examples
    --------
    >>> pupils = read_class(open("docs/exemple_classe.csv", "rb").read())  # doctest: +SKIP
    >>> results = recommend_class(engine, pupils, k=5)  # doctest: +SKIP
    >>> results.pupils[0].formations[0].item["label"]  # doctest: +SKIP
    'Bac pro plastiques et composites'
    """
    done: list[PupilResult] = []
    rejected = list(class_list.rejected)
    for pupil in class_list.pupils:
        try:
            result = recommend(engine, pupil.profile, k=k, offers_k=0)
        except (ProfileError, PlaceNotFound, AmbiguousPlace) as error:
            rejected.append(_rejected(pupil, error))
            continue
        done.append(PupilResult(pupil, result, _understood(result, engine.job_labels)))
    rejected.sort(key=lambda r: r.line or 0)
    return ClassResults(
        class_list.file, k, class_list.lines, done, rejected, data_vintages(engine.catalogue)
    )


def _rejected(pupil: Pupil, error: ProfileError | PlaceNotFound | AmbiguousPlace) -> RejectedLine:
    if isinstance(error, ProfileError):
        return RejectedLine(pupil.line, pupil.name, COLUMNS.get(error.field), error.reason)
    return RejectedLine(pupil.line, pupil.name, "commune", str(error))


# -- saying a result in French, once for every output --------------------------------


def _understood(result: Recommendations, job_labels: dict[str, str]) -> list[tuple[str, str]]:
    """What the engine understood of a pupil, as (label, text) pairs to check by eye.

    E.g. ``[("Niveau", "en 3e"), ("Commune", "Saint-Quentin (02), à 30 km au plus"),
    ("Centres d'intérêt", "plasturgie"), ("Métiers compris", "Plasturgiste (H3201)")]``.
    """
    resolved = result.resolved
    pairs = [("Niveau", resolved.standing.label)]
    origin = resolved.origin
    if origin is not None:
        where = origin.label
        if origin.commune is not None:
            where += f" ({origin.commune.departement})"
        pairs.append(("Commune", f"{where}, à {result.radius_km:g} km au plus"))
    pairs.append(("Centres d'intérêt", ", ".join(resolved.profile.interests)))
    match = resolved.match
    if match is not None and match.jobs:
        best = list(match.jobs)[:JOBS_SHOWN]  # best first
        pairs.append(("Métiers compris", ", ".join(f"{job_labels.get(c, c)} ({c})" for c in best)))
    if match is not None and match.unresolved:
        pairs.append(("Mots non reconnus", ", ".join(match.unresolved)))
    if resolved.profile.voies:
        pairs.append(("Voies", ", ".join(VOIE_LABELS[v] for v in resolved.profile.voies)))
    if resolved.profile.boarding:
        pairs.append(("Internat", "envisageable"))
    if resolved.campus is not None:
        pairs.append(("Campus", resolved.campus.name))
    return pairs


def notices(result: PupilResult) -> list[str]:
    """What the engine did that the pupil should know (radius widened…)."""
    return [notice.message for notice in result.recommendations.notices]


@dataclass(frozen=True)
class SuggestionText:
    """One suggested formation said in words: what, where, how, and why."""

    rank: int
    formation: str
    establishment: str
    commune: str
    distance_km: float | None
    distance: str
    voie: str
    level: str
    reasons: list[Reason]


def suggestion_text(suggestion: Suggestion) -> SuggestionText:
    """The words of one suggested formation, from the item the engine returned."""
    item = suggestion.item
    establishment = item["establishment"]
    commune = item.get("commune_name") or establishment.get("commune_name") or ""
    if commune and item.get("departement"):
        commune += f" ({item['departement']})"
    distance_km = suggestion.distance_km
    return SuggestionText(
        rank=suggestion.rank,
        formation=str(item["label"]),
        establishment=str(establishment.get("name") or item["uai"]),
        commune=commune,
        distance_km=distance_km,
        distance="" if distance_km is None else km(distance_km),
        voie=VOIE_LABELS.get(item["voie"], item["voie"]),
        level=LEVEL_LABELS.get(item["level"] or 0, "niveau inconnu"),
        reasons=list(suggestion.reasons),
    )
