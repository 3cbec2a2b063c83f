"""The columns of a class file and how each value is read into a pupil's profile.

:func:`profile_of` turns one line's raw values into a
:class:`~recommender.profile.Profile`, or raises :class:`BadLine` listing every bad
value with its column and a reason in French; :mod:`recommender.classroom` reads the
file and reports those reasons with their line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from recommender.errors import ProfileError
from recommender.levels import parse_level
from recommender.offer_fields import InvalidValue, clean_text, parse_number
from recommender.offer_files import Header
from recommender.profile import MAX_RADIUS_KM, MIN_RADIUS_KM, Audience, Profile
from recommender.text import fold

MAX_INTERESTS = 20
INTEREST_MAX = 120
DEFAULT_RADIUS_KM = 30.0

FIELDS = (
    "identifiant",
    "niveau",
    "centres_interet",
    "commune",
    "rayon_km",
    "voies",
    "public",
    "internat",
    "campus",
)
REQUIRED = ("niveau", "centres_interet", "commune")
_ALIASES = {
    **{name: "identifiant" for name in ("id", "pseudo", "pseudonyme", "prenom", "eleve", "nom")},
    **{name: "niveau" for name in ("niveau_actuel", "classe_actuelle", "level")},
    **{
        name: "centres_interet"
        for name in (
            "centres_d_interet",
            "centre_d_interet",
            "centre_interet",
            "centres_interets",
            "interets",
            "interet",
            "metiers",
            "metier",
            "interests",
        )
    },
    **{name: "commune" for name in ("ville", "lieu", "code_postal", "code_insee", "place")},
    **{name: "rayon_km" for name in ("rayon", "distance", "distance_km", "mobilite", "km")},
    **{name: "voies" for name in ("voie", "voies_souhaitees")},
    **{name: "public" for name in ("statut", "audience")},
    "hebergement": "internat",
}
CLASS_HEADER = Header(FIELDS, REQUIRED, _ALIASES, short_lines_ok=True)

_LIST_SEPARATORS = re.compile(r"[;|]")
_VOIE_SEPARATORS = re.compile(r"[;|,/+]|\bet\b")
_VOIES = {
    **{w: "scolaire" for w in ("scolaire", "voie scolaire", "lycee", "ecole", "statut scolaire")},
    **{
        w: "apprentissage"
        for w in ("apprentissage", "alternance", "apprenti", "cfa", "en apprentissage")
    },
    **{w: "formation_continue" for w in ("formation continue", "formation_continue", "continue")},
}
_ALL_VOIES = {"toutes", "tout", "indifferent", "peu importe"}
_AUDIENCES: dict[str, Audience] = {
    **{w: "eleve" for w in ("eleve", "collegien", "collegienne", "lyceen", "lyceenne", "jeune")},
    **{w: "etudiant" for w in ("etudiant", "etudiante")},
    **{
        w: "adulte"
        for w in ("adulte", "salarie", "salariee", "demandeur d emploi", "demandeuse d emploi")
    },
}
_T = TypeVar("_T")
_YES = {"oui", "o", "x", "1", "vrai", "yes", "y"}
_NO = {"non", "n", "0", "faux", "no"}


class BadValue(Exception):
    """One bad value of a line: its column and the reason."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} : {reason}")
        self.field = field
        self.reason = reason


class BadLine(Exception):
    """Every bad value of one line."""

    def __init__(self, problems: list[BadValue]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def profile_of(values: Mapping[str, str | None]) -> Profile:
    """The line's profile; every bad value of the line is reported, not only the first.

    Examples
    --------
    >>> profile_of({"niveau": "3e", "centres_interet": "soudure | chimie", "commune": "Laon"})
    ... # doctest: +ELLIPSIS
    Profile(level='3e', interests=('soudure', 'chimie'), place='Laon', latitude=None, ...)
    >>> try:
    ...     profile_of({"niveau": "bac+9", "commune": "Laon", "rayon_km": "loin"})
    ... except BadLine as bad:
    ...     [problem.field for problem in bad.problems]
    ['niveau', 'centres_interet', 'rayon_km']
    """
    problems: list[BadValue] = []

    def read(field: str, parse: Callable[[str | None], _T], default: _T) -> _T:
        try:
            return parse(values.get(field))
        except BadValue as bad:
            problems.append(bad)
            return default

    nothing: tuple[str, ...] = ()
    pupil: Audience = "eleve"
    level = read("niveau", _level, "")
    interests = read("centres_interet", _interests, nothing)
    place = read("commune", _place, "")
    radius_km = read("rayon_km", _radius, DEFAULT_RADIUS_KM)
    voies = read("voies", _voies, nothing)
    audience = read("public", _audience, pupil)
    boarding = read("internat", _boarding, False)
    campus = read("campus", _campus, None)
    if problems:
        raise BadLine(problems)
    return Profile(
        level=level,
        interests=interests,
        place=place,
        radius_km=radius_km,
        voies=voies,
        audience=audience,
        boarding=boarding,
        campus=campus,
    )


_MISSING = {
    "niveau": "niveau manquant : indiquez la classe ou le diplôme (3e, seconde pro, CAP, bac pro…)",
    "centres_interet": "centres d'intérêt manquants : indiquez au moins un métier ou un domaine",
    "commune": "commune manquante : indiquez le nom, le code postal ou le code INSEE",
}


def _level(value: str | None) -> str:
    if value is None:
        raise BadValue("niveau", _MISSING["niveau"])
    text = _one_line("niveau", value, 60)
    try:
        parse_level(text)
    except ProfileError as error:
        raise BadValue("niveau", error.reason) from None
    return text


def _place(value: str | None) -> str:
    if value is None:
        raise BadValue("commune", _MISSING["commune"])
    return _one_line("commune", value, 120)


def _one_line(field: str, value: str, limit: int) -> str:
    try:
        return clean_text(value, limit, one_line=True)
    except InvalidValue as invalid:
        raise BadValue(field, invalid.reason) from None


def _interests(value: str | None) -> tuple[str, ...]:
    parts = [" ".join(part.split()) for part in _LIST_SEPARATORS.split(value or "")]
    interests = tuple(part for part in parts if part)
    if not interests:
        raise BadValue("centres_interet", _MISSING["centres_interet"])
    if len(interests) > MAX_INTERESTS:
        raise BadValue(
            "centres_interet", f"{len(interests)} centres d'intérêt : {MAX_INTERESTS} au plus"
        )
    long = [part for part in interests if len(part) > INTEREST_MAX]
    if long:
        raise BadValue(
            "centres_interet",
            f"« {long[0][:30]}… » : {INTEREST_MAX} caractères au plus par centre d'intérêt "
            "(séparez-les par « ; » ou « | »)",
        )
    return interests


def _radius(value: str | None) -> float:
    if value is None:
        return DEFAULT_RADIUS_KM
    text = re.sub(r"\s*km\s*$", "", value.strip(), flags=re.IGNORECASE)
    try:
        return parse_number(text, MIN_RADIUS_KM, MAX_RADIUS_KM)
    except InvalidValue:
        raise BadValue(
            "rayon_km",
            f"rayon « {value} » invalide : un nombre de km entre {MIN_RADIUS_KM:g} et "
            f"{MAX_RADIUS_KM:g}",
        ) from None


def _voies(value: str | None) -> tuple[str, ...]:
    if value is None or fold(value) in _ALL_VOIES:
        return ()
    voies: list[str] = []
    for part in _VOIE_SEPARATORS.split(value):
        word = fold(part)
        if not word:
            continue
        voie = _VOIES.get(word)
        if voie is None:
            raise BadValue(
                "voies",
                f"voie inconnue « {part.strip()} » ; valeurs acceptées : scolaire, "
                "apprentissage, formation continue (ou vide pour toutes)",
            )
        if voie not in voies:
            voies.append(voie)
    return tuple(voies)


def _audience(value: str | None) -> Audience:
    if value is None:
        return "eleve"
    audience = _AUDIENCES.get(fold(value))
    if audience is None:
        raise BadValue(
            "public",
            f"public inconnu « {value.strip()} » ; valeurs acceptées : eleve, etudiant, adulte",
        )
    return audience


def _boarding(value: str | None) -> bool:
    if value is None:
        return False
    word = fold(value)
    if word in _YES or word in _NO:
        return word in _YES
    raise BadValue("internat", f"« {value.strip()} » : oui ou non attendu")


def _campus(value: str | None) -> str | None:
    if value is None:
        return None
    campus = value.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,78}", campus):
        raise BadValue(
            "campus", f"identifiant de campus « {value.strip()} » mal formé (voir /v1/campuses)"
        )
    return campus
