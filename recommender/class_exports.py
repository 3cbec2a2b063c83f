"""A class's results as a spreadsheet (CSV for Excel in French) and as a printable page.

The CSV has one row per pupil and suggestion, in UTF-8 with a BOM and ``;`` so that
Excel opens it in French; the print view has one "fiche de pistes" per pupil, one
printed page each, with the reasons and the data's vintages. Both are built in
memory and returned: nothing is written to disk.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from html import escape

from recommender.class_results import ClassResults, PupilResult, SuggestionText, suggestion_text
from recommender.classroom import RejectedLine

CSV_COLUMNS = (
    "identifiant",
    "ligne",
    "rang",
    "formation",
    "établissement",
    "commune",
    "distance (km)",
    "voie",
    "niveau",
    "raisons",
)
TITLE = "Fiche de pistes"
TITLE_PLURAL = "Fiches de pistes"
PRINT_SCRIPT = "window.print()"
"""The print view's only script, on its button (a Content-Security-Policy allows its hash)."""
DISCLAIMER = (
    "Ces pistes sont des suggestions à discuter avec un ou une conseillère d'orientation, "
    "pas une décision. Vérifiez auprès des établissements les dates, les places et les "
    "conditions d'admission."
)
# A spreadsheet runs a cell starting with these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def class_csv(results: ClassResults) -> bytes:
    """One row per pupil and suggestion, then one per line left out (UTF-8 BOM, ``;``).

    A pupil with no suggestion still has a row, saying so.

    Examples
    --------
    >>> class_csv(results).decode("utf-8-sig").splitlines()[0]  # doctest: +SKIP
    'identifiant;ligne;rang;formation;établissement;commune;distance (km);voie;niveau;raisons'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for result in results.pupils:
        pupil = result.pupil
        texts = [suggestion_text(s) for s in result.formations]
        if not texts:
            writer.writerow(_row(pupil.name, pupil.line, reasons="aucune formation trouvée"))
        for text in texts:
            distance = "" if text.distance_km is None else f"{text.distance_km:.1f}"
            writer.writerow(
                _row(
                    pupil.name,
                    pupil.line,
                    str(text.rank),
                    text.formation,
                    text.establishment,
                    text.commune,
                    distance.replace(".", ","),
                    text.voie,
                    text.level,
                    " ; ".join(reason.text for reason in text.reasons),
                )
            )
    for line, problems in _by_line(results.rejected):
        said = " ; ".join(_problem(p) for p in problems)
        writer.writerow(_row(problems[0].name or "", line, reasons=f"ligne écartée : {said}"))
    return buffer.getvalue().encode("utf-8-sig")


def _row(name: str, line: int | None, *columns: str, reasons: str = "") -> list[str]:
    """A full row: the given columns, blanks up to ``raisons``, then ``reasons``."""
    cells = [name, "" if line is None else str(line), *columns]
    if len(cells) < len(CSV_COLUMNS):
        cells += [""] * (len(CSV_COLUMNS) - 1 - len(cells)) + [reasons]
    return [f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell for cell in cells]


def _by_line(rejected: list[RejectedLine]) -> list[tuple[int | None, list[RejectedLine]]]:
    grouped: dict[int | None, list[RejectedLine]] = {}
    for problem in rejected:
        grouped.setdefault(problem.line, []).append(problem)
    return list(grouped.items())


def _problem(problem: RejectedLine) -> str:
    if problem.field is None:
        return problem.reason
    return f"colonne « {problem.field} » : {problem.reason}"


# -- print view ------------------------------------------------------------------------

_STYLE = """
:root { color-scheme: light; }
body { font-family: Marianne, Arial, Helvetica, sans-serif; color: #161616; margin: 0;
  background: #f6f6f6; }
.screen-only { max-width: 210mm; margin: 1rem auto; padding: 0 1rem; }
.screen-only button { font: inherit; padding: .5rem 1rem; background: #000091; color: #fff;
  border: 0; cursor: pointer; }
.screen-only button:focus-visible { outline: 2px solid #0a76f6; outline-offset: 2px; }
.fiche { background: #fff; max-width: 190mm; margin: 1rem auto; padding: 10mm;
  font-size: 10pt; line-height: 1.35; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
.fiche h1 { font-size: 16pt; margin: 0 0 .2em; color: #000091; }
.fiche h2 { font-size: 11pt; margin: .8em 0 .3em; border-bottom: 1px solid #ddd; }
.fiche h3 { font-size: 10.5pt; margin: .5em 0 .1em; }
.edition { color: #555; margin: 0; font-size: 9pt; }
dl.compris { display: grid; grid-template-columns: max-content 1fr; gap: .1em .8em; margin: 0; }
dl.compris dt { font-weight: bold; }
dl.compris dd { margin: 0; }
.avis { background: #fff4e5; padding: .3em .6em; margin: .4em 0; }
ol.pistes { margin: 0; padding-left: 1.4em; }
ol.pistes > li { break-inside: avoid; margin-bottom: .3em; }
.lieu { margin: 0; color: #3a3a3a; }
ul.raisons { margin: .1em 0 0; padding-left: 1.1em; font-size: 9pt; }
ul.raisons li.attention { color: #8d4a00; }
.sources { margin-top: .8em; font-size: 8pt; color: #3a3a3a; }
.sources ul { margin: .2em 0; padding-left: 1.1em; }
.ecartees table { border-collapse: collapse; width: 100%; background: #fff; }
.ecartees th, .ecartees td { border: 1px solid #ccc; padding: .3em; text-align: left; }
@page { size: A4; margin: 10mm; }
@media print {
  body { background: #fff; }
  .screen-only { display: none; }
  .fiche { box-shadow: none; margin: 0; padding: 0; max-width: none; font-size: 9pt;
    line-height: 1.25; break-after: page; page-break-after: always; }
  .fiche h1 { font-size: 14pt; }
  .fiche h2 { font-size: 10pt; margin-top: .5em; }
  .fiche h3 { font-size: 9.5pt; margin-top: .35em; }
  ul.raisons { columns: 2; column-gap: 6mm; font-size: 8pt; }
  ul.raisons li { break-inside: avoid; }
  .sources { font-size: 7pt; }
  .fiche:last-of-type { break-after: auto; page-break-after: auto; }
}
"""


def class_html(results: ClassResults, *, today: date | None = None) -> str:
    """The print view: one ``<section class="fiche">`` per pupil, one printed page each.

    Examples
    --------
    >>> class_html(results).count('<section class="fiche"')  # doctest: +SKIP
    15
    """
    day = (today or date.today()).strftime("%d/%m/%Y")
    count = len(results.pupils)
    sheets = "\n".join(
        _sheet(result, index, results, day) for index, result in enumerate(results.pupils, 1)
    )
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{TITLE_PLURAL}{" — " + escape(results.file) if results.file else ""}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<div class="screen-only">
<p>{count} fiche(s) de pistes, une page imprimée par élève.
Imprimez-les ou enregistrez-les en PDF depuis la fenêtre d'impression.</p>
<p><button type="button" id="imprimer" onclick="{PRINT_SCRIPT}">Imprimer les fiches</button></p>
{_rejected_html(results.rejected)}
</div>
{sheets}
</main>
</body>
</html>
"""


def _sheet(result: PupilResult, index: int, results: ClassResults, day: str) -> str:
    name = escape(result.pupil.name)
    pairs = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>" for label, text in result.understood
    )
    notices = "".join(
        f'<p class="avis">{escape(n.message)}</p>' for n in result.recommendations.notices
    )
    texts = [suggestion_text(s) for s in result.formations]
    pistes = (
        f'<ol class="pistes">{"".join(_piste_html(t) for t in texts)}</ol>'
        if texts
        else "<p>Aucune formation ne correspond à ce profil dans le catalogue.</p>"
    )
    sources = "".join(f"<li>{escape(line)}</li>" for line in results.vintages.lines())
    return f"""<section class="fiche" id="fiche-{index}" aria-labelledby="fiche-{index}-titre">
<h1 id="fiche-{index}-titre">{TITLE} — {name}</h1>
<p class="edition">Éditée le {day} · ligne {result.pupil.line} du fichier</p>
<h2>Ce que nous avons compris</h2>
<dl class="compris">{pairs}</dl>
{notices}
<h2>Pistes de formation</h2>
{pistes}
<div class="sources">
<h2>Sources et millésimes des données</h2>
<ul>{sources}</ul>
<p>{escape(DISCLAIMER)}</p>
</div>
</section>"""


def _piste_html(text: SuggestionText) -> str:
    where = " · ".join(
        escape(part)
        for part in (
            f"{text.establishment}, {text.commune}" if text.commune else text.establishment,
            f"à {text.distance}" if text.distance else "",
            f"voie {text.voie}",
            text.level,
        )
        if part
    )
    reasons = "".join(
        f"<li>{escape(r.text)}</li>"
        if r.positive
        else f'<li class="attention"><strong>À noter :</strong> {escape(r.text)}</li>'
        for r in text.reasons
    )
    return (
        f"<li><h3>{escape(text.formation)}</h3>"
        f'<p class="lieu">{where}</p><ul class="raisons">{reasons}</ul></li>'
    )


def _rejected_html(rejected: list[RejectedLine]) -> str:
    if not rejected:
        return ""
    rows = "".join(
        f"<tr><td>{p.line or ''}</td><td>{escape(p.name or '')}</td>"
        f"<td>{escape(p.field or '')}</td><td>{escape(p.reason)}</td></tr>"
        for p in rejected
    )
    return (
        '<section class="ecartees"><h2>Lignes non traitées</h2><table>'
        "<caption>Ces lignes du fichier n'ont pas de fiche : corrigez-les puis "
        "relancez.</caption><thead><tr><th scope='col'>Ligne</th><th scope='col'>"
        "Identifiant</th><th scope='col'>Colonne</th><th scope='col'>Raison</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></section>"
    )
