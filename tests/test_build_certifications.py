"""Tests of the certifications builder (data/build/certifications.py and its helpers
certification_sources.py and certification_types.py)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from data.build.certification_types import (
    certif_info_access,
    eu_level,
    nsf_group,
    type_from_bcn,
    type_from_certif_info,
    type_from_rncp,
)
from data.build.certifications import build_certifications
from data.build.sources import Sources
from recommender.errors import SourceFormatError
from recommender.schema import TABLES, conform

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_sources = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"raw sources absent ({SHARED}): see data/build"
)


# --- small helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "level"),
    [
        ("03", 3),
        ("08", 8),
        ("niveau5", 5),
        ("Niveau 6", 6),
        ("4", 4),
        ("02", None),
        ("00", None),
        ("99", None),
        ("XX", None),
        ("NR", None),
        (None, None),
    ],
)
def test_eu_level_reads_every_spelling_and_keeps_3_to_8(spelling, level):
    assert eu_level(spelling) == level


def test_certif_info_access_coding():
    assert [certif_info_access(v) for v in ("1", "0", "2")] == [True, False, None]
    with pytest.raises(ValueError, match="'3'"):
        certif_info_access("3")


@pytest.mark.parametrize(
    ("category", "short"),
    [
        ("CAP", "CAP"),
        ("BAC PRO", "BAC PRO"),
        ("BAC PRO AG", "BAC PRO"),
        ("BTSA", "BTSA"),
        ("LIC PRO", "LP"),
        ("LIC LMD", "LICENCE"),
        ("MASTER PRO", "MASTER"),
        ("MC", "MC"),
        ("TH5-T", "TP"),
        ("TH3-X", "TH"),
        ("TH1", "TH"),
        ("CSA NIV4", "CS"),
        ("CPGE", "CPGE"),
    ],
)
def test_type_from_bcn_level_category(category, short):
    assert type_from_bcn(category) == short


@pytest.mark.parametrize(
    ("label", "short"),
    [
        ("Titre professionnel (TP de niveau 3)", "TP"),
        ("Certificat de qualification professionnelle", "CQP"),
        ("Autre titre inscrit sur demande au RNCP (niveau 6)", "TH"),
        ("Brevet de technicien supérieur", "BTS"),
        ("Brevet de technicien supérieur agricole", "BTSA"),
        ("Baccalauréat professionnel agricole", "BAC PRO"),
        ("Certificat d'aptitude professionnelle", "CAP"),
        ("Brevet professionnel (Education nationale)", "BP"),
        ("Mention complémentaire (de niveau 4)", "MC"),
        ("Licence professionnelle", "LP"),
        ("Licence", "LICENCE"),
        ("Master", "MASTER"),
        ("Diplôme d'ingénieur", "ING"),
        ("Bachelor", None),
    ],
)
def test_type_from_certif_info_label(label, short):
    assert type_from_certif_info(label) == short


def test_type_from_rncp_code():
    assert [type_from_rncp(c) for c in ("TP", "MC5", "Licence Professionnelle ", "Autre")] == [
        "TP",
        "MC",
        "LP",
        None,
    ]


def test_nsf_group_keeps_the_three_digits():
    assert [nsf_group(c) for c in ("225", "200r", "31", "", None)] == [
        "225",
        "200",
        None,
        None,
        None,
    ]


# --- the whole builder on tiny sources ----------------------------------------------


def _write(root: Path, relative: str, rows: list[dict[str, str]], **options: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(
        path, index=False, sep=options.get("sep", ";"), encoding=options.get("encoding", "utf-8")
    )


def _certif_info_row(**values: str) -> dict[str, str]:
    row = dict.fromkeys(
        [
            "Libelle_Diplome",
            "Libelle_Type_Diplome",
            "Code_Niveau_Europeen",
            "Code_Nsf",
            "Code_RNCP",
            "Code_Scolarité",
            "Etat",
            "Code_Rome_1",
            "Code_Rome_2",
            "Code_Rome_3",
            "Code_Rome_4",
            "Code_Rome_5",
        ],
        "",
    )
    row |= {f"accessibilite_{voie}": "2" for voie in ("fi", "ca", "fc", "cp", "vae")}
    return row | values


@pytest.fixture
def tiny_sources(tmp_path: Path) -> Sources:
    """Plastics diplomas seen by the BCN, Certif Info, the kit and the 2021 RNCP."""
    _write(
        tmp_path,
        "rome/referentiel_code_rome.csv",
        [{"code_rome": c} for c in ("H2913", "H3201", "H3202")],
        sep=",",
    )
    bcn = "certifications/bcn/"
    _write(
        tmp_path,
        bcn + "vFormationDiplome.csv.gz",
        [
            {
                "FORMATION_DIPLOME": cfd,
                "NIVEAU_FORMATION_DIPLOME": cfd[:3],
                "GROUPE_SPECIALITE": "225",
                "LIBELLE_COURT": "",
                "LIBELLE_LONG_200": label,
                "DATE_FERMETURE": closes,
                "NIVEAU_QUALIFICATION_RNCP": level,
            }
            for cfd, label, closes, level in (
                ("40022503", "PLASTIQUES ET COMPOSITES (BAC PRO)", "", "04"),
                ("50022509", "PLASTURGIE (CAP)", "31/08/2026", "03"),
                ("40022502", "PLASTURGIE (BAC PRO)", "31/08/2011", "04"),
                ("56T22501", "PLASTURGISTE DES SEMI-OUVRES (TP)", "31/08/2019", "03"),
            )
        ],
        encoding="utf-8-sig",
    )
    _write(
        tmp_path,
        bcn + "nNiveauFormationDiplome.csv",
        [
            {"NIVEAU_FORMATION_DIPLOME": code, "LIBELLE_COURT": short, "LIBELLE_100": long}
            for code, short, long in (
                ("400", "BAC PRO", "BAC PROFESSIONNEL"),
                ("500", "CAP", "CERTIFICAT D'APTITUDE PROFESSIONNELLE"),
                ("56T", "TH5-T", "TH DE NIV 5 MINISTERE DU TRAVAIL - AFPA"),
            )
        ],
    )
    _write(
        tmp_path,
        "certifications/certif_info.csv.gz",
        [
            _certif_info_row(
                Libelle_Diplome="Bac pro plastiques et composites",
                Libelle_Type_Diplome="Baccalauréat professionnel",
                Code_Niveau_Europeen="4",
                Code_RNCP="38566",
                Code_Scolarité="40022503",
                Etat="0",
                Code_Rome_1="H3201",
                Code_Rome_2="M1700",
                accessibilite_fi="1",
                accessibilite_ca="1",
                accessibilite_cp="0",
                accessibilite_vae="1",
            ),
            _certif_info_row(
                Libelle_Diplome="Technicien de production en plasturgie",
                Libelle_Type_Diplome="Titre professionnel (TP de niveau 4)",
                Code_Niveau_Europeen="4",
                Code_RNCP="35107",
                Etat="0",
                Code_Rome_1="H3202",
                accessibilite_fc="1",
            ),
            _certif_info_row(
                Libelle_Diplome="Habilitation électrique",
                Code_RNCP="99999",
                Code_Niveau_Europeen="3",
                Etat="11",
            ),
            _certif_info_row(Libelle_Diplome="CQP sans RNCP", Code_Niveau_Europeen="3", Etat="0"),
            _certif_info_row(Libelle_Diplome="Titre sans niveau", Code_RNCP="11111", Etat="0"),
        ],
    )
    _write(
        tmp_path,
        "certifications/kit_apprentissage_20231218.csv",
        [
            {
                "Code_Diplome": cfd,
                "Intitulé diplôme (DEPP)": label,
                "Code_RNCP": rncp,
                "Niveau fiche RNCP": level,
                "Abrégé de diplôme (RNCP)": short,
                "Accès à l'apprentissage de la fiche RNCP (oui/non)": access,
                "Fiche ACTIVE/INACTIVE": status,
            }
            for cfd, label, rncp, level, short, access, status in (
                ("50022509", "PLASTURGIE (CAP)", "RNCP736 ", "Niveau 3", "CAP", "oui", "ACTIVE"),
                (
                    "40022503",
                    "PLASTIQUES (BAC PRO)",
                    "RNCP7585",
                    "Niveau 4",
                    "BAC PRO",
                    "oui",
                    "ACTIVE",
                ),
                ("36022201", "BIOPHYSICIEN", "NR", "NR", "NR", "NR", "INACTIVE"),
            )
        ],
        encoding="utf-8-sig",
    )
    rncp, cp1252 = "certifications/rncp_2021/", {"encoding": "cp1252"}
    _write(
        tmp_path,
        rncp + "rncp_info.v1.4.csv.gz",
        [
            {
                "CodeRNCP": "RNCP736",
                "intituleDiplome": "Plasturgie",
                "ActiveInactive": "ACTIVE",
                "NiveauEurope": "niveau3",
                "CodeTypeCertif": "CAP",
                "TypeCertif": "Certificat d'aptitude professionnelle",
            },
            {
                "CodeRNCP": "RNCP2568",
                "intituleDiplome": "Plasturgiste",
                "ActiveInactive": "ACTIVE",
                "NiveauEurope": "niveau3",
                "CodeTypeCertif": "TP",
                "TypeCertif": "Titre professionnel",
            },
        ],
        **cp1252,
    )
    _write(
        tmp_path,
        rncp + "rncp_rome.v1.4.csv.gz",
        [{"CodeRNCP": "RNCP736", "Rome": "H3201"}, {"CodeRNCP": "RNCP736", "Rome": "H32"}],
        **cp1252,
    )
    _write(
        tmp_path, rncp + "rncp_nsf.v1.4.csv.gz", [{"CodeRNCP": "RNCP736", "code": "225s"}], **cp1252
    )
    _write(
        tmp_path,
        rncp + "rncp_voix_acces.v1.4.csv.gz",
        [
            {"CodeRNCP": "RNCP736", "code_libelle": code}
            for code in ("ELEVE", "CONTRATA", "EXP", "CANDIDATURE")
        ],
        **cp1252,
    )
    _write(
        tmp_path,
        rncp + "rncp_blocs_competences.v1.4.csv.gz",
        [
            {
                "CodeRNCP": "RNCP736",
                "numero_bloc": "RNCP736BC01",
                "intitule": "Préparer la mise en œuvre d’une presse",
            },
            {"CodeRNCP": "RNCP736", "numero_bloc": "RNCP736BCRNCP736BC02", "intitule": "Produire"},
            {"CodeRNCP": "RNCP2568", "numero_bloc": "RNCP2568BC01", "intitule": "Hors table"},
        ],
        **cp1252,
    )
    _write_onisep(tmp_path)
    return Sources(tmp_path)


ONISEP_PROGRAMMES = """<?xml version="1.0" encoding="UTF-8"?>
<formations>
  <formation>
    <identifiant>FOR.1</identifiant>
    <code_scolarite>40022503</code_scolarite>
    <libelle_complet>bac pro plastiques et composites</libelle_complet>
    <descriptif_format_court><![CDATA[<p>Le titulaire r&egrave;gle des presses.</p>
      <p>Il contr&ocirc;le les pi&egrave;ces.</p>]]></descriptif_format_court>
    <metiers_formation>
      <metier><id>MET.1</id><nom_metier>régleur/euse</nom_metier></metier>
      <metier><id>MET.2</id><nom_metier>mouliste</nom_metier></metier>
    </metiers_formation>
  </formation>
  <formation>
    <identifiant>FOR.2</identifiant>
    <code_scolarite/>
    <libelle_complet>licence sans CFD</libelle_complet>
    <metiers_formation/>
  </formation>
</formations>
"""
ONISEP_JOBS = """<?xml version="1.0" encoding="UTF-8"?>
<metiers>
  <metier><identifiant>MET.1</identifiant><romesV3><romeV3>H3202</romeV3></romesV3></metier>
  <metier><identifiant>MET.2</identifiant><romesV3><romeV3>H2999</romeV3></romesV3></metier>
</metiers>
"""


def _write_onisep(root: Path) -> None:
    folder = root / "onisep"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("Onisep_Ideo_Fiches_Formations_25062024", ONISEP_PROGRAMMES),
        ("Onisep_Ideo_Fiches_metiers_25062024", ONISEP_JOBS),
    ):
        with zipfile.ZipFile(folder / f"{name}.xml.zip", "w") as archive:
            archive.writestr(f"{name}.xml", text)


def _build(sources: Sources, today: date = date(2026, 1, 1)) -> dict[str, pd.DataFrame]:
    tables = build_certifications(sources, today=today)
    return {name: conform(frame, TABLES[name]) for name, frame in tables.items()}


def test_tiny_rows_are_open_cfds_plus_current_rncp_titles(tiny_sources: Sources):
    certifications = _build(tiny_sources)["certifications"]
    assert certifications["cert_id"].tolist() == [
        "40022503",
        "50022509",
        "56T22501",
        "RNCP35107",
    ]


def test_tiny_cfd_gets_certif_info_rncp_label_rome_and_voies(tiny_sources: Sources):
    certifications = _build(tiny_sources)["certifications"].set_index("cert_id")
    bac_pro = certifications.loc["40022503"]
    assert bac_pro["rncp"] == "RNCP38566"  # current Certif Info beats the kit
    assert bac_pro["label"] == "Bac pro plastiques et composites"
    assert (bac_pro["type"], bac_pro["level"], bac_pro["nsf"]) == ("BAC PRO", 4, "225")
    # M1700 is no ROME 4.0 code; H3202 comes from the job ONISEP links the diploma to
    assert bac_pro["rome_codes"] == "H3201 H3202"
    assert bac_pro["description"] == "Le titulaire règle des presses. Il contrôle les pièces."
    voies = [
        bac_pro[f"access_{v}"]
        for v in ("school", "apprenticeship", "continuing", "professionalisation", "vae")
    ]
    assert voies == [True, True, False, False, True]
    assert bac_pro["source"] == "bcn+certif_info+kit+onisep"


def test_tiny_cfd_known_only_to_kit_and_rncp_2021(tiny_sources: Sources):
    cap = _build(tiny_sources)["certifications"].set_index("cert_id").loc["50022509"]
    assert (cap["rncp"], cap["label"], cap["type"], cap["level"]) == (
        "RNCP736",
        "PLASTURGIE (CAP)",
        "CAP",
        3,
    )
    assert cap["rome_codes"] == "H3201"
    assert cap["access_school"] and cap["access_apprenticeship"] and cap["access_vae"]
    assert not cap["access_continuing"]
    assert cap["source"] == "bcn+kit+rncp_2021"


def test_tiny_activity_follows_the_closing_date(tiny_sources: Sources):
    before = _build(tiny_sources, date(2026, 1, 1))["certifications"].set_index("cert_id")
    after = _build(tiny_sources, date(2026, 9, 1))["certifications"].set_index("cert_id")
    assert before["active"].to_dict() == {
        "40022503": True,
        "50022509": True,
        "56T22501": False,
        "RNCP35107": True,
    }
    assert not after.loc["50022509", "active"]


def test_tiny_rncp_title_without_cfd_is_keyed_by_rncp(tiny_sources: Sources):
    title = _build(tiny_sources)["certifications"].set_index("cert_id").loc["RNCP35107"]
    assert pd.isna(title["cfd"])
    assert (title["type"], title["level"], title["rome_codes"]) == ("TP", 4, "H3202")
    assert title["access_continuing"] and not title["access_apprenticeship"]


def test_tiny_gaps_are_counted(tiny_sources: Sources):
    gaps = build_certifications(tiny_sources, today=date(2026, 1, 1))["certifications"].attrs[
        "gaps"
    ]
    counted = {key.split(" (")[0]: value for key, value in gaps.items()}
    assert counted["certifications Certif Info publiées sans CFD ni RNCP"] == 1
    assert counted["lignes Certif Info hors champ"] == 1
    assert counted["certifications RNCP courantes hors niveaux 3–8"] == 1
    assert counted["liens certification → code ROME absent du ROME 4.0"] == 3  # one ONISEP
    assert counted["lignes du kit sans code RNCP"] == 1
    assert counted["fiches RNCP 2021 « ACTIVE » absentes de Certif Info et du kit"] == 1


def test_tiny_blocs_are_decoded_from_cp1252_and_repaired(tiny_sources: Sources):
    blocs = _build(tiny_sources)["cert_blocs"]
    assert blocs.values.tolist() == [
        ["RNCP736", "RNCP736BC01", "Préparer la mise en œuvre d’une presse"],
        ["RNCP736", "RNCP736BC02", "Produire"],
    ]


# --- the real sources ---------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> dict[str, pd.DataFrame]:
    return _build(Sources(SHARED), date(2026, 1, 1))


@pytest.mark.source
@needs_sources
def test_real_certifications_cover_every_cfd_open_since_2018(real: dict[str, pd.DataFrame]):
    certifications = real["certifications"]
    assert certifications["cfd"].notna().sum() == 7224
    assert 8000 < len(certifications) < 12000
    assert certifications["cert_id"].str.fullmatch(r"[0-9A-Z]{8}|RNCP\d+").all()
    assert set(certifications["level"].dropna()) <= set(range(3, 9))
    assert len(real["cert_blocs"]) > 5000


@pytest.mark.source
@needs_sources
def test_real_plastics_diplomas_have_level_and_rome(real: dict[str, pd.DataFrame]):
    certifications = real["certifications"].set_index("cfd")
    for cfd, kind, level in (
        ("40022503", "BAC PRO", 4),
        ("50022509", "CAP", 3),
        ("32022506", "BTS", 5),
    ):
        row = certifications.loc[cfd]
        assert (row["type"], row["level"]) == (kind, level)
        assert row["rome_codes"]


@pytest.mark.source
@needs_sources
def test_real_onisep_jobs_give_the_process_bts_its_chemistry_codes(real):
    certifications = real["certifications"].set_index("cert_id")
    process = certifications.loc["32022003"]  # BTS pilotage de procédés
    # The referentials say only H3303, now « cuisinier en industrie chimique »; ONISEP
    # links it to « pilote de ligne automatisée (chimie…) », H2301.
    assert process["rome_codes"].split()[0] == "H3303"
    assert "H2301" in process["rome_codes"].split()
    assert "procédés de fabrication" in process["description"]
    assert certifications["description"].notna().sum() > 600


@pytest.mark.parametrize(
    ("relative", "column", "read"),
    [
        (
            "certifications/kit_apprentissage_20231218.csv",
            "Fiche ACTIVE/INACTIVE",
            {"sep": ";", "encoding": "utf-8-sig"},
        ),
        (
            "certifications/rncp_2021/rncp_voix_acces.v1.4.csv.gz",
            "code_libelle",
            {"sep": ";", "encoding": "cp1252"},
        ),
        (
            "certifications/bcn/vFormationDiplome.csv.gz",
            "DATE_FERMETURE",
            {"sep": ";", "encoding": "utf-8-sig"},
        ),
    ],
)
@pytest.mark.source
@needs_sources
def test_a_removed_column_fails_naming_the_file(tmp_path: Path, relative, column, read):
    root = tmp_path / "sources"
    _mirror(SHARED, root, Path(relative).parts)
    frame = pd.read_csv(SHARED / relative, dtype=str, keep_default_na=False, **read)
    frame.drop(columns=[column]).to_csv(root / relative, index=False, **read)
    with pytest.raises(SourceFormatError, match=column) as caught:
        build_certifications(Sources(root))
    assert caught.value.file == relative


def _mirror(source: Path, copy: Path, parts: tuple[str, ...]) -> None:
    """Symlink everything under ``source`` into ``copy`` except the path ``parts``."""
    copy.mkdir()
    for entry in source.iterdir():
        if entry.name != parts[0]:
            (copy / entry.name).symlink_to(entry)
        elif len(parts) > 1:
            _mirror(entry, copy / entry.name, parts[1:])


def test_a_broken_onisep_file_fails_naming_it(tiny_sources: Sources):
    path = tiny_sources.root / "onisep" / "Onisep_Ideo_Fiches_metiers_25062024.xml.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Onisep_Ideo_Fiches_metiers_25062024.xml", "<metiers><metier>")
    with pytest.raises(SourceFormatError, match="Onisep_Ideo_Fiches_metiers"):
        build_certifications(tiny_sources)
