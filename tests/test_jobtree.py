"""Job proximity checked against shared skills (recommender/jobtree.py) and stray
certification codes (recommender/codefit.py), on the real bundled referentials."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recommender.codefit import STRAY_WEIGHT, code_weights
from recommender.jobtree import PROXIMITY, JobTree

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def jobs() -> pd.DataFrame:
    return pd.read_parquet(DATA / "jobs.parquet")


@pytest.fixture(scope="module")
def tree(jobs: pd.DataFrame) -> JobTree:
    return JobTree(jobs, pd.read_parquet(DATA / "job_skills.parquet"))


def test_two_plastics_jobs_stay_close_but_a_hairdresser_is_no_computer_seller(
    tree: JobTree,
) -> None:
    near = tree.proximity_of_codes(["H3202", "D1202"], ["H3201", "D1212"])
    assert near[0, 0] == pytest.approx(PROXIMITY["domaine"])  # monteur régleur ↔ plasturgiste
    assert near[1, 1] < PROXIMITY["domaine"] / 2  # same ROME domaine D12, few shared skills
    assert near[0, 1] == 0.0  # different grand domaines


def test_the_same_code_is_always_fully_close(tree: JobTree) -> None:
    assert tree.proximity_of_codes(["D1202", "X9999"], ["D1202", "X9999"]).diagonal().tolist() == [
        1.0,
        1.0,
    ]


def test_without_skills_the_tree_alone_decides(jobs: pd.DataFrame) -> None:
    plain = JobTree(jobs)
    assert plain.proximity_of_codes(["D1202"], ["D1212"])[0, 0] == PROXIMITY["domaine"]


def test_the_cleaning_cap_plastics_code_is_stray_and_its_own_trade_is_not() -> None:
    certifications = pd.read_parquet(DATA / "certifications.parquet")
    jobs = pd.read_parquet(DATA / "jobs.parquet")["code_rome"].to_numpy(dtype=str)
    index = {code: i for i, code in enumerate(jobs)}
    lists = [
        [index[c] for c in str(codes).split() if c in index]
        for codes in certifications["rome_codes"].fillna("")
    ]
    padded = np.full((len(lists), max(map(len, lists))), len(jobs), dtype=np.int64)
    for row, codes in enumerate(lists):
        padded[row, : len(codes)] = codes
    weights = code_weights(certifications, padded, jobs)

    def weight_of(cert_id: str, code: str) -> float:
        row = int(np.flatnonzero(certifications["cert_id"] == cert_id)[0])
        return float(weights[row, lists[row].index(index[code])])

    assert weight_of("50034307", "H3201") == STRAY_WEIGHT  # CAP agent de propreté: plastics
    assert weight_of("50034307", "K2204") == 1.0  # …and its cleaning trade
    assert weight_of("40022503", "H3201") == 1.0  # Bac pro plastiques et composites
    assert (weights < 1).mean() < 0.05  # a few slips, not a rewrite of the sources
