"""Where a person stands, and which formations are natural next steps."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender import levels
from recommender.errors import ProfileError
from recommender.levels import (
    CODES,
    REASONS,
    STANDINGS,
    explain_step,
    parse_level,
    step_scores,
)

BUNDLED = Path(__file__).resolve().parents[1] / "data"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("4e", "4e"),
        ("4ème", "4e"),
        ("Quatrième", "4e"),
        ("3e", "3e"),
        ("3ème", "3e"),
        ("troisième", "3e"),
        ("TROISIEME", "3e"),
        ("3e prépa-métiers", "3e"),
        ("3e Prépa Métiers", "3e"),
        ("seconde", "seconde_gt"),
        ("2nde", "seconde_gt"),
        ("2de", "seconde_gt"),
        ("Seconde générale et technologique", "seconde_gt"),
        ("2nde GT", "seconde_gt"),
        ("seconde pro", "seconde_pro"),
        ("2nde professionnelle", "seconde_pro"),
        ("2de bac pro", "seconde_pro"),
        ("première", "premiere_generale"),
        ("1re générale", "premiere_generale"),
        ("1ère technologique", "premiere_techno"),
        ("première techno", "premiere_techno"),
        ("1re pro", "premiere_pro"),
        ("Première professionnelle", "premiere_pro"),
        ("terminale", "terminale_generale"),
        ("Terminale générale", "terminale_generale"),
        ("terminale technologique", "terminale_techno"),
        ("Tle techno", "terminale_techno"),
        ("terminale pro", "terminale_pro"),
        ("terminale professionnelle", "terminale_pro"),
        ("CAP", "cap"),
        ("cap", "cap"),
        ("CAPA", "capa"),
        ("CAP agricole", "capa"),
        ("BEP", "bep"),
        ("bac pro", "bac_pro"),
        ("Bac Pro", "bac_pro"),
        ("baccalauréat professionnel", "bac_pro"),
        ("bac", "bac_general"),
        ("Bac général", "bac_general"),
        ("bac techno", "bac_techno"),
        ("bac technologique", "bac_techno"),
        ("BP", "bp"),
        ("brevet professionnel", "bp"),
        ("BTS", "bts"),
        ("BTSA", "btsa"),
        ("DUT", "dut"),
        ("BUT", "but"),
        ("bac+2", "niveau_5"),
        ("Bac + 2", "niveau_5"),
        ("licence", "licence"),
        ("Licence pro", "licence_pro"),
        ("licence professionnelle", "licence_pro"),
        ("bac+3", "niveau_6"),
        ("master", "master"),
        ("Master", "master"),
        ("bac+5", "niveau_7"),
        ("niveau 3", "niveau_3"),
        ("Niveau 4", "niveau_4"),
        ("niveau 5", "niveau_5"),
        ("niveau 6", "niveau_6"),
        ("niveau 7", "niveau_7"),
        ("niveau 8", "niveau_8"),
        ("3", "niveau_3"),
        ("5", "niveau_5"),
        ("8", "niveau_8"),
        ("sans diplôme", "sans_diplome"),
        ("Aucun diplôme", "sans_diplome"),
        ("  bac   pro  ", "bac_pro"),
    ],
)
def test_parse_level_reads_the_words_people_use(text: str, code: str) -> None:
    assert parse_level(text).code == code


@pytest.mark.parametrize("code", CODES)
def test_every_canonical_code_reads_as_itself(code: str) -> None:
    assert parse_level(code) is STANDINGS[code]


@pytest.mark.parametrize("text", ["bac+9", "CM2", "", "niveau 9", "2"])
def test_unknown_level_names_the_value_and_lists_the_codes(text: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_level(text)
    assert caught.value.field == "level"
    assert f"« {text} »" in str(caught.value)
    assert caught.value.allowed == list(CODES)
    assert "bac_pro" in caught.value.reason and "3e" in caught.value.allowed


def test_standings_say_what_is_held_and_what_comes_next() -> None:
    rows = {
        code: (s.label, s.held_level, s.entering_level, s.prerequisite_level, s.track, s.is_pupil)
        for code, s in STANDINGS.items()
    }
    assert rows["3e"] == ("en 3e", 0, 3, 0, None, True)
    assert rows["seconde_gt"][1:] == (0, 4, 0, "general", True)
    assert rows["terminale_pro"][1:] == (0, 5, 4, "pro", True)
    assert rows["cap"] == ("titulaire d'un CAP", 3, 4, 3, "pro", False)
    assert rows["bac_pro"][1:] == (4, 5, 4, "pro", False)
    assert rows["bac_techno"][1:] == (4, 5, 4, "technologique", False)
    assert rows["bts"][1:4] == (5, 6, 5)
    assert rows["licence"][1:4] == (6, 7, 6)
    assert rows["master"][1:4] == (7, 8, 7)
    assert rows["sans_diplome"] == ("sans diplôme", 0, 3, 0, None, False)


# standing, type, level, score, allowed, words in the reason
STEPS = [
    ("3e", "CAP", 3, 1.0, True, "suite logique après la 3e"),
    ("3e", "BAC PRO", 4, 1.0, True, "suite logique après la 3e"),
    ("3e", "BAC GENERAL", 4, 1.0, True, "suite logique après la 3e"),
    ("3e", "BTS", 5, 0.0, False, "demande un Bac"),
    ("3e", "BP", 4, 0.0, False, "demande un diplôme de niveau 3"),
    ("3e", "MC", 3, 0.0, False, "demande un diplôme de niveau 3"),
    ("4e", "CAP", 3, 0.5, True, "après la 3e"),
    ("4e", "BAC PRO", 4, 0.5, True, "après la 3e"),
    ("seconde_gt", "BAC PRO", 4, 0.5, True, "passerelle vers la voie professionnelle"),
    ("seconde_gt", "CAP", 3, 0.4, True, "réorientation vers un CAP"),
    ("seconde_gt", "BTS", 5, 0.0, False, "demande un Bac"),
    ("seconde_pro", "BAC PRO", 4, 1.0, True, "suite logique"),
    ("cap", "BAC PRO", 4, 1.0, True, "suite logique après un CAP"),
    ("cap", "BP", 4, 1.0, True, "suite logique après un CAP"),
    ("cap", "MC", 3, 1.0, True, "suite logique après un CAP"),
    ("cap", "CAP", 3, 0.05, True, "déjà un diplôme de ce niveau"),
    ("cap", "BTS", 5, 0.0, False, "demande un Bac"),
    ("terminale_pro", "BTS", 5, 1.0, True, "suite logique après un Bac pro"),
    ("terminale_pro", "LP", 6, 0.0, False, "niveau 5"),
    ("bac_pro", "BTS", 5, 1.0, True, "suite logique après un Bac pro"),
    ("bac_pro", "MC", 4, 1.0, True, "suite logique après un Bac pro"),
    ("bac_pro", "CS", 4, 1.0, True, "suite logique après un Bac pro"),
    ("bac_pro", "BUT", 6, 0.5, True, "moins courant"),
    ("bac_pro", "LP", 6, 0.0, False, "demande un diplôme de niveau 5 (Bac+2)"),
    ("bac_pro", "CAP", 3, 0.05, True, "niveau inférieur"),
    ("bac_pro", "BAC PRO", 4, 0.05, True, "déjà un diplôme de ce niveau"),
    ("bac_general", "BAC PRO", 4, 0.05, True, "déjà un diplôme de ce niveau"),
    ("bts", "BTS", 5, 0.1, True, "même niveau que votre diplôme"),
    ("terminale_generale", "BUT", 6, 1.0, True, "Bac général ou technologique"),
    ("bac_general", "LICENCE", 6, 1.0, True, "Bac général ou technologique"),
    ("bac_techno", "DEUST", 5, 1.0, True, "Bac général ou technologique"),
    ("bts", "LP", 6, 1.0, True, "suite logique après un Bac+2"),
    ("bts", "BUT", 6, 1.0, True, "suite logique après un Bac+2"),
    ("dut", "LICENCE", 6, 1.0, True, "suite logique après un Bac+2"),
    ("bts", "MASTER", 7, 0.0, False, "demande un diplôme de niveau 6"),
    ("bts", "ING", 7, 0.6, True, "admission parallèle"),
    ("licence", "MASTER", 7, 1.0, True, "suite logique après une licence"),
    ("bac_pro", "MASTER", 7, 0.0, False, "demande un diplôme de niveau 6"),
    # Adults: titles up to one level above the held one; level 3 is open to all.
    ("sans_diplome", "TP", 3, 0.9, True, "premier diplôme qualifiant"),
    ("sans_diplome", "TP", 4, 0.0, False, "demande un diplôme de niveau 3"),
    ("sans_diplome", "CAP", 3, 1.0, True, "premier diplôme qualifiant"),
    ("bac_pro", "TP", 5, 0.8, True, "niveau juste au-dessus du vôtre"),
    ("bac_pro", "TH", 6, 0.0, False, "demande un diplôme de niveau 5"),
    ("cap", "CQP", 4, 0.8, True, "niveau juste au-dessus du vôtre"),
    ("cap", "TH", None, 0.3, True, "niveau non renseigné"),
    ("3e", "BTS", None, 0.0, False, "demande un Bac"),
]


@pytest.mark.parametrize(("code", "type_", "level", "score", "allowed", "reason"), STEPS)
def test_explain_step_follows_the_rules(
    code: str, type_: str, level: int | None, score: float, allowed: bool, reason: str
) -> None:
    got_score, got_allowed, got_reason = explain_step(STANDINGS[code], type_, level)
    assert (got_score, got_allowed) == (score, allowed)
    assert reason in got_reason


def test_a_4e_sees_the_3e_doors_lower_than_a_3e_does() -> None:
    for type_, level in (("CAP", 3), ("BAC PRO", 4), ("BAC GENERAL", 4)):
        in_4e = explain_step(parse_level("4e"), type_, level)
        in_3e = explain_step(parse_level("3e"), type_, level)
        assert in_4e[1] and in_4e[0] < in_3e[0]
        assert in_4e[2] == "accessible après la 3e"


def test_a_bac_pro_holder_aged_30_follows_the_same_prerequisites() -> None:
    adult = parse_level("bac pro")
    assert not adult.is_pupil
    assert explain_step(adult, "BTS", 5)[:2] == (1.0, True)
    assert explain_step(adult, "LP", 6)[1] is False


def test_step_scores_broadcasts_the_pair_judgements() -> None:
    types = np.array(["CAP", "BTS", "BAC PRO", "BTS", "TP", "TP"], dtype=object)
    level_values = np.array([3.0, 5.0, 4.0, 5.0, np.nan, 3.0])
    result = step_scores(parse_level("3e"), types, level_values)
    assert result.scores.tolist() == [1.0, 0.0, 1.0, 0.0, 0.3, 0.3]
    assert result.allowed.tolist() == [True, False, True, False, True, True]
    assert result.reason(1) == "demande un Bac (niveau 4)"
    assert result.reason(0) == "suite logique après la 3e"
    assert result.reason_codes.dtype == np.int8


def test_changed_writable_arrays_are_scored_afresh() -> None:
    types = np.array(["CAP", "BTS"], dtype=object)
    level_values = np.array([3.0, 5.0])
    standing = parse_level("3e")
    assert step_scores(standing, types, level_values).allowed.tolist() == [True, False]
    types[1] = "BAC PRO"
    level_values[1] = 4.0
    assert step_scores(standing, types, level_values).allowed.tolist() == [True, True]


def test_read_only_arrays_give_the_same_answers_call_after_call() -> None:
    types = np.array(["CAP", "BTS", "LP"], dtype=object)
    level_values = np.array([3.0, 5.0, 6.0])
    types.flags.writeable = False
    level_values.flags.writeable = False
    expected = {"3e": [True, False, False], "bts": [True, True, True]}
    for code in ("3e", "bts", "3e", "bts"):
        assert step_scores(STANDINGS[code], types, level_values).allowed.tolist() == expected[code]


def test_every_reason_is_distinct_and_the_module_examples_run() -> None:
    assert len(set(REASONS)) == len(REASONS)
    failures, _ = doctest.testmod(levels)
    assert failures == 0


@pytest.fixture(scope="module")
def catalogue_items() -> tuple[np.ndarray, np.ndarray, pd.Series]:
    """Certification type and level of every bundled formation, and its programme label."""
    formations = pd.read_parquet(BUNDLED / "formations.parquet", columns=["cert_id", "level"])
    certifications = pd.read_parquet(
        BUNDLED / "certifications.parquet", columns=["cert_id", "type", "label"]
    )
    items = formations.merge(certifications, on="cert_id", how="left", validate="many_to_one")
    types = items["type"].to_numpy(dtype=object)
    level_values = items["level"].to_numpy(dtype=float, na_value=np.nan)
    return types, level_values, items["label"]


@pytest.mark.parametrize("code", CODES)
def test_vector_and_explain_agree_on_every_real_pair(
    code: str, catalogue_items: tuple[np.ndarray, np.ndarray, pd.Series]
) -> None:
    types, level_values, _ = catalogue_items
    standing = STANDINGS[code]
    result = step_scores(standing, types, level_values)
    first_rows = pd.DataFrame({"type": types, "level": level_values}).drop_duplicates().index
    assert len(first_rows) > 40
    for index in first_rows.to_numpy():
        expected = explain_step(standing, types[index], level_values[index])
        got = (float(result.scores[index]), bool(result.allowed[index]), result.reason(index))
        assert got == expected, (types[index], level_values[index])


@pytest.mark.parametrize("code", CODES)
def test_no_allowed_formation_is_more_than_one_level_ahead(
    code: str, catalogue_items: tuple[np.ndarray, np.ndarray, pd.Series]
) -> None:
    types, level_values, _ = catalogue_items
    standing = STANDINGS[code]
    result = step_scores(standing, types, level_values)
    ahead = result.allowed & (level_values > standing.entering_level + 1)
    assert not ahead.any(), sorted(set(types[ahead]))
    assert ((result.scores >= 0) & (result.scores <= 1)).all()
    assert (result.scores[~result.allowed] == 0).all()
    assert result.allowed.any()


def test_real_2nde_commune_and_bts_first_years_score_as_their_diploma(
    catalogue_items: tuple[np.ndarray, np.ndarray, pd.Series],
) -> None:
    types, level_values, labels = catalogue_items
    commune = labels.str.contains("2NDE COMMUNE").to_numpy()
    bts_first_year = labels.str.contains("BTS 1").to_numpy() & (types == "BTS")
    assert commune.sum() > 1000 and bts_first_year.sum() > 100
    after_3e = step_scores(parse_level("3e"), types, level_values)
    assert (after_3e.scores[commune] == 1.0).all()
    assert not after_3e.allowed[bts_first_year].any()
    after_bac_pro = step_scores(parse_level("terminale pro"), types, level_values)
    assert (after_bac_pro.scores[bts_first_year] == 1.0).all()


def test_an_adult_retraining_may_take_a_diploma_of_their_level_or_below() -> None:
    bac = parse_level("bac")
    assert explain_step(bac, "CAP", 3) == (0.05, True, "niveau inférieur à votre diplôme")
    score, allowed, reason = explain_step(bac, "CAP", 3, retraining=True)
    assert (score, allowed) == (0.8, True) and "changer de métier" in reason
    cap = parse_level("CAP")
    assert explain_step(cap, "CAP", 3, retraining=True)[0] == 0.9
    assert explain_step(cap, "BAC PRO", 4, retraining=True)[0] == 1.0  # steps up unchanged
    # A pupil is never "retraining", whatever the audience says.
    assert explain_step(parse_level("terminale"), "CAP", 3, retraining=True)[0] == 0.05
