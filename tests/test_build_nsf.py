"""Tests of the NSF specialties builder (data/build/nsf.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from data.build.nsf import NSF_GROUPS, build_nsf_specialties, nsf_specialties
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import TABLES, conform

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BUNDLED = Path(__file__).resolve().parents[1] / "data"
needs_sources = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"raw sources absent ({SHARED}): see data/build"
)

HEADER = "GROUPE_SPECIALITE;DOMAINE_SPECIALITE;LIBELLE_COURT;LIBELLE_LONG;LIBELLE_EDITION\n"


def _groups(rows: list[tuple[str, str | None, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["GROUPE_SPECIALITE", "LIBELLE_LONG", "LIBELLE_EDITION"])


def test_readable_label_is_preferred_and_aggregates_lose_their_prefix():
    out = nsf_specialties(
        _groups(
            [
                ("229", "DO22 : TRANSFORMATIONS", None),
                ("225", "PLASTURGIE, MATERIAUX COMPOSITES", "Plasturgie, matériaux composites"),
                ("999", "SPECIALITE NON SPECIFIEE", " "),
            ]
        )
    )
    assert out.values.tolist() == [
        ["225", "Plasturgie, matériaux composites"],
        ["229", "Transformations"],
        ["999", "Specialite non specifiee"],
    ]
    conform(out, TABLES["nsf_specialties"])


def test_repeated_code_fails_naming_the_line():
    groups = _groups([("225", "PLASTURGIE", None), ("226", "PAPIER", None), ("225", "X", None)])
    with pytest.raises(SourceFormatError) as caught:
        nsf_specialties(groups)
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        NSF_GROUPS,
        4,
        "GROUPE_SPECIALITE",
    )


def test_code_that_is_not_three_digits_fails():
    with pytest.raises(SourceFormatError) as caught:
        nsf_specialties(_groups([("225", "PLASTURGIE", None), ("22", "X", None)]))
    assert (caught.value.line, caught.value.field) == (3, "GROUPE_SPECIALITE")


def test_row_without_any_label_fails():
    with pytest.raises(SourceFormatError) as caught:
        nsf_specialties(_groups([("225", None, None)]))
    assert (caught.value.line, caught.value.field) == (2, "LIBELLE_LONG")


def test_source_without_the_readable_label_column_fails(tmp_path: Path):
    folder = tmp_path / "certifications" / "bcn"
    folder.mkdir(parents=True)
    (folder / "n_groupe_specialite.csv").write_text(
        "GROUPE_SPECIALITE;LIBELLE_LONG\n225;PLASTURGIE\n", encoding="utf-8"
    )
    with pytest.raises(SourceFormatError, match="LIBELLE_EDITION"):
        build_nsf_specialties(Sources(tmp_path))


def test_tiny_source_file_is_read_with_its_codes_as_text(tmp_path: Path):
    folder = tmp_path / "certifications" / "bcn"
    folder.mkdir(parents=True)
    (folder / "n_groupe_specialite.csv").write_text(
        HEADER + "100;10;;FORMATIONS GENERALES;Formations générales\n", encoding="utf-8"
    )
    assert build_nsf_specialties(Sources(tmp_path)).values.tolist() == [
        ["100", "Formations générales"]
    ]


@pytest.mark.source
@needs_sources
def test_real_groups_name_plastics_and_every_certification_group():
    nsf = conform(build_nsf_specialties(Sources(SHARED)), TABLES["nsf_specialties"])
    assert len(nsf) == 115
    labels = nsf.set_index("code")["label"]
    assert "PLASTURGIE" in labels["225"].upper()
    certifications = pd.read_parquet(BUNDLED / "certifications.parquet")
    assert set(certifications["nsf"].dropna()) <= set(nsf["code"])


def test_bundled_groups_match_the_schema():
    nsf = pd.read_parquet(BUNDLED / "nsf_specialties.parquet")
    assert list(nsf.columns) == TABLES["nsf_specialties"].column_names
    conform(nsf, TABLES["nsf_specialties"])
    assert nsf.set_index("code").loc["225", "label"] == "Plasturgie, matériaux composites"
