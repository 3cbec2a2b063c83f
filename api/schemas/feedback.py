"""Feedback bodies: actions on suggestions under a pseudonymous session id."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import CAMPUS_ID, PARTNER
from recommender.feedback import ITEM_ID, SESSION_ID


class FeedbackItem(BaseModel):
    action: Literal["shown", "opened", "saved", "applied", "hidden"] = Field(
        description="affichée, ouverte, gardée, candidature faite, masquée", examples=["opened"]
    )
    item_kind: Literal["formation", "offer"] = Field(examples=["formation"])
    item_id: str = Field(pattern=ITEM_ID.pattern, examples=["0020079A-40022503-scolaire"])
    rank: int | None = Field(default=None, ge=1, le=1000, examples=[2])
    sub_scores: dict[str, Annotated[float, Field(ge=0.0, le=1.0)]] | None = Field(
        default=None,
        description="scores par critère de la suggestion affichée (comme l'API les a donnés)",
        examples=[{"interest": 0.92, "level": 1.0, "distance": 0.8}],
    )


class FeedbackIn(BaseModel):
    session: str = Field(
        pattern=SESSION_ID.pattern,
        description="identifiant tiré au hasard par le widget pour une session de navigation ; "
        "jamais un nom ni un identifiant de personne",
        examples=["k3J9-x81Qa"],
    )
    events: list[FeedbackItem] = Field(min_length=1, max_length=50)
    partner: str | None = Field(default=None, pattern=PARTNER, examples=["lycee-condorcet"])
    campus: str | None = Field(
        default=None, pattern=CAMPUS_ID, examples=["plasturgie-metallurgie-picardie"]
    )


class FeedbackRecorded(BaseModel):
    recorded: int = Field(examples=[1])


class Purged(BaseModel):
    deleted: int = Field(description="événements supprimés", examples=[120])
    retention_days: int = Field(examples=[365])
