"""How close two jobs are: their place in the ROME tree, checked against their skills.

The ROME groups jobs in domaines (``H32`` plastics, ``D12`` retail…), and jobs of one
domaine are often each other's side trades. Not always: the domaine of retail holds
the hairdresser (D1202) and the computer shop seller (D1212), who share almost no
skill. So a proximity that comes only from the tree (same domaine, same grand
domaine) is scaled by the share of skills the two jobs have in common, from the ROME
skills referential; the same code and the same ROME 4.0 parent keep their value.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from numpy.typing import NDArray

#: Job-tree proximity: same code, same ROME 4.0 parent, same domaine, same grand domaine.
PROXIMITY = {"code": 1.0, "parent": 0.8, "domaine": 0.6, "grand_domaine": 0.2}

# Shared skills (over the smaller of the two jobs' lists, "savoir-être" left out as
# they are common to all trades) at or above which the tree's proximity holds in full.
# Half the pairs of one domaine share 6 % or more; H3201/H3202 (two plastics jobs)
# share 39 %, D1202/D1212 (hairdresser, computer shop seller) 2 %.
FULL_OVERLAP = 0.05
# The least of the tree's proximity a pair keeps, whatever its skills.
MIN_FACTOR = 0.2


class JobTree:
    """Where each job sits in the ROME tree, and what skills jobs share.

    Parameters
    ----------
    jobs
        Conforms to the ``jobs`` table (``code_rome``; ``code_rome_parent`` used when present).
    job_skills
        Conforms to the ``job_skills`` table; ``None`` keeps the tree's proximities as they are.
    """

    def __init__(self, jobs: pd.DataFrame, job_skills: pd.DataFrame | None = None) -> None:
        codes = jobs["code_rome"].astype(str)
        self._index = {code: i for i, code in enumerate(codes)}
        self._domaine = pd.factorize(codes.str[:3])[0]
        self._grand_domaine = pd.factorize(codes.str[:1])[0]
        # The ROME 4.0 parent is not in the bundled jobs table yet; used when present.
        self._parents: dict[str, str] = {}
        self._parent: NDArray[np.intp] | None = None
        if "code_rome_parent" in jobs.columns:
            parents = jobs["code_rome_parent"].fillna(jobs["code_rome"]).astype(str)
            self._parents = dict(zip(codes, parents, strict=True))
            self._parent = pd.factorize(parents)[0]
        self._factor: NDArray[np.float32] | None = None
        if job_skills is not None and len(job_skills):
            self._factor = _overlap_factor(skill_overlap(self._index, job_skills))

    def proximity(self, a: NDArray[np.intp], b: NDArray[np.intp]) -> NDArray[np.float64]:
        """Proximity of jobs ``a`` to jobs ``b`` (indices), shape ``(len(a), len(b))``."""
        out = np.where(
            self._domaine[a][:, None] == self._domaine[b][None, :],
            PROXIMITY["domaine"],
            np.where(
                self._grand_domaine[a][:, None] == self._grand_domaine[b][None, :],
                PROXIMITY["grand_domaine"],
                0.0,
            ),
        )
        if self._factor is not None:
            out = out * self._factor[np.ix_(a, b)]
        if self._parent is not None:
            same_parent = self._parent[a][:, None] == self._parent[b][None, :]
            out = np.where(same_parent, PROXIMITY["parent"], out)
        result: NDArray[np.float64] = np.where(a[:, None] == b[None, :], PROXIMITY["code"], out)
        return result

    def proximity_of_codes(
        self, codes_a: Sequence[str], codes_b: Sequence[str]
    ) -> NDArray[np.float64]:
        """The same by ROME code; a code missing from the jobs table is only equal to itself."""
        a = [str(code).upper() for code in codes_a]
        b = [str(code).upper() for code in codes_b]
        known_a = np.array([code in self._index for code in a], dtype=bool)
        known_b = np.array([code in self._index for code in b], dtype=bool)
        rows_a = np.array([self._index.get(code, 0) for code in a], dtype=np.intp)
        rows_b = np.array([self._index.get(code, 0) for code in b], dtype=np.intp)
        out = self.proximity(rows_a, rows_b) * (known_a[:, None] & known_b[None, :])
        same = np.asarray(a, dtype=str)[:, None] == np.asarray(b, dtype=str)[None, :]
        result: NDArray[np.float64] = np.where(same, PROXIMITY["code"], out)
        return result


def skill_overlap(index: dict[str, int], job_skills: pd.DataFrame) -> NDArray[np.float32]:
    """Shared skills of every pair of jobs over the smaller list, ``(n jobs, n jobs)``;
    NaN for a job that lists no skill.

    "Savoir-être" (rigour, autonomy…) are left out: every trade lists some.
    """
    skills = job_skills[job_skills["category"] != "savoir_etre"]
    skills = skills[skills["code_rome"].astype(str).isin(index.keys())]
    rows = skills["code_rome"].astype(str).map(index).to_numpy(dtype=np.intp)
    columns = pd.factorize(skills["skill_code"].astype(str))[0]
    n = len(index)
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, columns)),
        shape=(n, int(columns.max(initial=-1)) + 1),
    )
    matrix.data[:] = 1.0  # a skill listed twice counts once
    shared = (matrix @ matrix.T).toarray()
    counts = np.asarray(matrix.sum(axis=1)).ravel()
    smaller = np.minimum.outer(counts, counts)
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap: NDArray[np.float32] = (shared / smaller).astype(np.float32)
    return overlap  # NaN where a job lists no skill: nothing known


def _overlap_factor(overlap: NDArray[np.float32]) -> NDArray[np.float32]:
    scaled = np.clip(overlap / FULL_OVERLAP, MIN_FACTOR, 1.0)
    factor: NDArray[np.float32] = np.where(np.isnan(overlap), 1.0, scaled).astype(np.float32)
    return factor
