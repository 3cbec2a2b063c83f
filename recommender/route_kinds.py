"""The three routes to a target job: VAE, training, contract (see :mod:`recommender.routes`).

Each builder returns a :class:`Route`, available or not, with what the data shows
and says honestly what it does not: an imported session proves an offer; an
adult-education body (GRETA, AFPA, CFPPA, Cnam) that prepares the certification in
another voie likely runs sessions; a certification "accessible en formation
continue" in the RNCP with no such body near is only a lead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recommender.explain import km
from recommender.geo import haversine_km
from recommender.index import VOIES
from recommender.jobs import JobRef
from recommender.levels import Standing
from recommender.mobility import JobMoves, Target
from recommender.profile import Origin
from recommender.text import fold

if TYPE_CHECKING:
    from recommender.engine import Engine
    from recommender.routes import AdultProfile

APPRENTICESHIP_MAX_AGE = 29  # apprenticeship is open until 29 inclusive (Code du travail)
PROFESSIONALISATION_YOUNG_MAX_AGE = 25  # beyond: job seekers (and minimum-income recipients)
VAE_MIN_YEARS = 1.0  # one year of experience in the certification's field (since 2022)
CLOSE_JOBS = 0.6  # job proximity (same domaine, shared skills) for "the same field"
PLACES_SHOWN = 3
ALTERNATIVES = 3  # other certifications of a target listed beside the chosen one
BLOCS_SHOWN = 8
ADULT_BODY = re.compile(r"\b(greta|afpa|cfppa|cnam|formation continue|formation des adultes)\b")
EVIDENCE_ORDER = {"session": 0, "organisme_adultes": 1, "accessible": 2, "alternance": 3}
EVIDENCE_TEXT = {
    "session": "session de formation continue publiée par l'organisme",
    "organisme_adultes": (
        "organisme de formation pour adultes qui prépare ce diplôme : sessions à lui demander"
    ),
    "accessible": (
        "établissement qui prépare ce diplôme, ouvert à la formation continue d'après le "
        "RNCP ; aucune session pour adultes connue ici"
    ),
    "alternance": "prépare ce diplôme en alternance : il aide à trouver l'employeur",
}


@dataclass(frozen=True)
class Place:
    """Where a route can be taken: a formation of the catalogue, near the person."""

    formation_id: str
    establishment: str
    commune: str | None
    distance_km: float | None
    voie: str
    evidence: str  # key of EVIDENCE_TEXT
    evidence_text: str
    sessions: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """One way to a target job; ``available`` False says why not in ``summary``."""

    kind: str  # "vae", "formation" or "contrat"
    available: bool
    title: str
    summary: str
    certification: dict[str, Any] | None = None
    details: tuple[str, ...] = ()
    blocs: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    offers: tuple[dict[str, Any], ...] = ()
    # Other certifications of the target taught near the person (training route).
    alternatives: tuple[dict[str, Any], ...] = ()


@dataclass
class RouteContext:
    """What every route of one request shares: the person and distances computed once."""

    engine: Engine
    profile: AdultProfile
    current: JobRef
    standing: Standing
    origin: Origin
    moves: JobMoves
    formations_by_cert: dict[str, NDArray[np.int64]]
    blocs_by_rncp: dict[str, tuple[str, ...]]

    @cached_property
    def formation_km(self) -> NDArray[np.float64]:
        index = self.engine.formations
        return haversine_km(
            self.origin.latitude, self.origin.longitude, index.latitudes, index.longitudes
        )

    @cached_property
    def offer_km(self) -> NDArray[np.float64]:
        index = self.engine.offers
        return haversine_km(
            self.origin.latitude, self.origin.longitude, index.latitudes, index.longitudes
        )

    def blocs(self, rncp: object) -> tuple[str, ...]:
        return self.blocs_by_rncp.get(rncp, ()) if isinstance(rncp, str) else ()


# -- VAE ------------------------------------------------------------------------------


def vae_route(context: RouteContext, target: Target, preparing: pd.DataFrame) -> Route:
    """Validation des acquis de l'expérience: a certification of the target whose field
    the current job belongs to, after a year of experience in it."""
    me = context.current
    open_to_vae = preparing[preparing["access_vae"].fillna(False).astype(bool)]
    if open_to_vae.empty:
        return Route("vae", False, "VAE", "Aucun diplôme de ce métier n'est ouvert à la VAE.")
    proximity = context.engine.vocabulary.job_proximity
    covering = [
        (row, codes)
        for row, codes in zip(open_to_vae.itertuples(), open_to_vae["codes"], strict=True)
        if (proximity(list(codes), [me.code_rome]) >= CLOSE_JOBS).any()
    ]
    if not covering:
        return Route(
            "vae",
            False,
            "VAE",
            f"La VAE valide l'expérience d'un métier du domaine du diplôme : celle de "
            f"{me.name} ne relève pas de « {target.job.name} ». Une fois en poste dans ce "
            f"métier, elle deviendra possible après un an d'expérience.",
        )
    # A certification that lists the current job itself first: it validates that job.
    cert = min(covering, key=lambda pair: me.code_rome not in pair[1])[0]
    years = context.profile.years_experience
    enough = years >= VAE_MIN_YEARS
    experience = f"{years:g} an" + ("s" if years >= 2 else "")
    summary = (
        f"Votre expérience de {me.name} relève du domaine de ce diplôme : la VAE peut le "
        f"valider sans refaire toute la formation ({experience} d'expérience ; un an dans "
        "le domaine suffit)."
        if enough
        else f"Accessible par la VAE après un an d'expérience dans le domaine (vous avez "
        f"{experience})."
    )
    return Route(
        "vae",
        enough,
        f"VAE : {cert.label}",
        summary,
        certification=_certification(cert),
        details=(
            "Démarche sur France VAE (vae.gouv.fr) : un architecte de parcours vous "
            "accompagne, le jury peut valider tout le diplôme ou une partie de ses blocs.",
            "Se mène en gardant son emploi ; comptez quelques mois.",
        ),
        blocs=context.blocs(cert.rncp)[:BLOCS_SHOWN],
    )


# -- training -------------------------------------------------------------------------


def training_route(context: RouteContext, target: Target, preparing: pd.DataFrame) -> Route:
    """Continuing education: the certifications of the target delivered near the person."""
    radius = context.profile.radius_km
    candidates: list[tuple[tuple[int, bool, int], dict[str, Any], list[Place], bool]] = []
    records: list[dict[str, Any]] = preparing.to_dict("records")  # type: ignore[assignment]
    for position, cert in enumerate(records):
        places = _places(context, str(cert["cert_id"]), bool(cert["access_continuing"]))
        if not places:
            continue
        ranked = _one_per_establishment(
            sorted(places, key=lambda p: (EVIDENCE_ORDER[p.evidence], p.distance_km or 0))
        )
        direct = bool(cert["via"] == target.code_rome)
        # Proven sessions first, then certifications of the target itself, then the
        # best fitting (the order of ``preparing``).
        strength = (EVIDENCE_ORDER[ranked[0].evidence], not direct, position)
        candidates.append((strength, cert, ranked, direct))
    if not candidates:
        return Route(
            "formation",
            False,
            "Formation continue",
            f"Aucun lieu ne prépare en formation continue un diplôme de ce métier à moins de "
            f"{radius:g} km de {context.origin.label}.",
        )
    candidates.sort(key=lambda candidate: candidate[0])
    best = candidates[0][1:]
    alternatives = tuple(
        _alternative(cert, places) for _, cert, places, _ in candidates[1 : 1 + ALTERNATIVES]
    )
    cert, places, direct = best
    blocs = context.blocs(cert["rncp"])
    proven = places[0].evidence == "session"
    summary = (
        f"{cert['label']} : une session de formation continue est publiée à "
        f"{km(places[0].distance_km or 0)}."
        if proven
        else f"{cert['label']} se prépare près de vous ; "
        + (
            "un organisme de formation pour adultes le prépare déjà."
            if places[0].evidence == "organisme_adultes"
            else "aucune session pour adultes n'est publiée : demandez au Carif-Oref ou au GRETA."
        )
    )
    details = [_funding(context.profile)]
    if not direct:
        details.insert(0, f"Prépare au métier voisin {_job_label(context, str(cert['via']))}.")
    if blocs:
        details.append(
            f"Se prépare aussi par blocs de compétences ({len(blocs)} blocs) : un parcours "
            "partiel, bloc par bloc, est possible."
        )
    return Route(
        "formation",
        True,
        f"Formation : {cert['label']}",
        summary,
        certification=_certification(cert),
        details=tuple(details),
        blocs=blocs[:BLOCS_SHOWN],
        places=tuple(places[:PLACES_SHOWN]),
        alternatives=alternatives,
    )


def _one_per_establishment(places: list[Place]) -> list[Place]:
    """The best place of each establishment (one lycée teaches a diploma in two voies)."""
    seen: set[tuple[str, str | None]] = set()
    kept = []
    for place in places:
        key = (place.establishment, place.commune)
        if key not in seen:
            seen.add(key)
            kept.append(place)
    return kept


def _alternative(cert: dict[str, Any], places: list[Place]) -> dict[str, Any]:
    """Another certification of the target taught near the person, with its nearest place."""
    nearest = places[0]
    return {
        **_certification(cert),
        "establishment": nearest.establishment,
        "commune": nearest.commune,
        "distance_km": nearest.distance_km,
        "evidence": nearest.evidence,
    }


def _places(context: RouteContext, cert_id: str, open_to_adults: bool) -> list[Place]:
    engine, profile = context.engine, context.profile
    rows = context.formations_by_cert.get(cert_id, np.zeros(0, dtype=np.int64))
    near = context.formation_km[rows] <= profile.radius_km
    if profile.distance_learning:  # a session taught at a distance counts from anywhere
        near |= engine.formations.voies[rows] == VOIES.index("formation_continue")
    places = []
    for row in rows[near]:
        item = engine.formation_rows(int(row))
        distance = float(context.formation_km[row])
        sessions = tuple(engine.catalogue.formation_sessions(item["formation_id"]))
        remote = profile.distance_learning and any(
            "distance" in str(s.get("teaching_mode", "")) for s in sessions
        )
        if not (distance <= profile.radius_km or remote):
            continue
        if item["voie"] == "formation_continue":
            evidence = "session"
        elif ADULT_BODY.search(fold(str(item["e_name"]))):
            evidence = "organisme_adultes"
        elif open_to_adults:
            evidence = "accessible"
        else:
            continue
        places.append(
            Place(
                item["formation_id"],
                str(item["e_name"]),
                item.get("commune_name"),
                None if np.isnan(distance) else round(distance, 1),
                item["voie"],
                evidence,
                EVIDENCE_TEXT[evidence],
                sessions,
                _schedule_notes(profile, sessions),
            )
        )
    return places


def _schedule_notes(profile: AdultProfile, sessions: tuple[dict[str, Any], ...]) -> tuple[str, ...]:
    if not sessions:
        return ()
    rhythms = " ".join(fold(str(s.get("rhythm") or s.get("schedule") or "")) for s in sessions)
    notes = []
    if profile.evenings and "soir" not in rhythms:
        notes.append("pas de cours du soir annoncés : à demander à l'organisme")
    if profile.part_time and "partiel" not in rhythms:
        notes.append("pas de temps partiel annoncé : à demander à l'organisme")
    return tuple(notes)


def _funding(profile: AdultProfile) -> str:
    if profile.status == "demandeur_emploi":
        return (
            "Financement : France Travail ou la Région (formations qu'ils achètent), votre "
            "compte personnel de formation (CPF)."
        )
    if profile.status == "salarie":
        return (
            "Financement : votre CPF, un projet de transition professionnelle (Transitions "
            "Pro) pour changer de métier, ou le plan de formation de votre employeur."
        )
    return "Financement : compte personnel de formation (CPF), Région ou France Travail."


# -- contract -------------------------------------------------------------------------


def contract_route(context: RouteContext, target: Target, preparing: pd.DataFrame) -> Route:
    """Professionalisation or apprenticeship contracts: nearby offers and CFAs."""
    profile = context.profile
    kinds = _contract_kinds(profile)
    if not kinds:
        return Route(
            "contrat",
            False,
            "Contrat en alternance",
            "Salarié en poste, vous ne pouvez pas signer un contrat de professionnalisation ; "
            "la reconversion ou promotion par alternance (Pro-A) se demande à votre "
            "employeur."
            if profile.status == "salarie"
            else "Ni l'apprentissage (jusqu'à 29 ans) ni le contrat de professionnalisation "
            "(jusqu'à 25 ans, ou demandeur d'emploi) ne vous sont ouverts.",
        )
    offers = _offers(context, target, preparing, kinds)
    cert_ids = set(preparing["cert_id"].astype(str))
    frame = context.engine.formations.frame
    rows = np.flatnonzero(
        frame["cert_id"].isin(cert_ids).to_numpy()
        & (frame["voie"].to_numpy(dtype=str) == "apprentissage")
        & (context.formation_km <= profile.radius_km)
    )
    rows = rows[np.argsort(context.formation_km[rows], kind="stable")][:PLACES_SHOWN]
    places = tuple(_cfa_place(context, int(row)) for row in rows)
    names = " ou ".join(_KIND_NAMES[kind] for kind in kinds)
    if not offers and not places:
        return Route(
            "contrat",
            False,
            f"Contrat : {names}",
            f"Aucune offre ni aucun CFA de ce métier à moins de {profile.radius_km:g} km.",
        )
    found = (
        f"{len(offers)} offre{'s' if len(offers) > 1 else ''} près de vous"
        if offers
        else "aucune offre publiée près de vous, mais des CFA qui aident à trouver l'employeur"
    )
    return Route(
        "contrat",
        True,
        f"Contrat : {names}",
        f"Se former en étant salarié et payé : {found}.",
        certification=_certification(preparing.iloc[0]) if len(preparing) else None,
        details=tuple(_contract_details(profile, kinds)),
        places=places,
        offers=tuple(offers),
    )


_KIND_NAMES = {
    "professionnalisation": "contrat de professionnalisation",
    "apprentissage": "apprentissage",
}


def _contract_kinds(profile: AdultProfile) -> list[str]:
    age = profile.age
    kinds = []
    if age is None or age <= APPRENTICESHIP_MAX_AGE:
        kinds.append("apprentissage")
    young = age is None or age <= PROFESSIONALISATION_YOUNG_MAX_AGE
    if profile.status != "salarie" and (young or profile.status == "demandeur_emploi"):
        kinds.insert(0, "professionnalisation")
    return kinds


def _contract_details(profile: AdultProfile, kinds: list[str]) -> list[str]:
    details = []
    if "professionnalisation" in kinds:
        details.append(
            "Contrat de professionnalisation : 6 à 12 mois (jusqu'à 24), avec un employeur "
            "et un organisme de formation."
        )
    if "apprentissage" in kinds:
        details.append(
            f"Apprentissage : ouvert jusqu'à {APPRENTICESHIP_MAX_AGE} ans révolus ; 6 mois à "
            "3 ans selon le diplôme."
        )
    elif profile.age is not None:
        details.append(
            f"Apprentissage : plus ouvert à {profile.age} ans (sauf travailleur handicapé, "
            "création ou reprise d'entreprise, sportif de haut niveau)."
        )
    return details


def _offers(
    context: RouteContext, target: Target, preparing: pd.DataFrame, kinds: list[str]
) -> list[dict[str, Any]]:
    index = context.engine.offers
    if not len(index):
        return []
    rows = context.engine.offers_for([target.code_rome], preparing["cert_id"].astype(str))
    rows = rows[
        np.isin(index.kinds[rows], kinds) & (context.offer_km[rows] <= context.profile.radius_km)
    ]
    rows = rows[np.argsort(context.offer_km[rows], kind="stable")][:PLACES_SHOWN]
    offers = []
    for row in rows:
        item = context.engine.offer_rows(int(row))
        offers.append(
            {
                "offer_id": item["offer_id"],
                "title": item["title"],
                "employer_name": item["employer_name"],
                "kind": item["kind"],
                "commune": item.get("commune_name"),
                "distance_km": round(float(context.offer_km[row]), 1),
                "start_date": item["start_date"],
                "synthetic": str(item["source"]).startswith("synthetic"),
            }
        )
    return offers


def _cfa_place(context: RouteContext, row: int) -> Place:
    item = context.engine.formation_rows(row)
    distance = float(context.formation_km[row])
    return Place(
        item["formation_id"],
        str(item["e_name"]),
        item.get("commune_name"),
        round(distance, 1),
        "apprentissage",
        "alternance",
        EVIDENCE_TEXT["alternance"],
        notes=(f"offre de formation de {item['vintage']}",),
    )


# -- shared ---------------------------------------------------------------------------


def _certification(cert: Any) -> dict[str, Any]:
    get = cert.get if isinstance(cert, pd.Series | dict) else lambda name: getattr(cert, name)
    level = get("level")
    return {
        "cert_id": str(get("cert_id")),
        "label": str(get("label")),
        "type": None if pd.isna(get("type")) else str(get("type")),
        "level": None if pd.isna(level) else int(level),
        "rncp": None if pd.isna(get("rncp")) else str(get("rncp")),
    }


def _job_label(context: RouteContext, code: str) -> str:
    job = context.moves.jobs.get(code)
    return f"« {job.name} » ({code})" if job else code


def sentence_case(text: str) -> str:
    """RNCP bloc labels are often in capitals: "INSTALLER ET METTRE…" → "Installer et mettre…"."""
    if text.isupper():
        text = text.lower()
        return text[:1].upper() + text[1:]
    return text
