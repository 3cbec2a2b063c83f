"""A class's "fiches de pistes" as a PDF: one A4 page per pupil, built in memory.

Same content as the print view (:func:`~recommender.class_exports.class_html`): what
the engine understood, the suggested formations with their reasons, the data's
vintages. ReportLab's standard Helvetica covers French (Windows-1252 encoding, so
« », œ, ’ and … print); the rare sign outside it is replaced by a plain equivalent.
A sheet too long for one page is shrunk to fit, never split.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from recommender.class_exports import DISCLAIMER, TITLE, TITLE_PLURAL
from recommender.class_results import ClassResults, PupilResult, SuggestionText, suggestion_text

MARGIN = 12 * mm
BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#3a3a3a")
ORANGE = "#8d4a00"
# Signs the engine's phrases use that Helvetica's encoding lacks.
_PLAIN = str.maketrans({"→": "->", "↔": "<->", "≥": ">=", "≤": "<=", "−": "-", "∞": "infini"})

_BASE = ParagraphStyle("base", fontName="Helvetica", fontSize=9.5, leading=12, alignment=TA_LEFT)
STYLES = {
    "title": ParagraphStyle(
        "title", parent=_BASE, fontName="Helvetica-Bold", fontSize=16, leading=20, textColor=BLUE
    ),
    "edition": ParagraphStyle("edition", parent=_BASE, fontSize=8.5, textColor=GREY),
    "heading": ParagraphStyle(
        "heading", parent=_BASE, fontName="Helvetica-Bold", fontSize=11, leading=14, spaceBefore=6
    ),
    "body": _BASE,
    "notice": ParagraphStyle(
        "notice", parent=_BASE, backColor=colors.HexColor("#fff4e5"), borderPadding=3
    ),
    "formation": ParagraphStyle(
        "formation", parent=_BASE, fontName="Helvetica-Bold", fontSize=10.5, spaceBefore=5
    ),
    "place": ParagraphStyle("place", parent=_BASE, textColor=GREY),
    "reason": ParagraphStyle("reason", parent=_BASE, fontSize=8.5, leading=10.5, leftIndent=10),
    "small": ParagraphStyle("small", parent=_BASE, fontSize=7.5, leading=9, textColor=GREY),
}


def class_pdf(results: ClassResults, *, today: date | None = None) -> bytes:
    """The fiches de pistes of every pupil, one page each, as PDF bytes.

    Examples
    --------
    >>> class_pdf(results)[:5]  # doctest: +SKIP
    b'%PDF-'
    """
    day = (today or date.today()).strftime("%d/%m/%Y")
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=TITLE_PLURAL,
        author="Moteur d'orientation",
        subject="Pistes de formation par élève",
    )
    story: list[Any] = []
    for index, result in enumerate(results.pupils):
        if index:
            story.append(PageBreak())
        story.append(
            KeepInFrame(
                document.width, document.height, _sheet(result, results, day), mode="shrink"
            )
        )
    if not story:
        story.append(Paragraph(_text("Aucun élève à afficher."), STYLES["body"]))
    document.build(story)
    return buffer.getvalue()


def _sheet(result: PupilResult, results: ClassResults, day: str) -> list[Any]:
    flow: list[Any] = [
        Paragraph(_text(f"{TITLE} — {result.pupil.name}"), STYLES["title"]),
        Paragraph(
            _text(f"Éditée le {day} · ligne {result.pupil.line} du fichier"), STYLES["edition"]
        ),
        Paragraph("Ce que nous avons compris", STYLES["heading"]),
    ]
    flow += [
        Paragraph(f"<b>{_text(label)} :</b> {_text(text)}", STYLES["body"])
        for label, text in result.understood
    ]
    flow += [
        Paragraph(_text(notice.message), STYLES["notice"])
        for notice in result.recommendations.notices
    ]
    flow.append(Paragraph("Pistes de formation", STYLES["heading"]))
    texts = [suggestion_text(s) for s in result.formations]
    if not texts:
        flow.append(Paragraph(_text("Aucune formation ne correspond à ce profil."), STYLES["body"]))
    for text in texts:
        flow += _piste(text)
    flow += [Spacer(1, 6), Paragraph("Sources et millésimes des données", STYLES["heading"])]
    flow += [Paragraph(f"• {_text(line)}", STYLES["small"]) for line in results.vintages.lines()]
    flow += [Spacer(1, 3), Paragraph(_text(DISCLAIMER), STYLES["small"])]
    return flow


def _piste(text: SuggestionText) -> list[Any]:
    where = [
        f"{text.establishment}, {text.commune}" if text.commune else text.establishment,
        f"à {text.distance}" if text.distance else "",
        f"voie {text.voie}",
        text.level,
    ]
    flow: list[Any] = [
        Paragraph(f"{text.rank}. {_text(text.formation)}", STYLES["formation"]),
        Paragraph(_text(" · ".join(part for part in where if part)), STYLES["place"]),
    ]
    for reason in text.reasons:
        if reason.positive:
            line = f"• {_text(reason.text)}"
        else:
            line = f'<font color="{ORANGE}"><b>À noter :</b> {_text(reason.text)}</font>'
        flow.append(Paragraph(line, STYLES["reason"]))
    return flow


def _text(value: str) -> str:
    """Text for a ReportLab paragraph: markup escaped, every sign printable in Helvetica."""
    plain = unicodedata.normalize("NFC", value).translate(_PLAIN)
    printable = "".join(_printable(char) for char in plain)
    return escape(printable)


def _printable(char: str) -> str:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        stripped = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        try:
            return stripped.encode("cp1252").decode("cp1252") or "?"
        except UnicodeEncodeError:
            return "?"
    return char
