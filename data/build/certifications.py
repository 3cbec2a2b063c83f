"""Certifications: education-ministry diplomas (CFD) and RNCP certifications, merged.

The sources and their quirks are described, and read, in
:mod:`data.build.certification_sources`; types, levels and access voies are read
from each source's spelling by :mod:`data.build.certification_types`.

One row per certification, keyed by CFD when known, else by RNCP code. The rows
are every CFD open at any time since 2018 (what offerings reference) plus every
current RNCP certification of EU level 3–8 not already reached through a CFD.
An RNCP code counts as current when Certif Info lists it as published or the kit
marks its fiche ACTIVE; the 2021 export's own status is four years old and only
enriches rows (its registrations have mostly expired since).
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from data.build.certification_sources import (
    RNCP_BLOCS,
    RNCP_ENCODING,
    clean_labels,
    read_bcn,
    read_certif_info,
    read_kit,
    read_rncp,
)
from data.build.certification_types import ACCESS
from data.build.jobs import ROME_CODE
from data.build.onisep import read_onisep_programmes
from data.build.sources import Sources, check_pattern, with_gaps

logger = logging.getLogger(__name__)

ROME_CODES = "rome/referentiel_code_rome.csv"

OPEN_SINCE = pd.Timestamp(2018, 1, 1)

# Which source wins for each field: the BCN is the reference for diplomas' type and
# level, Certif Info has the best-written labels, the 2021 RNCP export is oldest.
_PRIORITY = {
    "label": ("certif_info", "bcn", "rncp_2021", "kit"),
    "type": ("bcn", "certif_info", "rncp_2021", "kit"),
    "type_label": ("certif_info", "rncp_2021", "bcn"),
    "level": ("bcn", "certif_info", "rncp_2021", "kit"),
    "nsf": ("bcn", "certif_info", "rncp_2021"),
    # every source's codes are kept, in this order; ONISEP's jobs come last
    "rome_codes": ("certif_info", "rncp_2021", "onisep"),
}
_ORIGINS = ("bcn", "certif_info", "kit", "rncp_2021", "onisep")


def build_certifications(sources: Sources, *, today: date | None = None) -> dict[str, pd.DataFrame]:
    """Build the certifications and the blocs de compétences of their RNCP fiches.

    ``today`` decides which diplomas are still open (``DATE_FERMETURE`` after it).

    Examples
    --------
    >>> tables = build_certifications(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> tables["certifications"].set_index("cert_id").loc["40022503", "type"]  # doctest: +SKIP
    'BAC PRO'
    """
    now = pd.Timestamp(today or date.today())
    rome_codes = set(sources.read_csv(ROME_CODES, ["code_rome"], sep=",")["code_rome"])
    bcn = read_bcn(sources)
    certif_info = read_certif_info(sources)
    kit = read_kit(sources)
    rncp = read_rncp(sources)
    onisep = read_onisep_programmes(sources)

    opened = bcn[bcn["closes"].isna() | (bcn["closes"] >= OPEN_SINCE)]
    cfds = set(opened["cfd"])
    links = _cfd_rncp_links(certif_info, kit, cfds)
    chosen = links.drop_duplicates("cfd").set_index("cfd")["rncp"]
    current = set(certif_info.loc[certif_info["current"], "rncp"].dropna())
    current |= set(kit.loc[kit["active"], "rncp"].dropna())
    rncp_only = current - set(links["rncp"])
    gaps = _scope_gaps(certif_info, kit, rncp, cfds, current, rncp_only)

    rows = pd.concat(
        [
            pd.DataFrame(
                {"cert_id": opened["cfd"], "cfd": opened["cfd"], "rncp": opened["cfd"].map(chosen)}
            ),
            pd.DataFrame({"cert_id": sorted(rncp_only), "cfd": pd.NA, "rncp": sorted(rncp_only)}),
        ],
        ignore_index=True,
    )
    evidence = _evidence(rows, opened, certif_info, kit, rncp, cfds, rncp_only, onisep)
    certifications = _merge(rows, evidence, rome_codes, gaps)
    descriptions = onisep.dropna(subset=["description"]).set_index("cfd")["description"]
    certifications["description"] = certifications["cfd"].map(descriptions).astype("string")
    closes = certifications["cfd"].map(opened.set_index("cfd")["closes"])
    certifications["active"] = certifications["cfd"].isna() | closes.isna() | (closes > now)

    out_of_range = certifications["cfd"].isna() & certifications["level"].isna()
    gaps["certifications RNCP courantes hors niveaux 3–8 (écartées)"] = int(out_of_range.sum())
    certifications = certifications[~out_of_range].reset_index(drop=True)
    certifications = with_gaps(certifications, "certifications", gaps)
    certifications.attrs["coverage"] = coverage(certifications)
    logger.info("certifications : %s", certifications.attrs["coverage"])
    return {
        "certifications": certifications,
        "cert_blocs": _blocs(sources, set(certifications["rncp"].dropna())),
    }


def coverage(certifications: pd.DataFrame) -> dict[str, int]:
    """Count what the certifications table lacks, for the build report.

    Examples
    --------
    >>> coverage(pd.DataFrame({"cfd": ["40022503", None], "rncp": [None, "RNCP1"],
    ...     "level": [4, None], "rome_codes": ["H3201", ""], "active": [True, False]}))
    ... # doctest: +NORMALIZE_WHITESPACE
    {'certifications': 2, 'avec CFD': 1, 'sans CFD (clé RNCP)': 1, 'sans code RNCP': 1,
     'sans code ROME': 1, 'sans niveau': 1, 'actives': 1}
    """
    return {
        "certifications": len(certifications),
        "avec CFD": int(certifications["cfd"].notna().sum()),
        "sans CFD (clé RNCP)": int(certifications["cfd"].isna().sum()),
        "sans code RNCP": int(certifications["rncp"].isna().sum()),
        "sans code ROME": int((certifications["rome_codes"] == "").sum()),
        "sans niveau": int(certifications["level"].isna().sum()),
        "actives": int(certifications["active"].sum()),
    }


def _cfd_rncp_links(certif_info: pd.DataFrame, kit: pd.DataFrame, cfds: set[str]) -> pd.DataFrame:
    """Every (CFD, RNCP) pair either source states, best first for each CFD.

    A current Certif Info record (2024) beats an ACTIVE kit fiche (2023), which
    beats inactive ones; among equals the most recent (highest) RNCP number wins.
    """
    links = pd.concat(
        [
            certif_info.assign(rank=np.where(certif_info["current"], 0, 3)),
            kit.assign(rank=np.where(kit["active"], 1, 2)),
        ],
        ignore_index=True,
    )[["cfd", "rncp", "rank"]].dropna(subset=["cfd", "rncp"])
    links = links[links["cfd"].isin(cfds)]
    links = links.assign(number=links["rncp"].str[4:].astype(int))
    return links.sort_values(["cfd", "rank", "number"], ascending=[True, True, False])


def _scope_gaps(
    certif_info: pd.DataFrame,
    kit: pd.DataFrame,
    rncp: pd.DataFrame,
    cfds: set[str],
    current: set[str],
    rncp_only: set[str],
) -> dict[str, int]:
    """Count the source rows left out of scope, or keyed differently, for the data card."""
    keyless = certif_info["current"] & certif_info["cfd"].isna() & certif_info["rncp"].isna()
    stated = pd.concat([certif_info[["cfd", "rncp"]], kit[["cfd", "rncp"]]]).dropna()
    closed = rncp_only & set(stated.loc[~stated["cfd"].isin(cfds), "rncp"])
    expired = rncp["active_2021"] & ~rncp["rncp"].isin(current)
    return {
        "lignes Certif Info hors champ (habilitations, formations non certifiantes)": int(
            (~certif_info["current"]).sum()
        ),
        "certifications Certif Info publiées sans CFD ni RNCP (non identifiables)": int(
            keyless.sum()
        ),
        "lignes du kit sans code RNCP (« NR »)": int(kit["rncp"].isna().sum()),
        "fiches RNCP 2021 « ACTIVE » absentes de Certif Info et du kit (expirées, ignorées)": int(
            expired.sum()
        ),
        "certifications RNCP courantes dont le CFD est fermé avant 2018 (clé RNCP)": len(closed),
    }


def _evidence(
    rows: pd.DataFrame,
    opened: pd.DataFrame,
    certif_info: pd.DataFrame,
    kit: pd.DataFrame,
    rncp: pd.DataFrame,
    cfds: set[str],
    rncp_only: set[str],
    onisep: pd.DataFrame,
) -> pd.DataFrame:
    """What each source says about each row, one frame: cert_id, origin, order, fields."""
    by_cfd = certif_info[certif_info["cfd"].isin(cfds)].assign(cert_id=lambda f: f["cfd"])
    by_rncp = certif_info[certif_info["rncp"].isin(rncp_only)].assign(cert_id=lambda f: f["rncp"])
    kit_by_cfd = kit[kit["cfd"].isin(cfds)].assign(cert_id=lambda f: f["cfd"])
    kit_by_rncp = kit[kit["rncp"].isin(rncp_only)].assign(cert_id=lambda f: f["rncp"])
    fiches = rows.dropna(subset=["rncp"])[["cert_id", "rncp"]].merge(rncp, on="rncp")
    parts = [
        opened.assign(cert_id=opened["cfd"], origin="bcn", order=0),
        # current records first, then the file's order
        pd.concat([by_cfd, by_rncp]).assign(
            origin="certif_info", order=lambda f: (~f["current"]).astype(int)
        ),
        pd.concat([kit_by_cfd, kit_by_rncp]).assign(
            origin="kit", order=lambda f: (~f["active"]).astype(int)
        ),
        fiches.assign(origin="rncp_2021", order=0),
        onisep[onisep["cfd"].isin(cfds)][["cfd", "rome_codes"]].assign(
            cert_id=lambda f: f["cfd"], origin="onisep", order=0
        ),
    ]
    columns = [
        "cert_id",
        "origin",
        "order",
        "label",
        "type",
        "type_label",
        "level",
        "nsf",
        "rome_codes",
        *(f"access_{access}" for access in ACCESS),
    ]
    return pd.concat([part.reindex(columns=columns) for part in parts], ignore_index=True)


def _merge(
    rows: pd.DataFrame, evidence: pd.DataFrame, rome_codes: set[str], gaps: dict[str, int]
) -> pd.DataFrame:
    out = rows.copy()
    for field in ("label", "type", "type_label", "level", "nsf"):
        out[field] = out["cert_id"].map(_pick(evidence, field))
    out["type"] = out["type"].fillna("TH")  # other titles registered at the RNCP
    out["level"] = out["level"].astype("Int64")

    rome = evidence.dropna(subset=["rome_codes"])
    rome = rome.assign(
        rank=rome["origin"].map({o: i for i, o in enumerate(_PRIORITY["rome_codes"])}),
        code=rome["rome_codes"].str.split(),
    ).dropna(subset=["rank"])
    rome = rome.sort_values(["rank", "order"], kind="stable").explode("code")
    rome = rome.dropna(subset=["code"]).drop_duplicates(["cert_id", "code"])
    unknown = ~rome["code"].isin(rome_codes) | ~rome["code"].str.fullmatch(ROME_CODE)
    gaps["liens certification → code ROME absent du ROME 4.0 (écartés)"] = int(unknown.sum())
    joined = rome[~unknown].groupby("cert_id", sort=False)["code"].agg(" ".join)
    out["rome_codes"] = out["cert_id"].map(joined).fillna("")

    for access in ACCESS:
        column = f"access_{access}"
        said_yes = evidence[evidence[column].fillna(False).astype(bool)]
        out[column] = out["cert_id"].isin(set(said_yes["cert_id"]))

    origins = (
        evidence.dropna(subset=["cert_id"])
        .groupby("cert_id")["origin"]
        .agg(lambda found: "+".join(origin for origin in _ORIGINS if origin in set(found)))
    )
    out["source"] = out["cert_id"].map(origins)
    return out


def _pick(evidence: pd.DataFrame, field: str) -> pd.Series:
    """The first non-empty value of ``field`` per cert_id, in the field's source priority."""
    ranks = {origin: i for i, origin in enumerate(_PRIORITY[field])}
    found = evidence.dropna(subset=[field])
    found = found.assign(rank=found["origin"].map(ranks)).dropna(subset=["rank"])
    found = found.sort_values(["rank", "order"], kind="stable")
    return found.groupby("cert_id", sort=False)[field].first()


def _blocs(sources: Sources, rncp_codes: set[str]) -> pd.DataFrame:
    blocs = sources.read_csv(
        RNCP_BLOCS, ["CodeRNCP", "numero_bloc", "intitule"], encoding=RNCP_ENCODING
    )
    blocs = blocs[blocs["CodeRNCP"].isin(rncp_codes)].dropna(subset=["numero_bloc", "intitule"])
    # A few codes repeat their prefix ("RNCP35035BCRNCP35035BC01"): the bloc is BC01.
    doubled = blocs["numero_bloc"].str.fullmatch(r"(RNCP\d+BC)RNCP\d+BC\d+")
    blocs = blocs.assign(
        numero_bloc=blocs["numero_bloc"].str.replace(
            r"^(RNCP\d+BC)RNCP\d+BC(\d+)$", r"\1\2", regex=True
        )
    )
    check_pattern(blocs, RNCP_BLOCS, "numero_bloc", r"RNCP\d+BC\d+")
    repeated = blocs["numero_bloc"].duplicated()
    out = pd.DataFrame(
        {
            "rncp": blocs["CodeRNCP"],
            "bloc_code": blocs["numero_bloc"],
            "label": clean_labels(blocs["intitule"]),
        }
    )[~repeated.to_numpy()]
    gaps = {
        "codes de bloc au préfixe répété (corrigés)": int(doubled.sum()),
        "blocs répétés (même code, écartés)": int(repeated.sum()),
    }
    return with_gaps(out, "cert_blocs", gaps)
