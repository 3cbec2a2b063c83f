"""Bad input, generated: the API fuzzed from its own OpenAPI schema (schemathesis) must
never answer a server error; profile parsing and place resolution (hypothesis) fail only
with the engine's own French errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.app import create_app
from recommender.catalogue import Catalogue, load_catalogue
from recommender.errors import OrientationError
from recommender.geo import Places
from recommender.levels import parse_level
from recommender.profile import Profile
from recommender.settings import Settings
from recommender.store import create_engine
from tests.conftest import BUNDLED, tiny_tables, write_bundle

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# Text people could type, and worse: accents, emoji, controls, markup, huge numbers.
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=120
) | st.sampled_from(
    [
        "<script>alert(1)</script>",
        "Saint-Quentin",
        "02100",
        "'; DROP TABLE formations; --",
        "\x00",
        "é" * 500,
        "bac+9",
        "３e",
        "CAP\u200b",
        "Pont-l'Évêque",
        "Paris 13e",
    ]
)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    folder = tmp_path_factory.mktemp("fuzz")
    bundle = write_bundle(folder / "bundle", tiny_tables())
    config = Settings(
        database_url=f"sqlite:///{folder / 'api.sqlite'}",
        data_dir=bundle,
        rate_limit_per_ip=10_000_000,
    )
    load_catalogue(create_engine(config.database_url), bundle, config.campuses_path)
    application = create_app(config)
    with TestClient(application):  # runs the lifespan: the catalogue is served
        yield application


def test_no_generated_request_gets_a_server_error(app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    checked = []
    for found in schema.get_all_operations():
        operation = found.ok()

        @given(case=operation.as_strategy())
        @FUZZ
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[schemathesis.checks.not_a_server_error])

        call()
        checked.append(operation.label)
    print(f"schemathesis: {len(checked)} operations fuzzed, no server error")
    assert "POST /v1/recommendations" in checked and "POST /v1/feedback" in checked


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_frame(
        Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml").tables["communes"]
    )


@given(text=TEXT)
@FUZZ
def test_any_level_text_parses_or_says_why(text: str) -> None:
    try:
        standing = parse_level(text)
    except OrientationError as error:
        assert str(error)  # a French reason, never a crash
    else:
        assert standing.label


@given(
    level=TEXT,
    interests=st.lists(TEXT, max_size=4),
    radius=st.floats(allow_nan=True, allow_infinity=True),
    voies=st.lists(TEXT, max_size=3),
)
@FUZZ
def test_any_profile_is_accepted_or_refused_with_a_named_field(
    level: str, interests: list[str], radius: float, voies: list[str]
) -> None:
    try:
        Profile(level=level, interests=tuple(interests), radius_km=radius, voies=tuple(voies))
    except OrientationError as error:
        assert getattr(error, "field", None) or str(error)


@given(query=TEXT)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_place_text_resolves_or_says_why(places: Places, query: str) -> None:
    try:
        match = places.resolve(query)
    except OrientationError as error:
        assert str(error)
    else:
        assert match.commune.insee and match.commune.name
