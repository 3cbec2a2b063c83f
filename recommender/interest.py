"""The interest criterion: how well an item matches what the person said they like.

Two routes, the better one wins: the job route (the certification's ROME codes
close, in the job tree, to the jobs the text resolved to) and the text route (the
query's words in the certification's label and NSF specialty), because the
sources' job codes on certifications are sometimes poor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recommender.vocabulary import InterestMatch, Vocabulary

# A cosine of 0.5 between the query and a certification text is already a clear
# match; below that, scores are scaled up to it, above it they saturate at 1.
TEXT_SATURATION = 0.5


@dataclass(frozen=True)
class InterestCriterion:
    """Sub-scores per certification row (map them to items with ``cert_rows``)."""

    given: bool  # False: the person gave no interest, every item scores 1
    scores: NDArray[np.float64]
    job_scores: NDArray[np.float64]
    text_scores: NDArray[np.float64]
    cert_job: NDArray[np.int64]  # index in vocabulary.job_codes of the certification's code
    matched_job: NDArray[np.int64]  # index of the matched job it is close to


def certification_codes_matrix(vocabulary: Vocabulary, rome_codes: pd.Series) -> NDArray[np.int64]:
    """Each certification's ROME codes as job indices, padded with -1 (built once)."""
    position = {str(code): i for i, code in enumerate(vocabulary.job_codes)}
    lists = [
        [position[c] for c in str(codes).split() if c in position]
        for codes in rome_codes.fillna("")
    ]
    width = max((len(codes) for codes in lists), default=0) or 1
    matrix = np.full((len(lists), width), -1, dtype=np.int64)
    for row, codes in enumerate(lists):
        matrix[row, : len(codes)] = codes
    return matrix


def certification_interest(
    vocabulary: Vocabulary,
    match: InterestMatch | None,
    cert_codes: NDArray[np.int64],
) -> InterestCriterion:
    """Interest sub-score of every certification for ``match`` (None: no interest given).

    The job route takes the certification's best code, tempered by how many of its
    codes agree: the sources hold a few stray codes (a cleaning CAP listing a plastics
    job), and one stray code among unrelated ones must not count as a full match.
    """
    n_certifications = len(cert_codes)
    if match is None:
        ones = np.ones(n_certifications)
        none = np.full(n_certifications, -1, dtype=np.int64)
        return InterestCriterion(False, ones, ones, np.zeros(n_certifications), none, none)
    jobs = vocabulary.certification_job_scores(match)
    agreement = _mean_code_agreement(vocabulary, match, cert_codes)
    job_scores = jobs.scores * (0.5 + 0.5 * agreement)
    text = np.minimum(vocabulary.certification_scores(match) / TEXT_SATURATION, 1.0)
    return InterestCriterion(
        True,
        np.maximum(job_scores, text),
        job_scores,
        text,
        jobs.cert_job.astype(np.int64),
        jobs.matched_job.astype(np.int64),
    )


def certification_fit(
    vocabulary: Vocabulary, code_rome: str, cert_codes: NDArray[np.int64]
) -> NDArray[np.float64]:
    """How surely each certification prepares the job ``code_rome``: its job-route
    interest for that job alone (the closest of its codes, a stray code counting less,
    tempered by how many of its codes agree with the job).

    A certification listing only the job scores 1; one that lists it among twenty
    codes of other trades scores much less.
    """
    match = InterestMatch(
        jobs={code_rome: 1.0}, interests={}, terms=(), unresolved=(), nsf={}, stems={}
    )
    return certification_interest(vocabulary, match, cert_codes).job_scores


def _mean_code_agreement(
    vocabulary: Vocabulary, match: InterestMatch, cert_codes: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Mean over each certification's codes of their best weighted proximity."""
    if not match.jobs:
        return np.zeros(len(cert_codes))
    matched = list(match.jobs)
    weights = np.fromiter(match.jobs.values(), dtype=np.float64, count=len(matched))
    per_job = (vocabulary.job_proximity(list(vocabulary.job_codes), matched) * weights).max(axis=1)
    padded = np.append(per_job, 0.0)  # index -1 reads the trailing 0
    values = padded[cert_codes]
    counts = np.maximum((cert_codes >= 0).sum(axis=1), 1)
    mean: NDArray[np.float64] = values.sum(axis=1) / counts
    return mean


def offer_interest(
    vocabulary: Vocabulary,
    match: InterestMatch | None,
    job_codes: NDArray[np.str_],
    job_positions: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Best weighted job-tree proximity between each offer's job and the matched jobs.

    ``job_codes`` are the distinct ROME codes of the offers and ``job_positions``
    each offer's position among them (one proximity per code, then broadcast).
    """
    if match is None:
        return np.ones(len(job_positions))
    if not match.jobs:
        return np.zeros(len(job_positions))
    # Offer job codes are known jobs: checked on import, drawn from the referential
    # by the generator.
    matched = list(match.jobs)
    weights = np.fromiter(match.jobs.values(), dtype=np.float64, count=len(matched))
    proximity = vocabulary.job_proximity(list(job_codes), matched) * weights[None, :]
    best: NDArray[np.float64] = proximity.max(axis=1)
    return best[job_positions]
