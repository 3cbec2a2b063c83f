"""Checks of the bundled referential files in data/: jobs, NAF codes, certifications."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.schema import TABLES, conform

DATA = Path(__file__).resolve().parents[1] / "data"
REFERENTIALS = (
    "jobs",
    "job_titles",
    "interests",
    "job_interests",
    "job_mobility",
    "job_skills",
    "job_sectors",
    "naf_codes",
    "certifications",
    "cert_blocs",
)


def _table(name: str) -> pd.DataFrame:
    return pd.read_parquet(DATA / f"{name}.parquet")


@pytest.mark.parametrize("name", REFERENTIALS)
def test_bundled_file_conforms_to_the_schema(name: str):
    frame = _table(name)
    assert list(frame.columns) == TABLES[name].column_names
    conform(frame, TABLES[name], file=f"{name}.parquet")


def test_plastics_job_sits_in_its_domaine():
    jobs = _table("jobs").set_index("code_rome")
    assert len(jobs) == 1584
    plastics = jobs.loc["H3201"]
    assert plastics["label"] == "Plasturgiste"
    assert (plastics["domaine"], plastics["grand_domaine"]) == ("H32", "H")
    assert plastics["domaine_label"] == "Plastique, caoutchouc"
    assert "plastiques" in plastics["definition"]


def test_a_welding_title_leads_to_the_welding_job():
    titles = _table("job_titles")
    assert 12_000 < len(titles) < 14_000
    welder = titles[titles["label"] == "Soudeur / Soudeuse"]
    assert welder["code_rome"].tolist() == ["H2913"]
    assert _table("jobs").set_index("code_rome").loc["H2913", "domaine"] == "H29"


def test_plastics_job_has_mobility_skills_and_sectors():
    mobility = _table("job_mobility")
    targets = mobility[mobility["code_rome"] == "H3201"].sort_values("rank")
    assert len(targets) >= 3
    assert set(targets["code_rome_target"]) <= set(_table("jobs")["code_rome"])
    skills = _table("job_skills")
    plastics_skills = skills[skills["code_rome"] == "H3201"]
    assert set(plastics_skills["category"]) == {"savoir_faire", "savoir_etre", "savoir"}
    assert plastics_skills["core"].any()
    sectors = _table("job_sectors")
    assert "22" in set(sectors.loc[sectors["code_rome"] == "H3201", "naf_division"])


def test_thirty_interests_each_linked_to_jobs():
    interests = _table("interests")
    assert len(interests) == 30
    links = _table("job_interests")
    assert set(links["interest_code"]) == set(interests["code"])
    # every job has exactly one main interest
    assert links.loc[links["principal"], "code_rome"].value_counts().max() == 1


def test_naf_sub_classes_point_to_known_divisions():
    naf = _table("naf_codes").set_index("naf")
    assert naf.loc["22.21Z", "naf_division"] == "22"
    sectors = _table("job_sectors")
    assert set(sectors["naf_division"]) <= set(naf["naf_division"])


@pytest.mark.parametrize(
    ("cfd", "kind", "level", "words"),
    [
        ("40022503", "BAC PRO", 4, "plastiques et composites"),
        ("50025421", "CAP", 3, "mise en forme des matériaux"),
        ("50020101", "CAP", 3, "conducteur d'installations de production"),
        ("50022509", "CAP", 3, "plasturgie"),
        ("32022505", "BTS", 5, "europlastics et composites"),
        ("32022506", "BTS", 5, "europlastics et composites"),
    ],
)
def test_plastics_diplomas_have_level_and_rome_codes(cfd: str, kind: str, level: int, words: str):
    certifications = _table("certifications").set_index("cert_id")
    diploma = certifications.loc[cfd]
    assert words in diploma["label"].lower()
    assert (diploma["type"], diploma["level"]) == (kind, level)
    assert diploma["rome_codes"]
    assert set(diploma["rome_codes"].split()) <= set(_table("jobs")["code_rome"])


def test_plastics_operator_job_is_prepared_by_a_cap():
    certifications = _table("certifications")
    caps = certifications[certifications["type"] == "CAP"]
    preparing = caps[caps["rome_codes"].str.split().apply(lambda codes: "H3201" in codes)]
    assert {"50022509", "50022510"} <= set(preparing["cfd"])


def test_certifications_counts_and_keys_are_plausible():
    certifications = _table("certifications")
    assert 5_000 < len(certifications) < 15_000
    keyed_by_cfd = certifications["cfd"].notna()
    assert (
        certifications.loc[keyed_by_cfd, "cert_id"] == certifications.loc[keyed_by_cfd, "cfd"]
    ).all()
    assert certifications.loc[~keyed_by_cfd, "cert_id"].str.fullmatch(r"RNCP\d+").all()
    assert set(certifications["level"].dropna()) <= set(range(3, 9))
    blocs = _table("cert_blocs")
    assert set(blocs["rncp"]) <= set(certifications["rncp"].dropna())
