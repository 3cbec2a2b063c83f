"""Skills held and missing between two jobs: tiny jobs checkable by eye."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from recommender import skills
from recommender.errors import ProfileError
from recommender.skills import SkillIndex, is_credential, person_words, stems


def _skills(rows: list[tuple[str, str, str, str, bool]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code_rome", "skill_code", "label", "category", "core"])


@pytest.fixture(scope="module")
def index() -> SkillIndex:
    return SkillIndex(
        _skills(
            [
                # a forklift driver
                ("N1101", "1", "Règles et consignes de sécurité", "savoir", False),
                ("N1101", "2", "Conduire un chariot élévateur", "savoir_faire", True),
                ("N1101", "3", "Surveiller le fonctionnement des machines", "savoir_faire", False),
                ("N1101", "4", "Techniques de plantation", "savoir", False),
                ("N1101", "5", "CACES R489 catégorie 3", "savoir", False),
                # a plastics setter
                ("H3202", "2", "Conduire un chariot élévateur", "savoir_faire", True),
                ("H3202", "10", "Règles de sécurité", "savoir", False),
                (
                    "H3202",
                    "11",
                    "Surveiller le bon fonctionnement des machines",
                    "savoir_faire",
                    False,
                ),
                ("H3202", "12", "Techniques de plantation d'osier", "savoir", False),
                ("H3202", "13", "Régler les paramètres d'une presse", "savoir_faire", True),
                ("H3202", "14", "Faire preuve d'autonomie", "savoir_etre", False),
                ("H3202", "15", "Bac pro plastiques et composites", "savoir", False),
                ("H3202", "5", "CACES R489 catégorie 3", "savoir", False),
            ]
        )
    )


def test_a_target_skill_is_held_by_code_or_by_a_near_identical_label(index: SkillIndex):
    gap = index.gap("N1101", "H3202")
    assert set(gap.held) == {
        "Conduire un chariot élévateur",  # same code
        "Règles de sécurité",  # its words are all in "Règles et consignes de sécurité"
        "Surveiller le bon fonctionnement des machines",  # one empty word apart
    }
    # One more specific word than the current skill: not the same skill.
    assert "Techniques de plantation d'osier" in gap.missing


def test_shares_count_skills_not_diplomas(index: SkillIndex):
    gap = index.gap("N1101", "H3202")
    assert gap.total == 6  # the Bac pro and the CACES are left out
    assert gap.held_count == 3
    assert gap.share == pytest.approx(3 / 6)
    assert gap.core_share == pytest.approx(1 / 2)  # the chariot, not the press settings
    assert gap.score == pytest.approx(0.5)
    # The CACES is cited by both jobs: only the Bac pro is a credential to earn.
    assert gap.credentials == ("Bac pro plastiques et composites",)


def test_missing_skills_come_core_first_then_know_how(index: SkillIndex):
    gap = index.gap("N1101", "H3202")
    assert gap.missing == (
        "Régler les paramètres d'une presse",
        "Techniques de plantation d'osier",
        "Faire preuve d'autonomie",
    )


def test_a_job_holds_all_its_own_skills(index: SkillIndex):
    gap = index.gap("H3202", "H3202")
    assert gap.share == gap.core_share == 1.0
    assert gap.missing == () and gap.credentials == ()


def test_scores_of_every_job_match_the_gaps(index: SkillIndex):
    scores = dict(zip(index.job_codes.tolist(), index.scores("N1101").tolist(), strict=True))
    assert scores["H3202"] == pytest.approx(index.gap("N1101", "H3202").score)
    assert scores["N1101"] == pytest.approx(1.0)


def test_an_unknown_job_is_a_profile_error(index: SkillIndex):
    with pytest.raises(ProfileError, match="Z9999"):
        index.gap("Z9999", "H3202")


@pytest.mark.parametrize(
    ("label", "category", "expected"),
    [
        ("Titre professionnel préparateur de commandes en entrepôt", "savoir", True),
        ("Engins de chantier (CACES R 372)", "savoir", True),
        ("Habilitation électrique", "savoir", True),
        ("Règles de sécurité", "savoir", False),
        ("Formation du personnel sur la sécurité", "savoir", False),
        ("Conduire un véhicule nécessitant une habilitation", "savoir_faire", False),
    ],
)
def test_credentials_are_told_by_their_label(label: str, category: str, expected: bool):
    assert is_credential(label, category) is expected


def test_knowledge_named_after_a_job_is_a_title_not_a_skill():
    persons = person_words(["Manager / Manageuse de proximité", "Cariste"])
    assert persons == {"manager", "manageuse", "cariste"}
    assert is_credential("Manager des organisations logistiques", "savoir", persons)
    assert not is_credential("Management d'équipe", "savoir", persons)


def test_stems_forgive_accents_plurals_and_empty_verbs():
    assert stems("Règles de sécurité") == stems("règle de securite")
    assert stems("Réaliser la maintenance des équipements") == stems("Maintenance d'équipements")


def test_examples_in_docstrings_run():
    failures, tried = doctest.testmod(skills)
    assert tried > 0 and failures == 0
