"""Resolving what people type into jobs (recommender/vocabulary.py): tiny referentials
checkable by eye, then the real bundled data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.schema import TABLES, conform
from recommender.vocabulary import SYNONYMS, JobTitle, Term, Vocabulary

DATA = Path(__file__).resolve().parents[1] / "data"
NEEDED = ("jobs", "job_titles", "interests", "job_interests", "certifications", "nsf_specialties")


def _job(code: str, label: str, domaine_label: str) -> dict[str, object]:
    return dict(
        code_rome=code,
        label=label,
        domaine=code[:3],
        domaine_label=domaine_label,
        grand_domaine=code[0],
        grand_domaine_label="-",
        riasec_major=None,
        riasec_minor=None,
        definition=None,
    )


def _cert(cert_id: str, label: str, nsf: str, rome_codes: str) -> dict[str, object]:
    return dict(
        cert_id=cert_id,
        cfd=None,
        rncp=None,
        label=label,
        type="X",
        type_label=None,
        level=4,
        rome_codes=rome_codes,
        nsf=nsf,
        access_school=True,
        access_apprenticeship=False,
        access_continuing=False,
        access_professionalisation=False,
        access_vae=False,
        active=True,
        source="test",
        description=None,
    )


def tiny_tables() -> dict[str, pd.DataFrame]:
    metal, plastic = "Mécanique, travail des métaux", "Plastique, caoutchouc"
    raw: dict[str, list[dict[str, object]]] = {
        "jobs": [
            _job("H2913", "Soudeur / Soudeuse", metal),
            _job("H2916", "Soudeur / Soudeuse TIG", metal),
            _job("H3201", "Plasturgiste", plastic),
            _job("H3202", "Monteur régleur / Monteuse régleuse en plasturgie", plastic),
            _job("H2301", "Conducteur / Conductrice de ligne", "Industries de process"),
            _job("A1203", "Jardinier / Jardinière", "Espaces verts"),
            _job("G1240", "Animateur / Animatrice nature", "Animation"),
        ],
        "job_titles": [
            dict(code_ogr="1", label="Soudeur / Soudeuse", code_rome="H2913"),
            dict(code_ogr="2", label="Soudeur / Soudeuse à l'arc électrique", code_rome="H2913"),
            dict(code_ogr="3", label="Soudeur / Soudeuse TIG", code_rome="H2916"),
            dict(code_ogr="4", label="Opérateur / Opératrice en plasturgie", code_rome="H3201"),
            dict(code_ogr="5", label="Régleur / Régleuse en plasturgie", code_rome="H3202"),
            dict(
                code_ogr="6",
                label="Opérateur / Opératrice en industrie chimique",
                code_rome="H2301",
            ),
            dict(code_ogr="7", label="Jardinier / Jardinière", code_rome="A1203"),
            dict(code_ogr="8", label="Animateur / Animatrice nature", code_rome="G1240"),
        ],
        "interests": [
            dict(code="9", label="J'aime être au contact de la nature", definition=None),
            dict(code="14", label="J'aime le travail manuel", definition=None),
        ],
        "job_interests": [
            dict(interest_code="9", code_rome="A1203", principal=True),
            dict(interest_code="14", code_rome="H2913", principal=True),
            dict(interest_code="14", code_rome="H3201", principal=False),
        ],
        "certifications": [
            _cert("40022503", "Bac pro plastiques et composites", "225", ""),
            _cert("50025438", "CAP réalisations industrielles en chaudronnerie", "254", "H2913"),
            _cert("40022504", "Bac pro pilote de ligne de production", "225", "H3202"),
            _cert("RNCP1", "Jardinier paysagiste", "214", "A1203"),
        ],
        "nsf_specialties": [
            dict(code="214", label="Aménagement paysager, parcs, jardins, espaces verts"),
            dict(code="225", label="Plasturgie, matériaux composites"),
            dict(code="254", label="Structures métalliques"),
        ],
    }
    for title in raw["job_titles"]:
        title["label_short"] = title["label"]
    return {name: conform(pd.DataFrame(rows), TABLES[name]) for name, rows in raw.items()}


@pytest.fixture(scope="module")
def tiny() -> Vocabulary:
    return Vocabulary.from_tables(tiny_tables())


# --- tiny referentials ----------------------------------------------------------------


def test_intent_words_are_dropped_and_the_job_title_found(tiny: Vocabulary):
    found = tiny.match("Je veux devenir soudeur")
    assert found.terms == (Term("soudeur", "soudeur", "word"),)
    assert found.unresolved == ()
    assert next(iter(found.jobs)) == "H2913"
    assert found.jobs["H2913"] == 1.0
    assert 0 < found.jobs["H2916"] < 1  # "Soudeur / Soudeuse TIG" says more than "soudeur"


@pytest.mark.parametrize("typed", ["soudeuse", "soudeuses", "SOUDEURS"])
def test_feminine_and_plural_forms_reach_the_same_jobs(tiny: Vocabulary, typed: str):
    found = tiny.match(typed)
    assert found.jobs == tiny.match("soudeur").jobs
    assert not found.terms[0].corrected


def test_typo_and_cut_word_are_corrected_and_say_so(tiny: Vocabulary):
    cut = tiny.match("plasturgi")
    assert cut.terms == (Term("plasturgi", "plasturgie", "word", corrected=True),)
    assert set(cut.jobs) == {"H3201", "H3202"}
    typo = tiny.match("soudeurr")
    assert typo.terms == (Term("soudeurr", "soudeur", "word", corrected=True),)
    assert next(iter(typo.jobs)) == "H2913"


def test_gibberish_and_short_unknown_words_are_never_corrected(tiny: Vocabulary):
    found = tiny.match("xqzw")
    assert (found.jobs, found.terms, found.unresolved) == ({}, (), ("xqzw",))
    # "soud" is one edit from nothing here but a prefix of "soudeur": 4 letters stay as typed.
    assert tiny.match("soud").unresolved == ("soud",)


def test_rome_code_in_any_case_weighs_one(tiny: Vocabulary):
    found = tiny.match("h3201")
    assert found.jobs == {"H3201": 1.0}
    assert found.terms == (Term("h3201", "H3201 Plasturgiste", "rome"),)
    assert tiny.match("Z9999").unresolved == ("z9999",)


def test_derivation_reaches_related_words(tiny: Vocabulary):
    # "chimie" is in no title; "chimique" shares its root.
    found = tiny.match("la chimie")
    assert found.terms == (Term("chimie", "chimique", "word"),)
    assert list(found.jobs) == ["H2301"]


def test_interest_code_and_label_words_reach_the_category_and_its_jobs(tiny: Vocabulary):
    assert tiny.match("9").interests == {"9": 1.0}
    assert tiny.match("9").jobs == {"A1203": 1.0}
    assert tiny.match("le travail manuel").interests == {"14": 1.0}


def test_synonym_reaches_the_interest_below_a_title_naming_it(tiny: Vocabulary):
    outdoors = tiny.match("travailler dehors")
    assert Term("dehors", "nature", "synonym") in outdoors.terms
    assert outdoors.interests == {"9": 0.8}
    assert outdoors.jobs == {"A1203": 1.0}  # a synonym of a category reaches no title
    nature = tiny.match("nature")
    assert nature.jobs["G1240"] == 1.0  # "Animateur nature": its title says it
    assert nature.jobs["A1203"] < 1.0  # a job of the nature category, through it only


def test_each_word_of_a_query_keeps_jobs(tiny: Vocabulary):
    found = tiny.match("soudeur et plasturgie")
    assert {"H2913", "H3201", "H3202"} <= set(found.jobs)
    assert max(found.jobs.values()) == 1.0


def test_certification_text_reaches_a_label_without_the_word_through_its_nsf(tiny: Vocabulary):
    scores = tiny.certification_scores(tiny.match("plasturgie"))
    assert scores.shape == (4,)
    bac_pro, chaudronnerie, pilote, jardinier = scores
    assert bac_pro > 0.3  # "Plastiques et composites", NSF 225 "Plasturgie, matériaux…"
    assert pilote > 0.3
    assert chaudronnerie == 0.0 and jardinier == 0.0


def test_certification_job_scores_say_which_codes_gave_them(tiny: Vocabulary):
    found = tiny.match("soudeur")
    result = tiny.certification_job_scores(found)
    codes = list(tiny.job_codes)
    # CAP chaudronnerie lists H2913 itself; the Bac pro pilote lists H3202 (grand domaine H).
    assert result.scores[1] == 1.0
    assert (result.cert_job[1], result.matched_job[1]) == (codes.index("H2913"),) * 2
    assert result.scores[2] == pytest.approx(0.2)
    assert result.cert_job[2] == codes.index("H3202")
    assert result.matched_job[2] == codes.index("H2913")
    # No ROME code, or nothing near: 0 and no codes.
    for row in (0, 3):
        assert (result.scores[row], result.cert_job[row], result.matched_job[row]) == (0, -1, -1)


def test_certification_job_scores_are_weighted_by_the_matched_jobs(tiny: Vocabulary):
    tig = tiny.match("soudeur TIG")  # H2916 first, H2913 behind
    assert next(iter(tig.jobs)) == "H2916" and tig.jobs["H2913"] < 1
    scores = tiny.certification_job_scores(tig).scores
    assert scores[1] == pytest.approx(max(tig.jobs["H2913"], 0.6 * tig.jobs["H2916"]))
    empty = tiny.certification_job_scores(tiny.match("xqzw"))
    assert not empty.scores.any() and (empty.cert_job == -1).all()


def test_job_proximity_follows_the_rome_tree(tiny: Vocabulary):
    proximity = tiny.job_proximity(["H3201", "H3202", "H2913", "A1203", "h3202"], ["H3202"])
    assert proximity[:, 0].tolist() == [0.6, 1.0, 0.2, 0.0, 1.0]


def test_job_proximity_uses_rome_parents_when_the_jobs_table_has_them():
    tables = tiny_tables()
    parents = {"H2916": "H2913"}
    tables["jobs"] = tables["jobs"].assign(
        code_rome_parent=tables["jobs"]["code_rome"].map(parents)
    )
    vocabulary = Vocabulary.from_tables(tables)
    assert vocabulary.job_proximity(["H2916", "H3201"], ["H2913"])[:, 0].tolist() == [0.8, 0.2]


def test_search_titles_by_prefix_then_by_corrected_spelling(tiny: Vocabulary):
    assert [t.label for t in tiny.search_titles("soud")] == [
        "Soudeur / Soudeuse",
        "Soudeur / Soudeuse TIG",
        "Soudeur / Soudeuse à l'arc électrique",
    ]
    assert tiny.search_titles("régl plast") == [
        JobTitle("5", "Régleur / Régleuse en plasturgie", "H3202", tiny.job_labels[3])
    ]
    assert [t.code_ogr for t in tiny.search_titles("sodeur", limit=1)] == ["1"]
    assert tiny.search_titles("") == []


def test_search_interests_by_prefix_code_or_meaning(tiny: Vocabulary):
    assert [c.code for c in tiny.search_interests("natu")] == ["9"]
    assert [c.code for c in tiny.search_interests("dehors")] == ["9"]
    assert [c.code for c in tiny.search_interests("14")] == ["14"]
    assert tiny.search_interests("xqzw") == []


def test_missing_table_is_named():
    tables = tiny_tables()
    del tables["nsf_specialties"]
    with pytest.raises(KeyError, match="nsf_specialties"):
        Vocabulary.from_tables(tables)


# --- the real bundled data ----------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Vocabulary:
    return Vocabulary.from_tables(_bundled())


def _bundled() -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(DATA / f"{name}.parquet") for name in NEEDED}


@pytest.fixture(scope="module")
def certifications() -> pd.DataFrame:
    return pd.read_parquet(DATA / "certifications.parquet")


def _top(scores: np.ndarray, certifications: pd.DataFrame, n: int, *, active: bool) -> list[str]:
    rows = np.argsort(-scores, kind="stable")
    if active:
        rows = rows[certifications["active"].to_numpy(dtype=bool)[rows]]
    return certifications["cert_id"].to_numpy()[rows[:n]].tolist()


def test_every_synonym_reaches_words_of_the_referentials(real: Vocabulary):
    assert real.unknown_synonyms == []
    assert len(SYNONYMS) <= 12


@pytest.mark.parametrize("typed", ["je veux devenir soudeur", "soudeuse", "soudeurs"])
def test_real_welders(real: Vocabulary, typed: str):
    jobs = list(real.match(typed).jobs)
    assert jobs[0] == "H2913"
    assert {"H2916", "H2917"} <= set(jobs[:5])  # TIG and MIG MAG welders


def test_real_plastics_typo(real: Vocabulary):
    found = real.match("plasturgi")
    assert found.terms == (Term("plasturgi", "plasturgie", "word", corrected=True),)
    assert next(iter(found.jobs)) == "H3201"
    assert "H3202" in list(found.jobs)[:3]
    assert found.nsf == {"225": 1.0}


def test_real_boilermaking_typo(real: Vocabulary):
    found = real.match("chaudronerie")
    assert found.terms[0].matched == "chaudronnerie" and found.terms[0].corrected
    assert next(iter(found.jobs)) == "H2902"


def test_real_tinkering_and_chemistry(real: Vocabulary):
    found = real.match("j'aime bricoler et la chimie")
    jobs = set(found.jobs)
    assert {"H2301", "H2304", "H1503"} <= jobs  # chemical industry, laboratory
    assert {"1", "14"} <= set(found.interests)  # construire, rénover · travail manuel
    links = pd.read_parquet(DATA / "job_interests.parquet")
    manual = set(links.loc[(links["interest_code"] == "14") & links["principal"], "code_rome"])
    assert len(jobs & manual) >= 3


def test_real_outdoors_means_the_nature_category(real: Vocabulary):
    found = real.match("travailler dehors")
    assert found.interests == {"9": 0.8}
    links = pd.read_parquet(DATA / "job_interests.parquet")
    assert set(found.jobs) <= set(links.loc[links["interest_code"] == "9", "code_rome"])
    assert len(found.jobs) >= 10


def test_real_code_and_gibberish(real: Vocabulary):
    assert real.match("H3201").jobs == {"H3201": 1.0}
    gibberish = real.match("xqzw")
    assert (gibberish.jobs, gibberish.unresolved) == ({}, ("xqzw",))


def test_real_plastics_certifications_come_first_through_their_nsf(
    real: Vocabulary, certifications: pd.DataFrame
):
    scores = real.certification_scores(real.match("plasturgie"))
    assert scores.shape == (len(certifications),)
    in_225 = (certifications["nsf"] == "225").fillna(False).to_numpy(dtype=bool)
    # Every NSF 225 certification, whatever its label says, before every other one…
    assert scores[in_225].min() > scores[~in_225].max()
    by_id = dict(zip(certifications["cert_id"], scores, strict=True))
    assert by_id["32022505"] > 0.4 and by_id["32022506"] > 0.4  # BTS EuroPlastics
    # …and the Bac pro "plastiques et composites" (ROME: H2504 only) in the top 10.
    assert "40022503" in _top(scores, certifications, 10, active=True)


def test_real_certification_text_finds_the_diploma_named(
    real: Vocabulary, certifications: pd.DataFrame
):
    chemistry = real.certification_scores(real.match("métiers de la chimie"))
    assert _top(chemistry, certifications, 1, active=False) == ["32022208"]
    bioanalyses = real.certification_scores(real.match("bioanalyses"))
    # 32022207, its closed predecessor "BTS bioanalyses et contrôles", is first of all.
    assert _top(bioanalyses, certifications, 1, active=True) == ["32022209"]


def test_real_certification_job_scores_name_the_job(real: Vocabulary, certifications):
    found = real.match("plasturgie")
    result = real.certification_job_scores(found)
    row = int(np.flatnonzero(certifications["cert_id"] == "RNCP37877")[0])  # TP plasturgie
    assert result.scores[row] == 1.0
    assert real.job_codes[result.cert_job[row]] == "H3201"
    assert real.job_codes[result.matched_job[row]] == "H3201"


def test_real_title_autocomplete(real: Vocabulary):
    titles = real.search_titles("soud")
    assert titles[0] == JobTitle("404475", "Soudeur / Soudeuse", "H2913", "Soudeur / Soudeuse")
    assert all(t.label.startswith("Soud") for t in titles[:5])
