"""Shared fixtures: a tiny catalogue checkable by eye, and both database backends."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from recommender.schema import CATALOGUE_TABLES, conform
from recommender.store import create_engine

PROJECT = Path(__file__).resolve().parents[1]
BUNDLED = PROJECT / "data"
SHARED_DATA = PROJECT.parent / "shared" / "data"
POSTGRES_URL = os.environ.get(
    "ORIENTATION_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def tiny_tables() -> dict[str, pd.DataFrame]:
    """Two communes, two jobs, two certifications, two establishments, three formations,
    two open days of lycée Condorcet."""
    raw: dict[str, list[dict[str, object]]] = {
        "communes": [
            dict(
                insee="02691",
                name="Saint-Quentin",
                kind="commune",
                postcodes="02100",
                departement="02",
                departement_name="Aisne",
                academie="20",
                academie_name="Amiens",
                region="32",
                region_name="Hauts-de-France",
                latitude=49.847,
                longitude=3.278,
                population=53_000,
            ),
            dict(
                insee="80021",
                name="Amiens",
                kind="commune",
                postcodes="80000 80080 80090",
                departement="80",
                departement_name="Somme",
                academie="20",
                academie_name="Amiens",
                region="32",
                region_name="Hauts-de-France",
                latitude=49.894,
                longitude=2.296,
                population=133_000,
            ),
        ],
        "jobs": [
            dict(
                code_rome="H3201",
                label="Plasturgiste",
                domaine="H32",
                domaine_label="Plastique, caoutchouc",
                grand_domaine="H",
                grand_domaine_label="Industrie",
                riasec_major="R",
                riasec_minor="C",
                definition="Fabrique des pièces en plastique.",
            ),
            dict(
                code_rome="H2913",
                label="Soudeur / Soudeuse",
                domaine="H29",
                domaine_label="Mécanique, travail des métaux et outillage",
                grand_domaine="H",
                grand_domaine_label="Industrie",
                riasec_major="R",
                riasec_minor=None,
                definition=None,
            ),
        ],
        "job_titles": [
            dict(
                code_ogr="1",
                label="Régleur / Régleuse en plasturgie",
                label_short="Régleur en plasturgie",
                code_rome="H3201",
            ),
        ],
        "interests": [
            dict(code="1", label="J'ai envie de créer, construire, rénover", definition=None)
        ],
        "job_interests": [dict(interest_code="1", code_rome="H3201", principal=True)],
        "job_mobility": [dict(code_rome="H3201", code_rome_target="H2913", rank=1)],
        "job_skills": [
            dict(
                code_rome="H3201",
                skill_code="100",
                label="Régler une presse",
                category="savoir_faire",
                core=True,
            )
        ],
        "job_sectors": [
            dict(
                code_rome="H3201",
                naf_division="22",
                sector_label="Fabrication de produits en caoutchouc et en plastique",
            )
        ],
        "naf_codes": [
            dict(naf="22.21Z", label="Fabrication de plaques en plastique", naf_division="22")
        ],
        "nsf_specialties": [dict(code="225", label="Plasturgie, matériaux composites")],
        "certifications": [
            dict(
                cert_id="40025005",
                cfd="40025005",
                rncp="RNCP35474",
                label="Plastiques et composites",
                type="BAC PRO",
                type_label="Bac pro",
                level=4,
                rome_codes="H3201",
                nsf="225",
                access_school=True,
                access_apprenticeship=True,
                access_continuing=False,
                access_professionalisation=False,
                access_vae=True,
                active=True,
                source="bcn",
                description="On y apprend à régler et conduire des machines de plasturgie.",
            ),
            dict(
                cert_id="RNCP1",
                cfd=None,
                rncp="RNCP1",
                label="Soudeur",
                type="TP",
                type_label="Titre professionnel",
                level=3,
                rome_codes="",
                nsf="254",
                access_school=False,
                access_apprenticeship=False,
                access_continuing=True,
                access_professionalisation=True,
                access_vae=True,
                active=True,
                source="rncp",
                description=None,
            ),
        ],
        "cert_blocs": [dict(rncp="RNCP1", bloc_code="RNCP1BC01", label="Souder à plat")],
        "establishments": [
            dict(
                uai="0020079A",
                name="Lycée Condorcet",
                kind="lycee_pro",
                siret=None,
                insee="02691",
                commune_name="Saint-Quentin",
                latitude=49.85,
                longitude=3.29,
                location_precision="exact",
                onisep_id=None,
                source="voie_pro_2022",
            ),
            dict(
                uai="0801344B",
                name="Université de Picardie Jules Verne",
                kind="universite",
                siret=None,
                insee="80021",
                commune_name="Amiens",
                latitude=49.894,
                longitude=2.296,
                location_precision="commune",
                onisep_id=None,
                source="parcoursup_2025",
            ),
        ],
        "formations": [
            dict(
                formation_id="0020079A-40025005-scolaire",
                uai="0020079A",
                cert_id="40025005",
                cfd="40025005",
                rncp="RNCP35474",
                voie="scolaire",
                label="Bac pro Plastiques et composites",
                level=4,
                capacity=24,
                demand=30,
                insee="02691",
                latitude=49.85,
                longitude=3.29,
                location_precision="exact",
                employment_rate_6m=0.5,
                employment_rate_12m=None,
                continuation_rate=0.4,
                outcomes_vintage="2022",
                source="voie_pro_2022",
                vintage="2022",
            ),
            dict(
                formation_id="0020079A-40025005-apprentissage",
                uai="0020079A",
                cert_id="40025005",
                cfd="40025005",
                rncp="RNCP35474",
                voie="apprentissage",
                label="Bac pro Plastiques et composites",
                level=4,
                capacity=None,
                demand=None,
                insee="02691",
                latitude=49.85,
                longitude=3.29,
                location_precision="exact",
                employment_rate_6m=None,
                employment_rate_12m=None,
                continuation_rate=None,
                outcomes_vintage=None,
                source="apprentissage_2020",
                vintage="2020",
            ),
            dict(
                formation_id="0801344B-RNCP1-scolaire",
                uai="0801344B",
                cert_id="RNCP1",
                cfd=None,
                rncp="RNCP1",
                voie="scolaire",
                label="Soudeur",
                level=3,
                capacity=None,
                demand=None,
                insee="80021",
                latitude=49.894,
                longitude=2.296,
                location_precision="commune",
                employment_rate_6m=None,
                employment_rate_12m=None,
                continuation_rate=None,
                outcomes_vintage=None,
                source="parcoursup_2025",
                vintage="2025",
            ),
        ],
        "open_days": [
            dict(
                uai="0020079A",
                text="Le 8 mars 2025 de 9h00 à 12h00 (Plus d'info : https://condorcet.example.fr/jpo)",
                start_date="2025-03-08",
                end_date=None,
                url="https://condorcet.example.fr/jpo",
                vintage="2025",
            ),
            dict(
                uai="0020079A",
                text="Date(s) indicative(s) des Journées portes ouvertes précédentes : "
                "le 23/03/2024",
                start_date="2024-03-23",
                end_date=None,
                url=None,
                vintage="2025",
            ),
        ],
    }
    return {t.name: conform(pd.DataFrame(raw[t.name]), t) for t in CATALOGUE_TABLES}


TINY_CAMPUS = """
[[campus]]
id = "plasturgie-test"
name = "Campus de test plasturgie"
sector = "Plasturgie"
seat_insee = "02691"
[campus.territory]
departements = ["02"]
[campus.perimeter]
rome_domains = ["H32"]
nsf = []
"""


def write_bundle(
    folder: Path, tables: dict[str, pd.DataFrame], campuses: str = TINY_CAMPUS
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "campuses.toml").write_text(campuses, encoding="utf-8")
    return folder


@pytest.fixture
def tiny_bundle(tmp_path: Path) -> Path:
    return write_bundle(tmp_path / "bundle", tiny_tables())


def _postgres_engine() -> Iterator[Engine]:
    """An engine on the real PostgreSQL server, confined to a throw-away schema."""
    admin = sa.create_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("select 1"))
    except sa.exc.OperationalError as error:
        admin.dispose()
        pytest.skip(f"PostgreSQL injoignable à {POSTGRES_URL} : {error.orig}")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'create schema "{schema}"'))
    engine = sa.create_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'drop schema "{schema}" cascade'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same store tests run on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        sqlite_engine = create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
        yield sqlite_engine
        sqlite_engine.dispose()
    else:
        yield from _postgres_engine()


@pytest.fixture
def bundled_copy(tmp_path: Path) -> Path:
    """A copy of the real bundled data folder, safe to mutilate."""
    target = tmp_path / "data"
    shutil.copytree(BUNDLED, target, ignore=shutil.ignore_patterns("build", "__pycache__", "*.py"))
    return target
