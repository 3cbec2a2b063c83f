"""The matching model: scikit-learn conformance and the product-with-floors behaviour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from recommender.model import CRITERIA, MatchingModel, ModelArtifactError


@parametrize_with_checks([MatchingModel(criteria=None)], expected_failed_checks=lambda e: {})
def test_sklearn_conformance(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


def _row(**sub_scores: float) -> np.ndarray:
    row = np.ones(len(CRITERIA))
    for name, value in sub_scores.items():
        row[CRITERIA.index(name)] = value
    return row


def test_a_perfect_item_scores_one_and_a_mismatch_sinks_without_vanishing() -> None:
    model = MatchingModel().fit(np.ones((1, len(CRITERIA))))
    perfect, far, off_topic = model.predict(
        np.vstack([_row(), _row(distance=0.0), _row(interest=0.0)])
    )
    assert perfect == pytest.approx(1.0)
    assert 0.0 < off_topic < far < perfect


def test_weights_order_the_criteria() -> None:
    model = MatchingModel(weights={"interest": 3.0, "pressure": 0.1}).fit(
        np.ones((1, len(CRITERIA)))
    )
    weak_interest, weak_pressure = model.predict(
        np.vstack([_row(interest=0.5), _row(pressure=0.5)])
    )
    assert weak_interest < weak_pressure


def test_fitting_on_judgments_learns_which_criterion_matters() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(2_000, len(CRITERIA)))
    relevant = X[:, CRITERIA.index("interest")] > 0.7  # only interest decides relevance
    model = MatchingModel().fit(X, relevant.astype(float))
    weights = dict(zip(CRITERIA, model.weights_, strict=True))
    assert weights["interest"] == max(weights.values())
    assert weights["interest"] > 5 * weights["pressure"]


def test_bad_parameters_are_refused_with_the_allowed_names() -> None:
    with pytest.raises(ValueError, match="unknown criteria"):
        MatchingModel(weights={"colour": 1.0}).fit(np.ones((1, len(CRITERIA))))
    with pytest.raises(ValueError, match="floors"):
        MatchingModel(floors={"interest": 1.5}).fit(np.ones((1, len(CRITERIA))))


def test_saved_artifact_round_trips_and_refuses_another_version(tmp_path: Path) -> None:
    model = MatchingModel(weights={"interest": 2.5}).fit(np.ones((1, len(CRITERIA))))
    path = tmp_path / "matching.json"
    model.save(path, metrics={"ndcg@10": 0.5}, data_checksum="abc")
    loaded = MatchingModel.load(path)
    X = np.random.default_rng(1).uniform(size=(5, len(CRITERIA)))
    np.testing.assert_allclose(loaded.predict(X), model.predict(X))
    path.write_text(path.read_text().replace('"artifact_version": 1', '"artifact_version": 9'))
    with pytest.raises(ModelArtifactError, match="version"):
        MatchingModel.load(path)
