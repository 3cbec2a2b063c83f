"""Which of a certification's ROME codes fit its field, and which are stray.

The sources list a few codes on certifications that have nothing to do with their
field: the CAP agent de propreté et d'hygiène (NSF 343, cleaning) lists H3201
(plastics), the BTS management commercial opérationnel (NSF 312, sales) lists F1106
(building economist). Such a code must not count as fully as the certification's own
trades. Whether a code fits is read from the catalogue itself: the share of the
certifications of the same NSF specialty that list a code of the same ROME domaine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

# Below this share of its NSF specialty's certifications, a domaine is foreign to the
# field (cleaning: 0.8 % list a plastics code; sales: 0.6 % a building-design code;
# food processing: 29 % a food-production code).
STRAY_SHARE = 0.02
# Specialties with fewer certifications listing codes say too little to judge.
MIN_SPECIALTY_SIZE = 20
# How much a stray code counts, against 1 for a code of the field.
STRAY_WEIGHT = 0.4


def code_weights(
    certifications: pd.DataFrame, padded: NDArray[np.int64], job_codes: NDArray[np.str_]
) -> NDArray[np.float64]:
    """Weight of each certification's code, aligned with ``padded`` (job indices per row,
    padded with ``len(job_codes)``): :data:`STRAY_WEIGHT` for a stray code, else 1.

    Examples
    --------
    >>> certs = pd.DataFrame({"nsf": ["343"] * 100})
    >>> jobs = np.array(["K2204", "H3201"])
    >>> padded = np.array([[0, 2]] * 99 + [[0, 1]])  # one cleaning diploma lists H3201
    >>> code_weights(certs, padded, jobs)[-1].tolist()
    [1.0, 0.4]
    """
    n_jobs = len(job_codes)
    domaines = pd.factorize(pd.Series(job_codes, dtype=str).str[:3])[0]
    domaine_of = np.append(domaines, -1)  # the padding has no domaine
    nsf = certifications["nsf"].fillna("").astype(str).to_numpy()
    cert_domaines = domaine_of[padded]
    has_code = (padded < n_jobs).any(axis=1)
    pairs = pd.DataFrame(
        {
            "row": np.repeat(np.arange(len(padded)), padded.shape[1]),
            "domaine": cert_domaines.ravel(),
        }
    )
    pairs = pairs[pairs["domaine"] >= 0].drop_duplicates()
    pairs["nsf"] = nsf[pairs["row"].to_numpy()]
    pairs = pairs[pairs["nsf"] != ""]
    listing = pairs.groupby(["nsf", "domaine"]).size()
    sizes = pd.Series(nsf[has_code & (nsf != "")]).value_counts()
    share = listing / sizes.reindex(listing.index.get_level_values("nsf")).to_numpy()
    judged = sizes.reindex(listing.index.get_level_values("nsf")).to_numpy() >= MIN_SPECIALTY_SIZE
    stray = set(share.index[(share.to_numpy() < STRAY_SHARE) & judged])
    # Only a code alone of its grand domaine on the certification can be stray: two
    # codes of one family (K1302, K1305 on a care CAP) are a trade, not a slip.
    grand = np.append(pd.factorize(pd.Series(job_codes, dtype=str).str[:1])[0], -1)[padded]
    weights = np.ones(padded.shape, dtype=np.float64)
    for row, column in zip(*np.nonzero(padded < n_jobs), strict=True):
        alone = int((grand[row] == grand[row, column]).sum()) == 1
        if alone and (nsf[row], int(cert_domaines[row, column])) in stray:
            weights[row, column] = STRAY_WEIGHT
    return weights
