"""Models of the class endpoints: a class file in, each pupil's suggestions out."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.schemas.recommendations import FormationSuggestion, Notice

EXAMPLE_CLASS_CSV = (
    "identifiant;niveau;centres_interet;commune;rayon_km;voies\n"
    "Léa;3e;plasturgie|conduite de machines;Saint-Quentin;30;scolaire|apprentissage\n"
    "Hugo;3e;soudure;Chauny;25;\n"
    "Inès;bac+9;cuisine;Laon;30;\n"
)


class UnderstoodItem(BaseModel):
    """Une ligne de ce que le moteur a compris du profil, à vérifier."""

    label: str = Field(examples=["Métiers compris"])
    text: str = Field(examples=["Plasturgiste (H3201)"])


class ClassPupil(BaseModel):
    """Les pistes d'un élève : une ligne valide du fichier."""

    line: int = Field(description="ligne du fichier (l'en-tête est la ligne 1)", examples=[2])
    name: str = Field(
        description="identifiant donné dans le fichier (pseudonyme ou prénom), sinon « Élève N »",
        examples=["Léa"],
    )
    understood: list[UnderstoodItem] = Field(
        description="niveau, commune, rayon, métiers compris… tels que le moteur les a lus"
    )
    notices: list[Notice] = Field(description="ce que le moteur a fait (rayon élargi…)")
    formations: list[FormationSuggestion] = Field(description="formations classées, raisons")


class RejectedLine(BaseModel):
    """Une ligne écartée et pourquoi ; les autres lignes ont été traitées."""

    line: int | None = Field(
        description="ligne du fichier (l'en-tête est la ligne 1)", examples=[4]
    )
    name: str | None = Field(description="identifiant de la ligne", examples=["Inès"])
    field: str | None = Field(description="colonne en cause", examples=["niveau"])
    reason: str = Field(
        description="ce qui ne va pas, en français",
        examples=["niveau inconnu « bac+9 » ; valeurs acceptées : 4e, 3e, seconde_gt, …"],
    )


class DataVintages(BaseModel):
    """Les dates des données : à imprimer avec les pistes."""

    built_on: str | None = Field(
        description="date d'assemblage des données", examples=["2026-11-21"]
    )
    sources: list[str] = Field(
        description="une ligne par source, avec ses années",
        examples=[["Catalogue national des formations en apprentissage (Carif-Oref) : 2020"]],
    )


class ClassResponse(BaseModel):
    """Les pistes de chaque élève d'une classe. Rien n'est conservé après la réponse."""

    k: int = Field(description="pistes demandées par élève", examples=[5])
    lines: int = Field(description="lignes d'élèves lues, valides ou non", examples=[3])
    pupils: list[ClassPupil]
    rejected: list[RejectedLine] = Field(description="lignes écartées, par numéro de ligne")
    vintages: DataVintages
