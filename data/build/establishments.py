"""Establishments: who teaches, where, under which name — from every file that knows a UAI.

Each source contributes *facts* about a UAI (a name, a commune, a point, a NAF
code…). For each attribute the facts are ranked by how much the source can be
trusted for that attribute, and the first non-empty one wins. Points come from
geocoded files only (lycées, collèges, Parcoursup, apprenticeship catalogue) and
are marked 'exact'; an establishment known only by its commune sits at the
commune's centre, marked 'commune'.
"""

from __future__ import annotations

import pandas as pd

from data.build.commune_index import CommuneIndex
from data.build.report import BuildLog
from data.build.sources import Sources
from recommender.text import fold

LYCEES_FILE = "offerings/etablissements/lycees_geoloc.csv"
LYCEES_PRO_FILE = "offerings/etablissements/lycees_pro_effectifs_2019_2022.csv.gz"
CFA_FILE = "offerings/etablissements/cfa_sous_convention_regionale.csv"
COLLEGES_FILE = "offerings/etablissements/colleges_geoloc.csv.gz"
CATALOGUE_FILE = "offerings/apprentissage/catalogue_etablissements_20221005.csv.gz"
CFA_SITES_FILE = "offerings/apprentissage/cfa_sites_formation_2019.csv.gz"

FACT_COLUMNS = [
    *("uai", "source", "name", "nature", "siret", "insee", "latitude", "longitude"),
    *("naf", "onisep_id", "departement"),
]
# lycees_geoloc's geocoding quality: these two place the point at the commune or worse.
_COARSE_GEOCODING = {"COMMUNE", "Mauvaise"}
CONTINUING_EDUCATION_NAF = "85.59A"

# Source ranking per attribute (first wins). Names: the InserJeunes and Parcoursup
# names are written for people; the ministry files abbreviate in capitals.
NAME_ORDER = [
    *("inserjeunes", "parcoursup_2025", "catalogue_onisep", "lycees_pro", "cfa_convention"),
    *("catalogue_2022", "colleges", "cfa_sites", "lycees_geoloc"),
]
INSEE_ORDER = ["cfa_convention", "colleges", "catalogue_2022", "lycees_pro", "apprentissage_2020"]
SIRET_ORDER = ["catalogue_2022", "cfa_convention", "apprentissage_2020"]
POINT_ORDER = ["lycees_geoloc", "colleges", "parcoursup_2025", "catalogue_2022"]


def read_establishment_facts(sources: Sources, index: CommuneIndex) -> pd.DataFrame:
    """Facts about UAIs from the establishment files (one row per UAI and source)."""
    return pd.concat(
        [
            _lycees(sources),
            _lycees_pro(sources, index),
            _cfa_convention(sources),
            _colleges(sources),
            *_catalogue(sources),
            _cfa_sites(sources),
        ],
        ignore_index=True,
    )


def build_establishments(
    uais: pd.Series, facts: pd.DataFrame, index: CommuneIndex, log: BuildLog
) -> pd.DataFrame:
    """One row per UAI of ``uais`` (ESTABLISHMENTS columns; ``name`` null when no source names it).

    ``facts`` holds the rows of :func:`read_establishment_facts` plus facts
    gathered from the offer sources and InserJeunes. A UAI with a point but no
    commune gets the commune whose centre is nearest (within its département when
    known), counted in ``log.notes``.
    """
    facts = facts.copy()
    facts["insee"] = facts["insee"].map(index.resolve).astype("string")
    wanted = pd.Index(uais.drop_duplicates(), name="uai")
    facts = facts[facts["uai"].isin(wanted)]
    out = pd.DataFrame(index=wanted)
    out["name"] = _first(facts, "name", NAME_ORDER)
    out["siret"] = _first(facts, "siret", SIRET_ORDER)
    out["onisep_id"] = _first(facts, "onisep_id", ["catalogue_2022"])
    out["naf"] = _first(facts, "naf", ["catalogue_2022"])
    points = facts.dropna(subset=["latitude", "longitude"])
    out["latitude"] = _first(points, "latitude", POINT_ORDER)
    out["longitude"] = _first(points, "longitude", POINT_ORDER)
    out["insee"] = _first(facts, "insee", INSEE_ORDER)
    departement = _first(facts, "departement", ["lycees_geoloc"]).reindex(out.index)
    guess = out["insee"].isna() & out["latitude"].notna()
    out.loc[guess, "insee"] = [
        index.nearest(lat, lon, dep)
        for lat, lon, dep in zip(
            out.loc[guess, "latitude"], out.loc[guess, "longitude"], departement[guess], strict=True
        )
    ]
    guessed = int(out.loc[guess, "insee"].notna().sum())
    log.notes["établissements : commune déduite du point (centre pondéré le plus proche)"] += (
        guessed
    )
    exact = out["latitude"].notna()
    centre_lat, centre_lon = index.centre(out["insee"])
    out["latitude"] = out["latitude"].fillna(centre_lat)
    out["longitude"] = out["longitude"].fillna(centre_lon)
    out["location_precision"] = pd.Series(pd.NA, index=out.index, dtype="string")
    out.loc[out["latitude"].notna(), "location_precision"] = "commune"
    out.loc[exact, "location_precision"] = "exact"
    out["commune_name"] = out["insee"].map(index.frame["name"])
    sources_by_uai = facts.groupby("uai")["source"].agg(lambda s: "+".join(sorted(set(s))))
    out["source"] = sources_by_uai.reindex(out.index)
    out["kind"] = [establishment_kind(group) for group in _fact_groups(facts, out.index)]
    return out.reset_index()


def establishment_kind(facts: pd.DataFrame) -> str:
    """The kind of establishment from its names, nature and NAF code.

    Examples
    --------
    >>> establishment_kind(pd.DataFrame({"source": ["lycees_pro"], "name": ["LP JEAN MOULIN"],
    ...     "nature": ["LYCEE PROFESSIONNEL"], "naf": [None]}))
    'lycee_pro'
    >>> establishment_kind(pd.DataFrame({"source": ["catalogue_2022"], "name": ["GRETA NORD"],
    ...     "nature": [None], "naf": ["85.59A"]}))
    'organisme'
    """
    names = pd.concat([facts["name"], facts["nature"]]).dropna()
    texts = " | ".join(fold(str(value)) for value in names)
    sources = set(facts["source"])
    padded = f" {texts} "
    if sources & {"lycees_pro", "lycees_geoloc"} or " lycee" in padded or " lp " in padded:
        professional = any(
            word in padded
            for word in (" lycee professionnel", " lp ", " lycee prof ", " section enseignt prof")
        )
        vocational_only = "lycees_pro" in sources and "lycees_geoloc" not in sources
        return "lycee_pro" if professional or vocational_only else "lycee"
    # CFA evidence first: "Université des métiers" is the crafts chambers' CFA brand.
    cfa_words = (" cfa ", " ufa ", " apprentis ", " formation d apprentis", " maison familiale")
    if sources & {"cfa_convention", "inserjeunes_cfa"} or any(w in padded for w in cfa_words):
        return "cfa"
    if any(word in padded for word in (" universit", " iut ", " i u t ", " ufr ", " faculte")):
        return "universite"
    if set(facts["naf"].dropna()) & {CONTINUING_EDUCATION_NAF} or " greta " in padded:
        return "organisme"
    if any(word in padded for word in (" ecole", " institut", " ifsi ", " school ", " ens ")):
        return "ecole_superieure"
    return "organisme"


def _fact_groups(facts: pd.DataFrame, order: pd.Index) -> list[pd.DataFrame]:
    groups = dict(tuple(facts.groupby("uai")))
    empty = facts.iloc[0:0]
    return [groups.get(uai, empty) for uai in order]


def _first(facts: pd.DataFrame, column: str, order: list[str]) -> pd.Series:
    """Per UAI, the first non-empty ``column`` among sources ranked by ``order``."""
    ranked = facts.dropna(subset=[column])
    ranked = ranked[ranked["source"].isin(order)]
    if ranked.empty:
        return pd.Series(dtype=facts[column].dtype, name=column)
    rank = ranked["source"].map({s: i for i, s in enumerate(order)})
    ranked = ranked.assign(_rank=rank).sort_values("_rank", kind="stable")
    return ranked.drop_duplicates("uai").set_index("uai")[column]


def _facts(source: str, uai: pd.Series, **columns: object) -> pd.DataFrame:
    """Facts of one source, one row per value of ``uai`` (malformed UAIs left out)."""
    out = pd.DataFrame({name: columns.get(name, pd.NA) for name in FACT_COLUMNS[2:]}, uai.index)
    out.insert(0, "source", source)
    out.insert(0, "uai", uai.astype("string").str.strip().str.upper())
    out = out[out["uai"].str.fullmatch(r"\d{7}[A-Z]").fillna(False).astype(bool)]
    for name in ("latitude", "longitude"):
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    return out


def _latest(frame: pd.DataFrame, year: str, uai: str) -> pd.DataFrame:
    return frame.sort_values(year, ascending=False).drop_duplicates(uai)


def _joined(first: pd.Series, second: pd.Series) -> pd.Series:
    return first.str.cat(second, sep=" ", na_rep="").str.strip()


def _lycees(sources: Sources) -> pd.DataFrame:
    columns = [
        *("rentree_scolaire", "numero_uai", "denomination_principale_x", "nature_uai_libe"),
        *("latitude", "longitude", "appariement", "code_departement"),
    ]
    raw = _latest(sources.read_csv(LYCEES_FILE, columns, sep=","), "rentree_scolaire", "numero_uai")
    precise = ~raw["appariement"].isin(_COARSE_GEOCODING)
    return _facts(
        "lycees_geoloc",
        raw["numero_uai"],
        name=raw["denomination_principale_x"],
        nature=raw["nature_uai_libe"],
        latitude=raw["latitude"].where(precise),
        longitude=raw["longitude"].where(precise),
        departement=raw["code_departement"].map(_departement),
    )


def _lycees_pro(sources: Sources, index: CommuneIndex) -> pd.DataFrame:
    columns = [
        *("rentree_scolaire", "numero_lycee", "denomination_principale", "patronyme"),
        *("commune", "code_postal"),
    ]
    raw = _latest(sources.read_csv(LYCEES_PRO_FILE, columns), "rentree_scolaire", "numero_lycee")
    # No INSEE code here: the commune's name within its postcode (or département) gives it.
    insee = [index.find(c, p) for c, p in zip(raw["commune"], raw["code_postal"], strict=True)]
    return _facts(
        "lycees_pro",
        raw["numero_lycee"],
        name=_joined(raw["denomination_principale"], raw["patronyme"]),
        nature=raw["denomination_principale"],
        insee=pd.Series(insee, index=raw.index, dtype="string"),
    )


def _cfa_convention(sources: Sources) -> pd.DataFrame:
    uai, siret = "numero_uai", "numero_siren_siret_uai"
    columns = [uai, "commune", "denomination_principale", "patronyme_uai", siret]
    raw = sources.read_csv(CFA_FILE, columns, encoding="cp1252")
    return _facts(
        "cfa_convention",
        raw[uai],
        name=_joined(raw["denomination_principale"], raw["patronyme_uai"]),
        nature="CFA",
        insee=raw["commune"],
        siret=raw[siret].where(raw[siret].str.fullmatch(r"\d{14}").fillna(False).astype(bool)),
    )


def _colleges(sources: Sources) -> pd.DataFrame:
    columns = [
        *("numero_uai", "appellation_officielle", "nature_uai_libe", "code_commune"),
        *("latitude", "longitude"),
    ]
    raw = sources.read_csv(COLLEGES_FILE, columns)
    return _facts(
        "colleges",
        raw["numero_uai"],
        name=raw["appellation_officielle"],
        nature=raw["nature_uai_libe"],
        insee=raw["code_commune"],
        latitude=raw["latitude"],
        longitude=raw["longitude"],
    )


def _catalogue(sources: Sources) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = [
        *("siret", "uai", "enseigne", "entreprise_raison_sociale", "onisep_nom"),
        *("code_insee_localite", "naf_code", "onisep_url", "ferme", "lat", "lon"),
    ]
    raw = sources.read_csv(CATALOGUE_FILE, columns, sep=",")
    raw = raw[raw["ferme"] != "true"]  # closed SIRETs say nothing current
    facts = _facts(
        "catalogue_2022",
        raw["uai"],
        name=raw["enseigne"].fillna(raw["entreprise_raison_sociale"]),
        siret=raw["siret"],
        insee=raw["code_insee_localite"],
        latitude=raw["lat"],
        longitude=raw["lon"],
        naf=raw["naf_code"],
        # ONISEP's establishment page (…/slug/ENS.2186): the one UAI ↔ ONISEP id link we have.
        onisep_id=raw["onisep_url"].str.extract(r"(ENS\.\d+)\s*$")[0],
    )
    return facts, _facts("catalogue_onisep", raw["uai"], name=raw["onisep_nom"])


def catalogue_by_siret(sources: Sources) -> pd.DataFrame:
    """The apprenticeship catalogue keyed by SIRET (to name training bodies of the 2020 feed)."""
    columns = ["siret", "enseigne", "entreprise_raison_sociale"]
    raw = sources.read_csv(CATALOGUE_FILE, columns, sep=",")
    name = raw["enseigne"].fillna(raw["entreprise_raison_sociale"])
    return pd.DataFrame({"siret": raw["siret"], "name": name}).drop_duplicates("siret")


def _cfa_sites(sources: Sources) -> pd.DataFrame:
    roles = ("cfa", "site")
    columns = [f"{part}_{role}" for role in roles for part in _SITE_PARTS]
    raw = sources.read_csv(CFA_SITES_FILE, columns, sep=",")
    frames = [
        _facts(
            "cfa_sites",
            raw[f"numero_uai_{role}"],
            name=_joined(raw[f"denomination_principale_{role}"], raw[f"patronyme_{role}"]),
        )
        for role in roles
    ]
    return pd.concat(frames).drop_duplicates("uai")


_SITE_PARTS = ("numero_uai", "denomination_principale", "patronyme")


def _departement(code: object) -> str | None:
    """'001' → '01', '02A' → '2A', '971' → '971' (lycees_geoloc pads to 3 characters)."""
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip().lstrip("0")
    return code.zfill(2) if code.isdigit() and len(code) < 2 else code
