"""Reading the offer sources into one long table of offers, before any merging.

Each reader turns one published file into *offer rows* with the same columns
(:data:`OFFER_COLUMNS`): the establishment's UAI, the certification codes the
source gives (CFD and/or RNCP), the voie, the published label, capacity and
demand, the place of training when the source knows it, the source's short name
and its year. Parcoursup labels are folded into a ``label_key``
(:func:`data.build.labels.programme_key`) so that offers known only by their label
can get a CFD later (:func:`data.build.labels.match_labels`); certification lookup,
merging and deduplication happen in :mod:`data.build.offerings`.
"""

from __future__ import annotations

import pandas as pd

from data.build.labels import programme_key
from data.build.report import BuildLog
from data.build.sources import Sources
from recommender.errors import SourceFormatError

OFFER_COLUMNS = [
    *("uai", "cfd", "rncp", "voie", "label", "label_key", "entry_year"),
    *("capacity", "demand", "insee", "latitude", "longitude", "source", "year"),
]
MEF_FILE = "certifications/bcn/nMef.csv.gz"
FAMILY_FILE = "certifications/bcn/familleMetiers.csv"
GPS_FILE = "offerings/parcoursup_formations_gps.csv.gz"
ACTIONS_FILE = "offerings/apprentissage/formations_apprentissage_2020.csv.gz"
UNION_FILE = "offerings/apprentissage/offres_apprentissage_2020_uai_cfd.csv.gz"
UAI_PATTERN = r"\d{7}[A-Z]"
# Affelnet writes 998/999 where a lycée sets no capacity: a sentinel, not 999 places.
CAPACITY_SENTINEL = 998


def voie_pro_file(year: int) -> str:
    return f"offerings/voie_pro/{year}_attractivite_capacite_{year}.csv.gz"


def bts_file(year: int) -> str:
    return f"offerings/bts/{year}_BTS_attractivite_capacite_{year}.csv.gz"


def read_mefs(sources: Sources) -> pd.DataFrame:
    """MEF STAT 11 → CFD and year of the programme (1 = entry year), one row per MEF."""
    mef = sources.read_csv(MEF_FILE, ["MEF_STAT_11", "FORMATION_DIPLOME", "ANNEE_DISPOSITIF"])
    mef = mef.dropna(subset=["MEF_STAT_11", "FORMATION_DIPLOME"])
    # One MEF STAT 11 of 10k lists two CFDs; keep the first, as BCN orders them.
    mef = mef.drop_duplicates("MEF_STAT_11").set_index("MEF_STAT_11")
    years = pd.to_numeric(mef["ANNEE_DISPOSITIF"], errors="coerce").astype("Int64")
    return pd.DataFrame({"cfd": mef["FORMATION_DIPLOME"], "entry_year": years})


def read_families(sources: Sources) -> pd.DataFrame:
    """The 2de pro 'familles de métiers': common CFD → speciality CFDs."""
    families = sources.read_csv(FAMILY_FILE, ["CFD_COMMUN", "CFD_SPECIALITE"])
    return families.rename(columns={"CFD_COMMUN": "cfd_common", "CFD_SPECIALITE": "cfd_speciality"})


def read_voie_pro(sources: Sources, year: int, mefs: pd.DataFrame, log: BuildLog) -> pd.DataFrame:
    """Affelnet offers of lycées professionnels (the files hold the voie scolaire only).

    The 2de pro of a famille de métiers comes out with the family's common CFD;
    :func:`data.build.offerings.resolve_families` decides what to do with it.
    """
    path, source = voie_pro_file(year), f"voie_pro_{year}"
    uai, mef, status = "Etablissement d'accueil", "MEF STAT 11", "Statut Offre de formation"
    capacity, wishes = "Capacité carte scolaire", "Demandes vœux 1"
    raw = _keep_valid_uai(
        sources.read_csv(path, [uai, mef, status, capacity, wishes]), uai, source, log
    )
    voies = raw[status].map({"ST": "scolaire", "AP": "apprentissage"})
    reject_rows(voies.isna(), raw[status], path, status, "statut « {} » inconnu (ST ou AP)")
    mapped = raw.join(mefs, on=mef)
    unmapped = mapped["cfd"].isna()
    log.dropped[f"{source}: MEF STAT 11 absent de la BCN"] += int(unmapped.sum())
    mapped = mapped[~unmapped]
    offers = pd.DataFrame(
        {
            "uai": mapped[uai],
            "cfd": mapped["cfd"],
            "voie": voies,
            "entry_year": mapped["entry_year"],
            "capacity": _counts(mapped[capacity], path, capacity),
            "demand": _counts(mapped[wishes], path, wishes),
        }
    ).loc[mapped.index]
    sentinel = offers["capacity"] >= CAPACITY_SENTINEL
    log.notes[f"{source}: capacité 998/999 (non fixée) laissée vide"] += int(sentinel.sum())
    offers.loc[sentinel, "capacity"] = pd.NA
    return _finish(offers, source, year)


def read_bts(sources: Sources, year: int, mefs: pd.DataFrame, log: BuildLog) -> pd.DataFrame:
    """Parcoursup BTS offers (and, from 2024, CS and FCIL) with their voie.

    The CFD comes from the MEF through the BCN for every year: the files' own CFD
    column (2022, 2023) gives old non-agricultural codes for BTSA programmes.
    """
    path, source = bts_file(year), f"bts_{year}"
    label, mef, status = "LIBELLÉFORMATION", "MEFSTAT11", "STATUT"
    required = ["UAI", label, mef, "NB_VOEUX_CONFIRMES", status, "CAPACITEPSUP"]
    raw = _keep_valid_uai(sources.read_csv(path, required), "UAI", source, log)
    voies = raw[status].map({"Scolaire": "scolaire", "Apprentissage": "apprentissage"})
    reject_rows(voies.isna(), raw[status], path, status, "statut « {} » inconnu")
    fcil = raw[label].str.startswith("FCIL").fillna(False).astype(bool)
    log.dropped[f"{source}: FCIL (formation complémentaire non certifiante)"] += int(fcil.sum())
    mapped = raw[~fcil].join(mefs, on=mef)
    # Parcoursup 2024 builds CS MEFs (23K…) from the former MC codes, which the BCN
    # gave to other CS (its 23K00025002 is 'ascensoriste', Parcoursup's 'mécatronique
    # navale'): those rows are named by their label instead.
    mapped.loc[mapped[mef].str.startswith("23K"), "cfd"] = pd.NA
    if "CFD" in raw.columns:  # for MEFs the BCN lacks, the file's own CFD is all we have
        mapped["cfd"] = mapped["cfd"].fillna(mapped["CFD"])
    offers = pd.DataFrame(
        {
            "uai": mapped["UAI"],
            "cfd": mapped["cfd"],
            "voie": voies[~fcil],
            "label": mapped[label].str.strip(),
            "label_key": mapped[label].map(programme_key),
            "entry_year": mapped["entry_year"].fillna(1),
            "capacity": _counts(mapped["CAPACITEPSUP"], path, "CAPACITEPSUP"),
            "demand": _counts(mapped["NB_VOEUX_CONFIRMES"], path, "NB_VOEUX_CONFIRMES"),
        }
    )
    return _finish(offers, source, year)


def read_parcoursup_gps(sources: Sources, log: BuildLog) -> pd.DataFrame:
    """Parcoursup 2025 programmes with their GPS point, known by label only.

    The file lists the voie scolaire (one BTS label mentions apprenticeship).
    """
    uai, name, label = "Code UAI de l etablissement", "etablissement", "Filiere de formation"
    gps = "Coordonnées GPS de la formation"
    raw = sources.read_csv(GPS_FILE, [uai, name, label, gps], sep=",")
    raw = _keep_valid_uai(raw, uai, "parcoursup_2025", log)
    points = raw[gps].str.extract(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
    reject_rows(raw[gps].notna() & points[0].isna(), raw[gps], GPS_FILE, gps, "point « {} »")
    labels = raw[label].str.split().str.join(" ")
    offers = pd.DataFrame(
        {
            "uai": raw[uai],
            "voie": labels.str.contains("en apprentissage").map(
                {True: "apprentissage", False: "scolaire"}
            ),
            "label": labels,
            "label_key": labels.map(programme_key),
            "entry_year": 1,
            "latitude": points[0],
            "longitude": points[1],
            "establishment_name": raw[name].str.split().str.join(" "),
        }
    )
    return _finish(offers, "parcoursup_2025", 2025)


def read_apprenticeship_actions(sources: Sources, log: BuildLog) -> pd.DataFrame:
    """Carif-Oref apprenticeship actions of Nov. 2020 with their exact place of training.

    The UAI is the training body's (formateur), or the catalogue's UAI for its
    SIRET when the feed had none; rows with neither are dropped and counted.
    Unpublished actions are kept: the 2020 union file counts them as offers too.
    """
    uai, lieu = "uai_formateur_ou_catalogue2022", "etablissement_lieu_formation_code_insee"
    siret, seat = "etablissement_formateur_siret", "etablissement_formateur_code_insee"
    required = ["cfd", "rncp_code", uai, siret, seat, lieu, "lieu_lat", "lieu_lon"]
    raw = sources.read_csv(ACTIONS_FILE, required, sep=",")
    raw = _keep_valid_uai(raw, uai, "apprentissage_2020", log)
    offers = pd.DataFrame(
        {
            "uai": raw[uai],
            "cfd": raw["cfd"],
            "rncp": raw["rncp_code"],
            "voie": "apprentissage",
            "entry_year": 1,
            "insee": raw[lieu],
            "latitude": pd.to_numeric(raw["lieu_lat"], errors="coerce"),
            "longitude": pd.to_numeric(raw["lieu_lon"], errors="coerce"),
            "siret": raw[siret],
            "establishment_insee": raw[seat],
        }
    )
    return _finish(offers, "apprentissage_2020", 2020)


def read_apprenticeship_union(sources: Sources, log: BuildLog) -> pd.DataFrame:
    """The 2020 union of apprenticeship offers (Carif-Oref, Affelnet, Parcoursup) by UAI × CFD.

    Its labels are MEF abbreviations ('1CAP2A …') or lower-case titles without the
    diploma, so these rows take the certification's label later.
    """
    required = ["uai", "cfd", "rncp", "code_insee_lieu"]
    raw = sources.read_csv(UNION_FILE, required, sep=",")
    raw = _keep_valid_uai(raw, "uai", "offres_apprentissage_2020", log)
    offers = pd.DataFrame(
        {
            "uai": raw["uai"],
            "cfd": raw["cfd"],
            "rncp": raw["rncp"],
            "voie": "apprentissage",
            "entry_year": 1,
            "insee": raw["code_insee_lieu"],
        }
    )
    return _finish(offers, "offres_apprentissage_2020", 2020)


def reject_rows(bad: pd.Series, values: pd.Series, path: str, field: str, message: str) -> None:
    """Raise :class:`SourceFormatError` at the first ``bad`` row (line = index + 2)."""
    if bad.any():
        first = bad.index[bad.to_numpy(dtype=bool)][0]
        raise SourceFormatError(
            path, message.format(values.loc[first]), line=int(first) + 2, field=field
        )


def _keep_valid_uai(raw: pd.DataFrame, column: str, source: str, log: BuildLog) -> pd.DataFrame:
    """Drop (and count) rows without a well-formed UAI: a documented gap of the sources."""
    codes = raw[column].str.strip().str.upper()
    valid = codes.str.fullmatch(UAI_PATTERN).fillna(False).astype(bool)
    log.dropped[f"{source}: UAI absente ou mal formée"] += int((~valid).sum())
    kept = raw[valid].copy()
    kept[column] = codes[valid]
    return kept


def _counts(values: pd.Series, path: str, field: str) -> pd.Series:
    """Parse a column of counts; an unexpected token fails naming the file and line."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = values.notna() & (numbers.isna() | (numbers < 0) | (numbers % 1 != 0))
    reject_rows(bad, values, path, field, "nombre attendu, trouvé « {} »")
    return numbers.astype("Int64")


def _finish(offers: pd.DataFrame, source: str, year: int) -> pd.DataFrame:
    """Complete the columns every reader shares, in :data:`OFFER_COLUMNS` order."""
    offers = offers.copy()
    for column in OFFER_COLUMNS:
        if column not in offers.columns:
            offers[column] = pd.NA
    offers["cfd"] = offers["cfd"].astype("string").str.strip().str.upper()
    digits = offers["rncp"].astype("string").str.upper().str.replace("RNCP", "").str.strip()
    valid_rncp = digits.str.fullmatch(r"\d+").fillna(False).astype(bool)
    offers["rncp"] = ("RNCP" + digits).where(valid_rncp)  # sources write 'RNCP123' or '123'
    offers["source"], offers["year"] = source, year
    for column in ("latitude", "longitude"):
        offers[column] = pd.to_numeric(offers[column]).astype("float64")
    for column in ("capacity", "demand", "entry_year"):
        offers[column] = offers[column].astype("Int64")
    extra = [c for c in offers.columns if c not in OFFER_COLUMNS]
    return offers[OFFER_COLUMNS + extra].reset_index(drop=True)
