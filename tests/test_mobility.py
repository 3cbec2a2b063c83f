"""Target jobs for adults, on the real bundled data: what a counsellor would check."""

from __future__ import annotations

import doctest

import pytest

from recommender import jobs, mobility
from recommender.catalogue import Catalogue
from recommender.errors import ProfileError
from recommender.jobs import job_name, resolve_job
from recommender.mobility import JobMoves, Target
from recommender.vocabulary import Vocabulary
from tests.conftest import BUNDLED

SAINT_QUENTIN = "02691"  # Aisne
ROUEN = "76540"  # Seine-Maritime
PLASTICS_METALS = "plasturgie-metallurgie-picardie"
BIOTECH = "biotechnologies-bio-industries-normandie"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml")


@pytest.fixture(scope="module")
def moves(catalogue: Catalogue) -> JobMoves:
    return JobMoves.from_tables(catalogue.tables, catalogue.campuses)


@pytest.fixture(scope="module")
def vocabulary(catalogue: Catalogue) -> Vocabulary:
    return Vocabulary.from_tables(catalogue.tables)


@pytest.fixture(scope="module")
def cariste(moves: JobMoves) -> list[Target]:
    return moves.targets("N1101", insee=SAINT_QUENTIN)


def _texts(target: Target, criterion: str) -> list[str]:
    return [reason.text for reason in target.reasons if reason.criterion == criterion]


def _check_figures(targets: list[Target], current: str) -> None:
    codes = [target.code_rome for target in targets]
    assert current not in codes
    assert len(set(codes)) == len(codes)
    scores = [target.score for target in targets]
    assert scores == sorted(scores, reverse=True)
    for target in targets:
        assert 0.0 <= target.gap.share <= 1.0 and 0.0 <= target.gap.core_share <= 1.0
        assert target.gap.missing, target.code_rome
        assert len(_texts(target, "skills")) == 1


def test_a_forklift_driver_in_the_aisne_gets_plastics_and_metal_production_jobs(
    cariste: list[Target], catalogue: Catalogue
):
    assert len(cariste) == 8
    _check_figures(cariste, "N1101")
    campus = next(c for c in catalogue.campuses if c.campus_id == PLASTICS_METALS)
    sector = [
        target
        for target in cariste
        if target.code_rome.startswith(campus.rome_domains) or target.code_rome in campus.rome_codes
    ]
    assert sector, [target.label for target in cariste]
    for target in sector:
        assert PLASTICS_METALS in target.campus_ids
        assert "campus" in target.sources
        assert any("Plasturgie" in text for text in _texts(target, "campus"))
        # Production jobs entered with a CAP or a Bac, not engineers.
        assert target.entry_level is not None and target.entry_level <= 4
        assert 0 < target.gap.share < 0.2


def test_a_forklift_driver_keeps_the_rome_links_of_the_job(cariste: list[Target]):
    by_code = {target.code_rome: target for target in cariste}
    assert "N1103" in by_code  # préparateur de commandes, the ROME's closest link
    picker = by_code["N1103"]
    assert picker.mobility_rank == 1 and "rome" in picker.sources
    assert 0.25 <= picker.gap.share <= 0.6
    sentence = _texts(picker, "skills")[0]
    assert sentence.startswith("Comme cariste, vous avez déjà")
    assert "d'un préparateur de commandes" in sentence
    assert "Il vous manque notamment" in sentence
    assert sum(target.mobility_rank is not None for target in cariste) >= 2


def test_targets_stay_within_reach_of_the_person(cariste: list[Target]):
    # A cariste enters at level 3: no engineer or manager (level 6 and more) is proposed.
    assert all((target.entry_level or 3) <= 5 for target in cariste)


def test_a_lab_technician_near_rouen_gets_lab_chemistry_and_biotech_jobs(
    moves: JobMoves, vocabulary: Vocabulary
):
    current = resolve_job(vocabulary, "technicien de laboratoire")
    assert current.code_rome.startswith(("H12", "H15")) and "laboratoire" in current.label
    targets = moves.targets(current.code_rome, insee=ROUEN)
    _check_figures(targets, current.code_rome)
    in_campus = [target for target in targets if BIOTECH in target.campus_ids]
    assert len(in_campus) >= 3
    assert all(target.code_rome.startswith("H") for target in targets)  # industry jobs
    words = ("laboratoire", "chimi", "pharma", "biolog", "qualit")
    assert sum(any(w in target.label.lower() for w in words) for target in targets) >= 6


def test_without_a_place_no_campus_is_invoked(moves: JobMoves):
    targets = moves.targets("N1101")
    assert all(not target.campus_ids and not _texts(target, "campus") for target in targets)
    assert targets[0].code_rome == "N1103"


def test_a_named_target_comes_with_its_gap(moves: JobMoves):
    [target] = moves.targets("N1101", insee=SAINT_QUENTIN, named=["h3202"])
    assert target.code_rome == "H3202"
    assert target.sources == ("campus", "named")
    assert _texts(target, "named") == ["Métier que vous avez choisi"]
    assert 0 < target.gap.share < 0.2
    assert target.gap.missing[0][0].isupper()  # labels as the ROME writes them
    assert "monteur régleur en plasturgie" in _texts(target, "skills")[0]


def test_named_targets_keep_the_order_given(moves: JobMoves):
    targets = moves.targets("N1101", named=["H3201", "N1103", "H3201"])
    assert [target.code_rome for target in targets] == ["H3201", "N1103"]


def test_a_job_holds_all_its_own_skills(moves: JobMoves):
    for code in ("N1101", "H1510", "H3202"):
        gap = moves.gap(code, code)
        assert gap.share == 1.0 and gap.missing == ()


def test_near_identical_skills_count_as_held(moves: JobMoves):
    gap = moves.gap("N1101", "H2903")
    # The cariste's "Règles et consignes de sécurité" has another code.
    assert "Règles de sécurité" in gap.held
    assert gap.credentials  # the target's CACES, listed apart from the skills


def test_a_target_far_above_the_person_level_ranks_lower(moves: JobMoves):
    [low] = moves.targets("H1510", level=3, named=["H1525"])
    [high] = moves.targets("H1510", level=6, named=["H1525"])
    assert low.score < high.score
    assert not next(r for r in low.reasons if r.criterion == "level").positive
    assert "au-dessus du vôtre" in _texts(low, "level")[0]


@pytest.mark.parametrize(
    ("text", "code"),
    [("cariste", "N1101"), ("N1101", "N1101"), ("conducteur de chariot élévateur", "N1101")],
)
def test_the_current_job_is_read_from_words_or_a_code(vocabulary: Vocabulary, text: str, code: str):
    found = resolve_job(vocabulary, text)
    assert (found.code_rome, found.label, found.name) == (code, "Cariste", "cariste")


@pytest.mark.parametrize("text", ["xqzw", "dehors", "  "])
def test_an_unknown_job_is_a_clear_error(vocabulary: Vocabulary, text: str):
    with pytest.raises(ProfileError, match="métier") as error:
        resolve_job(vocabulary, text)
    assert error.value.field == "current_job"
    assert "cariste" in str(error.value)  # an example of what to type


def test_bad_requests_are_profile_errors(moves: JobMoves):
    with pytest.raises(ProfileError, match="Z9999"):
        moves.targets("Z9999")
    with pytest.raises(ProfileError, match="99999") as error:
        moves.targets("N1101", insee="99999")
    assert error.value.field == "place"
    with pytest.raises(ProfileError, match="déjà votre métier"):
        moves.targets("N1101", named=["N1101"])
    with pytest.raises(ProfileError) as error:
        moves.targets("N1101", level=9)
    assert error.value.allowed == ["3", "4", "5", "6", "7", "8"]


def test_job_names_read_well_in_a_sentence():
    assert job_name("Agent / Agente de quai manutentionnaire") == "agent de quai manutentionnaire"
    assert job_name("Moniteur éducateur / Monitrice éducatrice") == "moniteur éducateur"


def test_examples_in_docstrings_run():
    failures, tried = doctest.testmod(jobs)
    assert tried > 0 and failures == 0
    assert doctest.testmod(mobility).failed == 0
