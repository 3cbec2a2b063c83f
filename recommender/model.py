"""The matching model: sub-scores in [0, 1] combined multiplicatively with floors.

score = Π_c (floor_c + (1 − floor_c) · s_c) ^ w_c

A floor keeps a mismatch on one criterion from zeroing the item (it sinks, it is
not hidden); a weight says how much a criterion counts. Default weights make sense
with no feedback at all; :meth:`MatchingModel.fit` learns them from judged or
observed pairs (sub-scores, relevance) when there are some.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.linear_model import LinearRegression
from sklearn.utils.validation import check_array, check_is_fitted, validate_data

from recommender.errors import OrientationError

CRITERIA: tuple[str, ...] = (
    "interest",
    "level",
    "distance",
    "voie",
    "outcomes",
    "pressure",
    "campus",
)
"""The criteria, in the order of the columns of a sub-score matrix."""

DEFAULT_WEIGHTS: dict[str, float] = {
    # What the person asked for counts most; then whether it is the right step and
    # whether it is reachable; the rest refines the order among good matches.
    "interest": 2.0,
    "level": 1.5,
    "distance": 1.5,
    "voie": 1.0,
    "outcomes": 0.5,
    "pressure": 0.3,
    "campus": 1.0,
}

DEFAULT_FLOORS: dict[str, float] = {
    "interest": 0.05,
    "level": 0.1,
    "distance": 0.05,
    "voie": 0.2,
    "outcomes": 0.5,
    "pressure": 0.5,
    "campus": 0.3,
}

ARTIFACT_VERSION = 1


class MatchingModel(BaseEstimator):
    """Combine per-criterion sub-scores into one score.

    Parameters
    ----------
    weights : mapping criterion → exponent, optional
        Default :data:`DEFAULT_WEIGHTS`. Used as they are by ``fit(X)`` with no
        ``y``; learned from ``y`` otherwise.
    floors : mapping criterion → floor in [0, 1), optional
        Default :data:`DEFAULT_FLOORS`.
    criteria : sequence of str, optional
        Names of the columns of ``X``. Default: :data:`CRITERIA` when ``X`` has one
        column per criterion, else positional names ``x0, x1, …`` (weight 1, floor 0).

    Examples
    --------
    >>> import numpy as np
    >>> model = MatchingModel().fit(np.ones((1, len(CRITERIA))))
    >>> perfect, mismatch = np.ones(len(CRITERIA)), np.ones(len(CRITERIA))
    >>> mismatch[0] = 0.0   # no interest match at all
    >>> scores = model.predict(np.vstack([perfect, mismatch]))
    >>> bool(scores[0] == 1.0), bool(0 < scores[1] < 0.01)
    (True, True)
    """

    def __init__(
        self,
        weights: Mapping[str, float] | None = None,
        floors: Mapping[str, float] | None = None,
        criteria: Sequence[str] | None = None,
    ) -> None:
        self.weights = weights
        self.floors = floors
        self.criteria = criteria

    def fit(self, X: ArrayLike, y: ArrayLike | None = None) -> MatchingModel:
        """Validate the parameters; learn the weights from graded relevance ``y`` if given."""
        if y is None:
            X_checked = validate_data(self, X, reset=True, dtype=np.float64)
        else:
            X_checked, y = validate_data(self, X, y, reset=True, dtype=np.float64)
        criteria = _criteria(self.criteria, X_checked.shape[1])
        if X_checked.shape[1] != len(criteria):
            raise ValueError(
                f"X has {X_checked.shape[1]} columns; expected one per criterion {criteria}"
            )
        floors = _complete(self.floors, DEFAULT_FLOORS, criteria, "floors")
        if any(not 0.0 <= f < 1.0 for f in floors):
            raise ValueError(f"floors must lie in [0, 1); got {floors}")
        self.criteria_ = criteria
        self.floors_ = np.asarray(floors, dtype=np.float64)
        if y is None:
            weights = np.asarray(
                _complete(self.weights, DEFAULT_WEIGHTS, criteria, "weights"), dtype=np.float64
            )
            if (weights < 0).any():
                raise ValueError(f"weights must be ≥ 0; got {weights.tolist()}")
            self.weights_ = weights
            return self
        relevance = np.asarray(y, dtype=np.float64)
        # Graded relevance (e.g. judgments 0–3) → target log-score in (−∞, 0]: the best
        # items should score 1. A non-negative linear regression on the log-factors
        # learns the exponents of the product form.
        spread = relevance.max() - relevance.min()
        target = np.log((relevance - relevance.min() + 1.0) / (spread + 1.0))
        regression = LinearRegression(positive=True, fit_intercept=True)
        regression.fit(self._log_factors(X_checked), target)
        self.weights_ = np.asarray(regression.coef_, dtype=np.float64)
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """One score in [0, 1] per row of sub-scores (values are clipped to [0, 1])."""
        check_is_fitted(self)
        X_checked = validate_data(self, X, reset=False, dtype=np.float64)
        return np.exp(self._log_factors(X_checked) @ self.weights_)

    def factors(self, X: ArrayLike) -> NDArray[np.float64]:
        """Each criterion's factor (floor + (1 − floor)·s)^w, for explanations."""
        check_is_fitted(self)
        X_checked = check_array(X, dtype=np.float64)
        return np.exp(self._log_factors(X_checked) * self.weights_)

    def _log_factors(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        clipped = np.clip(X, 0.0, 1.0)
        # The tiny lower bound keeps a zero floor from giving log(0) = −inf.
        return np.log(np.maximum(self.floors_ + (1.0 - self.floors_) * clipped, 1e-12))

    def save(
        self,
        path: Path,
        *,
        metrics: Mapping[str, float] | None = None,
        data_checksum: str | None = None,
    ) -> None:
        """Write the fitted parameters as JSON (the artifact is its own sidecar)."""
        check_is_fitted(self)
        import sklearn

        payload = {
            "artifact_version": ARTIFACT_VERSION,
            "model": type(self).__name__,
            "criteria": list(self.criteria_),
            "weights": dict(zip(self.criteria_, self.weights_.tolist(), strict=True)),
            "floors": dict(zip(self.criteria_, self.floors_.tolist(), strict=True)),
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            "data_checksum": data_checksum,
            "metrics": dict(metrics or {}),
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", "utf-8")

    @classmethod
    def load(cls, path: Path) -> MatchingModel:
        """Read an artifact written by :meth:`save`; refuse another artifact version."""
        try:
            payload: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ModelArtifactError(f"{path} : modèle illisible ({error})") from error
        if payload.get("artifact_version") != ARTIFACT_VERSION:
            raise ModelArtifactError(
                f"{path} : version d'artefact {payload.get('artifact_version')!r}, "
                f"attendue {ARTIFACT_VERSION} ; réentraînez ou mettez à jour le modèle"
            )
        criteria = payload["criteria"]
        model = cls(weights=payload["weights"], floors=payload["floors"], criteria=criteria)
        return model.fit(np.ones((1, len(criteria))))


class ModelArtifactError(OrientationError):
    """A model artifact that cannot be used (unreadable, or of another version)."""


def _criteria(given: Sequence[str] | None, n_columns: int) -> tuple[str, ...]:
    if given is not None:
        return tuple(given)
    if n_columns == len(CRITERIA):
        return CRITERIA
    return tuple(f"x{i}" for i in range(n_columns))


def _complete(
    given: Mapping[str, float] | None,
    defaults: Mapping[str, float],
    criteria: Sequence[str],
    name: str,
) -> list[float]:
    values = dict(given or {})
    unknown = set(values) - set(criteria)
    if unknown:
        raise ValueError(f"unknown criteria in {name}: {sorted(unknown)}; expected {criteria}")
    return [
        float(values.get(c, defaults.get(c, 1.0 if name == "weights" else 0.0))) for c in criteria
    ]
