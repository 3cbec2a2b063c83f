"""Tests of the ROME and NAF builders (data/build/jobs.py, data/build/naf.py) and the
shared source checks they use (data/build/sources.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from data.build.jobs import build_jobs, definition_text
from data.build.naf import build_naf_codes, naf_subclasses
from data.build.sources import Sources, check_pattern
from recommender.errors import SourceFormatError
from recommender.schema import TABLES, conform

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_sources = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"raw sources absent ({SHARED}): see data/build"
)


# --- small helpers -----------------------------------------------------------------


def test_definition_joins_sentences_in_order_and_undoes_doubled_apostrophes():
    text = definition_text(["Réalise des travaux agricoles", "Assure l''entretien."])
    assert text == "Réalise des travaux agricoles. Assure l'entretien."


def test_definition_stops_at_a_whole_sentence_but_keeps_the_first():
    assert definition_text(["Une phrase longue.", "Deux."], max_chars=10) == "Une phrase longue."
    assert definition_text(["Un.", "Deux.", "Trois."], max_chars=9) == "Un. Deux."


def test_check_pattern_names_file_line_and_field():
    frame = pd.DataFrame({"code_rome": ["A1101", "H3201", "H32"]})
    with pytest.raises(SourceFormatError) as caught:
        check_pattern(frame, "rome/x.csv", "code_rome", r"[A-N]\d{4}")
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "rome/x.csv",
        4,
        "code_rome",
    )


def test_naf_keeps_only_sub_classes_with_their_division():
    entries = [
        {"id": "22", "label": "Fabrication de produits en caoutchouc et en plastique"},
        {"id": "22.2", "label": "Fabrication de produits en plastique"},
        {"id": "22.21", "label": "Fabrication de plaques"},
        {"id": "22.21Z", "label": "Fabrication de plaques, feuilles, tubes et profilés"},
    ]
    assert naf_subclasses(entries).to_dict("records") == [
        {
            "naf": "22.21Z",
            "label": "Fabrication de plaques, feuilles, tubes et profilés",
            "naf_division": "22",
        }
    ]


def test_naf_entry_without_label_fails_naming_it():
    with pytest.raises(SourceFormatError, match="entrée n° 2"):
        naf_subclasses([{"id": "01", "label": "Culture"}, {"id": "01.11Z", "label": " "}])


# --- the whole builder on a tiny ROME -----------------------------------------------


def _write(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(path, index=False, quoting=1, encoding=encoding)


@pytest.fixture
def tiny_rome(tmp_path: Path) -> Sources:
    """Two jobs, a welder and a plastics operator, with one of each link."""
    rome = tmp_path / "rome"
    _write(
        rome / "referentiel_code_rome.csv",
        [
            {"code_rome": "H2913", "libelle_rome": "Soudeur / Soudeuse"},
            {"code_rome": "H3201", "libelle_rome": "Plasturgiste"},
        ],
    )
    _write(
        rome / "cr_gd_dp.csv",
        [
            {
                "code_rome": code,
                "libelle_rome": "",
                "code_grand_domaine": "H",
                "libelle_grand_domaine": "Industrie",
                "code_domaine_professionel": code[:3],
                "libelle_domaine_professionel": label,
            }
            for code, label in (("H2913", "Mécanique"), ("H3201", "Plastique, caoutchouc"))
        ],
    )
    _write(
        rome / "referentiel_code_rome_riasec.csv",
        [
            {"code_rome": "H2913", "riasec_majeur": "R", "riasec_mineur": ""},
            {"code_rome": "H3201", "riasec_majeur": "R", "riasec_mineur": "C"},
        ],
    )
    _write(
        rome / "texte.csv.gz",
        [
            {
                "code_rome": "H3201",
                "code_compo_bloc": "3",
                "libelle_type_texte": "definition",
                "position_phrase": "2",
                "libelle_texte": "Contrôle les pièces.",
            },
            {
                "code_rome": "H3201",
                "code_compo_bloc": "3",
                "libelle_type_texte": "definition",
                "position_phrase": "1",
                "libelle_texte": "Règle les presses d''injection",
            },
            {
                "code_rome": "H3201",
                "code_compo_bloc": "4",
                "libelle_type_texte": "acces_metier",
                "position_phrase": "1",
                "libelle_texte": "Accessible avec un CAP.",
            },
        ],
    )
    _write(
        rome / "referentiel_appellation.csv.gz",
        [
            {
                "code_ogr": "404475",
                "libelle_appellation_long": "Soudeur / Soudeuse",
                "libelle_appellation_court": "Soudeur / Soudeuse",
                "code_rome": "H2913",
            },
        ],
    )
    _write(
        rome / "centre_interet.csv",
        [
            {
                "code_centre_interet": "1",
                "libelle_centre_interet": "J'ai envie de créer",
                "definition_centre_interet": " Créer. \n",
            },
        ],
    )
    _write(
        rome / "arborescence_centre_interet.csv",
        [
            {"code_centre_interet": "1", "code_rome": "H2913", "principal": "oui"},
            {"code_centre_interet": "1", "code_rome": "H3201", "principal": "non"},
        ],
    )
    _write(
        rome / "rubrique_mobilite.csv",
        [
            {"code_rome": "H3201", "code_rome_cible": "H2913", "numero_ordre": "2"},
        ],
    )
    _write(
        rome / "referentiel_competence.csv.gz",
        [
            {
                "code_ogr": "100",
                "libelle_competence": "Régler une presse",
                "cat_comp": "Savoir-faire",
            },
            {
                "code_ogr": "101",
                "libelle_competence": "Rigueur",
                "cat_comp": "Savoir-être professionnel",
            },
        ],
    )
    _write(
        rome / "referentiel_savoir.csv.gz",
        [
            {"code_ogr_savoir": "200", "libelle_savoir": "Polymères"},
        ],
    )
    _write(
        rome / "coherence_item.csv.gz",
        [
            {"code_rome": "H3201", "code_ogr": "100", "coeur_metier": "Principale"},
            {"code_rome": "H3201", "code_ogr": "101", "coeur_metier": ""},
            {"code_rome": "H3201", "code_ogr": "200", "coeur_metier": "Émergente"},
            {"code_rome": "H3201", "code_ogr": "999", "coeur_metier": ""},
        ],
    )
    _write(
        rome / "arborescence_secteur_naf.csv",
        [
            {
                "code_secteur_naf": "0",
                "libelle_secteur_naf": "Transverse aux secteurs",
                "code_rome": "H2913",
            },
            {
                "code_secteur_naf": "1",
                "libelle_secteur_naf": "Culture et production animale",
                "code_rome": "H2913",
            },
            {
                "code_secteur_naf": "22",
                "libelle_secteur_naf": "Fabrication de produits en plastique",
                "code_rome": "H3201",
            },
        ],
        encoding="cp1252",
    )
    (tmp_path / "naf").mkdir()
    (tmp_path / "naf" / "codes_naf.json").write_text(
        json.dumps(
            [
                {"id": "01", "label": "Culture et production animale"},
                {"id": "22", "label": "Fabrication de produits en plastique"},
                {"id": "22.21Z", "label": "Fabrication de plaques"},
            ]
        ),
        encoding="utf-8",
    )
    return Sources(tmp_path)


def test_tiny_rome_builds_every_table_to_the_schema(tiny_rome: Sources):
    tables = build_jobs(tiny_rome)
    for name, frame in tables.items():
        conform(frame, TABLES[name])
    plastics = tables["jobs"].set_index("code_rome").loc["H3201"]
    assert plastics["domaine"] == "H32"
    assert plastics["riasec_minor"] == "C"
    assert plastics["definition"] == "Règle les presses d'injection. Contrôle les pièces."
    assert tables["interests"]["definition"].tolist() == ["Créer."]
    assert tables["job_interests"].set_index("code_rome")["principal"].to_dict() == {
        "H2913": True,
        "H3201": False,
    }


def test_tiny_rome_skills_keep_known_items_with_category_and_core(tiny_rome: Sources):
    skills = build_jobs(tiny_rome)["job_skills"]
    assert skills.set_index("skill_code")[["category", "core"]].to_dict("index") == {
        "100": {"category": "savoir_faire", "core": True},
        "101": {"category": "savoir_etre", "core": False},
        "200": {"category": "savoir", "core": True},
    }
    assert next(iter(skills.attrs["gaps"].values())) == 1  # item 999 is in no referential


def test_tiny_rome_sectors_are_zero_padded_naf_divisions_without_transverse(tiny_rome: Sources):
    sectors = build_jobs(tiny_rome)["job_sectors"]
    assert sectors[["code_rome", "naf_division"]].values.tolist() == [
        ["H2913", "01"],
        ["H3201", "22"],
    ]
    assert list(sectors.attrs["gaps"].values()) == [1]


def test_sector_whose_label_is_not_the_naf_division_fails(tiny_rome: Sources):
    path = tiny_rome.root / "rome" / "arborescence_secteur_naf.csv"
    frame = pd.read_csv(path, dtype=str, encoding="cp1252")
    frame.loc[2, "libelle_secteur_naf"] = "Industrie automobile"
    frame.to_csv(path, index=False, encoding="cp1252")
    with pytest.raises(SourceFormatError) as caught:
        build_jobs(tiny_rome)
    assert caught.value.file == "rome/arborescence_secteur_naf.csv"
    assert (caught.value.line, caught.value.field) == (4, "code_secteur_naf")


# --- the real sources ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real_jobs() -> dict[str, pd.DataFrame]:
    return build_jobs(Sources(SHARED))


@pytest.mark.source
@needs_sources
def test_real_rome_builds_every_table_to_the_schema(real_jobs: dict[str, pd.DataFrame]):
    sizes = {name: len(conform(frame, TABLES[name])) for name, frame in real_jobs.items()}
    assert sizes["jobs"] == 1584
    assert sizes["interests"] == 30
    assert sizes["job_titles"] == 13120
    assert sizes["job_mobility"] == 14912


@pytest.mark.source
@needs_sources
def test_real_plastics_job_is_in_the_plastics_naf_division(real_jobs: dict[str, pd.DataFrame]):
    sectors = real_jobs["job_sectors"]
    plastics = sectors[sectors["code_rome"] == "H3201"].set_index("naf_division")
    assert plastics.loc["22", "sector_label"] == (
        "Fabrication de produits en caoutchouc et en plastique"
    )


@pytest.mark.source
@needs_sources
def test_real_naf_has_the_plastic_plates_sub_class():
    naf = conform(build_naf_codes(Sources(SHARED)), TABLES["naf_codes"]).set_index("naf")
    assert naf.loc["22.21Z", "naf_division"] == "22"
    assert naf.index.str.fullmatch(r"\d{2}\.\d{2}[A-Z]").all()


def _sources_with(tmp_path: Path, relative: str, change, **read) -> Sources:
    """A view of the sources where only ``relative`` is a copy rewritten by ``change``."""
    root = tmp_path / "sources"
    _mirror(SHARED, root, Path(relative).parts)
    target = root / relative
    encoding = read.get("encoding", "utf-8")
    frame = pd.read_csv(SHARED / relative, dtype=str, keep_default_na=False, **read)
    change(frame).to_csv(target, index=False, sep=read.get("sep", ","), encoding=encoding)
    return Sources(root)


def _mirror(source: Path, copy: Path, parts: tuple[str, ...]) -> None:
    """Symlink everything under ``source`` into ``copy`` except the path ``parts``."""
    copy.mkdir()
    for entry in source.iterdir():
        if entry.name != parts[0]:
            (copy / entry.name).symlink_to(entry)
        elif len(parts) > 1:
            _mirror(entry, copy / entry.name, parts[1:])


@pytest.mark.source
@needs_sources
def test_a_removed_column_fails_naming_the_file(tmp_path: Path):
    sources = _sources_with(
        tmp_path, "rome/rubrique_mobilite.csv", lambda f: f.drop(columns=["code_rome_cible"])
    )
    with pytest.raises(SourceFormatError, match="code_rome_cible") as caught:
        build_jobs(sources)
    assert caught.value.file == "rome/rubrique_mobilite.csv"


@pytest.mark.source
@needs_sources
def test_a_bad_value_fails_naming_its_line_and_field(tmp_path: Path):
    def spoil(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[10, "numero_ordre"] = "dix"
        return frame

    sources = _sources_with(tmp_path, "rome/rubrique_mobilite.csv", spoil)
    with pytest.raises(SourceFormatError) as caught:
        build_jobs(sources)
    assert (caught.value.line, caught.value.field) == (12, "numero_ordre")
