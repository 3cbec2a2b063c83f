"""Ranking: top-k candidates by score, then re-ranking for diversity or fair exposure.

Pure functions over arrays aligned with the scored items; identifiers are
attached by the caller at the very end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

# How much each repetition of an attribute already shown costs, multiplicatively:
# a second row of the same certification is worth half; the same establishment
# again costs less; voie and level only nudge (they compound with each repetition).
DIVERSITY_PENALTIES: Mapping[str, float] = {
    "certification": 0.5,
    "establishment": 0.8,
    "voie": 0.98,
    "level": 0.98,
}
CANDIDATE_POOL = 10  # candidates examined per result slot


def top_candidates(
    scores: NDArray[np.float64], eligible: NDArray[np.bool_], n: int
) -> NDArray[np.int64]:
    """Indices of the ``n`` best eligible items, best first.

    Examples
    --------
    >>> import numpy as np
    >>> top_candidates(np.array([0.2, 0.9, 0.5, 0.7]), np.array([True, False, True, True]), 2)
    array([3, 2])
    """
    candidates = np.flatnonzero(eligible)
    if len(candidates) > n:
        part = np.argpartition(-scores[candidates], n - 1)[:n]
        candidates = candidates[part]
    order = np.lexsort((candidates, -scores[candidates]))  # ties: stable by row
    return candidates[order]


def diverse_top_k(
    scores: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    k: int,
    attributes: Mapping[str, NDArray[np.int64]],
    penalties: Mapping[str, float] = DIVERSITY_PENALTIES,
) -> NDArray[np.int64]:
    """Greedy re-ranking: at each step take the best score after repetition penalties.

    ``attributes`` maps a name of :data:`DIVERSITY_PENALTIES` to an integer code per
    item (certification id, establishment, voie, level).

    Examples
    --------
    >>> import numpy as np
    >>> scores = np.array([0.9, 0.89, 0.6])
    >>> same_cert = {"certification": np.array([1, 1, 2])}
    >>> diverse_top_k(scores, np.ones(3, dtype=bool), 2, same_cert).tolist()
    [0, 2]
    """
    pool = top_candidates(scores, eligible, max(k * CANDIDATE_POOL, k))
    chosen: list[int] = []
    seen: dict[str, dict[int, int]] = {name: {} for name in attributes}
    remaining = list(pool)
    while remaining and len(chosen) < k:
        best_position, best_value = 0, -np.inf
        for position, item in enumerate(remaining):
            value = scores[item]
            for name, codes in attributes.items():
                repeats = seen[name].get(int(codes[item]), 0)
                value *= penalties.get(name, 1.0) ** repeats
            if value > best_value:
                best_position, best_value = position, value
        item = remaining.pop(best_position)
        chosen.append(int(item))
        for name, codes in attributes.items():
            code = int(codes[item])
            seen[name][code] = seen[name].get(code, 0) + 1
    return np.asarray(chosen, dtype=np.int64)


def tiered_top_k(
    scores: NDArray[np.float64],
    tiers: Sequence[NDArray[np.bool_]],
    k: int,
    attributes: Mapping[str, NDArray[np.int64]],
) -> NDArray[np.int64]:
    """Diverse top-k of the first tier, then of the next ones while places remain.

    Tiers may overlap: an item is taken at most once, in the first tier that holds it.
    The engine's tiers are the sound items in the person's area (on their interests and a
    step up from where they stand), the sound ones beyond, then every eligible one: a
    diploma already held, next door, must not pass a relevant one 40 km away.

    Examples
    --------
    >>> import numpy as np
    >>> scores = np.array([0.9, 0.3, 0.5])
    >>> sound, everyone = np.array([False, True, True]), np.ones(3, dtype=bool)
    >>> tiered_top_k(scores, [sound, everyone], 3, {}).tolist()
    [2, 1, 0]
    """
    chosen = np.zeros(0, dtype=np.int64)
    taken = np.zeros(len(scores), dtype=bool)
    for tier in tiers:
        if len(chosen) >= k:
            break
        picked = diverse_top_k(scores, tier & ~taken, k - len(chosen), attributes)
        taken[picked] = True
        chosen = np.concatenate([chosen, picked])
    return chosen


def fair_top_k(
    scores: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    k: int,
    groups: NDArray[np.int64],
    max_per_group: int = 2,
) -> NDArray[np.int64]:
    """Top-k where no group (employer) takes more than ``max_per_group`` places.

    Examples
    --------
    >>> import numpy as np
    >>> scores = np.array([0.9, 0.8, 0.7, 0.6])
    >>> employers = np.array([1, 1, 1, 2])
    >>> fair_top_k(scores, np.ones(4, dtype=bool), 3, employers, max_per_group=2).tolist()
    [0, 1, 3]
    """
    pool = top_candidates(scores, eligible, max(k * CANDIDATE_POOL, k))
    chosen: list[int] = []
    per_group: dict[int, int] = {}
    for item in pool:
        group = int(groups[item])
        if per_group.get(group, 0) >= max_per_group:
            continue
        chosen.append(int(item))
        per_group[group] = per_group.get(group, 0) + 1
        if len(chosen) == k:
            break
    return np.asarray(chosen, dtype=np.int64)
