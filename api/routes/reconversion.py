"""Adults in retraining: target jobs from the current one, and the routes there."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.attribution import QueryCounterDep
from api.errors import PARAMETER_RESPONSES
from api.schemas.reconversion import AdultProfileIn, ReconversionResponse
from recommender.routes import AdultProfile, RetrainingAdvisor

router = APIRouter(tags=["reconversion"])


def get_advisor(request: Request) -> RetrainingAdvisor:
    advisor: RetrainingAdvisor = request.app.state.advisor
    return advisor


@router.post(
    "/v1/reconversion",
    response_model=ReconversionResponse,
    responses=PARAMETER_RESPONSES,
    summary="Métiers accessibles depuis le métier actuel, et comment y aller",
)
def post_reconversion(
    request: AdultProfileIn,
    advisor: Annotated[RetrainingAdvisor, Depends(get_advisor)],
    counter: QueryCounterDep,
) -> dict[str, Any]:
    """Pour un adulte : métiers visés (compétences déjà acquises et manquantes) et, pour
    chacun, la VAE, la formation continue et le contrat en alternance, côte à côte."""
    fields = request.model_dump()
    fields["targets"] = tuple(fields["targets"])
    answer = advisor.advise(AdultProfile(**fields)).as_dict()
    counter.count("reconversion")
    return answer
