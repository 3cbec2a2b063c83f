from pathlib import Path

import pandas as pd
import pytest

from recommender.errors import ImportRejected, SourceFormatError
from recommender.offers import certification_codes, places_from_communes, read_offers
from recommender.schema import OFFERS, conform

FIXTURES = Path(__file__).parent / "fixtures"
KNOWN_ROME = {"D1102", "D1104", "D1106", "I1604", "M1607"}
PLACES = {
    "02691": (49.8467, 3.2876),  # Saint-Quentin
    "01053": (46.2052, 5.2255),  # Bourg-en-Bresse
    "75115": (48.8417, 2.3000),  # Paris 15e
    "2A004": (41.9192, 8.7386),  # Ajaccio
    "97101": (None, None),  # a commune the coordinates file lacks
}
KNOWN_CERTS = certification_codes(
    pd.DataFrame(
        {
            "cert_id": ["50022137", "40022503", "40025214", "40025215"],
            "cfd": ["50022137", "40022503", "40025214", "40025215"],
            "rncp": [None, "RNCP38566", "RNCP19117", "RNCP19117"],
        }
    )
)
HEADER = "id;kind;title;code_rome;employer_name;insee;start_date;duration_months"


def read(path: Path, source: str = "cfa-test", **options) -> pd.DataFrame:
    return read_offers(
        path,
        source=source,
        known_rome=KNOWN_ROME,
        places=PLACES,
        known_certs=KNOWN_CERTS,
        **options,
    )


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def rejected(path: Path, **options) -> list[tuple[int | None, str | None]]:
    with pytest.raises(ImportRejected) as caught:
        read(path, **options)
    return [(error.line, error.field) for error in caught.value.errors]


def test_valid_csv_with_bom_and_semicolons_is_normalised():
    offers = read(FIXTURES / "offers_valid.csv")
    conform(offers, OFFERS)
    assert offers["offer_id"].tolist()[:3] == ["cfa-test-A1", "cfa-test-A2", "cfa-test-A3"]
    assert offers["kind"].tolist() == ["apprentissage", "professionnalisation", "stage", "stage"]
    assert set(offers["source"]) == {"cfa-test"}
    a2 = offers.iloc[1]
    assert a2["code_rome"] == "I1604"  # upper-cased
    assert a2["employer_name"] == "Garage de l'Ain"  # stripped
    assert a2["employer_siret"] == "73282932000074"  # spaces removed
    assert a2["naf"] == "45.20A"
    assert a2["insee"] == "01053"  # the leading zero a spreadsheet ate is restored
    assert (a2["latitude"], a2["longitude"]) == (46.2052, 5.2255)  # decimal commas read
    assert a2["description"] == "Atelier <b>moderne</b> & outillé\nsur deux lignes"  # raw HTML
    assert offers.iloc[0]["description"] == "Fabrication du pain; viennoiseries"
    assert offers.iloc[0]["level"] == 3


def test_offers_without_coordinates_are_placed_at_their_commune():
    offers = read(FIXTURES / "offers_valid.csv").set_index("insee")
    assert offers.loc["02691", "latitude"] == 49.8467
    assert offers.loc["2A004", "longitude"] == 8.7386


def test_valid_json_with_offers_key():
    offers = read(FIXTURES / "offers_valid.json")
    conform(offers, OFFERS)
    assert offers.loc[0, "offer_id"] == "cfa-test-1001"
    assert offers.loc[0, "description"] == "<script>alert('x')</script> gardé tel quel"
    assert offers.loc[0, "duration_months"] == 24
    assert offers.loc[1, "kind"] == "stage"
    assert offers["employer_siret"].isna().tolist() == [False, True]
    assert offers.loc[1, "latitude"] == 41.9192


def test_json_as_a_plain_list(tmp_path):
    path = write(
        tmp_path,
        "liste.json",
        '[{"kind": "stage", "title": "Vendeur", "code_rome": "D1106", "employer_name": "X",'
        ' "insee": "02691", "start_date": "2026-09-01", "duration_months": 2}]',
    )
    assert read(path)["title"].tolist() == ["Vendeur"]


def test_broken_csv_lists_every_bad_record_with_its_line_and_field():
    assert rejected(FIXTURES / "offers_broken.csv") == [
        (3, "kind"),
        (4, "code_rome"),
        (5, "insee"),
        (6, "start_date"),
        (7, "duration_months"),
        (8, "employer_siret"),
        (9, "url"),
        (10, "title"),
        (11, "start_date"),
        (11, "duration_months"),
        # line 12–13 is one valid record whose title spans two lines
        (14, "longitude"),
        (15, "offer_id"),
        (16, "latitude"),
    ]


def test_rejection_messages_are_french_and_name_the_value():
    with pytest.raises(ImportRejected) as caught:
        read(FIXTURES / "offers_broken.csv")
    reasons = {error.field: error.reason for error in caught.value.errors}
    assert "CDI" in reasons["kind"] and "apprentissage" in reasons["kind"]
    assert "Z9999" in reasons["code_rome"]
    assert "inexistante" in reasons["start_date"] or "AAAA-MM-JJ" in reasons["start_date"]
    assert "ligne 2" in reasons["offer_id"]
    assert "offers_broken.csv" in str(caught.value) and "rien n'a été importé" in str(caught.value)


def test_json_errors_are_numbered_by_record(tmp_path):
    path = write(
        tmp_path,
        "offres.json",
        '[{"kind": "stage", "title": "Vendeur", "code_rome": "D1106", "employer_name": "X",'
        ' "insee": "02691", "start_date": "2026-09-01", "duration_months": 2},'
        ' {"kind": "stage", "title": "Vendeur", "code_rome": "D1106", "employer_name": "X",'
        ' "insee": "02691", "start_date": "2026-09-01", "duration_months": 2.5},'
        ' "pas un objet",'
        ' {"kind": "stage", "title": ["liste"], "code_rome": "D1106", "employer_name": "X",'
        ' "insee": "02691", "start_date": "2026-09-01", "duration_months": 2, "salaire": 900}]',
    )
    assert rejected(path) == [
        (2, "duration_months"),
        (3, None),
        (4, "salaire"),
        (4, "title"),
    ]


def test_invalid_json_syntax_is_rejected(tmp_path):
    path = write(tmp_path, "offres.json", '[{"kind": "stage",]')
    with pytest.raises(ImportRejected, match="JSON invalide"):
        read(path)


def test_cp1252_csv_is_decoded(tmp_path):
    # Excel on French Windows saves "CSV (séparateur : point-virgule)" in Windows-1252
    text = (
        f"{HEADER}\nP1;stage;Pâtissier – œuvre de saison;D1104;Pâtisserie Noël;02691;2026-09-01;3\n"
    )
    offers = read(write(tmp_path, "offres.csv", text, encoding="cp1252"))
    assert offers.loc[0, "title"] == "Pâtissier – œuvre de saison"
    assert offers.loc[0, "employer_name"] == "Pâtisserie Noël"


def test_mixed_encodings_are_rejected(tmp_path):
    text = f"{HEADER}\nP1;stage;Pâtissier;D1104;X;02691;2026-09-01;3\n".encode()
    text += "P2;stage;Crêpier;D1104;X;02691;2026-09-01;3\n".encode("cp1252")
    path = tmp_path / "offres.csv"
    path.write_bytes(text)
    with pytest.raises(ImportRejected, match="encodage mixte") as caught:
        read(path)
    assert caught.value.errors[0].line == 3


def test_comma_separated_csv_is_sniffed(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        f'{HEADER.replace(";", ",")}\nP1,stage,"Vendeur, caissier",D1106,X,02691,2026-09-01,3\n',
    )
    assert read(path).loc[0, "title"] == "Vendeur, caissier"


def test_duplicate_ids_in_one_file_are_rejected(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER}\n7;stage;Vendeur;D1106;X;02691;2026-09-01;3\n"
        "8;stage;Vendeur;D1106;X;02691;2026-09-01;3\n"
        "7;stage;Caissier;D1106;Y;02691;2026-10-01;2\n",
    )
    assert rejected(path) == [(4, "offer_id")]


def test_identical_records_without_ids_are_duplicates(tmp_path):
    record = "stage;Vendeur;D1106;X;02691;2026-09-01;3"
    path = write(tmp_path, "offres.csv", f"{HEADER}\n;{record}\n;{record}\n")
    assert rejected(path) == [(3, "offer_id")]


def test_reimporting_gives_the_same_ids(tmp_path):
    first = read(FIXTURES / "offers_valid.csv")["offer_id"].tolist()
    assert read(FIXTURES / "offers_valid.csv")["offer_id"].tolist() == first
    hashed = first[3]  # the fourth record has no id: its id is a hash of its content
    assert hashed.startswith("cfa-test-") and len(hashed) == len("cfa-test-") + 16
    text = (FIXTURES / "offers_valid.csv").read_text(encoding="utf-8-sig")
    changed = write(tmp_path, "offres.csv", text.replace("2027-01-04;1;", "2027-01-04;2;"))
    assert read(changed)["offer_id"].tolist() == [*first[:3], read(changed).loc[3, "offer_id"]]
    assert read(changed).loc[3, "offer_id"] != hashed


def test_same_content_in_csv_and_json_gets_the_same_id(tmp_path):
    csv_path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER};latitude;longitude\n;Stage;  Vendeur ;d1106;X;2691;2026-09-01;3;49,85;3,29\n",
    )
    json_path = write(
        tmp_path,
        "offres.json",
        '[{"kind": "stage", "title": "Vendeur", "code_rome": "D1106", "employer_name": "X",'
        ' "insee": "02691", "start_date": "2026-09-01", "duration_months": 3,'
        ' "latitude": 49.85, "longitude": 3.29}]',
    )
    assert read(csv_path)["offer_id"].tolist() == read(json_path)["offer_id"].tolist()


@pytest.mark.parametrize("source", ["synthetic", "synthetic-2"])
def test_synthetic_source_is_reserved(source):
    with pytest.raises(ImportRejected, match="réservée") as caught:
        read(FIXTURES / "offers_valid.json", source=source)
    assert caught.value.errors[0].field == "source"


def test_source_name_must_be_a_slug():
    with pytest.raises(ImportRejected, match="invalide"):
        read(FIXTURES / "offers_valid.json", source="CFA de l'Aisne")


def test_missing_and_unknown_columns_are_reported_on_the_header(tmp_path):
    path = write(tmp_path, "offres.csv", "kind;titre;code_rome\nstage;Vendeur;D1106\n")
    errors = rejected(path)
    assert (1, "titre") in errors
    assert {(1, name) for name in ("title", "employer_name", "insee")} <= set(errors)


def test_header_names_are_forgiving(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        "ID;Kind;Title;Code ROME;Employer name;INSEE;Start date;Duration months\n"
        "1;stage;Vendeur;D1106;X;02691;2026-09-01;3\n",
    )
    assert read(path).loc[0, "offer_id"] == "cfa-test-1"


def test_a_commune_without_coordinates_leaves_them_empty(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER};latitude;longitude\n1;stage;Vendeur;D1106;X;97101;2026-09-01;3;;\n",
    )
    offers = read(path)
    assert offers["latitude"].isna().all()


def test_unknown_certification_and_level_out_of_range(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER};cert_id;level\n1;apprentissage;Boulanger;D1102;X;02691;2026-09-01;24;"
        "RNCP99999;9\n",
    )
    assert rejected(path) == [(2, "cert_id"), (2, "level")]


def test_too_long_title_is_rejected_and_long_description_truncated(tmp_path):
    long_title = "V" * 201
    path = write(
        tmp_path, "offres.csv", f"{HEADER}\n1;stage;{long_title};D1106;X;02691;2026-09-01;3\n"
    )
    assert rejected(path) == [(2, "title")]
    path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER};description\n1;stage;V;D1106;X;02691;2026-09-01;3;{'mot ' * 2000}\n",
    )
    description = str(read(path).loc[0, "description"])
    assert len(description) == 5000 and description.endswith("…")


def test_control_characters_are_removed(tmp_path):
    path = write(
        tmp_path,
        "offres.json",
        '[{"kind": "stage", "title": "Vend\\u0000eur", "code_rome": "D1106",'
        ' "employer_name": "X", "insee": "02691", "start_date": "2026-09-01",'
        ' "duration_months": 3}]',
    )
    assert read(path).loc[0, "title"] == "Vend eur"


@pytest.mark.parametrize("content", ["", "\ufeff", f"{HEADER}\n", "[]"])
def test_empty_files_are_rejected(tmp_path, content):
    name = "offres.json" if content == "[]" else "offres.csv"
    with pytest.raises(ImportRejected, match=r"vide|aucune offre"):
        read(write(tmp_path, name, content))


def test_other_extensions_are_rejected(tmp_path):
    with pytest.raises(ImportRejected, match="extension"):
        read(write(tmp_path, "offres.xlsx", "x"))


def test_places_can_be_a_function_and_built_from_communes():
    communes = pd.DataFrame(
        {
            "insee": list(PLACES),
            "latitude": [p[0] for p in PLACES.values()],
            "longitude": [p[1] for p in PLACES.values()],
        }
    )
    places = places_from_communes(communes)
    assert places["97101"] == (None, None)
    offers = read_offers(
        FIXTURES / "offers_valid.json",
        source="x",
        known_rome=KNOWN_ROME,
        places=places.get,
    )
    assert len(offers) == 2


@pytest.mark.parametrize(
    ("column", "value", "accepted"),
    [
        ("employer_siret", "73282932000074", True),
        ("employer_siret", "73282932000075", False),  # Luhn key wrong: a typo
        ("employer_siret", "35600000000048", True),  # La Poste head office: Luhn
        ("employer_siret", "35600000000015", True),  # La Poste office: digit sum multiple of 5
        ("employer_siret", "35600000000016", False),
        ("naf", "1071c", True),
        ("naf", "10.7", False),
        ("url", "https://exemple.fr/a?b=c", True),
        ("url", "ftp://exemple.fr", False),
        ("url", "https://exemple.fr/a b", False),
        ("start_date", "2026-9-1", False),
        ("start_date", "1926-09-01", False),
        ("duration_months", "0", False),
        ("duration_months", "48", True),
        ("kind", "alternance", False),  # ambiguous: apprenticeship or professionalisation
        ("kind", "Contrat d'apprentissage", True),
    ],
)
def test_single_values(tmp_path, column, value, accepted):
    values = {
        "offer_id": "1",
        "kind": "stage",
        "title": "Vendeur",
        "code_rome": "D1106",
        "employer_name": "X",
        "insee": "02691",
        "start_date": "2026-09-01",
        "duration_months": "3",
        column: value,
    }
    path = write(tmp_path, "offres.csv", ";".join(values) + "\n" + ";".join(values.values()))
    if accepted:
        assert len(read(path)) == 1
    else:
        assert rejected(path) == [(2, column)]


def test_rows_of_the_wrong_shape_are_rejected(tmp_path):
    path = write(
        tmp_path,
        "offres.csv",
        f"{HEADER}\n1;stage;Vendeur;D1106;X;02691;2026-09-01;3;;\n"  # empty trailing cells: fine
        "2;stage;Vendeur; caissier;D1106;X;02691;2026-09-01;3\n"  # unquoted separator
        "3;stage;Vendeur;D1106;X;02691\n",
    )
    assert rejected(path) == [(3, None), (4, None)]


def test_repeated_column_is_rejected(tmp_path):
    path = write(
        tmp_path, "offres.csv", f"{HEADER};title\n1;stage;V;D1106;X;02691;2026-09-01;3;W\n"
    )
    assert rejected(path) == [(1, "title")]


def test_a_certification_can_be_given_by_its_rncp_code(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "rncp.csv",
        HEADER + ";cert_id\nR1;apprentissage;Boulanger;D1102;Fournil;02691;2026-09-01;24;"
        "RNCP38566\n",
    )
    offers = read(path)
    assert offers.loc[0, "cert_id"] == "40022503"


def test_an_rncp_code_shared_by_several_diplomas_asks_for_the_cfd(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shared.csv",
        HEADER + ";cert_id\nR1;apprentissage;Boulanger;D1102;Garage;02691;2026-09-01;24;"
        "RNCP19117\n",
    )
    with pytest.raises(ImportRejected) as caught:
        read(path)
    (error,) = caught.value.errors
    assert (error.line, error.field) == (2, "cert_id")
    assert "40025214, 40025215" in error.reason


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="fichier introuvable") as caught:
        read(tmp_path / "absent.csv")
    assert caught.value.file.endswith("absent.csv")
