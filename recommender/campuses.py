"""Campus des métiers et des qualifications: definitions an operator edits, members derived.

A campus is a sector (job codes, NSF specialties) on a territory (départements,
régions). Its members are the establishments of the territory that offer at least
one formation of the sector, plus the ones the operator adds, minus the ones the
operator removes. The file format is documented in ``docs/campuses.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.errors import SourceFormatError

_CAMPUS_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,78}$")
_ROME_CODE = re.compile(r"^[A-N]\d{4}$")
_ROME_DOMAIN = re.compile(r"^[A-N](\d{2})?$")
_NSF = re.compile(r"^\d{3}$")
_DEPARTEMENT = re.compile(r"^(\d{2}|2A|2B|97\d)$")
_REGION = re.compile(r"^\d{2}$")
_UAI = re.compile(r"^\d{7}[A-Z]$")
_INSEE = re.compile(r"^(\d{5}|2A\d{3}|2B\d{3})$")


@dataclass(frozen=True)
class Campus:
    campus_id: str
    name: str
    sector: str
    seat_insee: str
    description: str = ""
    departements: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    rome_codes: tuple[str, ...] = ()
    rome_domains: tuple[str, ...] = ()
    nsf: tuple[str, ...] = ()
    include_uai: tuple[str, ...] = ()
    exclude_uai: tuple[str, ...] = ()
    sources: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read_campuses(path: Path) -> list[Campus]:
    """Read and validate the campus file; errors name the file, the campus and the field."""
    where = str(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise SourceFormatError(where, "fichier des campus introuvable") from error
    except tomllib.TOMLDecodeError as error:
        raise SourceFormatError(where, f"TOML invalide : {error}") from error
    entries = document.get("campus")
    if not isinstance(entries, list) or not entries:
        raise SourceFormatError(where, "aucune table [[campus]]", field="campus")
    campuses = [_campus(where, position, entry) for position, entry in enumerate(entries, 1)]
    seen: set[str] = set()
    for campus in campuses:
        if campus.campus_id in seen:
            raise SourceFormatError(
                where, f"identifiant en double : {campus.campus_id}", field="id"
            )
        seen.add(campus.campus_id)
    return campuses


def _campus(file: str, position: int, entry: Any) -> Campus:
    prefix = f"campus[{position}]"
    if not isinstance(entry, dict):
        raise SourceFormatError(file, "une table est attendue", field=prefix)
    territory = _table(file, entry, "territory", prefix)
    perimeter = _table(file, entry, "perimeter", prefix)
    members = _table(file, entry, "members", prefix, required=False)
    campus = Campus(
        campus_id=_text(file, entry, "id", prefix, _CAMPUS_ID),
        name=_text(file, entry, "name", prefix),
        sector=_text(file, entry, "sector", prefix),
        seat_insee=_text(file, entry, "seat_insee", prefix, _INSEE),
        description=str(entry.get("description", "")),
        departements=_codes(file, territory, "departements", f"{prefix}.territory", _DEPARTEMENT),
        regions=_codes(file, territory, "regions", f"{prefix}.territory", _REGION),
        rome_codes=_codes(file, perimeter, "rome_codes", f"{prefix}.perimeter", _ROME_CODE),
        rome_domains=_codes(file, perimeter, "rome_domains", f"{prefix}.perimeter", _ROME_DOMAIN),
        nsf=_codes(file, perimeter, "nsf", f"{prefix}.perimeter", _NSF),
        include_uai=_codes(file, members, "include", f"{prefix}.members", _UAI),
        exclude_uai=_codes(file, members, "exclude", f"{prefix}.members", _UAI),
        sources=tuple(str(s) for s in entry.get("sources", [])),
    )
    if not (campus.departements or campus.regions):
        raise SourceFormatError(
            file,
            "le territoire doit citer des départements ou des régions",
            field=f"{prefix}.territory",
        )
    if not (campus.rome_codes or campus.rome_domains or campus.nsf):
        raise SourceFormatError(
            file,
            "le périmètre doit citer des codes ROME, des domaines ROME ou des codes NSF",
            field=f"{prefix}.perimeter",
        )
    return campus


def _table(
    file: str, entry: dict[str, Any], key: str, prefix: str, *, required: bool = True
) -> dict[str, Any]:
    value = entry.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise SourceFormatError(file, "une table est attendue", field=f"{prefix}.{key}")
    return value


def _text(
    file: str, entry: dict[str, Any], key: str, prefix: str, pattern: re.Pattern[str] | None = None
) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise SourceFormatError(file, "texte obligatoire absent", field=f"{prefix}.{key}")
    if pattern is not None and not pattern.match(value):
        raise SourceFormatError(
            file,
            f"valeur « {value} » invalide (format attendu : {pattern.pattern})",
            field=f"{prefix}.{key}",
        )
    return value.strip()


def _codes(
    file: str, table: dict[str, Any], key: str, prefix: str, pattern: re.Pattern[str]
) -> tuple[str, ...]:
    values = table.get(key, [])
    if not isinstance(values, list):
        raise SourceFormatError(file, "une liste est attendue", field=f"{prefix}.{key}")
    for value in values:
        if not isinstance(value, str) or not pattern.match(value):
            raise SourceFormatError(
                file,
                f"code « {value} » invalide (format attendu : {pattern.pattern})",
                field=f"{prefix}.{key}",
            )
    return tuple(values)


def sector_certifications(campus: Campus, certifications: pd.DataFrame) -> pd.Series:
    """Boolean mask over ``certifications``: the certification belongs to the campus sector.

    It does when its NSF specialty is in the perimeter, or when most of its ROME
    codes are: one stray code among several (the sources have a few) is not enough.
    """
    rome_lists = certifications["rome_codes"].fillna("").str.split()
    wanted_codes = set(campus.rome_codes)
    domains = campus.rome_domains

    def mostly_in_sector(codes: list[str]) -> bool:
        inside = sum(code in wanted_codes or code.startswith(domains) for code in codes)
        return inside * 2 > len(codes)

    by_rome = rome_lists.map(mostly_in_sector).astype(bool)
    by_nsf = certifications["nsf"].fillna("").str[:3].isin(campus.nsf)
    return (by_rome | by_nsf).astype(bool)


def derive_members(
    campus: Campus,
    *,
    formations: pd.DataFrame,
    certifications: pd.DataFrame,
    communes: pd.DataFrame,
) -> pd.DataFrame:
    """Members of ``campus``: columns uai and reason (in French, shown to counsellors)."""
    in_sector = certifications.loc[sector_certifications(campus, certifications), "cert_id"]
    place = communes.set_index("insee")[["departement", "region"]]
    located = formations.join(place, on="insee")
    in_territory = located["departement"].isin(campus.departements) | located["region"].isin(
        campus.regions
    )
    matching = located[in_territory & located["cert_id"].isin(set(in_sector))]
    counts = matching.groupby("uai").agg(
        formations=("formation_id", "size"), example=("label", "first")
    )
    members = pd.DataFrame(
        {
            "uai": counts.index.astype(str),
            "reason": [
                f"{n} formation(s) du secteur sur le territoire, dont « {example} »"
                for n, example in zip(counts["formations"], counts["example"], strict=True)
            ],
        }
    )
    added = [uai for uai in campus.include_uai if uai not in set(members["uai"])]
    if added:
        members = pd.concat(
            [members, pd.DataFrame({"uai": added, "reason": "ajouté par l'opérateur du campus"})],
            ignore_index=True,
        )
    members = members[~members["uai"].isin(campus.exclude_uai)]
    return members.sort_values("uai").reset_index(drop=True)
