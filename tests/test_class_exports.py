"""A class through the engine and out as CSV, print view and PDF, on the tiny catalogue."""

from __future__ import annotations

import csv
import doctest
import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from recommender import vintages
from recommender.catalogue import Catalogue
from recommender.class_exports import CSV_COLUMNS, class_csv, class_html
from recommender.class_pdf import class_pdf
from recommender.class_results import ClassResults, recommend_class
from recommender.classroom import read_class
from recommender.engine import Engine
from recommender.model import MatchingModel
from tests.conftest import PROJECT

HEADER = "identifiant;niveau;centres_interet;commune;rayon_km;voies;campus"
CLASS = (
    f"{HEADER}\n"
    "Léa;3e;plasturgie;Saint-Quentin;30;;\n"
    "=HYPERLINK(1);3e;plasturgie;Amiens;30;;\n"
    "<b>Léo</b>;3e;plasturgie;Saint-Quentin;30;formation continue;\n"
    "Max;3e;plasturgie;Xyzzyville;30;;\n"
    "Zoé;3e;plasturgie;Saint-Quentin;30;;campus-inconnu\n"
    "Anaïs → Œ;bac+9;;Amiens;30;;\n"
)
DAY = date(2026, 9, 1)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> ClassResults:
    from tests.conftest import tiny_tables, write_bundle

    bundle = write_bundle(tmp_path_factory.mktemp("tiny") / "bundle", tiny_tables())
    catalogue = Catalogue.from_bundle(bundle, bundle / "campuses.toml")
    engine = Engine(catalogue, MatchingModel.load(PROJECT / "models" / "matching.json"))
    return recommend_class(engine, read_class(CLASS.encode()), k=2)


def test_valid_pupils_run_and_unknown_places_or_campuses_are_reported(
    results: ClassResults,
) -> None:
    assert [r.pupil.name for r in results.pupils] == ["Léa", "=HYPERLINK(1)", "<b>Léo</b>"]
    lea = results.pupils[0]
    assert lea.formations[0].item["formation_id"] == "0020079A-40025005-scolaire"
    assert any("de Saint-Quentin" in reason.text for reason in lea.formations[0].reasons)
    assert ("Niveau", "en 3e") in lea.understood
    assert ("Commune", "Saint-Quentin (02), à 30 km au plus") in lea.understood
    assert ("Métiers compris", "Plasturgiste (H3201)") in lea.understood
    # Léo wants continuing education, which the tiny catalogue does not have.
    assert results.pupils[2].formations == []
    rejected = [(r.line, r.name, r.field) for r in results.rejected]
    assert rejected == [
        (5, "Max", "commune"),
        (6, "Zoé", "campus"),
        (7, "Anaïs → Œ", "niveau"),
        (7, "Anaïs → Œ", "centres_interet"),
    ]
    assert results.rejected[0].reason == "aucune commune ne correspond à « Xyzzyville »"
    assert results.rejected[1].reason == "campus « campus-inconnu » inconnu"
    assert results.lines == 6


def test_csv_opens_in_french_excel_and_never_runs_a_formula(results: ClassResults) -> None:
    data = class_csv(results)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)
    by_name: dict[str, list[dict[str, str]]] = {}
    for row in rows[1:]:
        by_name.setdefault(row[0], []).append(dict(zip(CSV_COLUMNS, row, strict=True)))
    [first, *_] = by_name["Léa"]
    assert (first["ligne"], first["rang"], first["commune"]) == ("2", "1", "Saint-Quentin (02)")
    assert first["formation"] == "Bac pro Plastiques et composites"
    assert first["établissement"] == "Lycée Condorcet"
    assert first["distance (km)"] == "0,9"  # decimal comma
    assert (first["voie"], first["niveau"]) == ("scolaire", "niveau 4 (Bac)")
    assert "de Saint-Quentin" in first["raisons"]
    assert "'=HYPERLINK(1)" in by_name  # a formula is quoted, not run
    assert by_name["<b>Léo</b>"][0]["raisons"] == "aucune formation trouvée"
    assert by_name["Max"][0]["raisons"].startswith("ligne écartée : colonne « commune »")
    [anais] = by_name["Anaïs → Œ"]
    assert anais["ligne"] == "7" and "« niveau »" in anais["raisons"]
    assert "« centres_interet »" in anais["raisons"]


def test_print_view_has_one_escaped_sheet_per_pupil_with_the_vintages(
    results: ClassResults,
) -> None:
    page = class_html(results, today=DAY)
    assert page.count('<section class="fiche"') == 3
    assert '<h1 id="fiche-1-titre">Fiche de pistes — Léa</h1>' in page
    assert "&lt;b&gt;Léo&lt;/b&gt;" in page and "<b>Léo</b>" not in page
    assert "Éditée le 01/09/2026" in page
    assert "Aucune formation ne correspond" in page
    assert page.count("Sources et millésimes des données") == 3
    assert page.count("Voie professionnelle au lycée") == 3  # the tiny formation's source
    assert "break-after: page" in page  # one printed page per pupil
    assert "Lignes non traitées" in page and "Xyzzyville" in page


def test_pdf_has_one_page_per_pupil_with_their_suggestions(results: ClassResults) -> None:
    reader = PdfReader(io.BytesIO(class_pdf(results, today=DAY)))
    assert len(reader.pages) == 3
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "Fiche de pistes — Léa" in texts[0]
    assert "1. Bac pro Plastiques et composites" in texts[0]
    assert "Lycée Condorcet, Saint-Quentin (02)" in texts[0]
    assert "Voie professionnelle au lycée" in texts[0]
    assert "Fiche de pistes — <b>Léo</b>" in texts[2]  # markup printed as text
    assert "Aucune formation ne correspond" in texts[2]
    assert reader.metadata is not None and reader.metadata.title == "Fiches de pistes"


def test_signs_helvetica_cannot_print_are_replaced(results: ClassResults, tmp_path: Path) -> None:
    from dataclasses import replace

    pupil = results.pupils[0]
    renamed = replace(pupil, pupil=replace(pupil.pupil, name="Anaïs → Œ ≥ Ł"))
    reader = PdfReader(io.BytesIO(class_pdf(replace(results, pupils=[renamed]), today=DAY)))
    assert "Fiche de pistes — Anaïs -> Œ >= ?" in " ".join(reader.pages[0].extract_text().split())


def test_vintages_examples_run() -> None:
    assert doctest.testmod(vintages).failed == 0
