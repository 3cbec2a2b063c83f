"""Formations: search parameters, list items and the detailed view."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import (
    CampusId,
    CertId,
    Cfd,
    CodeRome,
    Departement,
    NearParams,
    Page,
    Region,
    Rncp,
    Uai,
    Voie,
)

Level = Annotated[int, Field(ge=3, le=8)]


class FormationParams(NearParams):
    """Filters of `GET /v1/formations`; every filter given must hold."""

    voie: list[Voie] = Field(
        default_factory=list,
        description="voie(s) d'accès, répétable : scolaire, apprentissage, formation_continue",
        examples=[["scolaire", "apprentissage"]],
    )
    level: list[Level] = Field(
        default_factory=list,
        description="niveau(x) européen(s) 3 (CAP) à 8 (doctorat), répétable",
        examples=[[3, 4]],
    )
    cert_id: CertId | None = Field(None, description="certification", examples=["40022503"])
    cfd: Cfd | None = Field(None, description="code formation diplôme", examples=["40022503"])
    rncp: Rncp | None = Field(None, description="code RNCP", examples=["RNCP35474"])
    uai: Uai | None = Field(None, description="établissement (code UAI)", examples=["0020079A"])
    code_rome: CodeRome | None = Field(
        None, description="métier ROME préparé par la certification", examples=["H3201"]
    )
    departement: Departement | None = Field(
        None, description="département du lieu de formation", examples=["02"]
    )
    region: Region | None = Field(None, description="région (code INSEE)", examples=["32"])
    campus: CampusId | None = Field(
        None,
        description="campus des métiers : seulement les formations de ses établissements membres",
        examples=["plasturgie-metallurgie-picardie"],
    )
    q: str | None = Field(
        None,
        max_length=100,
        description="texte cherché dans l'intitulé (sans tenir compte des accents ni de la casse)",
        examples=["plast"],
    )


class Establishment(BaseModel):
    """L'établissement qui dispense la formation."""

    uai: str = Field(
        description="code UAI, ou « SIRET:<siret> » pour un organisme de formation continue "
        "sans UAI connu",
        examples=["0022008X"],
    )
    name: str | None = Field(description="nom", examples=["Lycée Jean Macé"])
    kind: str | None = Field(
        description="lycee, lycee_pro, cfa, universite, ecole_superieure, organisme",
        examples=["lycee_pro"],
    )
    insee: str | None = Field(description="code INSEE de la commune", examples=["02173"])
    commune_name: str | None = Field(description="commune", examples=["Chauny"])
    location_precision: str | None = Field(
        description="« exact » (adresse géocodée) ou « commune » (centre de la commune)",
        examples=["exact"],
    )


class Certification(BaseModel):
    """Le diplôme ou titre préparé."""

    cert_id: str = Field(description="identifiant : CFD sinon code RNCP", examples=["40022503"])
    type: str | None = Field(description="type court", examples=["BAC PRO"])
    level: int | None = Field(description="niveau européen 3 à 8", examples=[4])
    label: str | None = Field(description="intitulé", examples=["Plastiques et composites"])


class Outcomes(BaseModel):
    """InserJeunes : devenir des sortants (parts entre 0 et 1, null si non publiées)."""

    employment_rate_6m: float | None = Field(description="en emploi à 6 mois", examples=[0.42])
    employment_rate_12m: float | None = Field(description="en emploi à 12 mois", examples=[0.5])
    continuation_rate: float | None = Field(description="en poursuite d'études", examples=[0.35])
    vintage: str | None = Field(description="millésime InserJeunes", examples=["2022"])


class Formation(BaseModel):
    """Une certification préparée dans un établissement, en un lieu, par une voie."""

    formation_id: str = Field(
        description="identifiant stable « uai-cert_id-voie »",
        examples=["0022008X-40022503-scolaire"],
    )
    label: str = Field(description="intitulé publié", examples=["Bac pro plastiques et composites"])
    voie: Voie = Field(examples=["scolaire"])
    level: int | None = Field(description="niveau européen 3 à 8", examples=[4])
    uai: str = Field(description="établissement", examples=["0022008X"])
    cert_id: str = Field(description="certification", examples=["40022503"])
    cfd: str | None = Field(description="code formation diplôme", examples=["40022503"])
    rncp: str | None = Field(description="code RNCP", examples=["RNCP35474"])
    insee: str | None = Field(description="commune du lieu de formation", examples=["02173"])
    commune_name: str | None = Field(description="nom de la commune", examples=["Chauny"])
    departement: str | None = Field(description="département", examples=["02"])
    region: str | None = Field(description="région (code INSEE)", examples=["32"])
    latitude: float | None = Field(description="WGS84", examples=[49.6157])
    longitude: float | None = Field(description="WGS84", examples=[3.2189])
    location_precision: str | None = Field(
        description="« exact » ou « commune »", examples=["exact"]
    )
    distance_km: float | None = Field(
        description="distance à la commune `near`, en km (null sans `near`)", examples=[25.6]
    )
    capacity: int | None = Field(description="places offertes", examples=[24])
    demand: int | None = Field(description="vœux (Affelnet ou Parcoursup)", examples=[30])
    source: str = Field(
        description="source(s) qui listent cette formation", examples=["voie_pro_2022"]
    )
    vintage: str = Field(description="année(s) de ces sources", examples=["2021-2022"])
    vintage_note: str | None = Field(
        description="avertissement quand la source la plus récente est ancienne",
        examples=[
            "Donnée de 2020 (catalogue national de l'apprentissage le plus récent publié) : "
            "vérifiez auprès de l'établissement que la formation est toujours ouverte."
        ],
    )
    establishment: Establishment
    certification: Certification
    outcomes: Outcomes


class Session(BaseModel):
    """Une session datée de formation continue (importée d'un flux LHEO ou d'un fichier CSV)."""

    session_id: str = Field(
        description="identifiant « source-formation-action-session »",
        examples=["carif-bretagne-9436_18706-9436_18706-9436_18706"],
    )
    start_date: str = Field(description="début (AAAA-MM-JJ)", examples=["2026-09-07"])
    end_date: str | None = Field(description="fin (null : non fixée)", examples=["2027-06-30"])
    status: Literal["upcoming", "ongoing", "past"] = Field(
        description="à venir, en cours ou passée (à la date de la réponse)", examples=["upcoming"]
    )
    status_label: str = Field(description="le même en français", examples=["à venir"])
    duration_hours: int | None = Field(description="durée en heures", examples=[1200])
    duration_text: str | None = Field(description="durée indicative", examples=["2 ans"])
    schedule: str | None = Field(description="rythme", examples=["Temps plein"])
    teaching_mode: Literal["presentiel", "mixte", "distance"] | None = Field(
        description="présentiel, mixte ou à distance", examples=["presentiel"]
    )
    provider_name: str = Field(description="organisme de formation", examples=["GRETA Cornouaille"])
    insee: str = Field(description="commune du lieu de formation", examples=["29233"])
    url: str | None = Field(description="page de la session", examples=["https://exemple.fr/bts"])
    source: str = Field(description="import d'où vient la session", examples=["carif-bretagne"])


class SuggestedFormation(Formation):
    """Une formation proposée, avec ses sessions datées (formation continue)."""

    sessions: list[Session] = Field(
        default_factory=list, description="sessions, à venir d'abord puis passées"
    )


class FormationPage(Page):
    """Une page de formations."""

    items: list[Formation]


class Job(BaseModel):
    """Un métier du ROME."""

    code_rome: str = Field(description="code ROME", examples=["H3201"])
    label: str | None = Field(description="métier", examples=["Plasturgiste"])


class Bloc(BaseModel):
    """Un bloc de compétences, certifiable séparément."""

    bloc_code: str = Field(description="code du bloc", examples=["RNCP35474BC01"])
    label: str = Field(description="intitulé", examples=["Préparer une production"])


class CertificationDetail(Certification):
    """Le diplôme ou titre préparé, avec ses métiers, ses voies d'accès et ses blocs."""

    type_label: str | None = Field(description="type en clair", examples=["Bac pro"])
    nsf: str | None = Field(description="spécialité NSF", examples=["225"])
    active: bool = Field(description="encore délivrée", examples=[True])
    jobs: list[Job] = Field(description="métiers ROME préparés")
    voies: list[str] = Field(
        description="voies d'accès : scolaire, apprentissage, formation_continue, "
        "professionnalisation, vae",
        examples=[["scolaire", "apprentissage", "vae"]],
    )
    blocs: list[Bloc] = Field(description="blocs de compétences (certifications RNCP)")


class CampusRef(BaseModel):
    """Un campus dont l'établissement est membre."""

    campus_id: str = Field(examples=["plasturgie-metallurgie-picardie"])
    name: str = Field(
        examples=["Campus des métiers et des qualifications Plasturgie et Métallurgie (Picardie)"]
    )


class OpenDay(BaseModel):
    """Une journée portes ouvertes de l'établissement, telle que l'ONISEP la publie."""

    text: str = Field(
        description="la phrase publiée (date, horaires, conditions)",
        examples=["Le 5 avril 2025 de 9h00 à 12h00"],
    )
    date: str | None = Field(
        description="premier jour donné par la phrase (AAAA-MM-JJ ; null : pas de date complète)",
        examples=["2025-04-05"],
    )
    end_date: str | None = Field(
        description="dernier jour quand la phrase donne une période (null : un seul jour)",
        examples=["2025-04-06"],
    )
    url: str | None = Field(
        description="lien donné par la phrase (« Plus d'info : … »)",
        examples=["https://www.aforp.fr/jpo"],
    )
    past: bool = Field(
        description="passée à la date de la réponse (sans date : une fois son année écoulée)",
        examples=[True],
    )
    vintage: str = Field(description="année du fichier ONISEP", examples=["2025"])


class FormationDetail(Formation):
    """Une formation en détail."""

    certification: CertificationDetail
    campuses: list[CampusRef] = Field(description="campus dont l'établissement est membre")
    sessions: list[Session] = Field(
        default_factory=list, description="sessions datées (formation continue), à venir d'abord"
    )
    open_days: list[OpenDay] = Field(
        default_factory=list,
        description="journées portes ouvertes de l'établissement (ONISEP), par date ; "
        "les passées sont marquées `past`",
        examples=[
            [
                {
                    "text": "Le 5 avril 2025 de 9h00 à 12h00",
                    "date": "2025-04-05",
                    "end_date": None,
                    "url": None,
                    "past": True,
                    "vintage": "2025",
                }
            ]
        ],
    )
