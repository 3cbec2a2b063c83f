"""`POST /v1/feedback`: what happened to suggestions, stored without anything personal."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.errors import PARAMETER_RESPONSES
from api.schemas.feedback import FeedbackIn, FeedbackRecorded
from recommender.feedback import FeedbackEvent, record_events

router = APIRouter(tags=["retours"])


@router.post(
    "/v1/feedback", response_model=FeedbackRecorded, status_code=201, responses=PARAMETER_RESPONSES
)
def post_feedback(body: FeedbackIn, request: Request) -> FeedbackRecorded:
    """Enregistre ce qu'il advient des suggestions (affichée, ouverte, gardée, candidature,
    masquée) sous un identifiant de session tiré au hasard : ni nom, ni profil."""
    events = [
        FeedbackEvent(
            body.session,
            e.action,
            e.item_kind,
            e.item_id,
            e.rank,
            body.partner,
            body.campus,
            e.sub_scores,
        )
        for e in body.events
    ]
    return FeedbackRecorded(recorded=record_events(request.app.state.engine, events))
