"""Campus file: validated with precise errors; members derived from the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.campuses import derive_members, read_campuses, sector_certifications
from recommender.errors import SourceFormatError
from tests.conftest import BUNDLED, TINY_CAMPUS, tiny_tables


def test_the_bundled_file_holds_the_four_campuses_of_the_articles() -> None:
    campuses = {c.campus_id: c for c in read_campuses(BUNDLED / "campuses.toml")}
    assert set(campuses) == {
        "plasturgie-metallurgie-picardie",
        "bioraffinerie-chimie-durable-hdf",
        "biotechnologies-bio-industries-normandie",
        "travaux-publics-hdf",
    }
    plastics = campuses["plasturgie-metallurgie-picardie"]
    assert plastics.seat_insee == "02691"
    assert "02" in plastics.departements
    assert "H32" in plastics.rome_domains
    assert campuses["travaux-publics-hdf"].seat_insee == "62178"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campuses.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_code_names_the_campus_and_the_field(tmp_path: Path) -> None:
    text = TINY_CAMPUS.replace('rome_domains = ["H32"]', 'rome_domains = ["plastique"]')
    with pytest.raises(SourceFormatError) as caught:
        read_campuses(_write(tmp_path, text))
    assert caught.value.field == "campus[1].perimeter.rome_domains"
    assert "plastique" in str(caught.value)


def test_a_campus_needs_a_territory(tmp_path: Path) -> None:
    text = TINY_CAMPUS.replace('departements = ["02"]', "departements = []")
    with pytest.raises(SourceFormatError, match="territoire"):
        read_campuses(_write(tmp_path, text))


def test_broken_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError) as caught:
        read_campuses(_write(tmp_path, "[[campus]\nid = "))
    assert caught.value.file.endswith("campuses.toml")


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="double"):
        read_campuses(_write(tmp_path, TINY_CAMPUS + TINY_CAMPUS))


def test_members_follow_sector_territory_and_operator_edits(tmp_path: Path) -> None:
    tables = tiny_tables()
    (campus,) = read_campuses(_write(tmp_path, TINY_CAMPUS))
    mask = sector_certifications(campus, tables["certifications"])
    assert list(tables["certifications"].loc[mask, "cert_id"]) == ["40025005"]
    members = derive_members(
        campus,
        formations=tables["formations"],
        certifications=tables["certifications"],
        communes=tables["communes"],
    )
    assert list(members["uai"]) == ["0020079A"]
    edited = TINY_CAMPUS + '[campus.members]\ninclude = ["0801344B"]\nexclude = ["0020079A"]\n'
    (campus,) = read_campuses(_write(tmp_path, edited))
    members = derive_members(
        campus,
        formations=tables["formations"],
        certifications=tables["certifications"],
        communes=tables["communes"],
    )
    assert list(members["uai"]) == ["0801344B"]
    assert members.loc[0, "reason"] == "ajouté par l'opérateur du campus"
