"""What a person tells the engine, and the same resolved into codes and coordinates.

A profile lives only for the request that carries it: the engine never stores or
logs it (profiles of minors are personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from recommender.errors import ProfileError
from recommender.geo import Commune

Audience = Literal["eleve", "etudiant", "adulte"]
Area = Literal["rayon", "departement", "region"]

MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 300.0


@dataclass(frozen=True)
class Profile:
    """A person's request, as given (validated at the API or CLI edge).

    Examples
    --------
    >>> Profile(level="3e", interests=("plasturgie",), place="Saint-Quentin").radius_km
    30.0
    """

    level: str
    interests: tuple[str, ...] = ()
    place: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = 30.0
    area: Area = "rayon"
    boarding: bool = False
    voies: tuple[str, ...] = ()
    audience: Audience = "eleve"
    campus: str | None = None
    campus_only: bool = False
    start_date: date | None = None

    def __post_init__(self) -> None:
        if not MIN_RADIUS_KM <= self.radius_km <= MAX_RADIUS_KM:
            raise ProfileError(
                "radius_km",
                f"rayon de {self.radius_km:g} km hors des limites "
                f"({MIN_RADIUS_KM:g} à {MAX_RADIUS_KM:g} km)",
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ProfileError("latitude", "donnez la latitude et la longitude ensemble")
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise ProfileError("latitude", "latitude entre -90 et 90 degrés")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise ProfileError("longitude", "longitude entre -180 et 180 degrés")


@dataclass(frozen=True)
class Origin:
    """Where the person starts from."""

    latitude: float
    longitude: float
    label: str  # "Saint-Quentin" or "votre position"
    commune: Commune | None = None


@dataclass(frozen=True)
class Notice:
    """Something the engine did that the person should know (widened radius…)."""

    code: str
    message: str
    details: dict[str, object] = field(default_factory=dict)
