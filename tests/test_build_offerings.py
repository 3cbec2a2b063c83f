"""Building establishments and formations: merging rules on tiny data, then the real sources."""

from __future__ import annotations

import gzip
import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from data.build.commune_index import CommuneIndex
from data.build.establishments import establishment_kind
from data.build.formations import OFFER_COLUMNS
from data.build.labels import match_labels, programme_key
from data.build.offerings import (
    attach_certifications,
    build_offerings,
    merge_offers,
    place_formations,
    resolve_families,
    years_label,
)
from data.build.outcomes import RATES, attach_outcomes, read_outcomes
from data.build.report import BuildLog, coverage_report
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import ESTABLISHMENTS, FORMATIONS, conform
from tests.conftest import BUNDLED, SHARED_DATA

needs_sources = pytest.mark.skipif(
    not SHARED_DATA.is_dir(), reason=f"raw sources absent ({SHARED_DATA} not found)"
)


def offers(*rows: dict[str, object]) -> pd.DataFrame:
    """Offer rows as the readers emit them; unspecified columns are empty."""
    frame = pd.DataFrame([{column: row.get(column) for column in OFFER_COLUMNS} for row in rows])
    for column in ("capacity", "demand", "entry_year", "year"):
        frame[column] = frame[column].astype("Int64")
    for column in ("latitude", "longitude"):
        frame[column] = frame[column].astype("float64")
    return frame


def certifications(*rows: tuple[str, str | None, str | None, str, str, int, bool]) -> pd.DataFrame:
    columns = ["cert_id", "cfd", "rncp", "label", "type", "level", "active"]
    return pd.DataFrame(rows, columns=columns).astype({"level": "Int64"})


CERTS = certifications(
    ("40022503", "40022503", "RNCP38566", "Bac pro plastiques et composites", "BAC PRO", 4, True),
    (
        "32022506",
        "32022506",
        "RNCP38416",
        "BTS EuroPlastics et composites option POP",
        "BTS",
        5,
        True,
    ),
    ("RNCP1", None, "RNCP1", "Titre pro soudeur", "TP", 3, True),
    ("50022509", "50022509", "RNCP9", "CAP plasturgie", "CAP", 3, True),
    ("50022510", "50022510", "RNCP9", "CAP composites", "CAP", 3, True),
)


# --- merging and deduplication rules -----------------------------------------------------


def test_years_are_written_as_ranges():
    assert years_label({2024}) == "2024"
    assert years_label({2022, 2023, 2024}) == "2022-2024"
    assert years_label({2020, 2022, 2023}) == "2020+2022-2023"


def test_same_triple_from_several_years_keeps_the_latest_capacity_and_every_source():
    rows = offers(
        dict(
            uai="0020014E",
            cfd="32022506",
            voie="scolaire",
            capacity=24,
            demand=74,
            label="BTS - Europlastics",
            source="bts_2023",
            year=2023,
            entry_year=1,
        ),
        dict(
            uai="0020014E",
            cfd="32022506",
            voie="scolaire",
            capacity=20,
            demand=50,
            label="BTS - Europlastics (2024)",
            source="bts_2024",
            year=2024,
            entry_year=1,
        ),
        # Parcoursup 2025 publishes no capacity: it must not blank out 2024's.
        dict(
            uai="0020014E",
            cfd="32022506",
            voie="scolaire",
            label="BTS Europlastics",
            latitude=49.61,
            longitude=3.22,
            source="parcoursup_2025",
            year=2025,
            entry_year=1,
        ),
    )
    merged = merge_offers(attach_certifications(rows, CERTS, BuildLog()), BuildLog())
    assert len(merged) == 1
    row = merged.iloc[0]
    assert row["formation_id"] == "0020014E-32022506-scolaire"
    assert (row["capacity"], row["demand"]) == (20, 50)
    assert row["source"] == "parcoursup_2025+bts_2024+bts_2023"
    assert row["vintage"] == "2023-2025"
    assert row["label"] == "BTS - Europlastics (2024)"  # Parcoursup 2025 lost its accents
    assert (row["latitude"], row["level"]) == (49.61, 5)


def test_sections_add_up_and_only_the_entry_year_counts():
    rows = offers(
        # Two sections of the 2de pro, and the 1re pro entry of the same diploma.
        dict(
            uai="0022008X",
            cfd="40022503",
            voie="scolaire",
            capacity=15,
            demand=14,
            source="voie_pro_2022",
            year=2022,
            entry_year=1,
        ),
        dict(
            uai="0022008X",
            cfd="40022503",
            voie="scolaire",
            capacity=12,
            demand=3,
            source="voie_pro_2022",
            year=2022,
            entry_year=1,
        ),
        dict(
            uai="0022008X",
            cfd="40022503",
            voie="scolaire",
            capacity=15,
            demand=9,
            source="voie_pro_2022",
            year=2022,
            entry_year=2,
        ),
        dict(
            uai="0022008X",
            cfd="40022503",
            voie="apprentissage",
            source="apprentissage_2020",
            year=2020,
            entry_year=1,
            insee="02173",
            latitude=49.62,
            longitude=3.21,
        ),
    )
    merged = merge_offers(attach_certifications(rows, CERTS, BuildLog()), BuildLog())
    by_voie = merged.set_index("voie")
    assert (by_voie.at["scolaire", "capacity"], by_voie.at["scolaire", "demand"]) == (27, 17)
    apprentice = by_voie.loc["apprentissage"]
    assert (apprentice["vintage"], apprentice["source"]) == ("2020", "apprentissage_2020")
    assert pd.isna(apprentice["capacity"])
    assert apprentice["label"] == "Bac pro plastiques et composites"  # the certification's


def test_certifications_join_on_cfd_then_unshared_rncp_and_count_the_rest():
    rows = offers(
        dict(uai="0021739E", cfd="40022503", source="offres_apprentissage_2020", year=2020),
        dict(
            uai="0021739E",
            cfd="56T00000",
            rncp="RNCP1",
            source="offres_apprentissage_2020",
            year=2020,
        ),
        # RNCP9 names two CAPs: it names neither.
        dict(uai="0021739E", rncp="RNCP9", source="offres_apprentissage_2020", year=2020),
        dict(uai="0021739E", cfd="99999999", source="offres_apprentissage_2020", year=2020),
    )
    log = BuildLog()
    joined = attach_certifications(rows, CERTS, log)
    assert joined["cert_id"].tolist() == ["40022503", "RNCP1"]
    assert joined["cfd"].isna().tolist() == [False, True]  # the certification's own codes
    assert log.dropped == {
        "offres_apprentissage_2020: certification absente de la table des certifications": 2
    }
    assert sorted(log.missing_certifications["offres_apprentissage_2020"]) == [
        ["99999999", 1],
        ["RNCP9", 1],
    ]


def test_family_second_year_is_kept_only_when_its_common_cfd_is_a_certification():
    families = pd.DataFrame(
        {"cfd_common": ["40020104", "40020104"], "cfd_speciality": ["40025012", "40022503"]}
    )
    rows = offers(
        dict(uai="0022008X", cfd="40020104", source="voie_pro_2022"),
        dict(uai="0022008X", cfd="40022503", source="voie_pro_2022"),
        dict(uai="0021522U", cfd="40020104", source="voie_pro_2022"),
    )
    log = BuildLog()
    kept = resolve_families(rows, families, CERTS, log)
    assert kept["cfd"].tolist() == ["40022503"]
    assert log.dropped == {
        "voie_pro_2022: 2de pro famille de métiers hors certifications "
        "(spécialités listées par le lycée)": 1,
        "voie_pro_2022: 2de pro famille de métiers hors certifications "
        "(aucune spécialité listée)": 1,
    }
    with_common = pd.concat(
        [CERTS, certifications(("40020104", "40020104", None, "2NDE COMMUNE", "BAC PRO", 4, True))]
    )
    assert len(resolve_families(rows, families, with_common, BuildLog())) == 3


def test_parcoursup_labels_are_named_through_bts_files_then_certification_labels():
    rows = offers(
        dict(
            uai="0010001W",
            cfd="32022506",
            label_key="bts production europlastics pop",
            source="bts_2024",
        ),
        dict(uai="0020014E", label_key="bts production europlastics pop", source="parcoursup_2025"),
        dict(
            uai="0020014E",
            label_key="certificat de specialisation technicien en soudage",
            source="bts_2024",
        ),
        dict(uai="0020014E", label_key="licence droit", source="parcoursup_2025"),
    )
    certs = pd.concat(
        [
            CERTS,
            certifications(
                (
                    "46125406",
                    "46125406",
                    None,
                    "Certificat de spécialisation technicien en soudage",
                    "CS",
                    4,
                    True,
                ),
                ("01025406", "01025406", None, "MC technicien en soudage", "MC", 4, False),
            ),
        ]
    )
    log = BuildLog()
    named = match_labels(rows, certs, log)
    assert named["cfd"].tolist() == ["32022506", "32022506", "46125406"]
    assert log.dropped == {
        "parcoursup_2025: aucun code de certification "
        "(autre programme : licence, CPGE, diplôme d'État, école…)": 1
    }


def test_programme_keys_forgive_punctuation_gender_marks_and_the_voie():
    assert programme_key("BTS - Production - Electrotechnique - en apprentissage") == (
        "bts production electrotechnique"
    )
    assert programme_key("BTS   Production   Electrotechnique") == "bts production electrotechnique"
    assert programme_key("Certificat de Spécialisation - Technicien(ne) en soudage") == (
        "certificat de specialisation technicien en soudage"
    )


COMMUNES = pd.DataFrame(
    {
        "insee": ["02173", "02691", "39097", "75056", "75113"],
        "name": ["Chauny", "Saint-Quentin", "Champagnole", "Paris", "Paris 13e Arrondissement"],
        "kind": ["commune", "commune", "commune", "commune", "arrondissement"],
        "postcodes": ["02300", "02100", "39300", "75013 75001", "75013"],
        "departement": ["02", "02", "39", "75", "75"],
        "latitude": [49.615, 49.847, 46.748, 48.86, 48.83],
        "longitude": [3.219, 3.278, 5.911, 2.34, 2.36],
        "population": [11_000, 53_000, 8_000, 2_100_000, 180_000],
    }
)


def test_commune_codes_postcodes_and_names_resolve():
    index = CommuneIndex(COMMUNES)
    assert index.resolve("02173") == "02173"
    assert index.resolve("39300") == "39097"  # a postcode written where the INSEE code goes
    assert index.resolve("75013") == "75113"  # Paris postcodes: the arrondissement
    assert index.resolve("99999") is None
    assert index.find("ST QUENTIN", "02100") == "02691"
    assert index.find("CHAUNY", "02301") == "02173"  # a CEDEX postcode: found in the département
    assert index.nearest(49.62, 3.22, "02") == "02173"


def test_formations_take_the_offer_point_else_their_establishment_else_the_commune_centre():
    establishments = pd.DataFrame(
        {
            "uai": ["0020014E", "0021739E"],
            "insee": ["02173", pd.NA],
            "latitude": [49.614, float("nan")],
            "longitude": [3.221, float("nan")],
            "location_precision": ["exact", pd.NA],
        }
    ).astype({"insee": "string", "location_precision": "string"})
    formations = pd.DataFrame(
        {
            "uai": ["0020014E", "0020014E", "0020014E", "0021739E", "0021739E"],
            "insee": [pd.NA, "02173", "02691", "02691", pd.NA],
            "latitude": [49.0, math.nan, math.nan, math.nan, math.nan],
            "longitude": [3.0, math.nan, math.nan, math.nan, math.nan],
        }
    ).astype({"insee": "string"})
    placed = place_formations(formations, establishments, CommuneIndex(COMMUNES), BuildLog())
    assert placed["location_precision"].tolist()[:4] == ["exact", "exact", "commune", "commune"]
    assert pd.isna(placed["location_precision"].iloc[4])
    assert placed["latitude"].tolist()[:4] == [49.0, 49.614, 49.847, 49.847]
    assert placed["insee"].tolist()[:4] == ["02173", "02173", "02691", "02691"]


@pytest.mark.parametrize(
    ("source", "name", "nature", "naf", "kind"),
    [
        ("lycees_pro", "LP JEAN MACE", "LYCEE PROFESSIONNEL", None, "lycee_pro"),
        ("lycees_geoloc", "LYCEE POLYVALENT", "LYCEE POLYVALENT", None, "lycee"),
        ("cfa_convention", "CTRE DE FORMATION D'APPRENTIS BTP CFA 02", "CFA", None, "cfa"),
        ("parcoursup_2025", "IUT de l'Aisne", None, None, "universite"),
        ("cfa_sites", "CFA Université des métiers Bayonne", None, None, "cfa"),
        ("catalogue_2022", "GRETA DE L'AISNE", None, "85.59A", "organisme"),
        ("parcoursup_2025", "Ecole de commerce", None, None, "ecole_superieure"),
    ],
)
def test_establishment_kind(source, name, nature, naf, kind):
    facts = pd.DataFrame({"source": [source], "name": [name], "nature": [nature], "naf": [naf]})
    assert establishment_kind(facts) == kind


def write_depp(root: Path, name: str, text: str) -> None:
    folder = root / "outcomes" / "depp_etablissements"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_outcomes_read_blank_headers_by_position_and_keep_the_latest_vintage(tmp_path: Path):
    (tmp_path / "outcomes").mkdir()
    cfa = (
        "Année;UAI;Libellé;Taux poursuite études;Taux emploi 6 mois;Taux emploi 12 mois\n"
        "cumul 2023-2024;0021739E;BTP CFA Aisne;44.0;64.0;71.0\n"
    )
    with gzip.open(tmp_path / "outcomes" / "inserjeunes_cfa.csv.gz", "wt", encoding="utf-8") as f:
        f.write(cfa)
    # 2018-2019 layout: population and continuation columns have blank headers.
    write_depp(
        tmp_path,
        "depp-2022-etablissements-2018_2019-pro.csv",
        (
            '"n°UAI de l\'établissement";"Libellé de l\'établissement";"Région";;;"Taux";'
            '"Taux attendu";"Valeur ajoutée";;;\n'
            '"0022008X";"LP Jean Macé";"HDF";"dont élèves en voie pro sco";49;47;41;6;51;55;56\n'
            '"0022008X";"LP Jean Macé";"HDF";"ensemble";40;45;41;4;50;55;56\n'
            '"0020014E";"Lycée Gay Lussac";"HDF";"dont apprentis";20;80;70;10;85;86;87\n'
        ),
    )
    write_depp(
        tmp_path,
        "depp-2022-etablissements-2022_2023-pro.csv",
        (
            "n°UAI de l'établissement;Libellé de l'établissement;Région;Dont apprentis en EPLE;"
            "Taux de poursuite d'études;Taux;Taux attendu;Valeur ajoutée;"
            "Part en poursuite d'études;Part en emploi 6 mois après la sortie;"
            "Part des autres situations\n"
            "0022008X;LP Jean Macé;HDF;ensemble;54;nd;41;10;54;23;23\n"
        ),
    )
    rows = read_outcomes(Sources(tmp_path))
    rates = {
        (uai, voie): (six, twelve, continuation, vintage)
        for uai, voie, six, twelve, continuation, vintage in rows[
            ["uai", "voie", *RATES]
        ].itertuples(index=False)
    }
    six, _, continuation, vintage = rates[("0022008X", "scolaire")]
    assert (continuation, vintage) == (0.54, "2022-2023")  # the latest vintage wins
    assert math.isnan(six)  # 'nd' in the file
    assert rates[("0020014E", "apprentissage")][:2] == (0.8, 0.85)  # blank headers, by position
    assert rates[("0021739E", "apprentissage")][:3] == (0.64, 0.71, 0.44)

    formations = pd.DataFrame(
        {
            "uai": ["0022008X", "0022008X", "0099999Z"],
            "voie": ["scolaire", "apprentissage", "apprentissage"],
        }
    )
    parents = pd.Series({"0099999Z": "0021739E"})
    attached = attach_outcomes(formations, read_outcomes(Sources(tmp_path)), parents, BuildLog())
    assert attached["continuation_rate"].tolist()[::2] == [0.54, 0.44]  # the CFA's, for its site
    assert pd.isna(attached["outcomes_vintage"].iloc[1])  # scolaire figures stay scolaire


def test_coverage_report_counts_and_shares():
    formations = pd.DataFrame(
        {
            "voie": ["scolaire", "scolaire", "apprentissage"],
            "level": pd.array([4, 3, 4], dtype="Int64"),
            "location_precision": ["exact", "commune", "exact"],
            "latitude": [49.0, 49.1, 49.2],
            "outcomes_vintage": ["2022-2023", None, None],
            "capacity": pd.array([24, None, None], dtype="Int64"),
            "source": ["voie_pro_2022+voie_pro_2021", "voie_pro_2022", "apprentissage_2020"],
        }
    )
    formations.attrs["build"] = BuildLog(dropped=Counter({"x: UAI absente": 3})).as_dict()
    report = coverage_report({"formations": formations})
    assert report["formations"]["per_voie_level"] == {
        "apprentissage/4": 1,
        "scolaire/3": 1,
        "scolaire/4": 1,
    }
    assert report["formations"]["share_exact"] == pytest.approx(2 / 3, abs=1e-4)
    assert report["formations"]["per_source"]["voie_pro_2022"] == 2
    assert report["dropped"] == {"x: UAI absente": 3}


# --- the real sources --------------------------------------------------------------------


def bundled(name: str) -> pd.DataFrame:
    path = BUNDLED / f"{name}.parquet"
    if not path.is_file():
        pytest.skip(f"{path} absent: build communes and certifications first")
    return pd.read_parquet(path)


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return build_offerings(Sources(SHARED_DATA), bundled("communes"), bundled("certifications"))


@pytest.mark.source
@needs_sources
def test_real_build_conforms_and_covers_the_country(real: dict[str, pd.DataFrame]):
    formations = conform(real["formations"], FORMATIONS)
    establishments = conform(real["establishments"], ESTABLISHMENTS)
    assert 40_000 < len(formations) < 80_000
    assert 5_000 < len(establishments) < 9_000
    assert set(formations["uai"]) <= set(establishments["uai"])
    assert formations["latitude"].notna().mean() > 0.95
    dropped = real["formations"].attrs["build"]["dropped"]
    # Documented gaps of the sources, counted exactly.
    assert dropped["offres_apprentissage_2020: UAI absente ou mal formée"] == 8778
    assert dropped["apprentissage_2020: UAI absente ou mal formée"] == 6251
    assert dropped["bts_2024: FCIL (formation complémentaire non certifiante)"] == 100
    assert not any(reason.startswith("voie_pro") for reason in dropped)


@pytest.mark.source
@needs_sources
def test_real_plastics_lycee_in_chauny(real: dict[str, pd.DataFrame]):
    formations = real["formations"].set_index("formation_id")
    bac_pro = formations.loc["0022008X-40022503-scolaire"]
    assert bac_pro["insee"] == "02173"  # Chauny, from the lycée's commune name and postcode
    assert bac_pro["vintage"] == "2021-2022"
    assert 0 <= bac_pro["employment_rate_6m"] <= 1
    bts = formations.loc["0020014E-32022506-apprentissage"]
    assert bts["source"].startswith("bts_2024")


def mirror(root: Path, changed: str) -> None:
    """Symlink every source file into ``root`` except ``changed`` (left for the test to write)."""
    for path in SHARED_DATA.rglob("*"):
        relative = path.relative_to(SHARED_DATA)
        if path.is_file() and str(relative) != changed:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).symlink_to(path)
    (root / changed).parent.mkdir(parents=True, exist_ok=True)


@pytest.mark.parametrize(
    ("relative", "column", "renamed"),
    [
        ("offerings/voie_pro/2022_attractivite_capacite_2022.csv.gz", "MEF STAT 11", "MEF"),
        ("offerings/bts/2024_BTS_attractivite_capacite_2024.csv.gz", "STATUT", "Statut"),
        ("outcomes/depp_etablissements/depp-2022-etablissements-2021_2022-pro.csv", "Taux", "T"),
    ],
)
@pytest.mark.source
@needs_sources
def test_a_renamed_column_fails_naming_the_file(tmp_path: Path, relative, column, renamed):
    root = tmp_path / "sources"
    mirror(root, relative)
    opener = gzip.open if relative.endswith(".gz") else open
    with opener(SHARED_DATA / relative, "rt", encoding="utf-8-sig") as source:
        header, rest = source.readline().rstrip("\r\n"), source.read()
    fields = header.split(";")
    fields[fields.index(column)] = renamed
    with opener(root / relative, "wt", encoding="utf-8") as target:
        target.write(";".join(fields) + "\n" + rest)
    with pytest.raises(SourceFormatError, match=column) as caught:
        build_offerings(Sources(root), bundled("communes"), bundled("certifications"))
    assert caught.value.file == relative
