"""Models of the recommendation endpoints: a profile in, explained suggestions out."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas.common import CAMPUS_ID, Voie
from api.schemas.formations import Formation, SuggestedFormation
from api.schemas.offers import Offer

EXAMPLE_PROFILE: JsonDict = {
    "level": "3e",
    "interests": ["plasturgie"],
    "place": "Saint-Quentin",
    "radius_km": 30,
    "voies": ["scolaire", "apprentissage"],
}


SUB_SCORES = {
    "interest": 1.0,
    "level": 1.0,
    "distance": 0.92,
    "voie": 1.0,
    "outcomes": 0.76,
    "pressure": 1.0,
    "campus": 1.0,
}


class ProfileIn(BaseModel):
    """Ce que la personne indique. Rien n'est conservé après la réponse."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_PROFILE]})

    level: str = Field(
        min_length=1,
        max_length=60,
        description="niveau actuel : 4e, 3e, seconde, première/terminale (générale, techno, "
        "pro), CAP, bac pro, bac, BTS, BUT, licence… ou un niveau européen 3 à 8",
        examples=["3e", "bac pro", "CAP"],
    )
    interests: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="centres d'intérêt en texte libre, intitulés de métiers, codes ROME",
        examples=[["plasturgie"], ["j'aime bricoler et la chimie"], ["H3201"]],
    )
    place: str | None = Field(
        default=None,
        max_length=120,
        description="commune : nom, code postal ou code INSEE",
        examples=["Saint-Quentin"],
    )
    latitude: float | None = Field(default=None, ge=-90, le=90, examples=[49.847])
    longitude: float | None = Field(default=None, ge=-180, le=180, examples=[3.278])
    radius_km: float = Field(
        default=30, ge=1, le=300, description="distance acceptée (km)", examples=[30]
    )
    area: Literal["rayon", "departement", "region"] = Field(
        default="rayon",
        description="rayon autour de la commune, ou tout son département ou toute sa région",
        examples=["rayon"],
    )
    boarding: bool = Field(default=False, description="internat envisageable", examples=[False])
    voies: list[Voie] = Field(
        default_factory=list,
        description="voies souhaitées (vide : toutes)",
        examples=[["scolaire", "apprentissage"]],
    )
    audience: Literal["eleve", "etudiant", "adulte"] = Field(default="eleve", examples=["eleve"])
    campus: str | None = Field(
        default=None, pattern=CAMPUS_ID, examples=["plasturgie-metallurgie-picardie"]
    )
    campus_only: bool = Field(
        default=False, description="seulement les membres du campus", examples=[False]
    )
    start_date: date | None = Field(
        default=None, description="date de début souhaitée", examples=["2027-09-01"]
    )


class RecommendationRequest(ProfileIn):
    k: int = Field(default=10, ge=1, le=50, description="nombre de formations", examples=[10])
    offers_k: int = Field(default=10, ge=0, le=50, description="nombre d'offres", examples=[5])


class WhyNotRequest(ProfileIn):
    # Formations of imported sessions have longer ids (« SIRET:…-RNCP…-formation_continue »).
    formation_id: str = Field(min_length=3, max_length=160, examples=["0020079A-40022503-scolaire"])


class ReasonOut(BaseModel):
    criterion: str = Field(examples=["distance"])
    text: str = Field(examples=["à 12 km de Saint-Quentin"])
    positive: bool = Field(examples=[True])


class PairedOffer(BaseModel):
    offer_id: str = Field(examples=["synthetic-11-42"])
    title: str = Field(examples=["Régleur / Régleuse en plasturgie"])
    employer_name: str = Field(examples=["Entreprise fictive · Plasturgie · Chauny"])
    kind: str = Field(examples=["apprentissage"])
    insee: str = Field(examples=["02173"])
    place_name: str | None = Field(examples=["Chauny"])
    distance_from_formation_km: float = Field(examples=[4.2])
    synthetic: bool = Field(examples=[True])


class FormationSuggestion(BaseModel):
    rank: int = Field(examples=[1])
    score: float = Field(description="score combiné entre 0 et 1", examples=[0.84])
    distance_km: float | None = Field(examples=[25.6])
    sub_scores: dict[str, float] = Field(
        description="score de chaque critère (0 à 1)", examples=[SUB_SCORES]
    )
    reasons: list[ReasonOut]
    formation: SuggestedFormation
    paired_offers: list[PairedOffer] = Field(
        description="offres d'apprentissage proches pour les mêmes métiers"
    )


class OfferSuggestion(BaseModel):
    rank: int = Field(examples=[1])
    score: float = Field(examples=[0.71])
    distance_km: float | None = Field(examples=[8.4])
    sub_scores: dict[str, float] = Field(examples=[SUB_SCORES])
    reasons: list[ReasonOut]
    offer: Offer


class MatchedJob(BaseModel):
    code_rome: str = Field(examples=["H3201"])
    label: str = Field(examples=["Plasturgiste"])
    weight: float = Field(examples=[1.0])


class MatchedTerm(BaseModel):
    typed: str = Field(examples=["plasturgi"])
    matched: str = Field(examples=["plasturgie"])
    kind: str = Field(examples=["word"])
    corrected: bool = Field(examples=[True])


class Understood(BaseModel):
    """Ce que le moteur a compris du profil (pour vérifier et corriger)."""

    level: str = Field(examples=["en 3e"])
    level_code: str = Field(examples=["3e"])
    jobs: list[MatchedJob]
    terms: list[MatchedTerm]
    unresolved: list[str] = Field(description="mots non reconnus", examples=[["xqzw"]])
    place: dict[str, object] | None = Field(
        examples=[
            {"label": "Saint-Quentin", "insee": "02691", "latitude": 49.85, "longitude": 3.28}
        ]
    )
    radius_km: float = Field(
        description="rayon utilisé (après élargissement éventuel)", examples=[30]
    )
    campus: str | None = Field(examples=["plasturgie-metallurgie-picardie"])


class Notice(BaseModel):
    code: str = Field(examples=["radius_widened"])
    message: str = Field(
        examples=[
            "Peu de formations correspondent à moins de 30 km de Saint-Quentin : la "
            "recherche a été élargie à 60 km."
        ]
    )


class RecommendationResponse(BaseModel):
    understood: Understood
    notices: list[Notice]
    formations: list[FormationSuggestion]
    offers: list[OfferSuggestion]


class WhyNotResponse(BaseModel):
    formation_id: str = Field(examples=["0020014E-32022505-scolaire"])
    excluded: bool = Field(
        description="exclue par une contrainte (niveau requis, voie exclue)", examples=[True]
    )
    rank: int | None = Field(description="rang parmi les formations accessibles", examples=[12])
    eligible_count: int = Field(examples=[30512])
    score: float = Field(examples=[0.02])
    sub_scores: dict[str, float] = Field(examples=[SUB_SCORES])
    reasons: list[ReasonOut] = Field(description="ce qui la fait reculer, en premier")
    formation: Formation


class JobSuggestion(BaseModel):
    code_ogr: str = Field(examples=["38849"])
    label: str = Field(examples=["Régleur / Régleuse en plasturgie"])
    code_rome: str = Field(examples=["H3201"])
    job_label: str = Field(examples=["Plasturgiste"])


class InterestSuggestion(BaseModel):
    code: str = Field(examples=["14"])
    label: str = Field(examples=["J'aime le travail manuel"])


class JobSearch(BaseModel):
    jobs: list[JobSuggestion]
    interests: list[InterestSuggestion]
