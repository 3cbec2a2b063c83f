"""Clearly labelled synthetic offers, drawn from the real referentials, for demos and benchmarks.

No bulk source of internship or apprenticeship offers is open, so demos and
benchmarks use generated ones. They look like real offers where it matters to the
engine (a real job, one of its titles, an employer sector where that job is
exercised, a commune weighted by population, a certification that prepares the
job) and say loudly that they are not: ``source='synthetic'``, employers named
"Entreprise fictive …", a description stating it is a demonstration offer, and no
SIRET or URL that could point at a real company.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from recommender.schema import OFFER_KINDS, OFFERS, conform

DEFAULT_REFERENCE_DATE = date(2026, 9, 1)
DEFAULT_KIND_SHARES: Mapping[str, float] = {
    "apprentissage": 0.50,
    "stage": 0.35,
    "professionnalisation": 0.15,
}
# Jobs (and, within a job, certifications) at EU levels 3–5 (CAP to BTS) are the
# heart of vocational training, so they get this many times the weight of the others.
LEVEL_3_TO_5_WEIGHT = 8.0
# Paris, Lyon and Marseille are listed both whole and by arrondissement: offers go to
# the arrondissements, else the three cities would be drawn twice as often.
PLM_COMMUNES = ("13055", "69123", "75056")
NAF_LABEL_MAX = 60

_ACCESS_FLAG = {
    "apprentissage": "access_apprenticeship",
    "professionnalisation": "access_professionalisation",
}
_TITLE_PREFIX = {
    "stage": "Stage",
    "apprentissage": "Apprentissage",
    "professionnalisation": "Contrat de professionnalisation",
}
_KIND_PHRASE = {
    "stage": "stage",
    "apprentissage": "contrat d'apprentissage",
    "professionnalisation": "contrat de professionnalisation",
}
_DURATIONS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
    "stage": ((1, 2, 3, 4, 5, 6), (0.15, 0.30, 0.20, 0.15, 0.10, 0.10)),
    # apprenticeship contracts follow the length of the programme: 1, 2 or 3 years
    "apprentissage": ((12, 24, 36), (0.25, 0.55, 0.20)),
    "professionnalisation": ((6, 9, 12, 18, 24), (0.15, 0.15, 0.40, 0.15, 0.15)),
}


def generate_offers(
    n: int,
    *,
    seed: int,
    jobs: pd.DataFrame,
    job_titles: pd.DataFrame,
    job_sectors: pd.DataFrame,
    naf_codes: pd.DataFrame,
    communes: pd.DataFrame,
    certifications: pd.DataFrame,
    reference_date: date = DEFAULT_REFERENCE_DATE,
    kind_shares: Mapping[str, float] = DEFAULT_KIND_SHARES,
) -> pd.DataFrame:
    """Generate ``n`` synthetic offers; the same inputs and ``seed`` give the same frame.

    Each offer draws its kind from ``kind_shares``; its job, weighted toward jobs that
    certifications prepare at levels 3–5 (apprenticeship and professionalisation offers
    only among jobs with a certification open to that route); a title among the job's
    appellations (the job's label when it has none); a certification preparing the job
    (apprenticeship and professionalisation only, level 3–5 favoured); an employer NAF
    code in one of the job's NAF divisions (uniform over divisions, then sub-classes;
    jobs without divisions borrow those of their domaine professionnel, else of their
    grand domaine, else have no NAF code); a commune weighted by population, at its
    centre; a start date within 365 days of ``reference_date``; a duration fitting the
    kind (stage 1–6 months, apprentissage 12/24/36, professionnalisation 6–24).

    Parameters
    ----------
    n
        Number of offers; ids are ``synthetic-<seed>-<i>`` for ``i`` in ``0 … n-1``.
    seed
        Seed of the random generator.
    jobs, job_titles, job_sectors, naf_codes, communes, certifications
        Frames conforming to the schema tables of the same names.
    reference_date
        First possible start date (fixed by default, so outputs never depend on today).
    kind_shares
        Share of each kind (normalised to sum to 1).

    Returns
    -------
    pandas.DataFrame
        Offers conforming to :data:`recommender.schema.OFFERS`, all ``source='synthetic'``.

    Examples
    --------
    >>> jobs = pd.DataFrame({"code_rome": ["D1102"], "label": ["Boulangerie"],
    ...                      "domaine": ["D11"], "grand_domaine": ["D"]})
    >>> titles = pd.DataFrame({"code_ogr": ["1"], "label": ["Boulanger / Boulangère"],
    ...                        "code_rome": ["D1102"]})
    >>> sectors = pd.DataFrame({"code_rome": ["D1102"], "naf_division": ["10"]})
    >>> naf = pd.DataFrame({"naf": ["10.71C"], "label": ["Boulangerie et boulangerie-pâtisserie"],
    ...                     "naf_division": ["10"]})
    >>> communes = pd.DataFrame({"insee": ["02691"], "name": ["Saint-Quentin"],
    ...     "kind": ["commune"], "latitude": [49.85], "longitude": [3.29], "population": [53000]})
    >>> certs = pd.DataFrame({"cert_id": ["50022137"], "label": ["CAP Boulanger"], "level": [3],
    ...     "rome_codes": ["D1102"], "access_apprenticeship": [True],
    ...     "access_professionalisation": [True], "active": [True]})
    >>> offers = generate_offers(2, seed=1, jobs=jobs, job_titles=titles, job_sectors=sectors,
    ...     naf_codes=naf, communes=communes, certifications=certs)
    >>> offers.loc[0, "offer_id"], offers.loc[0, "naf"], offers.loc[0, "source"]
    ('synthetic-1-0', '10.71C', 'synthetic')
    """
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n}")
    unknown = sorted(set(kind_shares) - set(OFFER_KINDS))
    shares = np.array([max(0.0, float(kind_shares.get(kind, 0.0))) for kind in OFFER_KINDS])
    if unknown or shares.sum() <= 0:
        raise ValueError(
            f"kind_shares must give positive shares to some of {OFFER_KINDS}; got {kind_shares}"
        )
    rng = np.random.default_rng(seed)
    jobs = jobs.sort_values("code_rome", ignore_index=True)
    job_codes = jobs["code_rome"].to_numpy(dtype=object)
    job_of = pd.Index(job_codes)
    certs = _certifications_by_job(certifications, job_of)
    job_weights = np.ones(len(jobs))
    at_3_to_5 = certs["level"].between(3, 5).fillna(False).astype(bool) & certs["active"]
    favoured = certs.loc[at_3_to_5, "job"].unique()
    job_weights[favoured] = LEVEL_3_TO_5_WEIGHT

    kinds = rng.choice(len(OFFER_KINDS), size=n, p=shares / shares.sum())
    job = np.zeros(n, dtype=np.int64)
    cert = np.full(n, -1, dtype=np.int64)
    for k, kind in enumerate(OFFER_KINDS):
        rows = np.flatnonzero(kinds == k)
        if len(rows) == 0:
            continue
        if kind == "stage":
            job[rows] = rng.choice(len(jobs), size=len(rows), p=job_weights / job_weights.sum())
            continue
        eligible = certs[certs[_ACCESS_FLAG[kind]] & certs["active"]].reset_index(drop=True)
        if eligible.empty:
            raise ValueError(f"no active certification open to {kind} prepares any of the jobs")
        candidates = np.unique(eligible["job"].to_numpy())
        weights = job_weights[candidates]
        job[rows] = rng.choice(candidates, size=len(rows), p=weights / weights.sum())
        prepares_3_to_5 = eligible["level"].between(3, 5).fillna(False).to_numpy(dtype=bool)
        level_weights = np.where(prepares_3_to_5, LEVEL_3_TO_5_WEIGHT, 1.0)
        picked = _draw_within(eligible["job"].to_numpy(), level_weights, job[rows], rng)
        cert[rows] = eligible["cert"].to_numpy()[picked]

    titles = job_titles.assign(job=job_of.get_indexer(pd.Index(job_titles["code_rome"])))
    titles = titles[titles["job"] >= 0].sort_values(["job", "code_ogr"], ignore_index=True)
    title_pick = _draw_within(titles["job"].to_numpy(), np.ones(len(titles)), job, rng)
    title_labels = jobs["label"].to_numpy(dtype=object)[job]
    has_title = title_pick >= 0
    title_labels[has_title] = titles["label"].to_numpy(dtype=object)[title_pick[has_title]]

    naf = naf_codes.sort_values("naf", ignore_index=True)
    naf_pairs = _naf_by_job(jobs, job_sectors, naf)
    naf_pick = _draw_within(naf_pairs["job"].to_numpy(), naf_pairs["weight"].to_numpy(), job, rng)
    has_naf = naf_pick >= 0
    naf_index = np.full(n, -1, dtype=np.int64)
    naf_index[has_naf] = naf_pairs["naf_index"].to_numpy()[naf_pick[has_naf]]
    naf_column = np.full(n, None, dtype=object)
    naf_column[has_naf] = naf["naf"].to_numpy(dtype=object)[naf_index[has_naf]]

    places = _populated_communes(communes)
    population = places["population"].to_numpy(dtype=np.float64)
    place = rng.choice(len(places), size=n, p=population / population.sum())

    start_dates = (np.datetime64(reference_date, "D") + rng.integers(0, 365, size=n)).astype(str)
    durations = np.zeros(n, dtype=np.int64)
    for k, kind in enumerate(OFFER_KINDS):
        rows = np.flatnonzero(kinds == k)
        values, probabilities = _DURATIONS[kind]
        durations[rows] = rng.choice(values, size=len(rows), p=probabilities)

    kind_names = np.array(OFFER_KINDS, dtype=object)[kinds]
    commune_names = places["name"].to_numpy(dtype=object)[place]
    naf_labels = np.array([_shorten(str(label)) for label in naf["label"]], dtype=object)
    cert_table = certifications.sort_values("cert_id", ignore_index=True)
    offers = pd.DataFrame(
        {
            "offer_id": [f"synthetic-{seed}-{i}" for i in range(n)],
            "source": "synthetic",
            "kind": kind_names,
            "title": [
                f"{_TITLE_PREFIX[k]} – {t}"[:200]
                for k, t in zip(kind_names, title_labels, strict=True)
            ],
            "code_rome": job_codes[job],
            "employer_name": [
                f"Entreprise fictive · {naf_labels[i]} · {c}"
                if i >= 0
                else f"Entreprise fictive · {c}"
                for i, c in zip(naf_index, commune_names, strict=True)
            ],
            "employer_siret": None,
            "naf": naf_column,
            "insee": places["insee"].to_numpy(dtype=object)[place],
            "latitude": places["latitude"].to_numpy(dtype=np.float64)[place],
            "longitude": places["longitude"].to_numpy(dtype=np.float64)[place],
            "start_date": start_dates,
            "duration_months": durations,
            "cert_id": _take(cert_table["cert_id"], cert),
            "level": _take(cert_table["level"], cert),
            "url": None,
        }
    )
    cert_labels = _take(cert_table["label"], cert)
    offers["description"] = [
        _description(kind, int(months), str(title), str(commune), day, label)
        for kind, months, title, commune, day, label in zip(
            kind_names,
            durations,
            title_labels,
            commune_names,
            start_dates,
            cert_labels,
            strict=True,
        )
    ]
    return conform(offers, OFFERS, file="synthetic")


def _certifications_by_job(certifications: pd.DataFrame, job_of: pd.Index) -> pd.DataFrame:
    """One row per (job, certification preparing it), sorted by job then certification."""
    table = certifications.sort_values("cert_id", ignore_index=True)
    pairs = pd.DataFrame(
        {
            "cert": np.arange(len(table)),
            "rome": table["rome_codes"].fillna("").astype(str).str.split(),
            "level": table["level"].astype("Int64"),
            "access_apprenticeship": table["access_apprenticeship"].fillna(False).astype(bool),
            "access_professionalisation": (
                table["access_professionalisation"].fillna(False).astype(bool)
            ),
            "active": table["active"].fillna(False).astype(bool),
        }
    ).explode("rome")
    pairs = pairs[pairs["rome"].notna()]
    pairs["job"] = job_of.get_indexer(pd.Index(pairs["rome"].astype(str)))
    pairs = pairs[pairs["job"] >= 0].drop(columns="rome").drop_duplicates(["job", "cert"])
    return pairs.sort_values(["job", "cert"], ignore_index=True)


def _naf_by_job(jobs: pd.DataFrame, job_sectors: pd.DataFrame, naf: pd.DataFrame) -> pd.DataFrame:
    """(job, NAF sub-class, weight) rows: each of a job's divisions weighs 1 in total."""
    known_divisions = set(naf["naf_division"])
    links = pd.DataFrame(
        {
            "job": pd.Index(jobs["code_rome"]).get_indexer(pd.Index(job_sectors["code_rome"])),
            "division": job_sectors["naf_division"].astype(str),
        }
    )
    links = links[(links["job"] >= 0) & links["division"].isin(known_divisions)]
    divisions: dict[int, set[str]] = {}
    for job, division in zip(links["job"], links["division"], strict=True):
        divisions.setdefault(int(job), set()).add(str(division))
    for level in ("domaine", "grand_domaine"):
        if level not in jobs.columns:
            continue
        groups = jobs[level].astype(str).to_numpy()
        borrowed: dict[str, set[str]] = {}
        for job, found in divisions.items():
            borrowed.setdefault(groups[job], set()).update(found)
        for job in range(len(jobs)):
            if job not in divisions and groups[job] in borrowed:
                divisions[job] = borrowed[groups[job]]
    job_division = pd.DataFrame(
        [(job, division) for job, found in divisions.items() for division in sorted(found)],
        columns=["job", "division"],
    )
    subclasses = pd.DataFrame(
        {
            "naf_index": np.arange(len(naf)),
            "division": naf["naf_division"].astype(str),
        }
    )
    subclasses["weight"] = 1.0 / subclasses.groupby("division")["division"].transform("size")
    pairs = job_division.merge(subclasses, on="division")
    return pairs.sort_values(["job", "naf_index"], ignore_index=True)


def _populated_communes(communes: pd.DataFrame) -> pd.DataFrame:
    table = communes.sort_values("insee", ignore_index=True)
    population = table["population"].astype("Float64").fillna(0.0)
    keep = table["latitude"].notna() & table["longitude"].notna() & (population > 0)
    if (table["kind"] == "arrondissement").any():
        keep &= ~table["insee"].isin(PLM_COMMUNES)
    places = table[keep.astype(bool)].reset_index(drop=True)
    if places.empty:
        raise ValueError("no commune has a population and coordinates")
    return places


def _draw_within(
    group_of_item: np.ndarray, weights: np.ndarray, groups: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each entry of ``groups``, an item of that group drawn by weight (-1: group empty).

    ``group_of_item`` must be sorted. One cumulative sum serves every group: a
    uniform draw in the group's slice of it lands on an item with probability
    proportional to its weight, so the whole draw is three vectorised searches.
    """
    uniforms = rng.random(len(groups))
    if len(group_of_item) == 0:
        return np.full(len(groups), -1, dtype=np.int64)
    cumulative = np.cumsum(weights, dtype=np.float64)
    start = np.searchsorted(group_of_item, groups, side="left")
    end = np.searchsorted(group_of_item, groups, side="right")
    low = np.where(start > 0, cumulative[np.maximum(start - 1, 0)], 0.0)
    high = cumulative[np.maximum(end - 1, 0)]
    items = np.searchsorted(cumulative, low + uniforms * (high - low), side="right")
    items = np.clip(items, start, np.maximum(end - 1, start))
    return np.where(end > start, items, -1).astype(np.int64)


def _take(values: pd.Series, positions: np.ndarray) -> list[object]:
    """``values[positions]`` with ``None`` where the position is -1."""
    array = values.to_numpy(dtype=object)
    return [None if p < 0 or pd.isna(array[p]) else array[p] for p in positions]


def _shorten(label: str) -> str:
    if len(label) <= NAF_LABEL_MAX:
        return label
    return label[: NAF_LABEL_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;") + "…"


def _description(
    kind: str, months: int, title: str, commune: str, day: str, cert_label: object
) -> str:
    start = f"{day[8:10]}/{day[5:7]}/{day[:4]}"
    prepared = f", préparant la certification « {cert_label} »" if cert_label else ""
    return (
        f"Offre fictive générée automatiquement pour la démonstration : {_KIND_PHRASE[kind]} "
        f"de {months} mois, {title}{prepared}, à {commune}, à partir du {start}. "
        "Elle ne correspond à aucune entreprise ni à aucune offre réelle."
    )


def generate_offers_from_tables(
    n: int, *, seed: int, tables: Mapping[str, pd.DataFrame]
) -> pd.DataFrame:
    """:func:`generate_offers` fed with the catalogue tables it needs."""
    return generate_offers(
        n,
        seed=seed,
        jobs=tables["jobs"],
        job_titles=tables["job_titles"],
        job_sectors=tables["job_sectors"],
        naf_codes=tables["naf_codes"],
        communes=tables["communes"],
        certifications=tables["certifications"],
    )
