"""The counsellor workspace in headless Chromium, against the real API over the bundled
catalogue: a class file with a bad line is uploaded, each pupil gets suggestions, the bad
line is reported, and the CSV, the print view and the PDF are downloaded."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.browser.conftest import Problems
from tests.conftest import PROJECT

pytestmark = pytest.mark.browser

Screenshot = Callable[[Any, str], Any]
AxeScan = Callable[[Any, str], dict[str, int]]
EXAMPLE = PROJECT / "docs" / "exemple_classe.csv"


def _class_file(tmp_path: Path) -> Path:
    """The documented example class, plus a pupil whose commune does not exist, in the
    Windows-1252 encoding Excel writes."""
    text = EXAMPLE.read_text(encoding="utf-8").rstrip("\n")
    text += "\nZoé;3e;coiffure;Villenulle-sur-Rien;30;;eleve\n"
    path = tmp_path / "classe de 3e B.csv"
    path.write_bytes(text.encode("cp1252"))
    return path


def test_a_counsellor_uploads_a_class_and_downloads_csv_print_view_and_pdf(
    page: Any,
    problems: Problems,
    screenshot: Screenshot,
    axe_scan: AxeScan,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    pupils = len(EXAMPLE.read_text(encoding="utf-8").strip().splitlines()) - 1
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/conseiller/")
    expect(page.locator("h1")).to_contain_text("classe", ignore_case=True)
    axe_scan(page, "espace conseiller")
    page.locator("#class-file").set_input_files(str(_class_file(tmp_path)))
    page.locator("#run").click()
    expect(page.locator("#results")).to_be_visible(timeout=60_000)
    expect(page.locator("#pupils > *")).to_have_count(pupils, timeout=60_000)
    first = page.locator("#pupils > *").first
    expect(first).to_contain_text("Léa")
    expect(first).to_contain_text("Saint-Quentin")
    rejected = page.locator("#rejected-table")
    expect(rejected).to_contain_text("Zoé")
    expect(rejected).to_contain_text("Villenulle-sur-Rien")
    expect(page.locator("#vintages-list li").first).to_be_visible()
    screenshot(page, "conseiller-1-resultats")
    axe_scan(page, "espace conseiller, résultats")

    with page.expect_download() as csv_download:
        page.locator("#download-csv").click()
    csv_text = Path(csv_download.value.path()).read_bytes().decode("utf-8-sig")
    lines = [line.split(";") for line in csv_text.splitlines()]
    assert lines[0][:4] == ["identifiant", "ligne", "rang", "formation"], lines[0]
    assert lines[1][:3] == ["Léa", "2", "1"]  # line 2 of the file, first suggestion
    assert any(line[0] == "Zoé" for line in lines)

    with page.context.expect_page() as print_view:
        page.locator("#open-print").click()
    sheet = print_view.value
    sheet.wait_for_load_state()
    expect(sheet.locator("section.fiche")).to_have_count(pupils, timeout=30_000)
    expect(sheet.locator("section.ecartees")).to_contain_text("Zoé")
    screenshot(sheet, "conseiller-2-fiches")
    sheet.close()

    with page.expect_download() as pdf_download:
        page.locator("#download-pdf").click()
    data = Path(pdf_download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == pupils
    assert "Léa" in reader.pages[0].extract_text()
    assert not problems.found, problems.found
