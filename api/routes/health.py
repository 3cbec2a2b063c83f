"""Liveness and catalogue figures."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import CatalogueDep

router = APIRouter(tags=["santé"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])
    loaded_at: str | None = Field(description="when the catalogue was loaded (UTC)")
    checksum: str | None = Field(description="checksum of the loaded catalogue files")
    built_on: str | None = Field(description="date of the data build")
    catalogue: dict[str, Any] = Field(description="row counts: formations per voie and level…")


@router.get("/health", response_model=Health)
def health(catalogue: CatalogueDep) -> Health:
    """État du service et chiffres du catalogue chargé."""
    report = json.loads(catalogue.meta.get("build_report", "{}"))
    return Health(
        status="ok",
        loaded_at=catalogue.meta.get("loaded_at"),
        checksum=catalogue.meta.get("checksum"),
        built_on=report.get("built_on"),
        catalogue=catalogue.counts(),
    )
