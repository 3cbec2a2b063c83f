"""Derive graded judgments (0–3) for every profile, from the referentials only.

Rules, applied to every certification offered within the person's reach:

- **on target**: the certification's ROME codes include one of the profile's
  ``targets``; **near target**: one of its codes shares a target's ROME domaine
  (``H32`` for plastics) without being a target.
- **level**, from the judge's own table of the French system (not the engine's):
  the level the person holds, the levels that are natural next steps, and each
  certification type's entry requirement. An adult in retraining may also go one
  level down (a CAP after a Bac is a common reconversion).
- **main trade**: at least half of the certification's codes are targets or share a
  target's domaine (the sources give some certifications a stray code: a cleaning CAP
  listing a plastics job, a bakery CAP listing kitchen assistant).
- **grade 3**: on target as its main trade, at a natural next level; **2**: the same
  at another level they can enter, or on target as a side trade, or near target as
  its main trade, at a natural level; **1**: those last two at another level they
  can enter, or on target as its main trade below their level (pupils and
  students); **0** otherwise, and always when the person cannot enter it.
- **by hand**: a profile's ``must_include`` certifications are grade 3 and its
  ``must_not_include`` ones grade 0, whatever the rules say.
- **reach**: formations within the profile's radius, in the voies wanted. When
  fewer than 5 formations of grade 2 or more are within it, the radius doubles, at
  most three times, as a counsellor would look further.

Run ``python -m benchmarks.quality.judge`` after editing ``profiles.toml`` or
rebuilding ``data/``: it rewrites ``judgments.json``, which says for every judged
certification why it got its grade. The quality run refuses stale judgments.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.quality.profiles import (
    PROFILES_FILE,
    JudgedProfile,
    load_profiles,
    profiles_checksum,
)
from recommender.catalogue import Catalogue
from recommender.geo import Places, haversine_km
from recommender.settings import Settings
from recommender.text import fold

JUDGMENTS_FILE = Path(__file__).with_name("judgments.json")
ENOUGH_RELEVANT = 5
WIDENING_STEPS = 3

# The person's level: EU level held (2 = no diploma yet) and whether they are an adult
# in retraining. Keys are folded spellings of what people write.
_HELD = {
    "4e": 2,
    "3e": 2,
    "troisieme": 2,
    "sans diplome": 2,
    "aucun diplome": 2,
    "brevet": 2,
    "seconde": 2,
    "seconde generale": 2,
    "seconde gt": 2,
    "cap": 3,
    "cap 1re annee": 3,
    "cap 2e annee": 3,
    "bep": 3,
    "premiere pro": 4,
    "1re pro": 4,
    "terminale pro": 4,
    "bac pro": 4,
    "bac professionnel": 4,
    "terminale": 4,
    "terminale generale": 4,
    "terminale techno": 4,
    "terminale technologique": 4,
    "bac": 4,
    "bac general": 4,
    "bac techno": 4,
    "bp": 4,
    "bts": 5,
    "bts 1re annee": 5,
    "bts 2e annee": 5,
    "but": 5,
    "dut": 5,
    "bac+2": 5,
    "licence": 6,
    "licence pro": 6,
    "bac+3": 6,
    "master": 7,
}
# After the 3e, CAP and Bac pro are both first steps.
_NATURAL_FROM_NOTHING = {3, 4}

# Entry requirement by certification type: a fixed EU level, "same" (a specialisation
# after a diploma of its own level) or "below" (one level under its own).
_AFTER_3E = ("CAP", "CAPA", "BAC PRO", "BEP", "BEPA", "BAC GENERAL", "BAC TECHNO")
_AFTER_CAP = ("BP", "BMA", "BPJEPS", "BT")
_AFTER_BAC = (
    *("BTS", "BTSA", "DUT", "BUT", "DEUST", "LICENCE", "DMA", "DNMADE", "DEJEPS"),
    *("CPGE", "ING", "ASSIMI.BTS"),
)
_AFTER_BAC2 = ("LP", "DESJEPS")
_AFTER_BAC3 = ("MASTER", "DIP GVM", "DSAA-1")
_SAME = ("MC", "CS")


def held_level(level: str) -> int:
    """EU level the person holds (or is about to hold), from how they said it.

    Examples
    --------
    >>> held_level("Terminale pro"), held_level("3e"), held_level("BTS")
    (4, 2, 5)
    """
    key = fold(level).strip()
    if key not in _HELD:
        raise ValueError(f"level {level!r}: not in the judge's table {sorted(_HELD)}")
    return _HELD[key]


def entry_level(certification_type: str, level: int | None) -> int:
    """EU level needed to enter a certification of this type and level.

    Examples
    --------
    >>> entry_level("BAC PRO", 4), entry_level("BTS", 5), entry_level("MC", 3)
    (2, 4, 3)
    >>> entry_level("TP", 3), entry_level("TP", 5), entry_level("LP", 6)
    (2, 4, 5)
    """
    if certification_type in _AFTER_3E:
        return 2
    if certification_type in _AFTER_CAP:
        return 3
    if certification_type in _AFTER_BAC:
        return 4
    if certification_type in _AFTER_BAC2:
        return 5
    if certification_type in _AFTER_BAC3:
        return 6
    if level is None:
        return 2
    if certification_type in _SAME:
        return level
    return max(level - 1, 2)


@dataclass(frozen=True)
class LevelFit:
    enterable: bool
    natural: bool
    below: bool
    phrase: str


def level_fit(held: int, adult: bool, certification_type: str, level: int | None) -> LevelFit:
    """How a certification sits as a next step for someone holding ``held``.

    Examples
    --------
    >>> level_fit(2, False, "CAP", 3).natural, level_fit(2, False, "BTS", 5).enterable
    (True, False)
    >>> level_fit(4, True, "CAP", 3).natural  # an adult may step down to retrain
    True
    """
    needed = entry_level(certification_type, level)
    if needed > held:
        return LevelFit(False, False, False, f"needs level {needed}, holds {held}")
    if level is None:
        return LevelFit(True, False, False, "level unknown")
    if held == 2:
        natural = level in _NATURAL_FROM_NOTHING
    elif adult:
        natural = held - 1 <= level <= held + 1
    else:
        natural = level == held + 1 or (level == held and needed == held)
    below = level < held and not adult
    label = "natural next step" if natural else ("below level" if below else "enterable")
    return LevelFit(True, natural, below, f"level {level}: {label}")


def grade(on_target: bool, near_target: bool, main_trade: bool, fit: LevelFit) -> int:
    """The rule table of the module docstring.

    Examples
    --------
    >>> natural = LevelFit(True, True, False, "")
    >>> grade(True, False, True, natural), grade(True, False, False, natural)
    (3, 2)
    >>> grade(False, True, True, natural), grade(False, True, False, natural)
    (2, 0)
    """
    if not fit.enterable:
        return 0
    if on_target and main_trade:
        if fit.below:
            return 1
        return 3 if fit.natural else 2
    if on_target or (near_target and main_trade):
        return 0 if fit.below else (2 if fit.natural else 1)
    return 0


@dataclass(frozen=True)
class _Certification:
    cert_id: str
    cfd: str | None
    rncp: str | None
    label: str
    type: str
    level: int | None
    codes: tuple[str, ...]


class Judge:
    """The catalogue's facts the rules need, loaded once."""

    def __init__(self, catalogue: Catalogue) -> None:
        tables = catalogue.tables
        self.places = Places.from_frame(tables["communes"])
        self.certifications = tables["certifications"].set_index("cert_id")
        jobs = tables["jobs"]
        self.domaine = dict(zip(jobs["code_rome"], jobs["domaine"], strict=True))
        self.job_label = dict(zip(jobs["code_rome"], jobs["label"], strict=True))
        formations = tables["formations"]
        self.formations = formations[
            ["cert_id", "uai", "voie", "latitude", "longitude"]
        ].reset_index(drop=True)
        certifications = tables["certifications"]
        self._rows = [
            _Certification(
                cert_id=str(row.cert_id),
                cfd=_optional(row.cfd),
                rncp=_optional(row.rncp),
                label=str(row.label),
                type=str(row.type),
                level=_level(row.level),
                codes=tuple(str(row.rome_codes or "").split()),
            )
            for row in certifications.itertuples(index=False)
        ]

    def judge(self, profile: JudgedProfile) -> dict[str, Any]:
        """Every relevant certification and formation within reach, with grade and why."""
        self._check(profile)
        commune = self.places.resolve(profile.place).commune
        assert commune.latitude is not None and commune.longitude is not None
        distances = haversine_km(
            commune.latitude,
            commune.longitude,
            self.formations["latitude"].to_numpy(dtype=float, na_value=np.nan),
            self.formations["longitude"].to_numpy(dtype=float, na_value=np.nan),
        )
        wanted = self.formations["voie"].isin(profile.voies) if profile.voies else True
        held = held_level(profile.level)
        adult = profile.audience == "adulte"
        grades = self._certification_grades(profile, held, adult)
        by_certification = {c: g["grade"] for c, g in grades.items()}
        graded = self.formations["cert_id"].map(by_certification).fillna(0).to_numpy(dtype=int)
        radius = profile.radius_km
        for _ in range(WIDENING_STEPS):
            within = (distances <= radius) & np.asarray(wanted)
            if int(((graded >= 2) & within).sum()) >= ENOUGH_RELEVANT:
                break
            radius *= 2
        within = (distances <= radius) & np.asarray(wanted)
        rows = np.flatnonzero(within & (graded >= 1))
        formations = [
            {
                "cert_id": str(self.formations.at[row, "cert_id"]),
                "uai": str(self.formations.at[row, "uai"]),
                "voie": str(self.formations.at[row, "voie"]),
                "distance_km": round(float(distances[row]), 1),
                "grade": int(graded[row]),
            }
            for row in rows[np.argsort(distances[rows], kind="stable")]
        ]
        offered = {f["cert_id"] for f in formations}
        return {
            "id": profile.id,
            "segment": profile.segment,
            "sector": profile.sector,
            "held_level": held,
            "commune": f"{commune.name} ({commune.insee})",
            "radius_km": radius,
            "certifications": [g for c, g in grades.items() if c in offered],
            "formations": formations,
            "must_include": list(profile.must_include),
            "must_not_include": list(profile.must_not_include),
        }

    def _certification_grades(
        self, profile: JudgedProfile, held: int, adult: bool
    ) -> dict[str, dict[str, Any]]:
        targets = set(profile.targets)
        target_domaines = {self.domaine[code] for code in targets}
        out: dict[str, dict[str, Any]] = {}
        fits: dict[tuple[str, int | None], LevelFit] = {}
        for cert in self._rows:
            key = (cert.type, cert.level)
            fit = fits.get(key) or fits.setdefault(key, level_fit(held, adult, *key))
            on = sorted(targets.intersection(cert.codes))
            near = sorted(
                c for c in cert.codes if c not in targets and self.domaine.get(c) in target_domaines
            )
            main = 2 * (len(on) + len(near)) >= len(cert.codes)
            value = grade(bool(on), bool(near), main, fit)
            why = self._why(on, near, main, fit)
            if cert.cert_id in profile.must_include:  # the hand reading wins, level too
                value, why = 3, f"by hand: must include ({why})"
            elif cert.cert_id in profile.must_not_include:
                value, why = 0, f"by hand: must not include ({why})"
            if value:
                out[cert.cert_id] = {
                    "cert_id": cert.cert_id,
                    "cfd": cert.cfd,
                    "rncp": cert.rncp,
                    "label": cert.label,
                    "type": cert.type,
                    "level": cert.level,
                    "rome_codes": list(cert.codes),
                    "grade": value,
                    "why": why,
                }
        return out

    def unreachable(self, profile: JudgedProfile) -> set[str]:
        """Certifications the person cannot enter (level), by the judge's table.

        Computed when scoring rather than stored: for a pupil in 3e it is most of the
        catalogue. Hand-included certifications are never unreachable.
        """
        held, adult = held_level(profile.level), profile.audience == "adulte"
        fits: dict[tuple[str, int | None], bool] = {}
        out = set()
        for cert in self._rows:
            key = (cert.type, cert.level)
            if key not in fits:
                fits[key] = level_fit(held, adult, *key).enterable
            if not fits[key] and cert.cert_id not in profile.must_include:
                out.add(cert.cert_id)
        return out

    def _why(self, on: Sequence[str], near: Sequence[str], main: bool, fit: LevelFit) -> str:
        trade = "its main trade" if main else "a side trade"
        if on:
            jobs = ", ".join(f"{c} {self.job_label[c]}" for c in on)
            subject = f"prepares a target job ({jobs}), {trade}"
        elif near:
            subject = f"prepares a job of a target's ROME domaine ({', '.join(near)}), {trade}"
        else:
            subject = "no target job"
        return f"{subject}; {fit.phrase}"

    def _check(self, profile: JudgedProfile) -> None:
        unknown = [code for code in profile.targets if code not in self.domaine]
        if unknown:
            raise ValueError(f"{profile.id}: targets not in ROME 4.0: {unknown}")
        for field in ("must_include", "must_not_include"):
            missing = [c for c in getattr(profile, field) if c not in self.certifications.index]
            if missing:
                raise ValueError(f"{profile.id}: {field} not in the catalogue: {missing}")


def _level(value: object) -> int | None:
    return None if value is None or value is pd.NA else int(str(value))


def _optional(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def write_judgments(
    catalogue: Catalogue, path: Path = JUDGMENTS_FILE, profiles_path: Path = PROFILES_FILE
) -> dict[str, Any]:
    judge = Judge(catalogue)
    profiles = load_profiles(profiles_path)
    document = {
        "profiles_checksum": profiles_checksum(profiles_path),
        "data_checksum": catalogue.meta.get("checksum", "")[:16],
        "rules": __doc__.split("Run ``python")[0].strip() if __doc__ else "",
        "profiles": [judge.judge(profile) for profile in profiles],
    }
    text = json.dumps(document, ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return document


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.parse_args(argv)
    settings = Settings()
    catalogue = Catalogue.from_bundle(settings.data_dir, settings.campuses_path)
    document = write_judgments(catalogue)
    judged = document["profiles"]
    relevant = sum(len(p["formations"]) for p in judged)
    print(f"{len(judged)} profiles judged, {relevant:,} graded formations → {JUDGMENTS_FILE}")


if __name__ == "__main__":
    main()
