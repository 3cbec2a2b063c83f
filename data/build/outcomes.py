"""InserJeunes outcomes per establishment (DEPP/DARES), latest vintage per UAI and voie.

The published indicators are per establishment, not per programme: every
formation of a lycée (or CFA) gets its establishment's rates. Rates are stored as
fractions (0.72). ``employment_rate_6m`` is InserJeunes' *taux d'emploi à 6 mois*
(among leavers who did not go on studying), ``continuation_rate`` its *taux de
poursuite d'études*.

The DEPP files changed layout over the years; the two oldest have blank header
cells. Checked against ``inserjeunes_cfa.csv.gz``, which repeats the CFA figures
with full headers: in every layout the continuation rate is the column just
before ``Taux``, ``Taux`` is the 6-month employment rate, and in the old layouts
the column just after ``Valeur ajoutée`` is the 12-month employment rate (2018-2019
adds the 18- and 24-month rates after it). In the lycée files the 4th column is
the population ('ensemble', 'dont élèves en voie pro sco', 'dont apprentis') even
where its header cell is blank; in the 2018-2019 apprenticeship file the 4th
column is the share of broken apprenticeship contracts.
"""

from __future__ import annotations

import re

import pandas as pd

from data.build.formations import reject_rows
from data.build.report import BuildLog
from data.build.sources import Sources
from recommender.errors import SourceFormatError

CFA_FILE = "outcomes/inserjeunes_cfa.csv.gz"
DEPP_DIR = "outcomes/depp_etablissements"
DEPP_UAI = "n°UAI de l'établissement"
DEPP_NAME = "Libellé de l'établissement"
NEW_CONTINUATION = "Taux de poursuite d'études"
OLD_LAYOUT_UNTIL = 2020

RATES = ["employment_rate_6m", "employment_rate_12m", "continuation_rate", "outcomes_vintage"]
OUTCOME_COLUMNS = ["uai", "voie", *RATES, "name", "priority"]
_POPULATIONS = {
    "ensemble": ("scolaire", 2),
    "dont élèves en voie pro sco": ("scolaire", 1),
    "dont apprentis": ("apprentissage", 3),
}


def read_outcomes(sources: Sources) -> pd.DataFrame:
    """Latest InserJeunes rates per (UAI, voie), with the establishment's published name.

    Examples
    --------
    >>> outcomes = read_outcomes(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> outcomes.iloc[0][["uai", "voie", "employment_rate_6m"]].tolist()  # doctest: +SKIP
    ['0010001W', 'scolaire', 0.51]
    """
    names = sorted(
        path.name for path in (sources.root / DEPP_DIR).glob("depp-*-etablissements-*.csv")
    )
    if not names:
        raise SourceFormatError(DEPP_DIR, "aucun fichier depp-*-etablissements-*.csv trouvé")
    frames = [_read_cfa_file(sources)]
    frames += [_read_depp_file(sources, f"{DEPP_DIR}/{name}") for name in names]
    rows = pd.concat(frames, ignore_index=True)
    has_rate = rows[["employment_rate_6m", "employment_rate_12m", "continuation_rate"]].notna()
    rows = rows[has_rate.any(axis=1)]
    # Latest vintage first; within a vintage the most specific population / fullest file.
    rows = rows.sort_values(
        ["uai", "voie", "outcomes_vintage", "priority"], ascending=[True, True, False, True]
    )
    return rows.drop_duplicates(["uai", "voie"]).reset_index(drop=True)[OUTCOME_COLUMNS]


def _read_cfa_file(sources: Sources) -> pd.DataFrame:
    year, uai = "Année", "UAI"
    continuation, six, twelve = "Taux poursuite études", "Taux emploi 6 mois", "Taux emploi 12 mois"
    raw = sources.read_csv(CFA_FILE, [year, uai, "Libellé", continuation, six, twelve])
    vintage = raw[year].str.extract(r"(\d{4})\D+(\d{4})")
    reject_rows(vintage[0].isna(), raw[year], CFA_FILE, year, "année « {} » illisible")
    return pd.DataFrame(
        {
            "uai": raw[uai].str.strip().str.upper(),
            "voie": "apprentissage",
            "employment_rate_6m": _rate(raw[six], CFA_FILE, six),
            "employment_rate_12m": _rate(raw[twelve], CFA_FILE, twelve),
            "continuation_rate": _rate(raw[continuation], CFA_FILE, continuation),
            "outcomes_vintage": vintage[0] + "-" + vintage[1],
            "name": raw["Libellé"],
            "priority": 0,
        }
    )


def _read_depp_file(sources: Sources, path: str) -> pd.DataFrame:
    found = re.search(r"(\d{4})_(\d{4})-(pro|apprentissage)\.csv$", path)
    if found is None:
        raise SourceFormatError(
            path, "nom de fichier inattendu (…-AAAA_AAAA-pro|apprentissage.csv)"
        )
    vintage = f"{found[1]}-{found[2]}"
    # Files up to 2019-2020 have blank header cells; from 2020-2021 every column is named.
    old_layout = int(found[1]) < OLD_LAYOUT_UNTIL
    named = [] if old_layout else [NEW_CONTINUATION]
    raw = sources.read_csv(path, [DEPP_UAI, DEPP_NAME, "Taux", "Valeur ajoutée", *named])
    columns = list(raw.columns)
    continuation = columns[columns.index("Taux") - 1] if old_layout else NEW_CONTINUATION
    twelve = columns[columns.index("Valeur ajoutée") + 1] if old_layout else None
    no_rate = pd.Series(float("nan"), index=raw.index)
    out = pd.DataFrame(
        {
            "uai": raw[DEPP_UAI].str.strip().str.upper(),
            "employment_rate_6m": _rate(raw["Taux"], path, "Taux"),
            "employment_rate_12m": _rate(raw[twelve], path, twelve) if twelve else no_rate,
            "continuation_rate": _rate(raw[continuation], path, continuation),
            "outcomes_vintage": vintage,
            "name": raw[DEPP_NAME],
        }
    )
    if found[3] == "apprentissage":
        out["voie"], out["priority"] = "apprentissage", 1
        return out
    population = raw[columns[3]]
    unknown = ~population.isin(list(_POPULATIONS))
    reject_rows(unknown, population, path, columns[3], "population « {} » inconnue")
    out["voie"] = population.map(lambda p: _POPULATIONS[p][0])
    out["priority"] = population.map(lambda p: _POPULATIONS[p][1])
    return out


def _rate(values: pd.Series, path: str, field: str) -> pd.Series:
    """Percentages → fractions; 'nd' (non disponible) and blanks become null."""
    cleaned = values.str.strip().str.replace(",", ".", regex=False)
    cleaned = cleaned.mask(cleaned.eq("nd").fillna(False).astype(bool))
    numbers = pd.to_numeric(cleaned, errors="coerce")
    bad = cleaned.notna() & (numbers.isna() | (numbers < 0) | (numbers > 100))
    reject_rows(bad, values, path, field, "taux « {} » illisible")
    return (numbers / 100).round(4).astype("float64")


CFA_SITES_FILE = "offerings/apprentissage/cfa_sites_formation_2019.csv.gz"


def read_cfa_parents(sources: Sources) -> pd.Series:
    """Training-site UAI → its CFA's UAI, for sites attached to exactly one CFA (SIFA 2019)."""
    raw = sources.read_csv(CFA_SITES_FILE, ["numero_uai_cfa", "numero_uai_site"], sep=",")
    pairs = raw.dropna().drop_duplicates()
    pairs = pairs[pairs["numero_uai_cfa"] != pairs["numero_uai_site"]]
    single = pairs.groupby("numero_uai_site")["numero_uai_cfa"].transform("nunique") == 1
    return pairs[single].set_index("numero_uai_site")["numero_uai_cfa"]


def attach_outcomes(
    formations: pd.DataFrame, outcomes: pd.DataFrame, parents: pd.Series, log: BuildLog
) -> pd.DataFrame:
    """Copy each establishment's latest rates onto its formations of the same voie.

    Lycée figures go to voie scolaire rows (and a lycée's 'dont apprentis' line to
    its apprenticeship rows); CFA figures go to apprenticeship rows, and to the
    apprenticeship rows of the CFA's training sites that publish none of their own.
    """
    by_key = outcomes.set_index(["uai", "voie"])[RATES]
    out = formations.drop(columns=[c for c in RATES if c in formations.columns])
    out = out.join(by_key, on=["uai", "voie"])
    apprentices = outcomes[outcomes["voie"] == "apprentissage"].set_index("uai")[RATES]
    orphan = (out["voie"] == "apprentissage") & out["outcomes_vintage"].isna()
    parent = out.loc[orphan, "uai"].map(parents)
    inherited = apprentices.reindex(parent.to_numpy())
    inherited.index = parent.index
    inherited = inherited.dropna(subset=["outcomes_vintage"])
    out.loc[inherited.index, RATES] = inherited
    log.notes["formations : taux InserJeunes du CFA de rattachement du site"] += len(inherited)
    return out
