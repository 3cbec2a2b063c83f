"""Build the ``communes`` table: every current commune and municipal arrondissement.

Names, codes, postcodes and population come from the INSEE COG as packaged by
``@etalab/decoupage-administratif``; académies from the education ministry's
département table; coordinates from La Poste's 2022 postcode base.

Choices the data card documents:

- a commune's coordinates are the mean of its La Poste rows (a commune with
  several postcodes has one row per postcode; 14 of them disagree slightly);
- Paris, Lyon and Marseille are listed by arrondissement in La Poste, so the
  city itself gets the coordinates of its 1st arrondissement (the historic
  centre: Louvre, Terreaux, Vieux-Port) rather than a mean that could fall
  anywhere;
- a commune whose INSEE code changed after 2022 takes the La Poste row of its
  former code (``anciensCodes``) only when La Poste gives it the same name;
- La Poste's coordinates for the collectivités d'outre-mer (zone "com":
  Polynésie, Nouvelle-Calédonie, Saint-Martin…) are placeholders (Saint-Martin
  and Saint-Barthélemy sit on Saint-Pierre-et-Miquelon, most of
  Nouvelle-Calédonie on one point, Papeete 1,500 km off), so they are left empty;
- communes with no postcode at all (the uninhabited TAAF districts) are
  dropped and counted; commune déléguées and associées are skipped and counted
  (they are parts of a current commune, which is listed).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from data.build.sources import Sources, check_columns
from recommender.errors import SourceFormatError
from recommender.text import fold

COMMUNES_FILE = "geo/communes.json.gz"
DEPARTEMENTS_FILE = "geo/departements.json"
REGIONS_FILE = "geo/regions.json"
ACADEMIES_FILE = "geo/departements_academies_regions.csv"
LAPOSTE_FILE = "geo/laposte_hexasmal_2022.csv.gz"
POSTCODES_FILE = "geo/codes-postaux.json.gz"

KINDS = {"commune-actuelle": "commune", "arrondissement-municipal": "arrondissement"}
SKIPPED_TYPES = frozenset({"commune-deleguee", "commune-associee"})
ZONES = frozenset({"metro", "drom", "com"})
UNPLACED_ZONES = frozenset({"com"})  # La Poste's coordinates there are placeholders

_INSEE = re.compile(r"\d[\dAB]\d{3}")
_POSTCODE = re.compile(r"\d{5}")
_COMMUNE_KEYS = ("code", "nom", "departement", "region")


def build_communes(sources: Sources) -> pd.DataFrame:
    """Build the COMMUNES table (see :data:`recommender.schema.COMMUNES`).

    Counts of skipped and incomplete rows are printed and kept in
    ``frame.attrs["report"]``.

    Examples
    --------
    >>> from pathlib import Path
    >>> frame = build_communes(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> frame.set_index("insee").loc["02691", "name"]  # doctest: +SKIP
    'Saint-Quentin'
    """
    departements = _named_codes(sources, DEPARTEMENTS_FILE, extra=("region",))
    regions = _named_codes(sources, REGIONS_FILE)
    academies = _academies(sources)
    coordinates, laposte_names = _laposte_coordinates(sources)
    fallback_postcodes = _postcodes_by_commune(sources)

    rows: list[dict[str, Any]] = []
    skipped: dict[str, int] = defaultdict(int)
    former_codes: dict[str, list[str]] = {}
    arrondissements: dict[str, list[str]] = defaultdict(list)
    unplaced: list[str] = []
    records = sources.read_json(COMMUNES_FILE)
    if not isinstance(records, list):
        raise SourceFormatError(COMMUNES_FILE, "une liste de communes était attendue")
    for position, record in enumerate(records):
        line = position + 2  # one record per line after the opening bracket
        kind_raw = _field(record, "type", line)
        if kind_raw in SKIPPED_TYPES:
            skipped[kind_raw] += 1
            continue
        if kind_raw not in KINDS:
            raise SourceFormatError(
                COMMUNES_FILE,
                f"type de commune inconnu {kind_raw!r} ; attendus : "
                f"{sorted([*KINDS, *SKIPPED_TYPES])}",
                line=line,
                field="type",
            )
        code, name, departement, region = (_field(record, key, line) for key in _COMMUNE_KEYS)
        if not _INSEE.fullmatch(code):
            raise SourceFormatError(
                COMMUNES_FILE, f"code INSEE invalide {code!r}", line=line, field="code"
            )
        if departement not in departements:
            raise SourceFormatError(
                COMMUNES_FILE,
                f"département inconnu {departement!r} (absent de {DEPARTEMENTS_FILE})",
                line=line,
                field="departement",
            )
        if region not in regions:
            raise SourceFormatError(
                COMMUNES_FILE,
                f"région inconnue {region!r} (absente de {REGIONS_FILE})",
                line=line,
                field="region",
            )
        postcodes = list(record.get("codesPostaux") or []) or fallback_postcodes.get(code, [])
        if not postcodes:
            skipped["sans code postal"] += 1
            continue
        bad = [p for p in postcodes if not isinstance(p, str) or not _POSTCODE.fullmatch(p)]
        if bad:
            raise SourceFormatError(
                COMMUNES_FILE, f"code postal invalide {bad[0]!r}", line=line, field="codesPostaux"
            )
        population = record.get("population")
        if population is not None and not isinstance(population, int):
            raise SourceFormatError(
                COMMUNES_FILE,
                f"population non entière {population!r}",
                line=line,
                field="population",
            )
        zone = _field(record, "zone", line)
        if zone not in ZONES:
            raise SourceFormatError(
                COMMUNES_FILE,
                f"zone inconnue {zone!r} ; attendues : {sorted(ZONES)}",
                line=line,
                field="zone",
            )
        if zone in UNPLACED_ZONES:
            unplaced.append(code)
        kind = KINDS[kind_raw]
        if kind == "arrondissement":
            arrondissements[_field(record, "commune", line)].append(code)
        former_codes[code] = list(record.get("anciensCodes") or [])
        academie = academies.get(departement)
        rows.append(
            {
                "insee": code,
                "name": name,
                "kind": kind,
                "postcodes": " ".join(dict.fromkeys(postcodes)),
                "departement": departement,
                "departement_name": departements[departement][0],
                "academie": academie[0] if academie else None,
                "academie_name": academie[1] if academie else None,
                "region": region,
                "region_name": regions[region][0],
                "population": population,
            }
        )

    located = _locate(rows, coordinates, laposte_names, former_codes, arrondissements)
    for code in unplaced:
        located.pop(code, None)
    frame = pd.DataFrame(rows)
    frame["latitude"] = [located.get(row["insee"], (None, None))[0] for row in rows]
    frame["longitude"] = [located.get(row["insee"], (None, None))[1] for row in rows]
    frame["population"] = frame["population"].astype("Int64")
    frame["latitude"] = frame["latitude"].astype("float64")
    frame["longitude"] = frame["longitude"].astype("float64")
    frame = frame.sort_values("insee", ignore_index=True)

    without_coordinates = frame.loc[frame["latitude"].isna(), "insee"].tolist()
    without_academie = frame.loc[frame["academie"].isna(), "insee"].tolist()
    report: dict[str, Any] = {
        "rows_by_kind": frame["kind"].value_counts().sort_index().to_dict(),
        "skipped": dict(sorted(skipped.items())),
        "coordinates_from_former_code": located.from_former_code,
        "coordinates_from_first_arrondissement": located.from_arrondissement,
        "without_coordinates": without_coordinates,
        "coordinates_left_empty_outre_mer": len(unplaced),
        "without_academie": without_academie,
    }
    frame.attrs["report"] = report
    print(
        f"  communes : {report['rows_by_kind']} ; ignorées : {report['skipped']} ; "
        f"sans coordonnées : {len(without_coordinates)} (dont {len(unplaced)} en "
        f"collectivités d'outre-mer) ; "
        f"sans académie : {len(without_academie)}",
        flush=True,
    )
    return frame


class _Located(dict[str, tuple[float, float]]):
    """Coordinates by INSEE code, remembering which fallbacks were used."""

    def __init__(self) -> None:
        super().__init__()
        self.from_former_code: list[str] = []
        self.from_arrondissement: list[str] = []


def _locate(
    rows: Iterable[Mapping[str, Any]],
    coordinates: Mapping[str, tuple[float, float]],
    laposte_names: Mapping[str, str],
    former_codes: Mapping[str, list[str]],
    arrondissements: Mapping[str, list[str]],
) -> _Located:
    located = _Located()
    for row in rows:
        code = row["insee"]
        if code in coordinates:
            located[code] = coordinates[code]
            continue
        for former in former_codes.get(code, []):
            # The same commune under its 2022 code, not a merged neighbour.
            if former in coordinates and laposte_names.get(former) == fold(row["name"]):
                located[code] = coordinates[former]
                located.from_former_code.append(code)
                break
    for city, parts in arrondissements.items():
        first = min(parts)
        if city not in located and first in located:
            located[city] = located[first]
            located.from_arrondissement.append(city)
    return located


def _field(record: Any, key: str, line: int) -> str:
    if not isinstance(record, dict):
        raise SourceFormatError(COMMUNES_FILE, "objet JSON attendu", line=line)
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise SourceFormatError(COMMUNES_FILE, "valeur obligatoire absente", line=line, field=key)
    return value


def _named_codes(
    sources: Sources, file: str, extra: tuple[str, ...] = ()
) -> dict[str, tuple[str, ...]]:
    """``{code: (nom, *extra)}`` from a list of ``{"code", "nom", …}`` records."""
    records = sources.read_json(file)
    if not isinstance(records, list):
        raise SourceFormatError(file, "une liste d'objets était attendue")
    named: dict[str, tuple[str, ...]] = {}
    for position, record in enumerate(records):
        if not isinstance(record, dict):
            raise SourceFormatError(file, "objet JSON attendu", line=position + 2)
        check_columns(file, list(record), ("code", "nom", *extra))
        named[str(record["code"])] = (str(record["nom"]), *(str(record[k]) for k in extra))
    return named


def _academies(sources: Sources) -> dict[str, tuple[str, str]]:
    """``{département: (académie code, académie name)}``.

    The ministry writes départements on three characters ("002", "02A", "971");
    the COG uses two for metropolitan France ("02", "2A").
    """
    table = sources.read_csv(
        ACADEMIES_FILE, required=["codeDepartement", "codeAcademie", "libelleAcademie"]
    )
    academies: dict[str, tuple[str, str]] = {}
    columns = (
        table[name].tolist() for name in ("codeDepartement", "codeAcademie", "libelleAcademie")
    )
    for position, (departement, academie, academie_name) in enumerate(zip(*columns, strict=True)):
        if pd.isna(departement):  # national or grouping rows ("France entière", "Etranger")
            continue
        raw = str(departement).strip()
        if not re.fullmatch(r"\d{2,3}|0?2[AB]", raw):
            raise SourceFormatError(
                ACADEMIES_FILE,
                f"code département invalide {raw!r}",
                line=position + 2,
                field="codeDepartement",
            )
        code = raw[1:] if len(raw) == 3 and raw.startswith("0") else raw
        if code in academies:
            raise SourceFormatError(
                ACADEMIES_FILE,
                f"département {code!r} en double",
                line=position + 2,
                field="codeDepartement",
            )
        if pd.isna(academie) or pd.isna(academie_name):
            raise SourceFormatError(
                ACADEMIES_FILE, "académie absente", line=position + 2, field="codeAcademie"
            )
        academies[code] = (str(academie), str(academie_name))
    return academies


def _laposte_coordinates(
    sources: Sources,
) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Mean coordinates and folded name of each INSEE code in La Poste's base."""
    table = sources.read_csv(
        LAPOSTE_FILE, required=["Code_commune_INSEE", "Nom_commune", "latitude", "longitude"]
    )
    for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
        numbers = pd.to_numeric(table[column], errors="coerce")
        bad = (numbers.isna() & table[column].notna()) | (numbers.abs() > limit)
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise SourceFormatError(
                LAPOSTE_FILE,
                f"coordonnée invalide {table[column].iloc[position]!r}",
                line=position + 2,
                field=column,
            )
        table[column] = numbers
    missing_code = table["Code_commune_INSEE"].isna()
    if missing_code.any():
        raise SourceFormatError(
            LAPOSTE_FILE,
            "valeur obligatoire absente",
            line=int(missing_code.to_numpy().argmax()) + 2,
            field="Code_commune_INSEE",
        )
    placed = table.dropna(subset=["latitude", "longitude"])
    means = placed.groupby("Code_commune_INSEE")[["latitude", "longitude"]].mean()
    coordinates = {
        str(code): (float(lat), float(lon))
        for code, lat, lon in zip(means.index, means["latitude"], means["longitude"], strict=True)
    }
    first_names = table.drop_duplicates("Code_commune_INSEE")
    names = {
        str(code): fold(str(name))
        for code, name in zip(
            first_names["Code_commune_INSEE"], first_names["Nom_commune"], strict=True
        )
    }
    return coordinates, names


def _postcodes_by_commune(sources: Sources) -> dict[str, list[str]]:
    """Postcodes by INSEE code from the ``codes-postaux`` package (fallback source)."""
    records = sources.read_json(POSTCODES_FILE)
    if not isinstance(records, list):
        raise SourceFormatError(POSTCODES_FILE, "une liste d'objets était attendue")
    if records:
        check_columns(POSTCODES_FILE, list(records[0]), ("codePostal", "codeCommune"))
    postcodes: dict[str, list[str]] = defaultdict(list)
    for record in records:
        code, postcode = record.get("codeCommune"), record.get("codePostal")
        if isinstance(code, str) and isinstance(postcode, str) and postcode not in postcodes[code]:
            postcodes[code].append(postcode)
    return postcodes
