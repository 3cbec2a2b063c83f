"""Certifications: education-ministry diplomas (CFD) and RNCP certifications, merged.

Sources (folder ``certifications/``), with their quirks:

- ``bcn/vFormationDiplome.csv.gz`` + ``bcn/nNiveauFormationDiplome.csv`` — BCN,
  education ministry, Licence Ouverte (May 2025): every diploma code (CFD), its
  level category (CAP, BAC PRO, TH5-T…), its EU level (``NIVEAU_QUALIFICATION_RNCP``,
  "03"…"08"; "00", "02", "99", "XX" mean none) and its closing date
  (``DATE_FERMETURE``: last intake; past means inactive). UTF-8, ``;``.
- ``certif_info.csv.gz`` — Certif Info (Réseau des Carif-Oref, June 2024): label,
  type, EU level, RNCP number (digits only), CFD (``Code_Scolarité``), ROME 1–5,
  NSF and access by voie. The ``accessibilite_*`` columns are coded
  ``1`` = yes, ``0`` = no, ``2`` = not filled in: rows whose six columns are all
  ``2`` are common, and ``1`` agrees with the RNCP access routes while ``0``
  mostly marks their absence. ``Etat`` 0 ("Publié") rows are current
  certifications; ``11`` (habilitations) and ``4`` (non-certifying training) are
  out of scope. UTF-8, ``;``.
- ``rncp_2021/*.csv.gz`` — RNCP export v1.4 (France Compétences, 2021, Licence
  Ouverte): fiches, ROME, NSF, voies d'accès, blocs de compétences. The files are
  **cp1252**, not UTF-8 nor Latin-1 (0x92 is the apostrophe ’, 0x9c is œ);
  ``;`` with empty trailing columns; some texts double their apostrophes.
- ``kit_apprentissage_20231218.csv`` — France Compétences (Dec. 2023): CFD ↔ RNCP
  with the fiche's status and apprenticeship access. UTF-8 with BOM, CRLF, ``;``;
  RNCP codes carry trailing spaces or "NR".

One row per certification, keyed by CFD when known, else by RNCP code. The rows
are every CFD open at any time since 2018 (what offerings reference) plus every
current RNCP certification of EU level 3–8 not already reached through a CFD.
An RNCP code counts as current when Certif Info lists it as published or the kit
marks its fiche ACTIVE; the 2021 export's own status is four years old and only
enriches rows (its registrations have mostly expired since).
"""

from __future__ import annotations

import logging
import re
from datetime import date

import numpy as np
import pandas as pd

from data.build.jobs import ROME_CODE, check_known, check_pattern, raise_first_bad, with_gaps
from data.build.sources import Sources
from recommender.text import fold

logger = logging.getLogger(__name__)

BCN_DIPLOMAS = "certifications/bcn/vFormationDiplome.csv.gz"
BCN_LEVELS = "certifications/bcn/nNiveauFormationDiplome.csv"
CERTIF_INFO = "certifications/certif_info.csv.gz"
KIT = "certifications/kit_apprentissage_20231218.csv"
RNCP_INFO = "certifications/rncp_2021/rncp_info.v1.4.csv.gz"
RNCP_ROME = "certifications/rncp_2021/rncp_rome.v1.4.csv.gz"
RNCP_NSF = "certifications/rncp_2021/rncp_nsf.v1.4.csv.gz"
RNCP_ACCESS = "certifications/rncp_2021/rncp_voix_acces.v1.4.csv.gz"
RNCP_BLOCS = "certifications/rncp_2021/rncp_blocs_competences.v1.4.csv.gz"
ROME_CODES = "rome/referentiel_code_rome.csv"
RNCP_ENCODING = "cp1252"

OPEN_SINCE = pd.Timestamp(2018, 1, 1)
LEVELS = range(3, 9)
ACCESS = ("school", "apprenticeship", "continuing", "professionalisation", "vae")
# fmt: off
CERTIF_INFO_ACCESS = {"fi": "school", "ca": "apprenticeship", "fc": "continuing",
                      "cp": "professionalisation", "vae": "vae"}
RNCP_ACCESS_ROUTES = {"ELEVE": "school", "CONTRATA": "apprenticeship", "PFC": "continuing",
                      "CONTRATP": "professionalisation", "EXP": "vae", "CANDIDATURE": None}
# fmt: on

# Which source wins for each field: the BCN is the reference for diplomas' type and
# level, Certif Info has the best-written labels, the 2021 RNCP export is oldest.
_PRIORITY = {
    "label": ("certif_info", "bcn", "rncp_2021", "kit"),
    "type": ("bcn", "certif_info", "rncp_2021", "kit"),
    "type_label": ("certif_info", "rncp_2021", "bcn"),
    "level": ("bcn", "certif_info", "rncp_2021", "kit"),
    "nsf": ("bcn", "certif_info", "rncp_2021"),
    "rome_codes": ("certif_info", "rncp_2021"),
}
_ORIGINS = ("bcn", "certif_info", "kit", "rncp_2021")

# fmt: off
# BCN level categories that are not already a short type; the others keep their name.
_BCN_ALIASES = {
    "BAC PRO AG": "BAC PRO", "BPA4": "BPA", "BPA5": "BPA", "LIC PRO": "LP", "LIC LMD": "LICENCE",
    "MASTER PRO": "MASTER", "CS 3": "CS", "CS 4": "CS", "CSA NIV3": "CS", "CSA NIV4": "CS",
    "CSA NIV5": "CS", "BAC TEC AG": "BAC TECHNO", "BAC GENE": "BAC GENERAL",
    "BP JEPS": "BPJEPS", "DE JEPS": "DEJEPS", "DES JEPS": "DESJEPS",
}
# fmt: on
# Ordered: the first pattern found in the folded Certif Info type label wins.
_CERTIF_INFO_TYPES = (
    ("titre professionnel", "TP"),
    ("certificat de qualification professionnelle", "CQP"),
    ("autre titre inscrit sur demande", "TH"),
    ("brevet de technicien superieur agricole", "BTSA"),
    ("brevet de technicien superieur", "BTS"),
    ("bachelor universitaire de technologie", "BUT"),
    ("licence professionnelle", "LP"),
    ("baccalaureat professionnel", "BAC PRO"),
    ("certificat d aptitude professionnelle agricole", "CAPA"),
    ("certificat d aptitude professionnelle", "CAP"),
    ("brevet professionnel agricole", "BPA"),
    ("brevet professionnel de la jeunesse", "BPJEPS"),
    ("brevet professionnel", "BP"),
    ("mention complementaire", "MC"),
    ("certificat de specialisation", "CS"),
    ("diplome universitaire de technologie", "DUT"),
    ("diplome d etudes universitaires scientifiques et techniques", "DEUST"),
    ("diplome d etat superieur de la jeunesse", "DESJEPS"),
    ("diplome d etat de la jeunesse", "DEJEPS"),
    ("diplome national des metiers d art et du design", "DNMADE"),
    ("diplome des metiers d art", "DMA"),
    ("brevet des metiers d art", "BMA"),
    ("mastere specialise", "MS"),
    ("ingenieur", "ING"),
    ("doctorat", "DOCTORAT"),
)
_CERTIF_INFO_EXACT = {"licence": "LICENCE", "master": "MASTER"}
# fmt: off
# RNCP CodeTypeCertif values (also the kit's abbreviations) that are short types.
_RNCP_KEPT = frozenset((
    "CAP", "CAPA", "BAC PRO", "BP", "BPA", "BTS", "BTSA", "BUT", "DUT", "DEUST", "LICENCE",
    "MASTER", "TP", "CS", "BMA", "DMA", "BEP", "BEPA", "DOCTORAT", "CQP",
))
_RNCP_ALIASES = {"Licence Professionnelle": "LP", "Titre ingénieur": "ING", "MC4": "MC",
                 "MC5": "MC"}
# fmt: on


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
    bcn = _bcn(sources)
    certif_info = _certif_info(sources)
    kit = _kit(sources)
    rncp = _rncp(sources)

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
    evidence = _evidence(rows, opened, certif_info, kit, rncp, cfds, rncp_only)
    certifications = _merge(rows, evidence, rome_codes, gaps)
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


def eu_level(value: object) -> int | None:
    """Read an EU qualification level from any source's spelling; None outside 3–8.

    Examples
    --------
    >>> [eu_level(v) for v in ("04", "niveau5", "Niveau 6", "7", "02", "99", "NR", None)]
    [4, 5, 6, 7, None, None, None, None]
    """
    if not isinstance(value, str):
        return None
    digits = re.search(r"\d+", value)
    if digits is None:
        return None
    level = int(digits.group())
    return level if level in LEVELS else None


def certif_info_access(value: str) -> bool | None:
    """Decode a Certif Info ``accessibilite_*`` cell: 1 yes, 0 no, 2 not filled in.

    Examples
    --------
    >>> [certif_info_access(v) for v in ("1", "0", "2")]
    [True, False, None]
    """
    coding = {"1": True, "0": False, "2": None}
    if value not in coding:
        raise ValueError(f"code d'accessibilité inconnu {value!r} ; attendus : 0, 1, 2")
    return coding[value]


def type_from_bcn(category: str) -> str:
    """Short type of a BCN level category (``nNiveauFormationDiplome.LIBELLE_COURT``).

    Titles of the labour ministry (``TH5-T``…) are titres professionnels; other
    homologated titles are ``TH``; unlisted categories keep their BCN name.

    Examples
    --------
    >>> [type_from_bcn(c) for c in ("BAC PRO AG", "LIC PRO", "TH4-T", "TH2-X", "CPGE")]
    ['BAC PRO', 'LP', 'TP', 'TH', 'CPGE']
    """
    category = " ".join(category.split())
    if re.fullmatch(r"TH\d-T", category):
        return "TP"
    if re.fullmatch(r"TH\d(-\w+)?", category):
        return "TH"
    return _BCN_ALIASES.get(category, category)


def type_from_certif_info(type_label: str) -> str | None:
    """Short type of a Certif Info ``Libelle_Type_Diplome``; None when unknown.

    Examples
    --------
    >>> [type_from_certif_info(t) for t in ("Titre professionnel (TP de niveau 3)",
    ...     "Licence", "Brevet de technicien supérieur agricole", "Bachelor")]
    ['TP', 'LICENCE', 'BTSA', None]
    """
    folded = fold(type_label)
    if folded in _CERTIF_INFO_EXACT:
        return _CERTIF_INFO_EXACT[folded]
    for pattern, short in _CERTIF_INFO_TYPES:
        if pattern in folded:
            return short
    return None


def type_from_rncp(code: str) -> str | None:
    """Short type of an RNCP ``CodeTypeCertif`` (or the kit's abbreviation); None if unknown.

    Examples
    --------
    >>> [type_from_rncp(c) for c in ("Licence Professionnelle", "MC4", "DIPLOVIS")]
    ['LP', 'MC', None]
    """
    code = code.strip()
    return code if code in _RNCP_KEPT else _RNCP_ALIASES.get(code)


def nsf_group(code: object) -> str | None:
    """The 3-digit NSF group of an NSF code ("326r" → "326"); None otherwise.

    Examples
    --------
    >>> [nsf_group(c) for c in ("225", "326r", "31", None)]
    ['225', '326', None, None]
    """
    if not isinstance(code, str):
        return None
    match = re.match(r"\d{3}", code.strip())
    return match.group() if match else None


def _bcn(sources: Sources) -> pd.DataFrame:
    diplomas = sources.read_csv(
        BCN_DIPLOMAS,
        [
            "FORMATION_DIPLOME",
            "NIVEAU_FORMATION_DIPLOME",
            "GROUPE_SPECIALITE",
            "LIBELLE_COURT",
            "LIBELLE_LONG_200",
            "DATE_FERMETURE",
            "NIVEAU_QUALIFICATION_RNCP",
        ],
    )
    check_pattern(diplomas, BCN_DIPLOMAS, "FORMATION_DIPLOME", r"[0-9A-Z]{8}")
    closes = pd.to_datetime(diplomas["DATE_FERMETURE"], format="%d/%m/%Y", errors="coerce")
    raise_first_bad(
        diplomas,
        closes.notna() | diplomas["DATE_FERMETURE"].isna(),
        BCN_DIPLOMAS,
        "DATE_FERMETURE",
        "date JJ/MM/AAAA attendue",
    )
    levels = sources.read_csv(
        BCN_LEVELS, ["NIVEAU_FORMATION_DIPLOME", "LIBELLE_COURT", "LIBELLE_100"]
    )
    levels = levels.set_index("NIVEAU_FORMATION_DIPLOME")
    category = diplomas["NIVEAU_FORMATION_DIPLOME"].map(levels["LIBELLE_COURT"])
    # Two diplomas point to a level category missing from the table: their own
    # short label stands in.
    category = category.fillna(diplomas["LIBELLE_COURT"]).fillna("AUTRE")
    return pd.DataFrame(
        {
            "cfd": diplomas["FORMATION_DIPLOME"],
            "label": _clean(diplomas["LIBELLE_LONG_200"]),
            "type": category.map(type_from_bcn),
            "type_label": diplomas["NIVEAU_FORMATION_DIPLOME"].map(levels["LIBELLE_100"]),
            "level": diplomas["NIVEAU_QUALIFICATION_RNCP"].map(eu_level),
            "nsf": diplomas["GROUPE_SPECIALITE"].map(nsf_group),
            "closes": closes,
        }
    )


def _certif_info(sources: Sources) -> pd.DataFrame:
    rome_columns = [f"Code_Rome_{i}" for i in range(1, 6)]
    access_columns = [f"accessibilite_{voie}" for voie in CERTIF_INFO_ACCESS]
    frame = sources.read_csv(
        CERTIF_INFO,
        [
            "Libelle_Diplome",
            "Libelle_Type_Diplome",
            "Code_Niveau_Europeen",
            "Code_Nsf",
            "Code_RNCP",
            "Code_Scolarité",
            "Etat",
            *rome_columns,
            *access_columns,
        ],
    )
    check_pattern(frame, CERTIF_INFO, "Code_Scolarité", r"[0-9A-Z]{8}", allow_empty=True)
    check_pattern(frame, CERTIF_INFO, "Code_RNCP", r"\d+", allow_empty=True)
    out = pd.DataFrame(
        {
            "cfd": frame["Code_Scolarité"],
            "rncp": "RNCP" + frame["Code_RNCP"],
            "label": _clean(frame["Libelle_Diplome"]),
            "type": frame["Libelle_Type_Diplome"].map(type_from_certif_info, na_action="ignore"),
            "type_label": _clean(frame["Libelle_Type_Diplome"]),
            "level": frame["Code_Niveau_Europeen"].map(eu_level),
            "nsf": frame["Code_Nsf"].map(nsf_group),
            "rome_codes": frame[rome_columns].apply(
                lambda row: " ".join(code.strip() for code in row.dropna()), axis=1
            ),
            "current": frame["Etat"] == "0",
        }
    )
    for voie, access in CERTIF_INFO_ACCESS.items():
        column = f"accessibilite_{voie}"
        check_known(frame, CERTIF_INFO, column, {"0", "1", "2"})
        out[f"access_{access}"] = frame[column].map(certif_info_access).astype("boolean")
    return out


def _kit(sources: Sources) -> pd.DataFrame:
    access_column = "Accès à l'apprentissage de la fiche RNCP (oui/non)"
    frame = sources.read_csv(
        KIT,
        [
            "Code_Diplome",
            "Intitulé diplôme (DEPP)",
            "Code_RNCP",
            "Niveau fiche RNCP",
            "Abrégé de diplôme (RNCP)",
            access_column,
            "Fiche ACTIVE/INACTIVE",
        ],
    )
    stripped = frame["Code_RNCP"].str.strip()
    rncp = stripped.where(stripped != "NR")
    frame = frame.assign(Code_RNCP=rncp)
    check_pattern(frame, KIT, "Code_RNCP", r"RNCP\d+", allow_empty=True)
    check_known(frame, KIT, access_column, {"oui", "non", "NR"})
    check_known(frame, KIT, "Fiche ACTIVE/INACTIVE", {"ACTIVE", "INACTIVE"})
    return pd.DataFrame(
        {
            "cfd": frame["Code_Diplome"],
            "rncp": rncp,
            "label": _clean(frame["Intitulé diplôme (DEPP)"]),
            "type": frame["Abrégé de diplôme (RNCP)"].map(type_from_rncp, na_action="ignore"),
            "level": frame["Niveau fiche RNCP"].map(eu_level),
            "access_apprenticeship": frame[access_column] == "oui",
            "active": frame["Fiche ACTIVE/INACTIVE"] == "ACTIVE",
        }
    )


def _rncp(sources: Sources) -> pd.DataFrame:
    info = sources.read_csv(
        RNCP_INFO,
        [
            "CodeRNCP",
            "intituleDiplome",
            "ActiveInactive",
            "NiveauEurope",
            "CodeTypeCertif",
            "TypeCertif",
        ],
        encoding=RNCP_ENCODING,
    )
    check_pattern(info, RNCP_INFO, "CodeRNCP", r"RNCP\d+")
    # A fiche repeats once per former/next fiche it points to.
    info = info.drop_duplicates("CodeRNCP")
    out = pd.DataFrame(
        {
            "rncp": info["CodeRNCP"],
            "label": _clean(info["intituleDiplome"]),
            "type": info["CodeTypeCertif"].map(type_from_rncp, na_action="ignore"),
            "type_label": _clean(info["TypeCertif"]),
            "level": info["NiveauEurope"].map(eu_level),
            "active_2021": info["ActiveInactive"] == "ACTIVE",
        }
    )
    rome = sources.read_csv(RNCP_ROME, ["CodeRNCP", "Rome"], encoding=RNCP_ENCODING)
    rome_codes = (
        rome.dropna(subset=["Rome"])
        .groupby("CodeRNCP", sort=False)["Rome"]
        .agg(lambda codes: " ".join(code.strip() for code in codes))
    )
    nsf = sources.read_csv(RNCP_NSF, ["CodeRNCP", "code"], encoding=RNCP_ENCODING)
    nsf = nsf.assign(group=nsf["code"].map(nsf_group)).dropna(subset=["group"])
    routes = sources.read_csv(RNCP_ACCESS, ["CodeRNCP", "code_libelle"], encoding=RNCP_ENCODING)
    check_known(routes, RNCP_ACCESS, "code_libelle", set(RNCP_ACCESS_ROUTES))
    out["rome_codes"] = out["rncp"].map(rome_codes)
    out["nsf"] = out["rncp"].map(nsf.drop_duplicates("CodeRNCP").set_index("CodeRNCP")["group"])
    routes = routes.assign(access=routes["code_libelle"].map(RNCP_ACCESS_ROUTES))
    for access in ACCESS:
        with_route = set(routes.loc[routes["access"] == access, "CodeRNCP"])
        out[f"access_{access}"] = out["rncp"].isin(with_route)
    return out


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
            "label": _clean(blocs["intitule"]),
        }
    )[~repeated.to_numpy()]
    gaps = {
        "codes de bloc au préfixe répété (corrigés)": int(doubled.sum()),
        "blocs répétés (même code, écartés)": int(repeated.sum()),
    }
    return with_gaps(out, "cert_blocs", gaps)


def _clean(labels: pd.Series) -> pd.Series:
    """Collapse whitespace (labels span lines) and undo SQL-doubled apostrophes."""
    cleaned = labels.str.replace("''", "'", regex=False).str.split().str.join(" ")
    return cleaned.where(cleaned != "")
