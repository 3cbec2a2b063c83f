"""Scenarios on the real bundled catalogue (plus synthetic offers), as a counsellor checks them."""

from __future__ import annotations

import re

import pytest

from recommender.catalogue import Catalogue
from recommender.engine import Engine, Recommendations
from recommender.errors import ProfileError
from recommender.levels import explain_step, parse_level
from recommender.model import MatchingModel
from recommender.profile import Profile
from recommender.recommend import recommend, why_not
from recommender.synthetic import generate_offers_from_tables
from tests.conftest import BUNDLED, PROJECT


@pytest.fixture(scope="module")
def engine() -> Engine:
    plain = Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml")
    tables = plain.tables
    offers = generate_offers_from_tables(20_000, seed=11, tables=tables)
    catalogue = Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml", offers=offers)
    return Engine(catalogue, MatchingModel.load(PROJECT / "models" / "matching.json"))


def _labels(result: Recommendations) -> list[str]:
    return [s.item["certification"]["label"].lower() for s in result.formations]


def _texts(reasons: list) -> list[str]:  # type: ignore[type-arg]
    return [reason.text for reason in reasons]


def test_pupil_in_3e_at_saint_quentin_who_likes_plastics(engine: Engine) -> None:
    result = recommend(
        engine,
        Profile(level="3e", interests=("plasturgie",), place="Saint-Quentin", radius_km=50),
        k=10,
    )
    top = result.formations[:5]
    # plastics, composites and rubber: ROME domaine H32 « Plastique, caoutchouc »
    assert all(
        any(
            word in s.item["certification"]["label"].lower()
            for word in ("plast", "composite", "caoutchouc")
        )
        for s in top[:3]
    ), _labels(result)
    plastics = [s for s in result.formations if "plast" in s.item["certification"]["label"].lower()]
    assert {"scolaire", "apprentissage"} <= {s.item["voie"] for s in plastics}
    for suggestion in top:
        texts = _texts(suggestion.reasons)
        assert any(t.startswith("à ") and "de Saint-Quentin" in t for t in texts)
        assert suggestion.item["level"] in (3, 4)  # CAP or Bac pro after the 3e
        assert suggestion.distance_km is not None
        assert suggestion.distance_km <= result.radius_km  # within reach (widened and said)


def test_bac_pro_near_amiens_interested_in_chemistry_and_biology(engine: Engine) -> None:
    # The nearest BTS métiers de la chimie (Nogent-sur-Oise, 72 km) and pilotage de procédés
    # (Compiègne, 67 km) are within reach for someone who can go 80 km.
    result = recommend(
        engine,
        Profile(level="bac pro", interests=("chimie", "biologie"), place="Amiens", radius_km=80),
        k=15,
    )
    labels = " | ".join(_labels(result))
    assert "métiers de la chimie" in labels
    assert "bioanalyses" in labels
    # Its only ROME code in the certification referentials is H3303, which ROME 4.0
    # relabelled « cuisinier en industrie chimique »: it is found through the jobs
    # ONISEP says it leads to (H2301 pilote de ligne en industrie chimique…).
    assert "pilotage de procédés" in labels
    assert all(s.item["level"] == 5 for s in result.formations[:5])  # BTS after a Bac pro
    assert all(s.distance_km is not None and s.distance_km <= 80 for s in result.formations)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("je veux devenir soudeur", "soud"),
        ("plasturgi", "plast"),
        ("chaudronerie", "chaudronn"),
    ],
)
def test_free_text_and_typos_reach_the_right_trades(
    engine: Engine, text: str, expected: str
) -> None:
    result = recommend(engine, Profile(level="3e", interests=(text,), place="Lyon"), k=10)
    assert any(expected in label for label in _labels(result)[:5]), _labels(result)


def test_welding_text_resolves_to_welding_jobs(engine: Engine) -> None:
    result = recommend(engine, Profile(level="3e", interests=("je veux devenir soudeur",)), k=5)
    assert result.resolved.match is not None
    assert "H2913" in list(result.resolved.match.jobs)[:5]


@pytest.mark.parametrize(
    "level", ["4e", "3e", "seconde pro", "CAP", "bac pro", "terminale générale", "BTS"]
)
def test_no_suggestion_requires_a_level_the_person_cannot_reach(engine: Engine, level: str) -> None:
    result = recommend(
        engine, Profile(level=level, interests=("maintenance industrielle",), place="Rouen"), k=20
    )
    standing = parse_level(level)
    for suggestion in result.formations:
        certification = suggestion.item["certification"]
        _, allowed, _ = explain_step(standing, certification["type"], suggestion.item["level"])
        assert allowed, (level, certification)


def test_explanation_figures_equal_the_scores_figures(engine: Engine) -> None:
    result = recommend(
        engine,
        Profile(level="3e", interests=("plasturgie",), place="Saint-Quentin", radius_km=50),
        k=10,
    )
    standing = parse_level("3e")
    for suggestion in result.formations:
        item = suggestion.item
        texts = _texts(suggestion.reasons)
        (distance_text,) = [t for t in texts if "de Saint-Quentin" in t]
        shown = re.match(r"à (\d+) km", distance_text)
        if shown:
            assert int(shown[1]) == round(suggestion.distance_km)
        _, _, level_reason = explain_step(standing, item["certification"]["type"], item["level"])
        assert level_reason in texts
        outcomes = item["outcomes"]
        for key, words in (
            ("employment_rate_12m", "en emploi 12 mois"),
            ("continuation_rate", "poursuivent"),
        ):
            if outcomes[key] is not None:
                figure = f"{round(outcomes[key] * 100)} %"
                assert any(t.startswith(figure) and words in t for t in texts), texts


def test_results_are_diverse(engine: Engine) -> None:
    result = recommend(
        engine,
        Profile(level="3e", interests=("plasturgie",), place="Saint-Quentin", radius_km=80),
        k=10,
    )
    items = [s.item for s in result.formations]
    assert len({i["cert_id"] for i in items}) >= 3
    assert len({i["uai"] for i in items}) >= 4
    assert max(sum(i["cert_id"] == c for i in items) for c in {i["cert_id"] for i in items}) <= 4


def test_offers_are_fair_to_employers_and_apprenticeships_are_paired(engine: Engine) -> None:
    result = recommend(
        engine,
        Profile(level="3e", interests=("cuisine",), place="Lille", voies=("apprentissage",)),
        k=10,
        offers_k=10,
    )
    employers = [s.item["employer_name"] for s in result.offers]
    assert result.offers
    assert max(employers.count(e) for e in employers) <= 2
    assert all(s.item["synthetic"] for s in result.offers)
    paired = [p for s in result.formations for p in s.paired_offers]
    assert paired, "apprenticeship formations near Lille should have nearby offers"
    assert all(p["distance_from_formation_km"] <= 30 for p in paired)


def test_offers_stay_within_the_radius_unless_too_few_are_there(engine: Engine) -> None:
    near = recommend(
        engine,
        Profile(level="3e", interests=("cuisine",), place="Lille", radius_km=20),
        k=10,
        offers_k=10,
    )
    assert len(near.offers) == 10
    assert all(s.distance_km is not None and s.distance_km <= 20 for s in near.offers)
    # Few offers within 2 km of Saint-Flour: farther ones fill the list, and say so.
    far = recommend(engine, Profile(level="3e", place="Saint-Flour", radius_km=2), offers_k=10)
    assert len(far.offers) == 10
    beyond = [s for s in far.offers if s.distance_km is not None and s.distance_km > 2]
    assert beyond
    assert any("au-delà de votre rayon de 2 km" in t for t in _texts(beyond[0].reasons))


def test_radius_is_widened_and_said_when_too_few_are_near(engine: Engine) -> None:
    result = recommend(
        engine, Profile(level="3e", interests=("plasturgie",), place="Guéret", radius_km=10), k=10
    )
    assert [n.code for n in result.notices] == ["radius_widened"]
    assert result.radius_km > 10
    assert "élargie" in result.notices[0].message


def test_why_not_says_a_bts_needs_a_bac(engine: Engine) -> None:
    bts = engine.formations.frame
    row = bts.index[(bts["c_type"] == "BTS") & (bts["commune_name"] == "Saint-Quentin")][0]
    answer = why_not(
        engine,
        Profile(level="3e", interests=("plasturgie",), place="Saint-Quentin"),
        str(bts.at[row, "formation_id"]),
    )
    assert answer.excluded
    assert answer.rank is None
    assert any("demande" in r.text and "Bac" in r.text for r in answer.reasons if not r.positive)


def test_why_not_says_a_far_formation_is_beyond_the_radius(engine: Engine) -> None:
    frame = engine.formations.frame
    row = frame.index[(frame["c_type"] == "CAP") & (frame["commune_name"] == "Marseille")][0]
    answer = why_not(
        engine,
        Profile(level="3e", place="Saint-Quentin", radius_km=30),
        str(frame.at[row, "formation_id"]),
    )
    assert not answer.excluded
    assert answer.rank is not None and answer.rank > 100
    assert any("au-delà de votre rayon de 30 km" in r.text for r in answer.reasons)


def test_bad_profiles_are_refused_with_the_field(engine: Engine) -> None:
    with pytest.raises(ProfileError) as caught:
        recommend(engine, Profile(level="bac+9"))
    assert caught.value.field == "level"
    with pytest.raises(ProfileError) as caught:
        recommend(engine, Profile(level="3e", voies=("avion",)))
    assert caught.value.field == "voies"


def test_an_adult_with_a_bac_retraining_as_a_cook_gets_the_cap(engine: Engine) -> None:
    adult = recommend(
        engine,
        Profile(level="bac", interests=("cuisinier",), place="Lille", audience="adulte"),
        k=10,
    )
    cap = [s for s in adult.formations if s.item["certification"]["type"] == "CAP"]
    assert cap, _labels(adult)
    assert any("changer de métier" in t for t in _texts(cap[0].reasons))
    # The same person as a student (not retraining) is steered to what follows a Bac.
    student = recommend(
        engine,
        Profile(level="bac", interests=("cuisinier",), place="Lille", audience="etudiant"),
        k=10,
    )
    assert all(s.item["level"] >= 4 for s in student.formations[:5])


def test_a_bac_pro_holder_is_not_sent_back_to_a_bac_pro_or_a_cap(engine: Engine) -> None:
    result = recommend(
        engine,
        Profile(level="bac pro", interests=("chef de cuisine", "restaurant"), place="Lyon"),
        k=20,
    )
    levels = [s.item["level"] for s in result.formations]
    assert len(levels) == 20
    assert min(levels) >= 4
    # Bac pro cuisine, CAP cuisine: the road they have already walked.
    assert not any(label.startswith(("bac pro", "cap ")) for label in _labels(result))


def test_a_stray_job_code_does_not_bring_a_cleaning_cap_to_a_plastics_pupil(
    engine: Engine,
) -> None:
    # The sources list H3201 (plastics) on the CAP agent de propreté et d'hygiène.
    result = recommend(
        engine,
        Profile(level="3e", interests=("j'aime la plasturgie",), place="Saint-Quentin"),
        k=20,
    )
    assert not any("agent de propreté" in label for label in _labels(result))
    assert "plastiques et composites" in " | ".join(_labels(result)[:3])
