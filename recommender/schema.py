"""The shape of every catalogue table: one contract for the build, the files and the store.

The data build (``python -m data.build``) writes each table to ``data/<name>.parquet``
and checks it against this schema; the store (:mod:`recommender.store`) creates its
SQL tables from the same description; the loader refuses a file whose columns
drifted. Lists (postcodes, ROME codes) are stored as space-separated strings so the
same table fits parquet, SQLite and PostgreSQL unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from recommender.errors import SourceFormatError

Kind = Literal["str", "int", "float", "bool"]

VOIES = ("scolaire", "apprentissage", "formation_continue")
LOCATION_PRECISIONS = ("exact", "commune")
OFFER_KINDS = ("stage", "apprentissage", "professionnalisation")


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    nullable: bool = True
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    doc: str = ""

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def _c(name: str, kind: Kind, doc: str = "", *, nullable: bool = True) -> Column:
    return Column(name, kind, nullable, doc)


def _req(name: str, kind: Kind, doc: str = "") -> Column:
    return Column(name, kind, False, doc)


COMMUNES = Table(
    "communes",
    (
        _req("insee", "str", "INSEE code (COG), 5 characters"),
        _req("name", "str", "official name"),
        _req("kind", "str", "'commune' or 'arrondissement' (Paris, Lyon, Marseille)"),
        _req("postcodes", "str", "postcodes, space-separated"),
        _req("departement", "str", "département code (01…95, 2A, 2B, 971…)"),
        _req("departement_name", "str"),
        _c("academie", "str", "académie code"),
        _c("academie_name", "str"),
        _req("region", "str", "région code (INSEE)"),
        _req("region_name", "str"),
        _c("latitude", "float", "WGS84, La Poste 2022 (null for the few communes it lacks)"),
        _c("longitude", "float"),
        _c("population", "int", "municipal population (INSEE)"),
    ),
    key=("insee",),
    doc="Every current commune (and municipal arrondissement) of France.",
)

JOBS = Table(
    "jobs",
    (
        _req("code_rome", "str", "ROME 4.0 code, e.g. H3201"),
        _req("label", "str"),
        _req("domaine", "str", "domaine professionnel code, e.g. H32"),
        _req("domaine_label", "str"),
        _req("grand_domaine", "str", "grand domaine letter, e.g. H"),
        _req("grand_domaine_label", "str"),
        _c("riasec_major", "str", "Holland code letter"),
        _c("riasec_minor", "str"),
        _c("definition", "str", "short definition of the job"),
    ),
    key=("code_rome",),
    doc="ROME job codes with their place in the job tree and their RIASEC profile.",
)

JOB_TITLES = Table(
    "job_titles",
    (
        _req("code_ogr", "str", "appellation id"),
        _req("label", "str", "long title, e.g. 'Régleur / Régleuse en plasturgie'"),
        _req("label_short", "str"),
        _req("code_rome", "str"),
    ),
    key=("code_ogr",),
    doc="Job titles (appellations): the words people actually type.",
)

INTERESTS = Table(
    "interests",
    (
        _req("code", "str"),
        _req("label", "str", 'e.g. "J\'ai envie de créer, construire, rénover"'),
        _c("definition", "str"),
    ),
    key=("code",),
    doc="ROME interest categories (centres d'intérêt).",
)

JOB_INTERESTS = Table(
    "job_interests",
    (
        _req("interest_code", "str"),
        _req("code_rome", "str"),
        _req("principal", "bool", "the interest is a main one for this job"),
    ),
    key=("interest_code", "code_rome"),
)

JOB_MOBILITY = Table(
    "job_mobility",
    (
        _req("code_rome", "str"),
        _req("code_rome_target", "str"),
        _req("rank", "int", "ROME numero_ordre: lower is closer"),
    ),
    key=("code_rome", "code_rome_target"),
    doc="ROME mobility links between jobs.",
)

JOB_SKILLS = Table(
    "job_skills",
    (
        _req("code_rome", "str"),
        _req("skill_code", "str", "code_ogr of the skill or knowledge item"),
        _req("label", "str"),
        _req("category", "str", "'savoir_faire', 'savoir_etre' or 'savoir'"),
        _req("core", "bool", "part of the job's core (coeur de métier)"),
    ),
    key=("code_rome", "skill_code"),
    doc="Skills and knowledge of each job (for skills overlap between jobs).",
)

JOB_SECTORS = Table(
    "job_sectors",
    (
        _req("code_rome", "str"),
        _req("naf_division", "str", "NAF rév. 2 division, 2 digits"),
        _req("sector_label", "str"),
    ),
    key=("code_rome", "naf_division"),
    doc="ROME ↔ NAF sector links (where each job is exercised).",
)

NAF_CODES = Table(
    "naf_codes",
    (
        _req("naf", "str", "NAF rév. 2 sub-class, e.g. 22.21Z"),
        _req("label", "str"),
        _req("naf_division", "str", "2-digit division"),
    ),
    key=("naf",),
    doc="NAF rév. 2 activity codes (employers' sectors).",
)

NSF_SPECIALTIES = Table(
    "nsf_specialties",
    (
        _req("code", "str", "NSF group, 3 digits, e.g. 225"),
        _req("label", "str", "e.g. 'Plasturgie, matériaux composites'"),
    ),
    key=("code",),
    doc="NSF training specialties (the sector words of certifications.nsf).",
)

CERTIFICATIONS = Table(
    "certifications",
    (
        _req("cert_id", "str", "the CFD when there is one, else the RNCP code"),
        _c("cfd", "str", "code formation diplôme (education ministry, 8 characters)"),
        _c("rncp", "str", "RNCP code, e.g. RNCP35474"),
        _req("label", "str"),
        _req("type", "str", "short type: CAP, BAC PRO, BP, BTS, BUT, LP, MC, TP, CQP, …"),
        _c("type_label", "str"),
        _c("level", "int", "EU level 3–8 (null when unknown)"),
        _req("rome_codes", "str", "ROME codes, space-separated (may be empty)"),
        _c("nsf", "str", "NSF specialty code"),
        _req("access_school", "bool", "voie scolaire / formation initiale"),
        _req("access_apprenticeship", "bool"),
        _req("access_continuing", "bool", "formation continue"),
        _req("access_professionalisation", "bool", "contrat de professionnalisation"),
        _req("access_vae", "bool", "validation des acquis de l'expérience"),
        _req("active", "bool", "still awarded"),
        _req("source", "str", "which referential(s) the row comes from"),
        _c("description", "str", "what the programme teaches, from ONISEP (plain text)"),
    ),
    key=("cert_id",),
    doc="Certifications keyed by CFD and/or RNCP.",
)

CERT_BLOCS = Table(
    "cert_blocs",
    (
        _req("rncp", "str"),
        _req("bloc_code", "str", "e.g. RNCP35474BC01"),
        _req("label", "str"),
    ),
    key=("bloc_code",),
    doc="Blocs de compétences of RNCP certifications (partial routes).",
)

ESTABLISHMENTS = Table(
    "establishments",
    (
        _req("uai", "str", "UAI (RNE) code, 8 characters"),
        _req("name", "str"),
        _req("kind", "str", "lycee, lycee_pro, cfa, universite, ecole_superieure, organisme"),
        _c("siret", "str"),
        _c("insee", "str", "commune INSEE code"),
        _c("commune_name", "str"),
        _c("latitude", "float"),
        _c("longitude", "float"),
        _c("location_precision", "str", "'exact' (geocoded address) or 'commune' (centre)"),
        _c("onisep_id", "str", "ONISEP establishment id when known (ENS.xxxx)"),
        _req("source", "str"),
    ),
    key=("uai",),
    doc="Establishments offering formations: lycées, CFAs, universities, training bodies.",
)

FORMATIONS = Table(
    "formations",
    (
        _req("formation_id", "str", "stable id: '<uai>-<cert_id>-<voie>'"),
        _req("uai", "str"),
        _req("cert_id", "str"),
        _c("cfd", "str"),
        _c("rncp", "str"),
        _req("voie", "str", "scolaire, apprentissage or formation_continue"),
        _req("label", "str", "programme label as published"),
        _c("level", "int", "EU level 3–8"),
        _c("capacity", "int", "places offered (latest vintage)"),
        _c("demand", "int", "wishes: Affelnet first wishes or Parcoursup confirmed wishes"),
        _c("insee", "str", "commune of the place of training"),
        _c("latitude", "float"),
        _c("longitude", "float"),
        _c("location_precision", "str", "'exact' or 'commune'"),
        _c("employment_rate_6m", "float", "InserJeunes: share in employment 6 months after"),
        _c("employment_rate_12m", "float"),
        _c("continuation_rate", "float", "InserJeunes: share continuing studies"),
        _c("outcomes_vintage", "str"),
        _req("source", "str", "which source(s) list this row"),
        _req("vintage", "str", "year(s) of the source(s), e.g. '2024' or '2020'"),
    ),
    key=("formation_id",),
    doc="One row per (establishment, certification, voie).",
)

OPEN_DAYS = Table(
    "open_days",
    (
        _req("uai", "str", "establishment"),
        _req("text", "str", "the French sentence as ONISEP publishes it (whitespace tidied)"),
        _c("start_date", "str", "first date the sentence gives, ISO YYYY-MM-DD (null: none)"),
        _c("end_date", "str", "last date when the sentence gives a span, ISO (null: one day)"),
        _c("url", "str", "link given in the sentence ('Plus d'info : …')"),
        _req("vintage", "str", "year of the ONISEP file, e.g. '2025'"),
    ),
    key=("uai", "text"),
    doc="Open days (journées portes ouvertes) of establishments, from ONISEP.",
)

OFFERS = Table(
    "offers",
    (
        _req("offer_id", "str"),
        _req("source", "str", "'synthetic' for generated offers, else the import's name"),
        _req("kind", "str", "stage, apprentissage or professionnalisation"),
        _req("title", "str"),
        _req("code_rome", "str"),
        _req("employer_name", "str"),
        _c("employer_siret", "str"),
        _c("naf", "str", "employer NAF code"),
        _req("insee", "str"),
        _c("latitude", "float"),
        _c("longitude", "float"),
        _req("start_date", "str", "ISO date YYYY-MM-DD"),
        _req("duration_months", "int"),
        _c("cert_id", "str", "certification prepared (apprenticeship, professionalisation)"),
        _c("level", "int", "EU level of the certification prepared"),
        _c("description", "str"),
        _c("url", "str"),
    ),
    key=("offer_id",),
    doc="Internship, apprenticeship and professionalisation offers.",
)

SESSIONS = Table(
    "sessions",
    (
        _req("session_id", "str", "'<source>-<formation>-<action>-<session>' (LHEO numbers)"),
        _req("source", "str", "the import's name"),
        _req("title", "str", "formation label as published by the feed"),
        _c("cert_id", "str", "certification of the catalogue it prepares (null: not found)"),
        _c("cert_match", "str", "how it was found: 'rncp', 'cfd' or 'label'"),
        _c("cert_type", "str", "diploma type read in the title: BTS, TP, CAP…"),
        _c("rncp", "str", "RNCP code given by the feed"),
        _c("cfd", "str", "CFD given by the feed"),
        _c("level", "int", "EU level 3–8 of the certification, as the feed gives it"),
        _req("rome_codes", "str", "ROME codes given by the feed, space-separated (may be empty)"),
        _c("nsf", "str", "NSF specialty given by the feed"),
        _req("provider_name", "str", "training body"),
        _c("provider_siret", "str"),
        _req("insee", "str", "commune of the place of training"),
        _c("latitude", "float"),
        _c("longitude", "float"),
        _c("location_precision", "str", "'exact' (coordinates given) or 'commune' (centre)"),
        _req("start_date", "str", "ISO date YYYY-MM-DD"),
        _c("end_date", "str", "ISO date (null: not fixed)"),
        _c("duration_hours", "int", "hours of training"),
        _c("duration_text", "str", "indicative duration as given, e.g. '2 ans'"),
        _c("schedule", "str", "rhythm: temps plein, temps partiel, cours du soir…"),
        _c("teaching_mode", "str", "presentiel, mixte or distance"),
        _c("entry_level", "int", "EU level required at entry; 0 = none"),
        _c("url", "str"),
        _c("description", "str", "objective of the formation, plain text"),
    ),
    key=("session_id",),
    doc="Continuing-education sessions imported from LHEO or CSV files (one dated instance).",
)

CATALOGUE_TABLES: tuple[Table, ...] = (
    COMMUNES,
    JOBS,
    JOB_TITLES,
    INTERESTS,
    JOB_INTERESTS,
    JOB_MOBILITY,
    JOB_SKILLS,
    JOB_SECTORS,
    NAF_CODES,
    NSF_SPECIALTIES,
    CERTIFICATIONS,
    CERT_BLOCS,
    ESTABLISHMENTS,
    FORMATIONS,
    OPEN_DAYS,
)
TABLES: dict[str, Table] = {t.name: t for t in (*CATALOGUE_TABLES, OFFERS, SESSIONS)}

_PANDAS_DTYPES: dict[Kind, str] = {
    "str": "string",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
}


def conform(frame: pd.DataFrame, table: Table, *, file: str | None = None) -> pd.DataFrame:
    """Check ``frame`` against ``table`` and return it with exactly its columns and dtypes.

    Raises :class:`SourceFormatError` naming the file, the line and the column
    when a column is missing, a required value is empty, a value does not fit its
    type, or the key repeats.
    """
    where = file or f"{table.name}.parquet"
    missing = [name for name in table.column_names if name not in frame.columns]
    if missing:
        raise SourceFormatError(
            where, f"colonnes manquantes {missing} ; attendues : {table.column_names}"
        )
    out = frame.loc[:, table.column_names].reset_index(drop=True)
    for column in table.columns:
        values = out[column.name]
        try:
            converted = _convert(values, column.kind)
        except (ValueError, TypeError) as error:
            line = _first_bad_line(values, column.kind)
            raise SourceFormatError(
                where,
                f"valeur invalide pour le type {column.kind} ({error})",
                line=line,
                field=column.name,
            ) from error
        if not column.nullable:
            empty = converted.isna()
            if column.kind == "str" and column.name not in _MAY_BE_EMPTY_TEXT:
                empty = empty | (converted.fillna("-") == "")
            if empty.any():
                raise SourceFormatError(
                    where,
                    "valeur obligatoire absente",
                    line=int(empty.to_numpy().argmax()) + 2,
                    field=column.name,
                )
        out[column.name] = converted
    duplicated = out.duplicated(list(table.key), keep="first")
    if duplicated.any():
        line = int(duplicated.to_numpy().argmax()) + 2
        raise SourceFormatError(
            where, f"clé {table.key} en double", line=line, field=",".join(table.key)
        )
    return out


# Required text columns where an empty string is a real value (an empty list of codes).
_MAY_BE_EMPTY_TEXT = frozenset({"rome_codes"})


def _convert(values: pd.Series, kind: Kind) -> pd.Series:
    if kind in ("int", "float"):
        numbers = pd.to_numeric(values, errors="raise")
        return numbers.astype("Int64" if kind == "int" else "float64")
    dtype: Any = _PANDAS_DTYPES[kind]
    return values.astype(dtype)


def _first_bad_line(values: pd.Series, kind: Kind) -> int | None:
    for position, value in enumerate(values):
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        try:
            float(value) if kind in ("int", "float") else None
        except (TypeError, ValueError):
            return position + 2
    return None
