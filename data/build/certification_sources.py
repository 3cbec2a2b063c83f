"""Reading the certification sources into frames with one vocabulary, before any merging.

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

Each reader keeps its source's own keys (CFD, RNCP code) and brings types, levels,
NSF groups and access voies to the short forms of
:mod:`data.build.certification_types`; :mod:`data.build.certifications` merges them.
"""

from __future__ import annotations

import pandas as pd

from data.build.certification_types import (
    ACCESS,
    CERTIF_INFO_ACCESS,
    RNCP_ACCESS_ROUTES,
    certif_info_access,
    eu_level,
    nsf_group,
    type_from_bcn,
    type_from_certif_info,
    type_from_rncp,
)
from data.build.sources import Sources, check_known, check_pattern, raise_first_bad

BCN_DIPLOMAS = "certifications/bcn/vFormationDiplome.csv.gz"
BCN_LEVELS = "certifications/bcn/nNiveauFormationDiplome.csv"
CERTIF_INFO = "certifications/certif_info.csv.gz"
KIT = "certifications/kit_apprentissage_20231218.csv"
RNCP_INFO = "certifications/rncp_2021/rncp_info.v1.4.csv.gz"
RNCP_ROME = "certifications/rncp_2021/rncp_rome.v1.4.csv.gz"
RNCP_NSF = "certifications/rncp_2021/rncp_nsf.v1.4.csv.gz"
RNCP_ACCESS = "certifications/rncp_2021/rncp_voix_acces.v1.4.csv.gz"
RNCP_BLOCS = "certifications/rncp_2021/rncp_blocs_competences.v1.4.csv.gz"
RNCP_ENCODING = "cp1252"


def read_bcn(sources: Sources) -> pd.DataFrame:
    """BCN diplomas, one row per CFD: label, type, level, NSF group, closing date."""
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
            "label": clean_labels(diplomas["LIBELLE_LONG_200"]),
            "type": category.map(type_from_bcn),
            "type_label": diplomas["NIVEAU_FORMATION_DIPLOME"].map(levels["LIBELLE_100"]),
            "level": diplomas["NIVEAU_QUALIFICATION_RNCP"].map(eu_level),
            "nsf": diplomas["GROUPE_SPECIALITE"].map(nsf_group),
            "closes": closes,
        }
    )


def read_certif_info(sources: Sources) -> pd.DataFrame:
    """Certif Info records: codes, label, type, level, NSF, ROME codes, access by voie."""
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
            "label": clean_labels(frame["Libelle_Diplome"]),
            "type": frame["Libelle_Type_Diplome"].map(type_from_certif_info, na_action="ignore"),
            "type_label": clean_labels(frame["Libelle_Type_Diplome"]),
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


def read_kit(sources: Sources) -> pd.DataFrame:
    """The apprenticeship kit's CFD ↔ RNCP links with the fiche's status and access."""
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
            "label": clean_labels(frame["Intitulé diplôme (DEPP)"]),
            "type": frame["Abrégé de diplôme (RNCP)"].map(type_from_rncp, na_action="ignore"),
            "level": frame["Niveau fiche RNCP"].map(eu_level),
            "access_apprenticeship": frame[access_column] == "oui",
            "active": frame["Fiche ACTIVE/INACTIVE"] == "ACTIVE",
        }
    )


def read_rncp(sources: Sources) -> pd.DataFrame:
    """The 2021 RNCP export, one row per fiche, with its ROME codes, NSF and access routes."""
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
            "label": clean_labels(info["intituleDiplome"]),
            "type": info["CodeTypeCertif"].map(type_from_rncp, na_action="ignore"),
            "type_label": clean_labels(info["TypeCertif"]),
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


def clean_labels(labels: pd.Series) -> pd.Series:
    """Collapse whitespace (labels span lines) and undo SQL-doubled apostrophes."""
    cleaned = labels.str.replace("''", "'", regex=False).str.split().str.join(" ")
    return cleaned.where(cleaned != "")
