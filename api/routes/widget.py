"""The pupils' orientation widget: its page (for an iframe), the embed script, a demo page.

The page is plain HTML, CSS and an ES module under ``api/static/widget/`` that call the
public API of the same origin; the DSFR files are vendored under
``api/static/vendor/dsfr/`` (``scripts/vendor_dsfr.sh``). Nothing is fetched elsewhere:
the Content-Security-Policy that :mod:`api.security` gives every page says so to the
browser, and its ``frame-ancestors`` (``settings.frame_ancestors``) says who may embed it.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse

from api.schemas.common import CAMPUS_ID, PARTNER

STATIC = Path(__file__).resolve().parents[1] / "static"
WIDGET = STATIC / "widget"

router = APIRouter(include_in_schema=False)


@router.get("/widget")
def widget_redirect(request: Request) -> RedirectResponse:
    """Le widget se trouve à /widget/ (les liens relatifs de la page en dépendent)."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/widget/{query}", status_code=308)


@router.get("/widget/")
def widget_page() -> FileResponse:
    """La page du widget, à afficher dans une iframe (paramètres : campus, partner)."""
    return FileResponse(
        WIDGET / "index.html",
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/widget.js")
def embed_script() -> FileResponse:
    """Le script d'intégration : insère l'iframe du widget après la balise script."""
    return FileResponse(
        WIDGET / "embed.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


@router.get("/widget/demo", response_class=HTMLResponse)
def demo_page(
    request: Request,
    campus: Annotated[str | None, Query(pattern=CAMPUS_ID)] = None,
    partner: Annotated[str, Query(pattern=PARTNER)] = "demo",
) -> HTMLResponse:
    """Une page hôte de démonstration : les deux façons d'intégrer le widget, et le widget."""
    origin = str(request.base_url).rstrip("/")
    campus_attribute = f' data-campus="{campus}"' if campus else ""
    campus_query = f"campus={campus}&" if campus else ""
    # campus and partner match slug patterns; the origin comes from the Host header.
    values = {
        "origin": escape(origin),
        "script_snippet": escape(
            f'<script src="{origin}/widget.js"{campus_attribute} data-partner="{partner}" '
            "async></script>"
        ),
        "iframe_snippet": escape(
            f'<iframe src="{origin}/widget/?{campus_query}partner={partner}" '
            'title="Trouver ma formation" width="100%" height="900" '
            'style="border:0"></iframe>'
        ),
        "campus_attribute": campus_attribute,
        "partner": partner,
    }
    page = (WIDGET / "demo.html").read_text(encoding="utf-8")
    for key, value in values.items():
        page = page.replace("{{" + key + "}}", value)
    return HTMLResponse(page)
