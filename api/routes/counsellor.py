"""The counsellor workspace: a page to run a whole class and download or print the results.

Plain HTML, CSS and an ES module under ``api/static/conseiller/``, served here at
``/conseiller/`` so the page does not depend on where other static files are mounted;
it calls ``POST /v1/classes`` and ``POST /v1/classes/export`` of the same origin and is
styled with the vendored DSFR (``/static/vendor/dsfr/``).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from api.routes.classes import PRINT_HASH
from recommender.errors import NotFound

PAGE = Path(__file__).resolve().parents[1] / "static" / "conseiller"
ASSETS = {
    "conseiller.js": "text/javascript; charset=utf-8",
    "conseiller.css": "text/css; charset=utf-8",
    "exemple_classe.csv": "text/csv; charset=utf-8",
}
# Same origin only. The print view, opened from a blob: URL, inherits this policy: its
# inline styles and its one « Imprimer » handler (by hash) are allowed, nothing else.
POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    f"script-src 'self' 'unsafe-hashes' 'sha256-{PRINT_HASH}'; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
PAGE_HEADERS = {"Content-Security-Policy": POLICY, "Cache-Control": "no-cache"}

router = APIRouter(include_in_schema=False)


@router.get("/conseiller")
def counsellor_redirect() -> RedirectResponse:
    """L'espace conseiller se trouve à /conseiller/ (les liens relatifs en dépendent)."""
    return RedirectResponse("/conseiller/", status_code=308)


@router.get("/conseiller/")
def counsellor_page() -> FileResponse:
    """La page de l'espace conseiller : une classe, ses pistes, les téléchargements."""
    return FileResponse(
        PAGE / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


@router.get("/conseiller/{name}")
def counsellor_asset(name: str) -> FileResponse:
    """Le script, la feuille de style et le fichier d'exemple de la page."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound("fichier", name)
    return FileResponse(PAGE / name, media_type=media_type, headers={"Cache-Control": "no-cache"})
