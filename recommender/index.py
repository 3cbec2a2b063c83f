"""Columnar arrays over formations and offers, computed once when the catalogue loads.

Scoring a request is then vectorised arithmetic over these arrays; nothing here
depends on a person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recommender.browse import BrowseIndex
from recommender.catalogue import Catalogue
from recommender.levels import LevelPairs
from recommender.schema import VOIES

# Neutral values for unknown facts: an unknown outcome or pressure should neither
# reward nor punish much (the floors of the model soften it further).
UNKNOWN_OUTCOME_SCORE = 0.6
UNKNOWN_PRESSURE_SCORE = 0.8


@dataclass(frozen=True)
class FormationIndex:
    """Arrays aligned with the rows of the catalogue's formations table."""

    frame: pd.DataFrame  # the browse index's joined formations (e_*, c_*, commune columns)
    cert_rows: NDArray[np.int64]  # row of each formation's certification in certifications
    latitudes: NDArray[np.float64]
    longitudes: NDArray[np.float64]
    levels: NDArray[np.float64]
    level_pairs: LevelPairs  # (type, level) pairs, judged per request
    voies: NDArray[np.int8]  # index into VOIES
    departements: NDArray[np.str_]
    regions: NDArray[np.str_]
    outcome_scores: NDArray[np.float64]
    pressure_scores: NDArray[np.float64]
    demand_per_place: NDArray[np.float64]  # NaN when unknown
    relative_demand: NDArray[np.float64]  # demand per place / median of the same level
    campus_members: dict[str, NDArray[np.bool_]]

    @classmethod
    def build(cls, catalogue: Catalogue, browse: BrowseIndex) -> FormationIndex:
        """Arrays over ``browse.formations.frame`` (same rows as the formations table)."""
        frame = browse.formations.frame
        certifications = catalogue.tables["certifications"].reset_index(drop=True)
        cert_position = pd.Series(np.arange(len(certifications)), index=certifications["cert_id"])
        ratio = (frame["demand"].astype("float64") / frame["capacity"].astype("float64")).to_numpy(
            dtype=float, na_value=np.nan
        )
        demand_per_place: NDArray[np.float64] = np.where(np.isfinite(ratio), ratio, np.nan)
        relative = _relative_demand(demand_per_place, frame["level"])
        pressure = np.where(
            np.isnan(relative),
            UNKNOWN_PRESSURE_SCORE,
            np.clip(1.0 / np.sqrt(np.maximum(relative, 1e-9)), 0.0, 1.0),
        )
        members = catalogue.campus_members.groupby("campus_id")["uai"].apply(set).to_dict()
        uais = frame["uai"].to_numpy()
        types = frame["c_type"].fillna("").to_numpy(dtype=object)
        levels = frame["level"].to_numpy(dtype=float, na_value=np.nan)
        return cls(
            frame=frame,
            cert_rows=cert_position.reindex(frame["cert_id"]).to_numpy(dtype=np.int64),
            latitudes=frame["latitude"].to_numpy(dtype=float, na_value=np.nan),
            longitudes=frame["longitude"].to_numpy(dtype=float, na_value=np.nan),
            levels=levels,
            level_pairs=LevelPairs.of(types, levels),
            voies=pd.Categorical(frame["voie"], categories=VOIES).codes.astype(np.int8),
            departements=frame["departement"].fillna("").to_numpy(dtype=str),
            regions=frame["region"].fillna("").to_numpy(dtype=str),
            outcome_scores=_outcome_scores(frame),
            pressure_scores=pressure,
            demand_per_place=demand_per_place,
            relative_demand=relative,
            campus_members={
                campus.campus_id: np.isin(uais, list(members.get(campus.campus_id, set())))
                for campus in catalogue.campuses
            },
        )

    def __post_init__(self) -> None:
        _freeze(self)

    def __len__(self) -> int:
        return len(self.frame)


def _freeze(index: object) -> None:
    """Make every array read-only: requests share them, none may change them."""
    for value in vars(index).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        elif isinstance(value, dict):
            for array in value.values():
                if isinstance(array, np.ndarray):
                    array.flags.writeable = False


def _relative_demand(
    demand_per_place: NDArray[np.float64], levels: pd.Series
) -> NDArray[np.float64]:
    """Demand per place relative to the median of formations of the same level.

    Wishes are not counted alike across sources: Affelnet counts first wishes, while
    Parcoursup counts every confirmed wish (a candidate makes many). Comparing with
    formations of the same level keeps the figure fair.
    """
    frame = pd.DataFrame({"ratio": demand_per_place, "level": levels.to_numpy()})
    medians = frame.groupby("level", dropna=False)["ratio"].transform("median")
    relative = (frame["ratio"] / medians).to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isfinite(relative), relative, np.nan)


def _outcome_scores(frame: pd.DataFrame) -> NDArray[np.float64]:
    """Share of leavers in employment, plus those continuing studies, when known.

    Continuing studies is a good outcome after a CAP or a Bac pro, so both count.
    """
    employment = frame["employment_rate_12m"].fillna(frame["employment_rate_6m"])
    total = employment.astype("float64") + frame["continuation_rate"].fillna(0).astype("float64")
    scores = total.clip(0.0, 1.0).to_numpy(dtype=float, na_value=np.nan)
    return np.where(np.isnan(scores), UNKNOWN_OUTCOME_SCORE, scores)


@dataclass(frozen=True)
class OfferIndex:
    """Arrays aligned with the rows of the catalogue's offers table."""

    frame: pd.DataFrame
    latitudes: NDArray[np.float64]
    longitudes: NDArray[np.float64]
    rome_codes: NDArray[np.str_]
    job_codes: NDArray[np.str_]  # the distinct ROME codes of the offers…
    job_positions: NDArray[np.intp]  # …and each offer's position among them
    levels: NDArray[np.float64]
    kinds: NDArray[np.str_]
    employers: NDArray[np.int64]  # employer id per offer, for fair exposure
    cert_ids: NDArray[np.str_]
    without_certification: NDArray[np.bool_]  # a stage: no entry requirement

    @classmethod
    def build(cls, browse: BrowseIndex) -> OfferIndex:
        """Arrays over ``browse.offers.frame`` (same rows as the offers table)."""
        frame = browse.offers.frame
        employer_key = frame["employer_name"].fillna("") + "|" + frame["insee"].fillna("")
        rome_codes = frame["code_rome"].fillna("").to_numpy(dtype=str)
        job_codes, job_positions = np.unique(rome_codes, return_inverse=True)
        cert_ids = frame["cert_id"].fillna("").to_numpy(dtype=str)
        return cls(
            frame=frame,
            latitudes=frame["latitude"].to_numpy(dtype=float, na_value=np.nan),
            longitudes=frame["longitude"].to_numpy(dtype=float, na_value=np.nan),
            rome_codes=rome_codes,
            job_codes=job_codes,
            job_positions=job_positions.astype(np.intp),
            levels=frame["level"].to_numpy(dtype=float, na_value=np.nan),
            kinds=frame["kind"].fillna("").to_numpy(dtype=str),
            employers=pd.factorize(employer_key)[0].astype(np.int64),
            cert_ids=cert_ids,
            without_certification=cert_ids == "",
        )

    def __post_init__(self) -> None:
        _freeze(self)

    def __len__(self) -> int:
        return len(self.frame)
