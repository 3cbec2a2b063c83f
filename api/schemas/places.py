"""Places: commune autocomplete."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class PlaceParams(BaseModel):
    """Parameters of `GET /v1/places`."""

    model_config = ConfigDict(extra="forbid")

    q: str = Field(
        min_length=1,
        max_length=100,
        description="début du nom de la commune ou du code postal",
        examples=["saint-quen"],
    )
    limit: int = Field(10, ge=1, le=50, description="nombre de communes proposées", examples=[10])


class Place(BaseModel):
    """Une commune (ou un arrondissement municipal de Paris, Lyon ou Marseille)."""

    insee: str = Field(description="code INSEE", examples=["02691"])
    name: str = Field(description="nom officiel", examples=["Saint-Quentin"])
    kind: str = Field(description="« commune » ou « arrondissement »", examples=["commune"])
    postcodes: list[str] = Field(description="codes postaux", examples=[["02100"]])
    departement: str = Field(description="code du département", examples=["02"])
    departement_name: str = Field(description="département", examples=["Aisne"])
    region: str = Field(description="code INSEE de la région", examples=["32"])
    region_name: str = Field(description="région", examples=["Hauts-de-France"])
    latitude: float | None = Field(description="WGS84 (centre)", examples=[49.847])
    longitude: float | None = Field(description="WGS84 (centre)", examples=[3.278])
    population: int | None = Field(description="population municipale", examples=[53_000])
