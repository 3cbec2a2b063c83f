"""The command line, end to end on the real bundled catalogue in a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from recommender.cli import app
from tests.conftest import PROJECT

FIXTURES = PROJECT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.sqlite'}"


@pytest.fixture
def run(database: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ORIENTATION_DATABASE_URL", database)
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args))

    return invoke


def test_commands_before_any_load_say_what_to_run(run) -> None:  # type: ignore[no-untyped-def]
    result = run("place", "Amiens")
    assert result.exit_code == 1
    assert "python -m recommender load" in result.output


def test_load_then_reload_is_a_no_op(run) -> None:  # type: ignore[no-untyped-def]
    first = run("load")
    assert first.exit_code == 0, first.output
    assert "Catalogue chargé" in first.output
    assert "formations" in first.output
    second = run("load")
    assert second.exit_code == 0
    assert "déjà à jour" in second.output


def test_place_lookup_gives_codes_and_homonyms(run) -> None:  # type: ignore[no-untyped-def]
    result = run("place", "Saint-Quentin")
    assert result.exit_code == 0
    assert "INSEE 02691" in result.output
    assert "Saint-Quentin-Fallavier" in result.output  # other Saint-Quentin… offered
    ambiguous = run("place", "Boulogne")
    assert ambiguous.exit_code == 1
    assert "Boulogne-Billancourt" in ambiguous.output and "Boulogne-sur-Mer" in ambiguous.output


def test_offers_import_is_idempotent_and_all_or_nothing(run) -> None:  # type: ignore[no-untyped-def]
    valid = FIXTURES / "offers_valid.csv"
    first = run("offers", "import", str(valid), "--source", "cfa-test")
    assert first.exit_code == 0, first.output
    again = run("offers", "import", str(valid), "--source", "cfa-test")
    assert again.exit_code == 0
    broken = run("offers", "import", str(FIXTURES / "offers_broken.csv"), "--source", "cfa-bad")
    assert broken.exit_code == 1
    assert "rien n'a été importé" in broken.output
    assert "ligne 3" in broken.output  # B2: kind 'CDI' is not an offer kind
    stats = run("stats", "--json")
    assert '"cfa-test": 4' in stats.output  # the file's 4 offers, once
    assert "cfa-bad" not in stats.output


def test_synthetic_offers_are_generated_and_marked(run) -> None:  # type: ignore[no-untyped-def]
    result = run("offers", "generate", "--count", "500", "--seed", "7")
    assert result.exit_code == 0, result.output
    stats = run("stats", "--json")
    assert '"synthetic": 500' in stats.output


def test_import_of_a_missing_file_is_a_clear_error(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = run("offers", "import", str(tmp_path / "absent.csv"), "--source", "x")
    assert result.exit_code != 0
    assert "absent.csv" in result.output


def test_sessions_import_reports_each_rejected_record_and_replaces_its_source(
    run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    lheo = (FIXTURES / "lheo_exemple_bts.xml").read_text(encoding="utf-8")
    # A second formation whose place is an unknown commune: reported, the first imported.
    broken = lheo.replace(
        "</offres>",
        lheo[lheo.index("<formation ") : lheo.index("</offres>")]
        .replace('numero="9436_18706"', 'numero="2"')
        .replace(
            "<code-INSEE-commune>29233</code-INSEE-commune>",
            "<code-INSEE-commune>99999</code-INSEE-commune>",
        )
        + "</offres>",
    )
    path = tmp_path / "flux.xml"
    path.write_text(broken, encoding="utf-8")
    first = run("sessions", "import", str(path), "--source", "onisep-test")
    assert first.exit_code == 0, first.output
    assert "1 session(s) importée(s)" in first.output
    assert "1 enregistrement(s) écarté(s)" in first.output
    assert (
        "(formation 2, action 1), champ « lieu-de-formation/…/code-INSEE-commune » : "
        "commune « 99999 » inconnue" in first.output
    )
    again = run("sessions", "import", str(path), "--source", "onisep-test")
    assert again.exit_code == 0
    stats = run("stats", "--json")
    assert '"onisep-test": 1' in stats.output
    assert '"formation_continue": 1' in stats.output
    malformed = tmp_path / "tronque.xml"
    malformed.write_text(lheo[:-200], encoding="utf-8")
    refused = run("sessions", "import", str(malformed), "--source", "onisep-test")
    assert refused.exit_code == 1
    assert "XML mal formé" in refused.output and "rien n'a été importé" in refused.output
    assert '"onisep-test": 1' in run("stats", "--json").output
