"""The quality benchmark's parts: profiles, judgments, metrics and baselines."""

from __future__ import annotations

import doctest
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from benchmarks.quality import judge, metrics, systems
from benchmarks.quality.judge import JUDGMENTS_FILE, Judge, held_level, level_fit
from benchmarks.quality.profiles import (
    PROFILES_FILE,
    SECTORS,
    load_profiles,
    profiles_checksum,
)
from benchmarks.quality.systems import Systems
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.model import MatchingModel
from recommender.profile import Profile
from tests.conftest import BUNDLED, PROJECT


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml")


@pytest.fixture(scope="module")
def judgments() -> dict:  # type: ignore[type-arg]
    return json.loads(JUDGMENTS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def baselines(catalogue: Catalogue) -> Systems:
    return Systems(Engine(catalogue, MatchingModel.load(PROJECT / "models" / "matching.json")))


@pytest.mark.parametrize("module", [judge, metrics, systems])
def test_module_examples_run(module) -> None:  # type: ignore[no-untyped-def]
    failures, tried = doctest.testmod(module)
    assert tried > 0
    assert failures == 0


def test_profiles_cover_the_segments_and_sectors_the_issue_names() -> None:
    profiles = load_profiles()
    assert len(profiles) >= 80
    segments = Counter(p.segment for p in profiles)
    assert {"college", "seconde", "lycee-pro", "terminale", "apres-bac-pro"} <= set(segments)
    assert {"apres-bac", "apres-bts", "adulte"} <= set(segments)
    sectors = Counter(p.sector for p in profiles)
    assert set(SECTORS) - {"autre"} <= set(sectors)
    assert sum(p.checked for p in profiles) >= 20  # the hand-checked subset
    assert any(p.must_include for p in profiles) and any(p.must_not_include for p in profiles)


def test_judgments_are_current(judgments: dict, catalogue: Catalogue) -> None:  # type: ignore[type-arg]
    # Edit profiles.toml or rebuild data/ → `make judge`, and commit judgments.json.
    assert judgments["profiles_checksum"] == profiles_checksum(PROFILES_FILE)
    assert judgments["data_checksum"] == catalogue.meta["checksum"][:16]
    assert [p["id"] for p in judgments["profiles"]] == [p.id for p in load_profiles()]


def test_every_judged_item_says_why_and_is_within_reach(
    judgments: dict,  # type: ignore[type-arg]
    catalogue: Catalogue,
) -> None:
    judge = Judge(catalogue)
    profiles = {p.id: p for p in load_profiles()}
    for profile in judgments["profiles"]:
        unreachable = judge.unreachable(profiles[profile["id"]])
        graded = {c["cert_id"]: c for c in profile["certifications"]}
        for formation in profile["formations"]:
            certification = graded[formation["cert_id"]]
            assert certification["grade"] == formation["grade"] >= 1
            assert certification["why"]
            assert formation["distance_km"] <= profile["radius_km"]
            assert formation["cert_id"] not in unreachable
        for cert_id in profile["must_not_include"]:
            assert cert_id not in graded or graded[cert_id]["grade"] == 0


def test_the_judge_reads_the_referentials_for_a_plastics_pupil(catalogue: Catalogue) -> None:
    profile = next(p for p in load_profiles() if "H3201" in p.targets and p.segment == "college")
    judged = Judge(catalogue).judge(profile)
    grades = {c["cert_id"]: c["grade"] for c in judged["certifications"]}
    assert grades.get("40022503") == 3  # Bac pro plastiques et composites
    assert "32022506" in Judge(catalogue).unreachable(profile)  # no BTS after the 3e
    assert grades.get("50034307", 0) == 0  # CAP agent de propreté: a stray H3201 code


def test_the_judges_level_table() -> None:
    assert held_level("Terminale pro") == 4
    with pytest.raises(ValueError, match="judge's table"):
        held_level("CM2")
    assert not level_fit(4, False, "LP", 6).enterable  # a licence pro needs a Bac+2
    assert level_fit(5, False, "LP", 6).natural
    below = level_fit(4, False, "CAP", 3)
    assert below.enterable and below.below and not below.natural
    assert level_fit(4, True, "CAP", 3).natural  # an adult retraining may step down


def test_la_bonne_alternance_takes_the_first_job_suggestion(baselines: Systems) -> None:
    assert baselines.first_suggestion(["je veux devenir soudeur"]) == "H2913"
    ranked = baselines.la_bonne_alternance(
        Profile(level="3e", interests=("soudeur",), place="Lyon", radius_km=30)
    )
    assert ranked
    welding = baselines._prepares["H2913"]
    certifications = baselines.engine.catalogue.tables["certifications"]
    rows = {cert_id: row for row, cert_id in enumerate(certifications["cert_id"])}
    assert all(welding[rows[cert_id]] for cert_id, _, _ in ranked)


def test_distance_and_popularity_baselines_sort_as_they_say(baselines: Systems) -> None:
    profile = Profile(level="3e", place="Amiens", radius_km=20, voies=("scolaire",))
    nearest = baselines.distance(profile)
    assert len(nearest) == 20 and {voie for _, _, voie in nearest} == {"scolaire"}
    frame = baselines.engine.formations.frame
    key = list(zip(frame["cert_id"], frame["uai"], frame["voie"], strict=True))
    demand = dict(zip(key, frame["demand"].astype("float64").fillna(-1), strict=True))
    popular = [demand[item] for item in baselines.popularity(profile)]
    assert popular == sorted(popular, reverse=True)


def test_text_baseline_finds_words_of_the_label(baselines: Systems) -> None:
    ranked = baselines.text(
        Profile(level="bac pro", interests=("bioanalyses",), place="Amiens", radius_km=60)
    )
    labels = baselines.engine.catalogue.tables["certifications"].set_index("cert_id")["label"]
    assert ranked and "bioanalyses" in labels[ranked[0][0]].lower()


def test_bad_profiles_file_names_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(
        '[[profile]]\nid = "x"\nsegment = "maternelle"\nsector = "autre"\nlevel = "3e"\n'
        'interests = []\nplace = "Lyon"\ntargets = ["H2913"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"profile #1 \(x\): segment 'maternelle'"):
        load_profiles(path)


def test_metrics_on_a_known_list() -> None:
    judged = metrics.Judged(
        {
            "id": "p",
            "segment": "college",
            "must_include": ["A"],
            "must_not_include": ["C"],
            "formations": [
                {"cert_id": "A", "uai": "U1", "voie": "scolaire", "grade": 3},
                {"cert_id": "B", "uai": "U2", "voie": "scolaire", "grade": 2},
            ],
        }
    )
    perfect = judged.score([("A", "U1", "scolaire"), ("B", "U2", "scolaire")])
    assert (perfect.ndcg10, perfect.recall10, perfect.mrr) == (1.0, 1.0, 1.0)
    wrong = judged.score([("C", "U3", "scolaire"), ("A", "U9", "scolaire")])
    assert (wrong.ndcg10, wrong.recall10, wrong.mrr, wrong.violations) == (0.0, 0.0, 0.0, 1)
    assert wrong.must_found == 1  # A is there, from another establishment
    assert np.isclose(judged.score([("B", "U2", "scolaire")]).ndcg10, 3 / (7 + 3 / np.log2(3)))
