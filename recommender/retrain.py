"""Learn the matching model's weights from what people did with suggestions.

Each suggestion shown in the widget is a pair (its sub-scores when shown, what became
of it): hidden 0, shown only 1, opened 2, saved 3, applied 4 — the best action of the
session on that item. :meth:`MatchingModel.fit` learns the criteria's weights from
these graded pairs. Too few pairs say nothing: below :data:`MIN_PAIRS` nothing is
learned and the current model stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine

from recommender.errors import NotEnoughFeedback
from recommender.feedback import export_events
from recommender.model import CRITERIA, MatchingModel

GRADES = {"hidden": 0, "shown": 1, "opened": 2, "saved": 3, "applied": 4}
MIN_PAIRS = 200  # pairs (session, item) with sub-scores needed to learn seven weights
MIN_GRADES = 2  # and at least two different outcomes among them


@dataclass(frozen=True)
class Retrained:
    model: MatchingModel
    pairs: int
    grades: dict[int, int]  # how many pairs of each grade
    weights: dict[str, float]
    previous: dict[str, float]


def training_pairs(engine: Engine) -> tuple[np.ndarray, np.ndarray]:
    """Sub-scores (one row per session and item, columns :data:`CRITERIA`) and grades."""
    scores: dict[tuple[str, str, str], dict[str, float]] = {}
    grades: dict[tuple[str, str, str], int] = {}
    for event in export_events(engine):
        key = (str(event["session"]), str(event["item_kind"]), str(event["item_id"]))
        grade = GRADES[str(event["action"])]
        if event["action"] == "hidden":
            grades[key] = 0  # hiding it says more than having opened it first
        elif grades.get(key) != 0:
            grades[key] = max(grades.get(key, 0), grade)
        given = event["sub_scores"]
        if isinstance(given, dict) and key not in scores:
            scores[key] = given
    keys = [key for key in grades if key in scores]
    X = np.array([[scores[key].get(name, 1.0) for name in CRITERIA] for key in keys])
    y = np.array([grades[key] for key in keys], dtype=np.float64)
    return X.reshape(len(keys), len(CRITERIA)), y


def retrain(engine: Engine, current: MatchingModel, *, min_pairs: int = MIN_PAIRS) -> Retrained:
    """A model with weights learned from the stored feedback (the current floors kept)."""
    X, y = training_pairs(engine)
    values, counts = np.unique(y.astype(int), return_counts=True)
    if len(y) < min_pairs or len(values) < MIN_GRADES:
        raise NotEnoughFeedback(
            f"pas assez de retours pour apprendre : {len(y)} suggestions suivies "
            f"({len(values)} issue(s) différente(s)), il en faut {min_pairs} avec au moins "
            f"{MIN_GRADES} issues ; le modèle actuel reste en service"
        )
    previous = dict(zip(current.criteria_, current.weights_.tolist(), strict=True))
    model = MatchingModel(floors=dict(zip(current.criteria_, current.floors_, strict=True)))
    model.fit(X, y)
    weights = dict(zip(model.criteria_, model.weights_.round(4).tolist(), strict=True))
    grades = {int(v): int(c) for v, c in zip(values, counts, strict=True)}
    return Retrained(model, len(y), grades, weights, previous)


def save_retrained(result: Retrained, folder: Path) -> Path:
    """Write the learned model into ``folder``, named by the time it was learned."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"matching-feedback-{stamp}.json"
    result.model.save(path, metrics={"feedback_pairs": float(result.pairs)})
    return path
