"""Feedback on suggestions (recommender/feedback.py, POST /v1/feedback), stored on SQLite
and on the real PostgreSQL server: pseudonymous, exported for retraining, purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from recommender.api_keys import new_key
from recommender.catalogue import load_catalogue
from recommender.errors import NotEnoughFeedback, ProfileError
from recommender.feedback import (
    FeedbackEvent,
    export_events,
    feedback_events,
    purge_events,
    record_events,
)
from recommender.model import CRITERIA, MatchingModel
from recommender.retrain import retrain
from recommender.settings import Settings
from recommender.store import create_engine, create_schema
from tests.conftest import PROJECT

KEY, ENTRY = new_key("retrain")
SESSION = "k3J9-x81Qa"


def test_events_are_stored_exported_and_purged(engine: Engine) -> None:
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(feedback_events))
    long_ago = datetime.now(UTC) - timedelta(days=400)
    old = FeedbackEvent(SESSION, "shown", "formation", "0020079A-40022503-scolaire", 3)
    record_events(engine, [old], at=long_ago)
    recent = [
        FeedbackEvent(SESSION, "opened", "formation", "0020079A-40022503-scolaire", 3, "lycee-x"),
        FeedbackEvent(SESSION, "saved", "offer", "synthetic-11-42", None, "lycee-x"),
    ]
    assert record_events(engine, recent) == 2
    exported = list(export_events(engine))
    assert [e["action"] for e in exported] == ["shown", "opened", "saved"]
    assert set(exported[0]) == {
        *("event_id", "at", "session", "action", "item_kind", "item_id"),
        *("rank", "partner", "campus", "sub_scores"),
    }  # nothing about the person
    assert exported[1]["partner"] == "lycee-x"
    since = list(export_events(engine, since=datetime.now(UTC) - timedelta(days=1)))
    assert len(since) == 2
    assert purge_events(engine, retention_days=365) == 1
    assert [e["action"] for e in export_events(engine)] == ["opened", "saved"]


def test_a_bad_event_names_its_field() -> None:
    with pytest.raises(ProfileError) as error:
        FeedbackEvent("Jean Dupont", "opened", "formation", "0020079A-40022503-scolaire")
    assert error.value.field == "session"
    with pytest.raises(ProfileError) as error:
        FeedbackEvent(SESSION, "liked", "formation", "0020079A-40022503-scolaire")
    assert error.value.field == "action" and "shown" in error.value.allowed
    with pytest.raises(ProfileError) as error:
        FeedbackEvent(SESSION, "opened", "formation", "<script>alert(1)</script>")
    assert error.value.field == "item_id"


def test_feedback_over_http(tmp_path: Path, tiny_bundle: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.sqlite'}",
        data_dir=tiny_bundle,
        api_keys=[ENTRY],
    )
    database = create_engine(settings.database_url)
    load_catalogue(database, tiny_bundle, settings.campuses_path)
    body = {
        "session": SESSION,
        "partner": "lycee-condorcet",
        "events": [
            {
                "action": "shown",
                "item_kind": "formation",
                "item_id": "0020079A-X-scolaire",
                "rank": 1,
            },
            {"action": "opened", "item_kind": "formation", "item_id": "0020079A-X-scolaire"},
        ],
    }
    with TestClient(create_app(settings)) as client:
        created = client.post("/v1/feedback", json=body)
        assert created.status_code == 201, created.text
        assert created.json() == {"recorded": 2}
        hostile = client.post("/v1/feedback", json={**body, "session": "<b>moi</b>"})
        assert hostile.status_code == 422
        assert "<b>" not in hostile.text  # never reflected as HTML…
        assert "<b>moi</b>" in hostile.json()["message"]  # …though the JSON says it
        profile = client.post("/v1/feedback", json={**body, "interests": ["chimie"]})
        assert profile.status_code == 201  # unknown fields are dropped, never stored
        assert client.get("/v1/admin/feedback/export").status_code == 401
        export = client.get("/v1/admin/feedback/export", headers={"X-Api-Key": KEY})
        assert export.status_code == 200
        lines = export.text.strip().splitlines()
        assert len(lines) == 4 and '"partner": "lycee-condorcet"' in lines[0]
        assert "chimie" not in export.text
        purge = client.post("/v1/admin/feedback/purge", headers={"X-Api-Key": KEY})
        assert purge.json() == {"deleted": 0, "retention_days": 365}
    with database.connect() as connection:
        columns = [c["name"] for c in sa.inspect(connection).get_columns("feedback_events")]
    assert "interests" not in columns and "place" not in columns


def _observed(n: int, seed: int = 7) -> list[FeedbackEvent]:
    """Widget sessions where people open what matches their interest, whatever the
    distance: the learned model must weigh interest more, and distance less."""
    rng = np.random.default_rng(seed)
    events = []
    for i in range(n):
        scores = {name: float(rng.uniform(0.2, 1.0)) for name in CRITERIA}
        session, item = f"session-{i // 10:04d}", f"0020079A-{i:05d}-scolaire"
        events.append(
            FeedbackEvent(session, "shown", "formation", item, 1 + i % 10, None, None, scores)
        )
        if scores["interest"] > 0.75:
            events.append(FeedbackEvent(session, "opened", "formation", item))
            if scores["interest"] > 0.9:
                events.append(FeedbackEvent(session, "saved", "formation", item))
    return events


def test_weights_are_learned_from_what_people_opened(engine: Engine) -> None:
    create_schema(engine)
    with engine.begin() as connection:
        connection.execute(sa.delete(feedback_events))
    current = MatchingModel.load(PROJECT / "models" / "matching.json")
    record_events(engine, _observed(30))
    with pytest.raises(NotEnoughFeedback, match="pas assez de retours"):
        retrain(engine, current)
    record_events(engine, _observed(400, seed=8))
    result = retrain(engine, current)
    assert result.pairs == 400  # the same sessions and items: one pair each
    assert set(result.grades) == {1, 2, 3}
    assert result.weights["interest"] > 2 * result.weights["distance"]
    assert result.weights["interest"] > result.previous["interest"] / 4
    assert result.model.predict(np.ones((1, len(CRITERIA))))[0] == pytest.approx(1.0)


def test_retraining_over_http_serves_the_new_weights(tmp_path: Path, tiny_bundle: Path) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'api.sqlite'}",
        data_dir=tiny_bundle,
        api_keys=[ENTRY],
        trained_models_dir=tmp_path / "models",
    )
    load_catalogue(create_engine(settings.database_url), tiny_bundle, settings.campuses_path)
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/admin/model/retrain").status_code == 401
        early = client.post("/v1/admin/model/retrain", headers={"X-Api-Key": KEY})
        assert early.status_code == 409 and "le modèle actuel reste" in early.json()["message"]
        events = _observed(300)
        for start in range(0, len(events), 50):
            batch = events[start : start + 50]
            body = {
                "session": batch[0].session,
                "events": [
                    {
                        "action": e.action,
                        "item_kind": e.item_kind,
                        "item_id": e.item_id,
                        **({"sub_scores": dict(e.sub_scores)} if e.sub_scores else {}),
                    }
                    for e in batch
                ],
            }
            assert client.post("/v1/feedback", json=body).status_code == 201
        done = client.post("/v1/admin/model/retrain", headers={"X-Api-Key": KEY})
        assert done.status_code == 200, done.text
        learned = done.json()
        served = client.app.state.recommender.model  # type: ignore[attr-defined]
        assert (
            dict(zip(served.criteria_, served.weights_.round(4), strict=True)) == learned["weights"]
        )
        assert Path(learned["path"]).is_file()
        bad = client.post(
            "/v1/feedback",
            json={**body, "events": [{**body["events"][0], "sub_scores": {"âge": 0.5}}]},
        )
        assert bad.status_code == 422 and bad.json()["field"] == "sub_scores"
