"""Models of the retraining endpoint: an adult's current job in, target jobs and routes out."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from api.schemas.recommendations import Notice, ReasonOut

EXAMPLE_ADULT: JsonDict = {
    "current_job": "cariste",
    "place": "Saint-Quentin",
    "years_experience": 6,
    "diploma": "CAP",
    "age": 35,
    "status": "demandeur_emploi",
    "radius_km": 30,
}


class AdultProfileIn(BaseModel):
    """Un adulte qui veut changer de métier ou évoluer : rien n'est conservé après la réponse."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_ADULT]})

    current_job: str = Field(
        min_length=1,
        max_length=120,
        description="métier actuel ou dernier métier : intitulé ou code ROME",
        examples=["cariste"],
    )
    place: str = Field(
        min_length=1,
        max_length=80,
        description="commune ou code postal",
        examples=["Saint-Quentin"],
    )
    years_experience: float = Field(
        default=0, ge=0, le=50, description="années d'expérience", examples=[6]
    )
    diploma: str = Field(
        default="sans diplôme", max_length=40, description="plus haut diplôme", examples=["CAP"]
    )
    age: int | None = Field(default=None, ge=16, le=75, examples=[35])
    status: Literal["demandeur_emploi", "salarie", "autre"] = Field(
        default="autre", examples=["demandeur_emploi"]
    )
    radius_km: float = Field(
        default=30, ge=1, le=300, description="distance acceptée (km)", examples=[30]
    )
    part_time: bool = Field(default=False, description="temps partiel souhaité", examples=[False])
    evenings: bool = Field(default=False, description="cours du soir souhaités", examples=[False])
    distance_learning: bool = Field(
        default=False, description="formation à distance acceptée", examples=[False]
    )
    targets: list[str] = Field(
        default_factory=list,
        max_length=5,
        description="métiers visés (intitulés ou codes ROME) ; vide : le moteur en propose",
        examples=[["H3202"]],
    )
    k: int = Field(default=5, ge=1, le=10, description="nombre de métiers proposés", examples=[5])


class SkillsOut(BaseModel):
    share: float = Field(
        description="part des compétences du métier visé déjà acquises (0 à 1)", examples=[0.33]
    )
    core_share: float = Field(
        description="la même part sur les compétences cœur de métier", examples=[0.35]
    )
    held_count: int = Field(examples=[22])
    total: int = Field(examples=[66])
    held: list[str] = Field(examples=[["Règles et consignes de sécurité"]])
    missing: list[str] = Field(examples=[["Préparer les commandes"]])
    credentials: list[str] = Field(
        description="diplômes ou habilitations cités par le ROME", examples=[["CACES R489"]]
    )


class JobOut(BaseModel):
    code_rome: str = Field(examples=["N1103"])
    label: str = Field(examples=["Préparateur / Préparatrice de commandes"])
    name: str = Field(examples=["préparateur de commandes"])


class PlaceOut(BaseModel):
    formation_id: str = Field(examples=["0020079A-50031122-scolaire"])
    establishment: str = Field(examples=["Lycée professionnel Condorcet"])
    commune: str | None = Field(examples=["Saint-Quentin"])
    distance_km: float | None = Field(examples=[1.2])
    voie: str = Field(examples=["scolaire"])
    evidence: Literal["session", "organisme_adultes", "accessible", "alternance"] = Field(
        description="session publiée, organisme pour adultes, diplôme seulement accessible, "
        "ou CFA en alternance",
        examples=["session"],
    )
    evidence_text: str = Field(examples=["session de formation continue publiée par l'organisme"])
    sessions: list[dict[str, Any]] = Field(examples=[[{"start_date": "2027-01-04"}]])
    notes: list[str] = Field(examples=[["pas de cours du soir annoncés"]])


class RouteOut(BaseModel):
    kind: Literal["vae", "formation", "contrat"] = Field(examples=["vae"])
    available: bool = Field(examples=[True])
    title: str = Field(examples=["VAE : CAP opérateur/opératrice logistique"])
    summary: str = Field(
        examples=["Votre expérience de cariste relève du domaine de ce diplôme : …"]
    )
    certification: dict[str, Any] | None = Field(
        examples=[{"cert_id": "50031122", "label": "CAP opérateur/opératrice logistique"}]
    )
    details: list[str] = Field(
        examples=[["Se mène en gardant son emploi ; comptez quelques mois."]]
    )
    blocs: list[str] = Field(examples=[["Réaliser des opérations de réception"]])
    places: list[PlaceOut]
    offers: list[dict[str, Any]] = Field(
        examples=[[{"title": "Préparateur de commandes", "kind": "professionnalisation"}]]
    )
    alternatives: list[dict[str, Any]] = Field(
        description="autres diplômes du métier visé préparés près de vous (formation)",
        examples=[
            [
                {
                    "cert_id": "32022209",
                    "label": "BTS bioanalyses en laboratoire de contrôle",
                    "level": 5,
                    "establishment": "Lycée Jean Rostand",
                    "commune": "Rouen",
                    "distance_km": 3.1,
                    "evidence": "accessible",
                }
            ]
        ],
    )


class TargetOut(BaseModel):
    job: JobOut
    skills: SkillsOut
    score: float = Field(examples=[0.61])
    sources: list[str] = Field(
        description="rome (passerelle), skills, campus, named", examples=[["rome", "skills"]]
    )
    entry_level: int | None = Field(examples=[3])
    reasons: list[ReasonOut]
    routes: list[RouteOut] = Field(description="VAE, formation, contrat : côte à côte")


class ReconversionResponse(BaseModel):
    current_job: JobOut
    current_job_alternatives: list[JobOut] = Field(
        description="autres métiers que l'intitulé donné peut désigner (préciser par le code)",
        examples=[
            [
                {
                    "code_rome": "H1503",
                    "label": "Technicien / Technicienne de laboratoire d'analyse industrielle",
                    "name": "technicien de laboratoire d'analyse industrielle",
                }
            ]
        ],
    )
    diploma: str = Field(examples=["titulaire d'un CAP"])
    place: str = Field(examples=["Saint-Quentin"])
    radius_km: float = Field(examples=[30])
    notices: list[Notice]
    targets: list[TargetOut]
