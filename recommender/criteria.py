"""Per-criterion sub-scores in [0, 1], with the facts behind them.

Each function returns arrays aligned with the items scored (formations or
offers). Explanations are built from these same arrays, never re-derived.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recommender.geo import haversine_km
from recommender.profile import Origin
from recommender.schema import VOIES

# Inside the area the score falls gently with distance (nearer is a bit better);
# beyond it, it decays with a half-radius scale, so 1.5× the radius is already weak.
_INSIDE_SLOPE = 0.3
_OUTSIDE_SCALE = 0.5
_UNKNOWN_PLACE_SCORE = 0.3
# With boarding (internat), a lycée farther away is reachable for a pupil in
# voie scolaire: the area stretches for those rows.
BOARDING_STRETCH = 2.5
# Nominal radius (km) used to grade distances when the area is a département or région.
AREA_RADIUS_KM = {"departement": 60.0, "region": 150.0}


@dataclass(frozen=True)
class DistanceCriterion:
    scores: NDArray[np.float64]
    distances_km: NDArray[np.float64]  # NaN where the item has no coordinates
    in_area: NDArray[np.bool_]
    radius_km: float  # radius used (after any widening)


def distance_criterion(
    origin: Origin | None,
    latitudes: NDArray[np.float64],
    longitudes: NDArray[np.float64],
    *,
    radius_km: float,
    area: str = "rayon",
    departements: NDArray[np.str_] | None = None,
    regions: NDArray[np.str_] | None = None,
    stretch: NDArray[np.float64] | None = None,
) -> DistanceCriterion:
    """Distance against the person's mobility.

    ``area`` is "rayon" (within ``radius_km``), "departement" or "region" (within
    the person's own, graded by a nominal radius). ``stretch`` multiplies the radius
    row by row (boarding).

    Examples
    --------
    >>> import numpy as np
    >>> origin = Origin(49.85, 3.29, "Saint-Quentin")
    >>> c = distance_criterion(origin, np.array([49.85, 49.89]), np.array([3.29, 2.30]),
    ...                        radius_km=30)
    >>> [round(d) for d in c.distances_km], c.in_area.tolist()
    ([0, 71], [True, False])
    """
    n = len(latitudes)
    if origin is None:
        nothing = np.full(n, np.nan)
        return DistanceCriterion(np.ones(n), nothing, np.ones(n, dtype=bool), radius_km)
    distances = haversine_km(origin.latitude, origin.longitude, latitudes, longitudes)
    radius = np.full(n, AREA_RADIUS_KM.get(area, radius_km))
    if stretch is not None:
        radius = radius * stretch
    commune = origin.commune
    if area == "departement" and commune is not None and departements is not None:
        in_area = departements == commune.departement
    elif area == "region" and commune is not None and regions is not None:
        in_area = regions == commune.region
    else:
        in_area = distances <= radius
    ratio = distances / radius
    inside = 1.0 - _INSIDE_SLOPE * np.minimum(ratio, 1.0)
    outside = (1.0 - _INSIDE_SLOPE) * np.exp(-np.maximum(ratio - 1.0, 0.0) / _OUTSIDE_SCALE)
    scores = np.where(in_area, inside, np.minimum(inside, outside))
    scores = np.where(np.isnan(distances), _UNKNOWN_PLACE_SCORE, scores)
    in_area = in_area & ~np.isnan(distances)
    return DistanceCriterion(scores, distances, in_area, float(radius_km))


@dataclass(frozen=True)
class VoieCriterion:
    scores: NDArray[np.float64]
    allowed: NDArray[np.bool_]  # False: a voie the person excluded


def voie_criterion(wanted: tuple[str, ...], voies: NDArray[np.int8]) -> VoieCriterion:
    """Voies the person did not ask for are excluded (a hard constraint they chose).

    Examples
    --------
    >>> import numpy as np
    >>> voie_criterion(("apprentissage",), np.array([0, 1], dtype=np.int8)).allowed.tolist()
    [False, True]
    """
    if not wanted:
        return VoieCriterion(np.ones(len(voies)), np.ones(len(voies), dtype=bool))
    codes = [VOIES.index(v) for v in wanted]
    allowed = np.isin(voies, codes)
    return VoieCriterion(allowed.astype(np.float64), allowed)


@dataclass(frozen=True)
class CampusCriterion:
    scores: NDArray[np.float64]
    members: NDArray[np.bool_]


def campus_criterion(members: NDArray[np.bool_] | None, n: int) -> CampusCriterion:
    """Campus membership when a campus scopes the query (else neutral)."""
    if members is None:
        return CampusCriterion(np.ones(n), np.zeros(n, dtype=bool))
    return CampusCriterion(members.astype(np.float64), members)
