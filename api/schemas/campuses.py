"""Campus des métiers et des qualifications: summaries and members."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Seat(BaseModel):
    """Commune où le campus a son siège."""

    insee: str = Field(description="code INSEE de la commune siège", examples=["02691"])
    name: str = Field(description="commune siège", examples=["Saint-Quentin"])
    departement: str = Field(description="département", examples=["02"])


class Territory(BaseModel):
    """Départements et régions où le campus recrute ses membres."""

    departements: list[str] = Field(description="départements couverts", examples=[["02", "60"]])
    regions: list[str] = Field(description="régions couvertes (code INSEE)", examples=[["32"]])


class Perimeter(BaseModel):
    """Le secteur : une certification en fait partie par ses codes ROME ou sa spécialité NSF."""

    rome_codes: list[str] = Field(description="codes ROME", examples=[["H2504"]])
    rome_domains: list[str] = Field(description="domaines ROME", examples=[["H32"]])
    nsf: list[str] = Field(description="spécialités NSF", examples=[["225"]])


class Campus(BaseModel):
    """Un campus des métiers et des qualifications : un secteur sur un territoire."""

    campus_id: str = Field(description="identifiant", examples=["plasturgie-metallurgie-picardie"])
    name: str = Field(
        description="nom",
        examples=["Campus des métiers et des qualifications Plasturgie et Métallurgie (Picardie)"],
    )
    sector: str = Field(description="secteur", examples=["Plasturgie, matériaux composites"])
    description: str = Field(description="présentation", examples=["Réseau de lycées, de CFA…"])
    seat: Seat
    territory: Territory
    perimeter: Perimeter
    sources: list[str] = Field(description="d'où vient la définition", examples=[[]])
    member_count: int = Field(description="nombre d'établissements membres", examples=[57])


class Member(BaseModel):
    """Un établissement membre du campus."""

    uai: str = Field(description="code UAI", examples=["0020079A"])
    name: str | None = Field(description="établissement", examples=["Lycée Condorcet"])
    kind: str | None = Field(description="nature", examples=["lycee_pro"])
    insee: str | None = Field(description="commune (code INSEE)", examples=["02691"])
    commune_name: str | None = Field(description="commune", examples=["Saint-Quentin"])
    reason: str = Field(
        description="pourquoi il est membre",
        examples=["3 formation(s) du secteur sur le territoire, dont « Bac pro plastiques »"],
    )


class CampusDetail(Campus):
    """Un campus et la liste de ses établissements membres."""

    members: list[Member]
