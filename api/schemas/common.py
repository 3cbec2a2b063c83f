"""Shared pieces of the API models: identifier formats, pagination, the place searched around."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# The same values as recommender.schema.VOIES and OFFER_KINDS (a test checks it).
Voie = Literal["scolaire", "apprentissage", "formation_continue"]
OfferKind = Literal["stage", "apprentissage", "professionnalisation"]

UAI = r"^\d{7}[A-Za-z]$"
CFD = r"^[0-9A-Za-z]{8}$"
RNCP = r"^[Rr][Nn][Cc][Pp]\d{1,6}$"
CERT_ID = r"^([0-9A-Za-z]{8}|[Rr][Nn][Cc][Pp]\d{1,6})$"
CODE_ROME = r"^[A-Na-n]\d{4}$"
DEPARTEMENT = r"^(\d{2}|2[AaBb]|9[78]\d)$"
REGION = r"^\d{2,3}$"
CAMPUS_ID = r"^[a-z0-9][a-z0-9-]{1,78}$"
SOURCE = r"^[a-z0-9][a-z0-9_-]{0,39}$"
PARTNER = r"^[a-z0-9][a-z0-9-]{1,39}$"

PATTERN_HINTS: dict[str, str] = {
    UAI: "un code UAI : 7 chiffres et une lettre, par exemple 0020079A",
    CFD: "un code CFD : 8 chiffres ou lettres, par exemple 40022503",
    RNCP: "un code RNCP : « RNCP » suivi de chiffres, par exemple RNCP35474",
    CERT_ID: "un code CFD (8 caractères, par exemple 40022503) ou RNCP (par exemple RNCP35474)",
    CODE_ROME: "un code ROME : une lettre de A à N et 4 chiffres, par exemple H3201",
    DEPARTEMENT: "un code de département : 2 chiffres, 2A, 2B, ou 971 à 989 outre-mer ; ex. 02",
    REGION: "un code de région INSEE : 2 ou 3 chiffres, par exemple 32",
    CAMPUS_ID: "un identifiant de campus en minuscules, chiffres et tirets",
    SOURCE: "un nom de source en minuscules, chiffres, « _ » et « - », par exemple synthetic",
    PARTNER: "un identifiant de partenaire de 2 à 40 caractères : minuscules sans accent, "
    "chiffres et tirets, par exemple college-condorcet",
}
"""What each identifier format means, in French, for 422 answers."""

# Codes are upper-cased once valid: people type "h3201" and "rncp35474" too.
Uai = Annotated[str, StringConstraints(pattern=UAI), AfterValidator(str.upper)]
Cfd = Annotated[str, StringConstraints(pattern=CFD), AfterValidator(str.upper)]
Rncp = Annotated[str, StringConstraints(pattern=RNCP), AfterValidator(str.upper)]
CertId = Annotated[str, StringConstraints(pattern=CERT_ID), AfterValidator(str.upper)]
CodeRome = Annotated[str, StringConstraints(pattern=CODE_ROME), AfterValidator(str.upper)]
Departement = Annotated[str, StringConstraints(pattern=DEPARTEMENT), AfterValidator(str.upper)]
Region = Annotated[str, StringConstraints(pattern=REGION)]
CampusId = Annotated[str, StringConstraints(pattern=CAMPUS_ID)]
Source = Annotated[str, StringConstraints(pattern=SOURCE)]

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000
MAX_RADIUS_KM = 300.0


class PageParams(BaseModel):
    """Pagination; unknown query parameters are refused so a typo never silently widens a search."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(20, ge=1, le=MAX_LIMIT, description="résultats par page", examples=[20])
    offset: int = Field(
        0, ge=0, le=MAX_OFFSET, description="résultats à sauter (pagination)", examples=[0]
    )


class NearParams(PageParams):
    near: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description=(
            "commune autour de laquelle chercher : code INSEE, code postal ou nom "
            "(« Saint-Quentin », « Saint-Quentin (02) ») ; résultats du plus proche au plus loin"
        ),
        examples=["Saint-Quentin"],
    )
    radius_km: float = Field(
        30.0,
        gt=0,
        le=MAX_RADIUS_KM,
        description="rayon de recherche autour de `near`, en km (ignoré sans `near`)",
        examples=[30],
    )


class NearCircle(BaseModel):
    """La commune autour de laquelle on a cherché, telle que `near` a été compris."""

    insee: str = Field(description="code INSEE de la commune", examples=["02691"])
    name: str = Field(description="nom de la commune", examples=["Saint-Quentin"])
    radius_km: float = Field(description="rayon retenu, en km", examples=[30.0])


class Page(BaseModel):
    """Une page de résultats : `total` les compte tous, `items` en donne au plus `limit`."""

    total: int = Field(description="nombre total de résultats", examples=[42])
    limit: int = Field(description="taille de la page", examples=[20])
    offset: int = Field(description="résultats sautés", examples=[0])
    near: NearCircle | None = Field(None, description="commune de référence quand `near` est donné")
