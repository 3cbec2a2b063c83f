"""The recommendation engine: profile → scored, ranked, explained formations and offers.

Data flows forward: resolve the profile, score every item on every criterion
(arrays), combine with the model, apply the hard constraints, rank (diversity for
formations, fair exposure for offers), pair apprenticeship formations with nearby
offers, and explain each suggestion from the numbers that ranked it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recommender.browse import BrowseIndex
from recommender.campuses import Campus
from recommender.catalogue import Catalogue
from recommender.criteria import (
    BOARDING_STRETCH,
    CampusCriterion,
    DistanceCriterion,
    VoieCriterion,
    campus_criterion,
    distance_criterion,
    voie_criterion,
)
from recommender.errors import NotFound, ProfileError
from recommender.geo import Places, haversine_km
from recommender.index import FormationIndex, OfferIndex
from recommender.interest import (
    InterestCriterion,
    certification_codes_matrix,
    certification_interest,
    offer_interest,
)
from recommender.levels import BELOW_SCORE, LevelPairs, Standing, StepResult, parse_level
from recommender.model import CRITERIA, MatchingModel
from recommender.profile import MAX_RADIUS_KM, Notice, Origin, Profile
from recommender.schema import VOIES
from recommender.vocabulary import InterestMatch, Vocabulary

# A formation counts as a real option for the radius check when it matches the
# interests at least this well.
RELEVANT_INTEREST = 0.3
WIDENING_STEPS = 3  # the radius doubles at most this many times
PAIRING_RADIUS_KM = 30.0
PAIRED_OFFERS = 3
OFFER_KINDS_BY_VOIE = {
    "scolaire": ("stage",),
    "apprentissage": ("apprentissage", "professionnalisation"),
    "formation_continue": ("professionnalisation", "stage"),
}


@dataclass(frozen=True)
class Resolved:
    """A profile resolved into what the criteria use."""

    profile: Profile
    standing: Standing
    match: InterestMatch | None
    origin: Origin | None
    campus: Campus | None

    @property
    def retraining(self) -> bool:
        """An adult: a diploma of their level or below is a route to a new trade."""
        return self.profile.audience == "adulte"


@dataclass(frozen=True)
class FormationScores:
    """Every criterion over every formation, the combined score and the hard mask."""

    sub_scores: NDArray[np.float64]  # (n formations, len(CRITERIA))
    scores: NDArray[np.float64]
    eligible: NDArray[np.bool_]
    # Ranked first: eligible, on the person's interests and a step up ("sound"), in the
    # area; then the sound ones beyond it; then the rest.
    sound: NDArray[np.bool_]
    sound_in_area: NDArray[np.bool_]
    interest: InterestCriterion
    level: StepResult
    distance: DistanceCriterion
    voie: VoieCriterion
    campus: CampusCriterion


@dataclass(frozen=True)
class _FormationColumns:
    """The criteria of one request that do not depend on the radius."""

    interest: InterestCriterion
    level: StepResult
    voie: VoieCriterion
    campus: CampusCriterion
    eligible: NDArray[np.bool_]
    sound: NDArray[np.bool_]
    stretch: NDArray[np.float64] | None  # radius multiplier per formation (boarding)


@dataclass(frozen=True)
class OfferScores:
    """The candidate offers of one request (rows of the offers table) and their scores."""

    rows: NDArray[np.intp]
    scores: NDArray[np.float64]
    sub_scores: NDArray[np.float64]  # (len(rows), len(CRITERIA))
    distance: DistanceCriterion  # aligned with rows


@dataclass(frozen=True)
class Suggestion:
    """One ranked item with its public identifiers, sub-scores and reasons."""

    rank: int
    score: float
    item: dict[str, Any]
    sub_scores: dict[str, float]
    distance_km: float | None
    reasons: list[Any]
    paired_offers: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Recommendations:
    resolved: Resolved
    formations: list[Suggestion]
    offers: list[Suggestion]
    notices: list[Notice]
    radius_km: float


class Engine:
    """Everything a request needs, built once from a loaded catalogue."""

    def __init__(
        self,
        catalogue: Catalogue,
        model: MatchingModel,
        *,
        places: Places | None = None,
        browse: BrowseIndex | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.model = model
        self.places = places or Places.from_frame(catalogue.tables["communes"])
        self.browse = browse or BrowseIndex(catalogue)
        self.vocabulary = Vocabulary.from_tables(catalogue.tables)
        jobs = catalogue.tables["jobs"]
        self.job_labels = dict(zip(jobs["code_rome"], jobs["label"], strict=True))
        self.formations = FormationIndex.build(catalogue, self.browse)
        self.offers = OfferIndex.build(self.browse)
        self.campuses = {campus.campus_id: campus for campus in catalogue.campuses}
        # Each certification's ROME codes as job indices (rows of the certifications table).
        self.cert_codes = certification_codes_matrix(
            self.vocabulary, catalogue.tables["certifications"]["rome_codes"]
        )
        self.cert_codes.flags.writeable = False
        certifications = catalogue.tables["certifications"].set_index("cert_id")
        self._cert_types = certifications["type"]
        self._cert_rome = certifications["rome_codes"].fillna("").str.split()
        self._formation_rows = {
            formation_id: row
            for row, formation_id in enumerate(self.formations.frame["formation_id"])
        }
        # Per-row values as plain Python objects, so a suggestion reads its row directly
        # instead of going through pandas on every request.
        self.formation_rows = _row_reader(self.formations.frame)
        self.offer_rows = _row_reader(self.offers.frame)
        offer_types = (
            self._cert_types.reindex(self.offers.cert_ids).fillna("").to_numpy(dtype=object)
        )
        self._offer_level_pairs = LevelPairs.of(offer_types, self.offers.levels)
        self._offers_by_job = _rows_by(self.offers.rome_codes)
        self._offers_by_cert = _rows_by(self.offers.cert_ids)
        self.diversity_attributes = {
            "certification": pd.factorize(self.formations.frame["cert_id"])[0],
            "establishment": pd.factorize(self.formations.frame["uai"])[0],
            "voie": self.formations.voies.astype(np.int64),
            "level": np.nan_to_num(self.formations.levels, nan=0).astype(np.int64),
        }

    # -- resolving --------------------------------------------------------------------

    def resolve(self, profile: Profile) -> Resolved:
        """Level, interests, place and campus of ``profile`` as codes and coordinates."""
        standing = parse_level(profile.level)
        unknown_voies = [v for v in profile.voies if v not in VOIES]
        if unknown_voies:
            raise ProfileError(
                "voies", f"voie inconnue « {unknown_voies[0]} »", allowed=list(VOIES)
            )
        text = " ; ".join(i.strip() for i in profile.interests if i.strip())
        match = self.vocabulary.match(text) if text else None
        campus = None
        if profile.campus is not None:
            campus = self.campuses.get(profile.campus)
            if campus is None:
                raise ProfileError(
                    "campus", f"campus « {profile.campus} » inconnu", allowed=list(self.campuses)
                )
        return Resolved(profile, standing, match, self._origin(profile), campus)

    def _origin(self, profile: Profile) -> Origin | None:
        if profile.latitude is not None and profile.longitude is not None:
            return Origin(profile.latitude, profile.longitude, "votre position")
        if not profile.place:
            if profile.area != "rayon":
                scope = "département" if profile.area == "departement" else "région"
                raise ProfileError("place", f"indiquez une commune pour chercher dans son {scope}")
            return None
        commune = self.places.resolve(profile.place).commune
        if commune.latitude is None or commune.longitude is None:
            raise ProfileError(
                "place",
                f"la position de {commune.name} est inconnue ; indiquez une commune voisine",
            )
        return Origin(commune.latitude, commune.longitude, commune.name, commune)

    # -- scoring ----------------------------------------------------------------------

    def score_formations(self, resolved: Resolved, radius_km: float) -> FormationScores:
        """Every criterion over every formation, within ``radius_km`` of the origin."""
        return self._formation_scores(resolved, self._formation_columns(resolved), radius_km)

    def _formation_columns(self, resolved: Resolved) -> _FormationColumns:
        """The criteria that do not depend on the radius, computed once per request."""
        index = self.formations
        profile = resolved.profile
        members = index.campus_members.get(resolved.campus.campus_id) if resolved.campus else None
        level = index.level_pairs.judge(resolved.standing, retraining=resolved.retraining)
        voie = voie_criterion(profile.voies, index.voies)
        eligible = level.allowed & voie.allowed
        if profile.campus_only and members is not None:
            eligible = eligible & members
        stretch = None
        if profile.boarding:
            stretch = np.where(index.voies == VOIES.index("scolaire"), BOARDING_STRETCH, 1.0)
        interest = certification_interest(self.vocabulary, resolved.match, self.cert_codes)
        sound = eligible & (level.scores > BELOW_SCORE)
        if resolved.match is not None:
            sound = sound & (interest.scores[index.cert_rows] >= RELEVANT_INTEREST)
        return _FormationColumns(
            interest,
            level,
            voie,
            campus_criterion(members, len(index)),
            eligible,
            sound,
            stretch,
        )

    def _formation_scores(
        self, resolved: Resolved, columns: _FormationColumns, radius_km: float
    ) -> FormationScores:
        index = self.formations
        profile = resolved.profile
        distance = distance_criterion(
            resolved.origin,
            index.latitudes,
            index.longitudes,
            radius_km=radius_km,
            area=profile.area,
            departements=index.departements,
            regions=index.regions,
            stretch=columns.stretch,
        )
        by_name = {
            "interest": columns.interest.scores[index.cert_rows],
            "level": columns.level.scores,
            "distance": distance.scores,
            "voie": columns.voie.scores,
            "outcomes": index.outcome_scores,
            "pressure": index.pressure_scores,
            "campus": columns.campus.scores,
        }
        sub_scores = np.column_stack([by_name[name] for name in CRITERIA])
        return FormationScores(
            sub_scores,
            self.model.predict(sub_scores),
            columns.eligible,
            columns.sound,
            distance.in_area & columns.sound,
            columns.interest,
            columns.level,
            distance,
            columns.voie,
            columns.campus,
        )

    def score_formations_widening(
        self, resolved: Resolved, k: int
    ) -> tuple[FormationScores, list[Notice]]:
        """Score; when too few relevant formations are in reach, widen the radius.

        Only the distance changes with the radius: the other criteria are computed once.
        """
        profile = resolved.profile
        radius = profile.radius_km
        columns = self._formation_columns(resolved)
        scores = self._formation_scores(resolved, columns, radius)
        if resolved.origin is None or profile.area != "rayon":
            return scores, []
        for _ in range(WIDENING_STEPS):
            in_reach = int(scores.sound_in_area.sum())
            if in_reach >= k or radius >= MAX_RADIUS_KM:
                break
            radius = min(radius * 2, MAX_RADIUS_KM)
            scores = self._formation_scores(resolved, columns, radius)
        if radius == profile.radius_km:
            return scores, []
        notice = Notice(
            "radius_widened",
            f"Peu de formations correspondent à moins de {profile.radius_km:g} km de "
            f"{resolved.origin.label} : la recherche a été élargie à {radius:g} km.",
            {"from_km": profile.radius_km, "to_km": radius},
        )
        return scores, [notice]

    def score_offers(self, resolved: Resolved, radius_km: float, k: int) -> OfferScores:
        """Offers on the same criteria (outcomes, pressure and campus are neutral).

        Only the eligible offers inside the area are scored, or every eligible offer
        when fewer than ``k`` are inside: a far offer cannot outrank a near one of
        the same standing, and scoring 100,000 offers costs more than the rest.
        """
        index = self.offers
        profile = resolved.profile
        level = self._offer_level_pairs.judge(resolved.standing, retraining=resolved.retraining)
        no_cert = index.without_certification
        kinds_wanted = {
            kind for voie in (profile.voies or VOIES) for kind in OFFER_KINDS_BY_VOIE[voie]
        }
        kind_ok = np.isin(index.kinds, list(kinds_wanted))
        eligible = (no_cert | level.allowed) & kind_ok
        distance = distance_criterion(
            resolved.origin,
            index.latitudes,
            index.longitudes,
            radius_km=radius_km,
            area=profile.area,
        )
        rows = np.flatnonzero(eligible & distance.in_area)
        if len(rows) < k:
            rows = np.flatnonzero(eligible)
        interest = offer_interest(
            self.vocabulary, resolved.match, index.job_codes, index.job_positions[rows]
        )
        neutral = np.ones(len(rows))
        by_name = {
            "interest": interest,
            "level": np.where(no_cert[rows], 1.0, level.scores[rows]),
            "distance": distance.scores[rows],
            "voie": neutral,  # offers of unwanted kinds are not candidates
            "outcomes": neutral,
            "pressure": neutral,
            "campus": neutral,
        }
        sub_scores = np.column_stack([by_name[name] for name in CRITERIA])
        near = DistanceCriterion(
            distance.scores[rows],
            distance.distances_km[rows],
            distance.in_area[rows],
            distance.radius_km,
        )
        return OfferScores(rows, self.model.predict(sub_scores), sub_scores, near)

    # -- pairing ----------------------------------------------------------------------

    def paired_offers(self, row: int) -> list[dict[str, Any]]:
        """Apprenticeship offers near an apprenticeship formation, for the same jobs."""
        frame = self.formations.frame
        cert_id = str(frame.at[row, "cert_id"])
        rows = self.offers_for(self._cert_rome.get(cert_id, []), [cert_id])
        if not len(rows):
            return []
        rows = rows[np.isin(self.offers.kinds[rows], ("apprentissage", "professionnalisation"))]
        lat, lon = self.formations.latitudes[row], self.formations.longitudes[row]
        if np.isnan(lat) or len(rows) == 0:
            return []
        distances = haversine_km(
            lat, lon, self.offers.latitudes[rows], self.offers.longitudes[rows]
        )
        near = distances <= PAIRING_RADIUS_KM
        order = np.argsort(distances[near], kind="stable")[:PAIRED_OFFERS]
        chosen = rows[near][order]
        paired = []
        for row_, km in zip(chosen, distances[near][order], strict=True):
            offer = self.offer_rows(int(row_))
            paired.append(
                {
                    "offer_id": offer["offer_id"],
                    "title": offer["title"],
                    "employer_name": offer["employer_name"],
                    "kind": offer["kind"],
                    "insee": offer["insee"],
                    "place_name": offer["commune_name"],
                    "distance_from_formation_km": round(float(km), 1),
                    "synthetic": offer["source"] == "synthetic",
                }
            )
        return paired

    def offers_for(self, rome_codes: Iterable[str], cert_ids: Iterable[str]) -> NDArray[np.int64]:
        """Rows of the offers for any of ``rome_codes`` or preparing any of ``cert_ids``."""
        found = [self._offers_by_job.get(code) for code in rome_codes]
        found += [self._offers_by_cert.get(cert_id) for cert_id in cert_ids]
        parts = [rows for rows in found if rows is not None]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

    def formation_row(self, formation_id: str) -> int:
        row = self._formation_rows.get(formation_id)
        if row is None:
            raise NotFound("formation", formation_id)
        return row


class RowReader:
    """Rows of a frame as dictionaries of plain values (None for missing), read by position."""

    def __init__(self, columns: dict[str, NDArray[np.object_]]) -> None:
        self.columns = columns

    def __call__(self, row: int) -> dict[str, Any]:
        return {name: values[row] for name, values in self.columns.items()}


def _row_reader(frame: pd.DataFrame) -> RowReader:
    columns = {}
    for name in frame.columns:
        values = frame[name].astype(object).to_numpy(copy=True)
        values[frame[name].isna().to_numpy()] = None
        columns[str(name)] = np.array(
            [v.item() if isinstance(v, np.generic) else v for v in values], dtype=object
        )
    return RowReader(columns)


def _rows_by(codes: NDArray[np.str_]) -> dict[str, NDArray[np.int64]]:
    """Rows of each code, for quick lookups (empty codes left out)."""
    if len(codes) == 0:
        return {}
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    return {
        str(sorted_codes[s]): order[s:e]
        for s, e in zip(starts, ends, strict=True)
        if sorted_codes[s]
    }
