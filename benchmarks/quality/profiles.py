"""The judged profiles of ``profiles.toml``: who they are, what they mean, what must show.

Each profile is a person as they would fill the widget (level in everyday words,
interests as typed, a place, a radius, voies), plus the author's reading of it: the
ROME codes the person means (``targets``) and a few certifications that must or must
not appear in the top 20. The judgments (:mod:`benchmarks.quality.judge`) are derived
from those readings and the referentials, never from the engine's output.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recommender.profile import Profile

PROFILES_FILE = Path(__file__).with_name("profiles.toml")

SEGMENTS = (
    "college",
    "seconde",
    "lycee-pro",
    "terminale",
    "apres-bac-pro",
    "apres-bac",
    "apres-bts",
    "adulte",
)
SECTORS = (
    "plasturgie-metallurgie",
    "chimie-bioraffinerie",
    "biotechnologies",
    "travaux-publics",
    "sante-social",
    "hotellerie-restauration",
    "numerique",
    "agriculture",
    "logistique",
    "autre",
)
_REQUIRED = ("id", "segment", "sector", "level", "interests", "place", "targets")
_OPTIONAL = {
    "radius_km": 30.0,
    "voies": [],
    "audience": "eleve",
    "must_include": [],
    "must_not_include": [],
    "checked": False,
    "note": "",
}


@dataclass(frozen=True)
class JudgedProfile:
    id: str
    segment: str
    sector: str
    level: str
    interests: tuple[str, ...]
    place: str
    radius_km: float
    voies: tuple[str, ...]
    audience: str
    targets: tuple[str, ...]
    must_include: tuple[str, ...]
    must_not_include: tuple[str, ...]
    checked: bool
    note: str

    def profile(self) -> Profile:
        """The request the engine (and every baseline) receives."""
        return Profile(
            level=self.level,
            interests=self.interests,
            place=self.place,
            radius_km=self.radius_km,
            voies=self.voies,
            audience=self.audience,  # type: ignore[arg-type]
        )


def load_profiles(path: Path = PROFILES_FILE) -> list[JudgedProfile]:
    """Read and check ``profiles.toml``; a bad entry stops with its id and field."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    entries = data.get("profile", [])
    if not entries:
        raise ValueError(f"{path}: no [[profile]] table")
    profiles = [_profile(entry, position) for position, entry in enumerate(entries, start=1)]
    ids = [p.id for p in profiles]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ValueError(f"{path}: repeated ids {repeated}")
    return profiles


def profiles_checksum(path: Path = PROFILES_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _profile(entry: dict[str, Any], position: int) -> JudgedProfile:
    where = f"profile #{position} ({entry.get('id', '?')})"
    missing = [name for name in _REQUIRED if name not in entry]
    if missing:
        raise ValueError(f"{where}: missing {missing}")
    unknown = sorted(set(entry) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise ValueError(f"{where}: unknown fields {unknown}")
    values = {**_OPTIONAL, **entry}
    if values["segment"] not in SEGMENTS:
        raise ValueError(f"{where}: segment {values['segment']!r} not in {SEGMENTS}")
    if values["sector"] not in SECTORS:
        raise ValueError(f"{where}: sector {values['sector']!r} not in {SECTORS}")
    if not values["targets"]:
        raise ValueError(f"{where}: targets is empty")
    return JudgedProfile(
        id=str(values["id"]),
        segment=values["segment"],
        sector=values["sector"],
        level=str(values["level"]),
        interests=tuple(values["interests"]),
        place=str(values["place"]),
        radius_km=float(values["radius_km"]),
        voies=tuple(values["voies"]),
        audience=str(values["audience"]),
        targets=tuple(values["targets"]),
        must_include=tuple(values["must_include"]),
        must_not_include=tuple(values["must_not_include"]),
        checked=bool(values["checked"]),
        note=str(values["note"]),
    )
