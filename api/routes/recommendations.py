"""Recommendations for a profile, "pourquoi pas ?", and job-title autocomplete."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.attribution import QueryCounterDep
from api.deps import EngineDep
from api.errors import PARAMETER_RESPONSES
from api.schemas.recommendations import (
    InterestSuggestion,
    JobSearch,
    ProfileIn,
    RecommendationRequest,
    RecommendationResponse,
    WhyNotRequest,
    WhyNotResponse,
)
from recommender.engine import Recommendations, Suggestion
from recommender.profile import Profile
from recommender.recommend import recommend, why_not

router = APIRouter(tags=["recommandations"])


@router.post(
    "/v1/recommendations",
    response_model=RecommendationResponse,
    responses=PARAMETER_RESPONSES,
    summary="Formations et offres pour un profil",
)
def post_recommendations(
    request: RecommendationRequest, engine: EngineDep, counter: QueryCounterDep
) -> dict[str, Any]:
    """Formations et offres classées pour un profil, avec leurs raisons en français."""
    profile = _profile(request)
    result = recommend(engine, profile, k=request.k, offers_k=request.offers_k)
    counter.count("recommendations", campus=request.campus)
    return _response(result, engine.job_labels)


@router.post(
    "/v1/recommendations/why-not",
    response_model=WhyNotResponse,
    responses={**PARAMETER_RESPONSES, 404: {"description": "formation inconnue"}},
    summary="Pourquoi pas cette formation ?",
)
def post_why_not(
    request: WhyNotRequest, engine: EngineDep, counter: QueryCounterDep
) -> dict[str, Any]:
    """Pourquoi une formation est mal classée, ou exclue, pour ce profil."""
    answer = why_not(engine, _profile(request), request.formation_id)
    counter.count("why_not", campus=request.campus)
    body = asdict(answer)
    body["formation"] = body.pop("item")
    return body


@router.get("/v1/jobs", response_model=JobSearch, summary="Métiers (autocomplétion)")
def get_jobs(
    engine: EngineDep,
    q: Annotated[str, Query(min_length=1, max_length=80, examples=["soud"])],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Intitulés de métiers et centres d'intérêt qui commencent par le texte saisi."""
    return {
        "jobs": [asdict(t) for t in engine.vocabulary.search_titles(q, limit)],
        "interests": [asdict(i) for i in engine.vocabulary.search_interests(q, 5)],
    }


@router.get(
    "/v1/interests",
    response_model=list[InterestSuggestion],
    summary="Centres d'intérêt (liste complète)",
)
def get_interests(engine: EngineDep) -> list[dict[str, str]]:
    """Les centres d'intérêt du ROME (cases à cocher) ; leur code va dans `interests`."""
    interests = engine.catalogue.tables["interests"]
    return [
        {"code": str(code), "label": str(label)}
        for code, label in zip(interests["code"], interests["label"], strict=True)
    ]


def _profile(request: ProfileIn) -> Profile:
    fields = request.model_dump(exclude={"k", "offers_k", "formation_id"})
    fields["interests"] = tuple(fields["interests"])
    fields["voies"] = tuple(fields["voies"])
    return Profile(**fields)


def _response(result: Recommendations, labels: dict[str, str]) -> dict[str, Any]:
    resolved = result.resolved
    match = resolved.match
    origin = resolved.origin
    return {
        "understood": {
            "level": resolved.standing.label,
            "level_code": resolved.standing.code,
            "jobs": [
                {"code_rome": code, "label": labels.get(code, ""), "weight": round(weight, 3)}
                for code, weight in (match.jobs.items() if match else [])
            ],
            "terms": [asdict(term) for term in (match.terms if match else ())],
            "unresolved": list(match.unresolved) if match else [],
            "place": None
            if origin is None
            else {
                "label": origin.label,
                "latitude": origin.latitude,
                "longitude": origin.longitude,
                "insee": origin.commune.insee if origin.commune else None,
            },
            "radius_km": result.radius_km,
            "campus": resolved.campus.campus_id if resolved.campus else None,
        },
        "notices": [{"code": n.code, "message": n.message} for n in result.notices],
        "formations": [_suggestion(s, "formation") for s in result.formations],
        "offers": [_suggestion(s, "offer") for s in result.offers],
    }


def _suggestion(suggestion: Suggestion, key: str) -> dict[str, Any]:
    body = {
        "rank": suggestion.rank,
        "score": round(suggestion.score, 4),
        "distance_km": suggestion.distance_km,
        "sub_scores": suggestion.sub_scores,
        "reasons": [asdict(r) for r in suggestion.reasons],
        key: suggestion.item,
    }
    if key == "formation":
        body["paired_offers"] = suggestion.paired_offers
    return body
