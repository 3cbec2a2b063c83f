"""Offers: search parameters and list items."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.common import CertId, CodeRome, Departement, NearParams, OfferKind, Page, Source


class OfferParams(NearParams):
    """Filters of `GET /v1/offers`; every filter given must hold."""

    kind: list[OfferKind] = Field(
        default_factory=list,
        description="nature(s), répétable : stage, apprentissage, professionnalisation",
        examples=[["apprentissage"]],
    )
    code_rome: CodeRome | None = Field(None, description="métier ROME", examples=["H3201"])
    cert_id: CertId | None = Field(
        None, description="certification préparée", examples=["40022503"]
    )
    departement: Departement | None = Field(
        None, description="département du lieu de l'offre", examples=["02"]
    )
    source: Source | None = Field(
        None,
        description="nom de l'import ; « synthetic » pour les offres fictives",
        examples=["synthetic"],
    )


class Offer(BaseModel):
    """Une offre de stage, de contrat d'apprentissage ou de professionnalisation."""

    offer_id: str = Field(description="identifiant stable", examples=["synthetic-000123"])
    source: str = Field(description="nom de l'import", examples=["synthetic"])
    synthetic: bool = Field(
        description="vrai pour une offre fictive de démonstration (source « synthetic »)",
        examples=[True],
    )
    kind: str = Field(
        description="stage, apprentissage ou professionnalisation", examples=["apprentissage"]
    )
    title: str = Field(description="intitulé", examples=["Apprentissage — Régleur en plasturgie"])
    code_rome: str = Field(description="métier ROME", examples=["H3201"])
    job: str | None = Field(description="intitulé du métier ROME", examples=["Plasturgiste"])
    employer_name: str = Field(description="employeur", examples=["Entreprise fictive 123"])
    employer_siret: str | None = Field(description="SIRET", examples=[None])
    naf: str | None = Field(description="code NAF de l'employeur", examples=["22.21Z"])
    insee: str = Field(description="commune (code INSEE)", examples=["02691"])
    commune_name: str | None = Field(description="commune", examples=["Saint-Quentin"])
    departement: str | None = Field(description="département", examples=["02"])
    latitude: float | None = Field(description="WGS84", examples=[49.847])
    longitude: float | None = Field(description="WGS84", examples=[3.278])
    distance_km: float | None = Field(
        description="distance à la commune `near`, en km (null sans `near`)", examples=[3.2]
    )
    start_date: str = Field(description="début (AAAA-MM-JJ)", examples=["2026-09-01"])
    duration_months: int = Field(description="durée en mois", examples=[24])
    cert_id: str | None = Field(description="certification préparée", examples=["40022503"])
    level: int | None = Field(description="niveau européen de cette certification", examples=[4])
    description: str | None = Field(
        description="description", examples=["Offre fictive de démonstration."]
    )
    url: str | None = Field(description="lien vers l'offre", examples=[None])


class OfferPage(Page):
    """Une page d'offres."""

    items: list[Offer]
