"""Adults in retraining (recommender/routes.py, route_kinds.py) on the real referentials,
as a counsellor checks them; plus the API route and the LHEO session as a proven offer."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.errors import ProfileError
from recommender.model import MatchingModel
from recommender.offers import places_from_communes
from recommender.routes import AdultProfile, Reconversion, RetrainingAdvisor
from recommender.sessions import read_sessions
from recommender.settings import Settings
from recommender.synthetic import generate_offers_from_tables
from tests.conftest import BUNDLED, PROJECT

LHEO = PROJECT / "tests" / "fixtures" / "lheo_exemple_bts.xml"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    plain = Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml")
    offers = generate_offers_from_tables(20_000, seed=11, tables=plain.tables)
    sessions = read_sessions(
        LHEO,
        source="carif-test",
        certifications=plain.tables["certifications"],
        places=places_from_communes(plain.tables["communes"]),
    ).sessions
    return Catalogue.from_bundle(
        BUNDLED, BUNDLED / "campuses.toml", offers=offers, sessions=sessions
    )


@pytest.fixture(scope="module")
def advisor(catalogue: Catalogue) -> RetrainingAdvisor:
    engine = Engine(catalogue, MatchingModel.load(PROJECT / "models" / "matching.json"))
    return RetrainingAdvisor(engine).warm()


@pytest.fixture(scope="module")
def cariste(advisor: RetrainingAdvisor) -> Reconversion:
    return advisor.advise(
        AdultProfile(
            current_job="cariste",
            place="Saint-Quentin",
            years_experience=6,
            diploma="CAP",
            age=27,
            status="demandeur_emploi",
            k=8,
        )
    )


def test_a_forklift_driver_in_the_aisne_gets_plastics_or_metal_production_jobs(
    cariste: Reconversion,
) -> None:
    assert cariste.current.code_rome == "N1101"
    codes = [t.target.code_rome for t in cariste.targets]
    assert "N1103" in codes  # préparateur de commandes: the ROME's first link
    production = [c for c in codes if c[:3] in ("H29", "H32", "H34")]
    assert production, codes
    for item in cariste.targets:
        gap = item.target.gap
        assert 0 < gap.share < 1
        assert gap.missing
        assert any(f"{round(gap.share * 100)} %" in r.text for r in item.target.reasons)


def test_the_forklift_driver_has_a_route_of_each_kind(cariste: Reconversion) -> None:
    available = {r.kind for item in cariste.targets for r in item.routes if r.available}
    assert available == {"vae", "formation", "contrat"}
    vae = next(r for i in cariste.targets for r in i.routes if r.kind == "vae" and r.available)
    assert "cariste" in vae.summary and vae.certification is not None
    training = next(
        r for i in cariste.targets for r in i.routes if r.kind == "formation" and r.available
    )
    assert training.places and all(p.distance_km <= 30 for p in training.places if p.distance_km)
    assert all(p.evidence_text for p in training.places)
    contract = next(
        r for i in cariste.targets for r in i.routes if r.kind == "contrat" and r.available
    )
    assert "apprentissage" in contract.title  # 27 years old: still open
    assert contract.offers or contract.places


def test_every_target_lays_its_three_routes_side_by_side(cariste: Reconversion) -> None:
    for item in cariste.targets:
        assert [r.kind for r in item.routes] == ["vae", "formation", "contrat"]
        for route in item.routes:
            assert route.summary  # available or not, it says why


def test_a_35_year_old_is_not_offered_apprenticeship(advisor: RetrainingAdvisor) -> None:
    result = advisor.advise(
        AdultProfile(
            current_job="N1101",
            place="Saint-Quentin",
            years_experience=10,
            diploma="CAP",
            age=35,
            status="demandeur_emploi",
        )
    )
    assert [n.code for n in result.notices] == ["apprenticeship_closed"]
    assert "35 ans" in result.notices[0].message
    for item in result.targets:
        contract = item.routes[2]
        assert "apprentissage" not in contract.title
        assert all(offer["kind"] != "apprentissage" for offer in contract.offers)


def test_an_employee_is_pointed_to_pro_a_rather_than_a_contract(
    advisor: RetrainingAdvisor,
) -> None:
    result = advisor.advise(
        AdultProfile(current_job="cariste", place="Saint-Quentin", age=40, status="salarie", k=2)
    )
    contract = result.targets[0].routes[2]
    assert not contract.available
    assert "Pro-A" in contract.summary


def test_a_lab_technician_near_rouen_gets_biotech_and_lab_routes(
    advisor: RetrainingAdvisor,
) -> None:
    result = advisor.advise(
        AdultProfile(
            current_job="technicien de laboratoire",
            place="Rouen",
            years_experience=4,
            diploma="BTS",
            age=28,
            status="salarie",
            k=8,
        )
    )
    assert result.current.code_rome.startswith("H1")
    assert any("Biotechnologies" in r.text for t in result.targets for r in t.target.reasons)
    labs = [t for t in result.targets if "laboratoire" in t.target.label.lower()]
    assert labs
    trainings = [r for t in result.targets for r in t.routes if r.kind == "formation"]
    assert any(r.available for r in trainings)
    # Beside the chosen certification, the others of the target taught near Rouen:
    # the lab analysis BTS of the Galilée lycée is among them.
    offered = {
        cert["label"]
        for r in trainings
        for cert in (r.certification or {}, *r.alternatives)
        if cert
    }
    assert "BTS bioanalyses en laboratoire de contrôle" in offered, offered
    for route in trainings:
        assert all(alt["distance_km"] <= 30 for alt in route.alternatives)
        assert route.certification not in route.alternatives
    # "technicien de laboratoire" names three ROME jobs: the others are offered.
    assert [job.code_rome for job in result.current_alternatives] == ["H1503", "H1224"]
    ambiguous = next(n for n in result.notices if n.code == "current_job_ambiguous")
    assert "H1503" in ambiguous.message and result.current.code_rome in ambiguous.message


def test_an_exact_job_title_or_a_rome_code_is_not_ambiguous(advisor: RetrainingAdvisor) -> None:
    for text in ("cariste", "N1101", "Soudeur"):
        result = advisor.advise(AdultProfile(current_job=text, place="Saint-Quentin", k=1))
        assert result.current_alternatives == [], text
        assert all(n.code != "current_job_ambiguous" for n in result.notices)


def test_a_session_for_a_certification_no_referential_lists_is_a_route(
    catalogue: Catalogue, tmp_path: Path
) -> None:
    # A GRETA's own title, absent from RNCP and the diploma referentials, for the
    # plastics operator job (H3202) at Saint-Quentin: its session is the proof.
    path = tmp_path / "greta.csv"
    path.write_text(
        "id;title;level;rome_codes;provider_name;insee;start_date;end_date;schedule\n"
        "P1;Opérateur de production en plasturgie (titre maison);3;H3202;"
        "GRETA de l'Aisne;02691;2027-03-01;2027-09-30;temps plein\n",
        encoding="utf-8",
    )
    plain = catalogue.tables
    sessions = read_sessions(
        path,
        source="greta-02",
        certifications=plain["certifications"],
        places=places_from_communes(plain["communes"]),
    ).sessions
    assert sessions["cert_id"].isna().all()  # not in any referential
    with_session = Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml", sessions=sessions)
    engine = Engine(with_session, MatchingModel.load(PROJECT / "models" / "matching.json"))
    result = RetrainingAdvisor(engine).advise(
        AdultProfile(current_job="cariste", place="Saint-Quentin", targets=("H3202",), k=1, age=40)
    )
    training = result.targets[0].routes[1]
    assert training.available
    assert training.certification is not None
    assert training.certification["label"].startswith("Opérateur de production en plasturgie")
    assert training.places[0].evidence == "session"
    assert training.places[0].sessions[0]["start_date"] == "2027-03-01"


def test_the_imported_lheo_session_is_a_proven_route_for_a_seller_near_quimperle(
    advisor: RetrainingAdvisor,
) -> None:
    result = advisor.advise(
        AdultProfile(
            current_job="vendeur en magasin",
            place="Quimperlé",
            years_experience=3,
            diploma="bac",
            age=32,
            status="demandeur_emploi",
            targets=("D1402",),  # relation client / commercial: the BTS NRC's code
        )
    )
    training = result.targets[0].routes[1]
    assert training.available
    place = training.places[0]
    assert place.evidence == "session"
    assert place.sessions and place.sessions[0]["start_date"] == "2015-09-01"
    assert place.sessions[0]["status"] == "past"  # shown, and said to be past


def test_unknown_job_and_bad_values_are_refused_in_french(advisor: RetrainingAdvisor) -> None:
    with pytest.raises(ProfileError) as error:
        advisor.advise(AdultProfile(current_job="xqzw", place="Rouen"))
    assert error.value.field == "current_job"
    with pytest.raises(ProfileError) as error:
        AdultProfile(current_job="cariste", place="Rouen", age=12)
    assert error.value.field == "age"
    with pytest.raises(ProfileError) as error:
        advisor.advise(AdultProfile(current_job="cariste", place="Rouen", diploma="bac+12"))
    assert error.value.field == "diploma"  # as the API calls it, not the engine's "level"


def test_the_api_answers_with_targets_and_routes(catalogue: Catalogue) -> None:
    with TestClient(create_app(Settings(), catalogue=catalogue)) as client:
        body = {"current_job": "cariste", "place": "Saint-Quentin", "age": 35, "k": 3}
        response = client.post("/v1/reconversion", json=body)
        assert response.status_code == 200, response.text
        data = response.json()
        assert data["current_job"]["code_rome"] == "N1101"
        assert len(data["targets"]) == 3
        assert [r["kind"] for r in data["targets"][0]["routes"]] == ["vae", "formation", "contrat"]
        assert data["notices"][0]["code"] == "apprenticeship_closed"
        for target in data["targets"]:
            for route in target["routes"]:
                names = [(p["establishment"], p["commune"]) for p in route["places"]]
                assert len(names) == len(set(names))  # one line per establishment
        bad = client.post("/v1/reconversion", json={**body, "current_job": "xqzw"})
        assert bad.status_code in (400, 422)
        assert "métier" in bad.text
