"""Continuing-education sessions: LHEO 2.2 and CSV imports, the store, the catalogue, suggestions.

The LHEO fixture is the real ONISEP record of the BTS « négociation et relation client »
at the lycée de Kerneuzec in Quimperlé (2015–2017), copied from ../shared/data/fixtures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from recommender import store
from recommender.catalogue import Catalogue, load_catalogue
from recommender.engine import Engine as Recommender
from recommender.errors import ImportRejected, SourceFormatError
from recommender.model import MatchingModel
from recommender.offers import places_from_communes
from recommender.profile import Profile
from recommender.recommend import recommend
from recommender.sessions import SessionImport, read_sessions
from recommender.settings import Settings
from tests.conftest import BUNDLED, PROJECT

FIXTURE = PROJECT / "tests" / "fixtures" / "lheo_exemple_bts.xml"
SESSION_ID = "onisep-9436_18706-9436_18706-9436_18706"
FORMATION_ID = "SIRET:19290076900014-32031210-formation_continue"


@pytest.fixture(scope="module")
def certifications() -> pd.DataFrame:
    return pd.read_parquet(BUNDLED / "certifications.parquet")


@pytest.fixture(scope="module")
def places() -> dict[str, tuple[float | None, float | None]]:
    return places_from_communes(pd.read_parquet(BUNDLED / "communes.parquet"))


@pytest.fixture
def read(certifications, places):  # type: ignore[no-untyped-def]
    def read_file(path: Path, source: str = "onisep") -> SessionImport:
        return read_sessions(path, source=source, certifications=certifications, places=places)

    return read_file


def test_the_lheo_fixture_is_one_session_with_its_facts(read) -> None:  # type: ignore[no-untyped-def]
    result = read(FIXTURE)
    assert result.imported == 1 and result.rejected == [] and result.rejected_records == 0
    session = result.sessions.iloc[0]
    assert session["session_id"] == SESSION_ID
    assert session["title"] == "BTS négociation et relation client"
    # RNCP474 is not in the referential: found by its label, the BCN's BTS NRC (level 5).
    assert (session["cert_id"], session["cert_match"], session["cert_type"]) == (
        "32031210",
        "label",
        "BTS",
    )
    assert session["rncp"] == "RNCP474"
    assert session["level"] == 5  # LHEO code-niveau-sortie 6 = « niveau III (BTS, DUT) »
    assert session["rome_codes"] == "D1402 D1403 D1408" and session["nsf"] == "312"
    assert session["provider_name"] == "Lycée Kerneuzec"
    assert session["provider_siret"] == "19290076900014"
    assert session["insee"] == "29233" and session["location_precision"] == "exact"
    assert (session["latitude"], session["longitude"]) == (47.882108, -3.5526545)
    assert (session["start_date"], session["end_date"]) == ("2015-09-01", "2017-08-31")
    assert session["duration_text"] == "2 ans" and pd.isna(session["duration_hours"])
    assert session["schedule"] == "Temps plein"
    assert session["teaching_mode"] == "presentiel"  # modalites-enseignement 0
    assert pd.isna(session["entry_level"])  # code-niveau-entree 0: not said
    assert session["url"] == "http://lyceedekerneuzec.fr"
    assert session["description"].startswith("A la fois vendeur, manager et commercial")
    assert "<p>" not in session["description"]


def test_the_fixture_is_stored_and_reimporting_it_duplicates_nothing(
    engine: Engine, tiny_bundle: Path, read
) -> None:  # type: ignore[no-untyped-def]
    load_catalogue(engine, tiny_bundle, tiny_bundle / "campuses.toml")
    sessions = read(FIXTURE).sessions
    assert store.replace_sessions(engine, sessions, source="onisep") == 1
    assert store.replace_sessions(engine, sessions, source="onisep") == 1
    other = sessions.assign(session_id="autre-1", source="autre")
    store.replace_sessions(engine, other, source="autre")
    stored = store.read_sessions_table(engine)
    assert stored["source"].value_counts().to_dict() == {"onisep": 1, "autre": 1}
    assert stored.set_index("session_id").loc[SESSION_ID, "start_date"] == "2015-09-01"
    # A catalogue reload replaces the catalogue tables, not the imported sessions.
    load_catalogue(engine, tiny_bundle, tiny_bundle / "campuses.toml", force=True)
    assert len(store.read_sessions_table(engine)) == 2


def test_a_certification_the_catalogue_lacks_keeps_the_feeds_codes(
    engine: Engine, tiny_bundle: Path, read
) -> None:  # type: ignore[no-untyped-def]
    # The tiny catalogue has neither the BTS nor Quimperlé's training body.
    load_catalogue(engine, tiny_bundle, tiny_bundle / "campuses.toml")
    store.replace_sessions(engine, read(FIXTURE).sessions, source="onisep")
    catalogue = Catalogue.from_store(engine)
    formation = catalogue.tables["formations"].set_index("formation_id")
    own_id = "SIRET:19290076900014-RNCP474-formation_continue"
    assert formation.loc[own_id, "voie"] == "formation_continue"
    assert formation.loc[own_id, "vintage"] == "2015-2017"
    certification = catalogue.tables["certifications"].set_index("cert_id").loc["RNCP474"]
    assert certification["label"] == "BTS négociation et relation client"
    assert certification["rome_codes"] == "D1402 D1403 D1408"
    assert (certification["type"], certification["level"], certification["nsf"]) == (
        "BTS",
        5,
        "312",
    )
    assert bool(certification["access_continuing"])
    body = catalogue.tables["establishments"].set_index("uai").loc["SIRET:19290076900014"]
    assert (body["name"], body["kind"], body["insee"]) == ("Lycée Kerneuzec", "organisme", "29233")
    assert list(catalogue.sessions["formation_id"]) == [own_id]
    assert catalogue.counts()["sessions_by_source"] == {"onisep": 1}


def _lheo(*formations: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://www.lheo.org/2.2">\n'
        f"<offres>\n{''.join(formations)}</offres>\n</lheo>\n"
    )


def _formation(
    number: str,
    *,
    rncp: str = "474",
    level: str = "6",
    insee: str = "29233",
    periods: tuple[tuple[str | None, str | None], ...] = (("20270906", "20290630"),),
) -> str:
    sessions = "".join(
        f'<session numero="{number}-S{i}">\n<periode>\n'
        + (f"<debut>{start}</debut>\n" if start else "")
        + (f"<fin>{end}</fin>\n" if end else "")
        + "</periode>\n</session>\n"
        for i, (start, end) in enumerate(periods, start=1)
    )
    return (
        f'<formation numero="{number}">\n'
        "<domaine-formation>\n<code-NSF>312</code-NSF>\n<code-ROME>D1402</code-ROME>\n"
        "</domaine-formation>\n"
        "<intitule-formation>BTS négociation et relation client</intitule-formation>\n"
        "<objectif-formation>&lt;p&gt;Vendre et négocier.&lt;/p&gt;</objectif-formation>\n"
        f"<certification>\n<code-RNCP>{rncp}</code-RNCP>\n</certification>\n"
        f"<code-niveau-sortie>{level}</code-niveau-sortie>\n"
        f'<action numero="{number}-A">\n<rythme-formation>Cours du soir</rythme-formation>\n'
        "<modalites-enseignement>1</modalites-enseignement>\n"
        "<lieu-de-formation>\n<coordonnees>\n<adresse>\n"
        f"<code-INSEE-commune>{insee}</code-INSEE-commune>\n</adresse>\n</coordonnees>\n"
        "</lieu-de-formation>\n<nombre-heures-total>1350</nombre-heures-total>\n"
        f"{sessions}</action>\n"
        "<organisme-formation-responsable>\n<SIRET-organisme-formation>\n"
        "<SIRET>19290076900014</SIRET>\n</SIRET-organisme-formation>\n"
        "<nom-organisme>GRETA de Bretagne Sud</nom-organisme>\n"
        "</organisme-formation-responsable>\n</formation>\n"
    )


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_broken_records_are_each_reported_and_the_valid_ones_imported(read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = _lheo(
        _formation("F1"),
        _formation("F2", periods=((None, "20290630"), ("20270906", "20270601"))),
        _formation("F3", insee="99999"),
        _formation("F4", level="12"),
        _formation("F5", rncp="RNCP-QUATRE", periods=(("20270906", None), ("20280904", None))),
        _formation("F6", periods=(("20270906", "20290630"), ("20280904", "99999999"))),
    )
    path = tmp_path / "carif.xml"
    path.write_text(text, encoding="utf-8")
    result = read(path, "carif")
    assert list(result.sessions["session_id"]) == [
        "carif-F1-F1-A-F1-S1",
        "carif-F6-F6-A-F6-S1",
        "carif-F6-F6-A-F6-S2",
    ]
    assert result.rejected_records == 6  # F2: 2 sessions; F3, F4: 1 each; F5: 2 (said once)
    said = [(e.line, e.record, e.field, e.reason) for e in result.rejected]
    f2_session = _line_of(text, 'session numero="F2-S1"')
    assert said == [
        (
            f2_session,
            "formation 2, action 1, session 1",
            "periode/debut",
            "valeur obligatoire absente",
        ),
        (
            _line_of(text, 'session numero="F2-S2"'),
            "formation 2, action 1, session 2",
            "periode/fin",
            "fin le 2027-06-01, avant le début (2027-09-06)",
        ),
        (
            _line_of(text, 'action numero="F3-A"'),
            "formation 3, action 1",
            "lieu-de-formation/…/code-INSEE-commune",
            "commune « 99999 » inconnue",
        ),
        (
            _line_of(text, 'formation numero="F4"'),
            "formation 4",
            "code-niveau-sortie",
            "code de niveau « 12 » absent du dictionnaire LHEO 2.2 (dict-niveaux : 0 à 8)",
        ),
        (
            _line_of(text, 'formation numero="F5"'),
            "formation 5",
            "certification/code-RNCP",
            "code RNCP « RNCP-QUATRE » mal formé (attendu : des chiffres, p. ex. 38368 ou "
            "RNCP38368)",
        ),
    ]
    assert str(result.rejected[0]) == (
        f"carif.xml, ligne {f2_session} (formation 2, action 1, session 1), "
        "champ « periode/debut » : valeur obligatoire absente"
    )
    valid = result.sessions.set_index("session_id").loc["carif-F6-F6-A-F6-S2"]
    assert pd.isna(valid["end_date"])  # 99999999: end not fixed
    assert (valid["schedule"], valid["teaching_mode"], valid["duration_hours"]) == (
        "Cours du soir",
        "mixte",
        1350,
    )
    assert valid["location_precision"] == "commune"  # no coordinates: the commune's centre


def test_malformed_xml_imports_nothing(engine: Engine, read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store.replace_sessions(engine, read(FIXTURE).sessions, source="onisep")
    broken = tmp_path / "tronque.xml"
    broken.write_text(_lheo(_formation("F1")).replace("</action>", "", 1), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        store.replace_sessions(engine, read(broken).sessions, source="onisep")
    assert caught.value.line is not None
    assert "XML mal formé" in str(caught.value) and "rien n'a été importé" in str(caught.value)
    assert list(store.read_sessions_table(engine)["session_id"]) == [SESSION_ID]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('<?xml version="1.0"?><lheo xmlns="http://www.lheo.org/2.3"><offres/></lheo>', "2.3"),
        ("<catalogue><formation/></catalogue>", "catalogue"),
        ("", "XML mal formé"),
    ],
)
def test_xml_that_is_not_lheo_22_is_refused(
    read, tmp_path: Path, content: str, expected: str
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "autre.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceFormatError, match=expected):
        read(path)


def test_a_file_without_one_valid_session_imports_nothing(read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "vide.xml"
    path.write_text(_lheo(_formation("F1", insee="99999")), encoding="utf-8")
    with pytest.raises(ImportRejected, match="commune « 99999 » inconnue"):
        read(path)


CSV = (
    "id;title;rncp;level;rome_codes;provider_name;provider_siret;insee;start_date;end_date;"
    "duration_hours;schedule;teaching_mode;entry_level;description\n"
    "S1;Titre professionnel conseiller de vente;RNCP37098;4;D1214;GRETA Cornouaille;;29233;"
    "2027-01-11;2027-07-09;910;temps plein;présentiel;3;<b>Vendre</b> en magasin\n"
    "S2;TP conseiller de vente;;4;;GRETA Cornouaille;;29233;2027-09-06;;;temps partiel;"
    "à distance;;\n"
    "S3;Préparation aux métiers de la vente en boutique;;;D1214 D1211;AFPA Quimper;;29232;"
    "2027-03-01;2027-04-30;;;mixte;0;\n"
    "S4;Titre professionnel conseiller de vente;;4;;GRETA Cornouaille;;29233;;2027-07-09;;;;;\n"
    "S5;Titre professionnel conseiller de vente;;9;;GRETA Cornouaille;;29233;2027-01-11;;;;;;\n"
    "S6;Titre professionnel conseiller de vente;RNCP 37O98;4;;GRETA Cornouaille;;00000;"
    "2027-01-11;;;;;;\n"
    "S7;Titre professionnel conseiller de vente;;4;;GRETA Cornouaille;12345678901234;29233;"
    "11/01/2027;;;;en ligne;;\n"
)


def test_a_csv_reports_each_bad_line_and_imports_the_others(read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sessions.csv"
    path.write_bytes(CSV.encode("cp1252"))
    result = read(path, "greta")
    sessions = result.sessions.set_index("session_id")
    assert list(sessions.index) == ["greta-S1", "greta-S2", "greta-S3"]
    assert sessions.loc["greta-S1", ["cert_id", "cert_match"]].tolist() == ["46T31203", "rncp"]
    assert sessions.loc["greta-S2", ["cert_id", "cert_match"]].tolist() == ["46T31203", "label"]
    assert pd.isna(sessions.loc["greta-S3", "cert_id"])  # nothing in the referential says it
    assert sessions.loc["greta-S1", "description"] == "Vendre en magasin"
    assert sessions.loc["greta-S1", "teaching_mode"] == "presentiel"
    assert sessions.loc["greta-S2", "teaching_mode"] == "distance"
    assert sessions.loc["greta-S3", "entry_level"] == 0
    said = [(e.line, e.field, e.reason) for e in result.rejected]
    assert said == [
        (5, "start_date", "valeur obligatoire absente"),
        (6, "level", "9 hors de l'intervalle [3, 8]"),
        (
            7,
            "rncp",
            "code RNCP « RNCP 37O98 » mal formé (attendu : des chiffres, p. ex. "
            "38368 ou RNCP38368)",
        ),
        (7, "insee", "commune « 00000 » inconnue"),
        (
            8,
            "provider_siret",
            "SIRET « 12345678901234 » invalide : clé de contrôle fausse (faute de frappe ?)",
        ),
        (8, "start_date", "date « 11/01/2027 » au format AAAA-MM-JJ ou AAAAMMJJ attendue"),
        (
            8,
            "teaching_mode",
            "modalité « en ligne » inconnue ; attendues : presentiel, mixte, distance",
        ),
    ]
    assert result.rejected_records == 4


def test_a_csv_with_an_unknown_column_imports_nothing(read, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sessions.csv"
    path.write_text("title;provider_name;insee;start_date;prix\nA;B;29233;2027-01-11;10\n")
    with pytest.raises(ImportRejected) as caught:
        read(path)
    assert [(e.line, e.field) for e in caught.value.errors] == [(1, "prix")]


@pytest.fixture(scope="module")
def catalogue(certifications, places, tmp_path_factory: pytest.TempPathFactory) -> Catalogue:  # type: ignore[no-untyped-def]
    fixture = read_sessions(FIXTURE, source="onisep", certifications=certifications, places=places)
    folder = tmp_path_factory.mktemp("upcoming")
    (folder / "greta.csv").write_text(CSV.split("S2;")[0], encoding="utf-8")
    upcoming = read_sessions(
        folder / "greta.csv", source="greta", certifications=certifications, places=places
    )
    sessions = pd.concat([fixture.sessions, upcoming.sessions], ignore_index=True)
    return Catalogue.from_bundle(BUNDLED, BUNDLED / "campuses.toml", sessions=sessions)


@pytest.fixture(scope="module")
def recommender(catalogue: Catalogue) -> Recommender:
    return Recommender(catalogue, MatchingModel.load(PROJECT / "models" / "matching.json"))


ADULT = Profile(
    level="bac",
    interests=("vente relation client",),
    place="Quimperlé",
    audience="adulte",
    voies=("formation_continue", "scolaire", "apprentissage"),
)


def test_the_session_is_a_continuing_education_formation_of_the_real_catalogue(
    catalogue: Catalogue,
) -> None:
    formation = catalogue.tables["formations"].set_index("formation_id").loc[FORMATION_ID]
    assert (formation["voie"], formation["cert_id"], formation["level"]) == (
        "formation_continue",
        "32031210",
        5,
    )
    assert (formation["insee"], formation["source"], formation["vintage"]) == (
        "29233",
        "onisep",
        "2015-2017",
    )
    sessions = catalogue.formation_sessions(FORMATION_ID, today=date(2026, 9, 1))
    assert [(s["start_date"], s["end_date"], s["status"]) for s in sessions] == [
        ("2015-09-01", "2017-08-31", "past")
    ]
    # The GRETA's session starts after that day: to come.
    greta = catalogue.sessions.set_index("session_id").loc["greta-S1", "formation_id"]
    assert catalogue.formation_sessions(greta, today=date(2026, 9, 1))[0]["status"] == "upcoming"


def test_an_adult_near_quimperle_who_likes_selling_is_offered_it_with_its_dates(
    recommender: Recommender,
) -> None:
    result = recommend(recommender, ADULT, k=10, offers_k=0)
    ids = [s.item["formation_id"] for s in result.formations]
    assert FORMATION_ID in ids, ids
    suggestion = result.formations[ids.index(FORMATION_ID)]
    assert suggestion.item["voie"] == "formation_continue"
    assert suggestion.item["establishment"]["name"] == "Lycée Kerneuzec"
    [session] = suggestion.item["sessions"]
    assert (session["start_date"], session["end_date"]) == ("2015-09-01", "2017-08-31")
    assert (session["status"], session["status_label"]) == ("past", "passée")
    assert (session["schedule"], session["teaching_mode"], session["duration_text"]) == (
        "Temps plein",
        "presentiel",
        "2 ans",
    )
    texts = [r.text for r in suggestion.reasons]
    assert "en formation continue" in texts
    assert (
        "aucune session à venir connue (la dernière : du 01/09/2015 au 31/08/2017) ; "
        "demandez les prochaines dates à l'organisme"
    ) in texts


def test_sessions_over_http(catalogue: Catalogue, tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite'}")
    with TestClient(create_app(settings, catalogue=catalogue)) as client:
        detail = client.get(f"/v1/formations/{FORMATION_ID}")
        assert detail.status_code == 200, detail.text
        assert [s["start_date"] for s in detail.json()["sessions"]] == ["2015-09-01"]
        answer = client.post(
            "/v1/recommendations",
            json={
                "level": "bac",
                "interests": ["vente relation client"],
                "place": "Quimperlé",
                "audience": "adulte",
                "voies": ["formation_continue"],
                "offers_k": 0,
            },
        )
        assert answer.status_code == 200, answer.text
        formations = {
            f["formation"]["formation_id"]: f["formation"] for f in answer.json()["formations"]
        }
        assert formations[FORMATION_ID]["sessions"][0]["status"] == "past"
