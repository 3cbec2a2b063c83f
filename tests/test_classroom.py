"""Reading a counsellor's class file: encodings, separators, column names, bad lines, limits."""

from __future__ import annotations

import codecs
import doctest

import pytest

from recommender import class_fields, classroom
from recommender.classroom import MAX_BYTES, read_class
from recommender.errors import ClassFileError, ClassTooLarge

HEADER = "identifiant;niveau;centres_interet;commune;rayon_km;voies;public"


def _read(text: str, encoding: str = "utf-8", max_pupils: int = 200) -> classroom.ClassList:
    return read_class(text.encode(encoding), max_pupils=max_pupils)


def test_a_valid_class_in_utf8_with_bom() -> None:
    data = (
        codecs.BOM_UTF8
        + (
            f"{HEADER}\nLéa;3e;plasturgie|chimie;Saint-Quentin;25;scolaire|apprentissage;eleve\n"
            ";CAP;coiffure;Amiens;;;\n"
        ).encode()
    )
    pupils = read_class(data)
    assert pupils.rejected == []
    first, second = pupils.pupils
    assert (first.line, first.name) == (2, "Léa")
    assert first.profile.interests == ("plasturgie", "chimie")
    assert first.profile.place == "Saint-Quentin"
    assert first.profile.radius_km == 25
    assert first.profile.voies == ("scolaire", "apprentissage")
    # no identifiant: numbered by position; missing optional values take their defaults
    assert (second.line, second.name) == (3, "Élève 2")
    assert (second.profile.radius_km, second.profile.voies) == (30.0, ())
    assert second.profile.audience == "eleve"


def test_excel_french_file_commas_windows_1252_and_synonyms() -> None:
    text = (
        "Prénom,Niveau actuel,Centres d'intérêt,Ville,Rayon,Voie,Statut,Internat\r\n"
        "Inès,3e,cuisine;pâtisserie,Château-Thierry,40 km,Alternance,collégienne,oui\r\n"
    )
    [pupil] = _read(text, "cp1252").pupils
    assert pupil.name == "Inès"
    assert pupil.profile.interests == ("cuisine", "pâtisserie")
    assert pupil.profile.place == "Château-Thierry"
    assert pupil.profile.radius_km == 40
    assert pupil.profile.voies == ("apprentissage",)
    assert pupil.profile.audience == "eleve"
    assert pupil.profile.boarding is True


def test_each_bad_line_is_reported_with_its_column_and_the_others_kept() -> None:
    text = (
        f"{HEADER}\n"
        "Léa;3e;plasturgie;Saint-Quentin;30;;\n"
        "Max;bac+9;;Laon;;;\n"
        "Noé;3e;soudure;;mille;avion;robot\n"
        "\n"
        "Jade;terminale;chimie;Amiens\n"
    )
    pupils = _read(text)
    assert [(p.line, p.name) for p in pupils.pupils] == [(2, "Léa"), (6, "Jade")]
    problems = [(r.line, r.name, r.field) for r in pupils.rejected]
    assert problems == [
        (3, "Max", "niveau"),
        (3, "Max", "centres_interet"),
        (4, "Noé", "commune"),
        (4, "Noé", "rayon_km"),
        (4, "Noé", "voies"),
        (4, "Noé", "public"),
    ]
    reasons = {r.field: r.reason for r in pupils.rejected}
    assert reasons["niveau"].startswith("niveau inconnu « bac+9 » ; valeurs acceptées : 4e, 3e")
    assert reasons["centres_interet"].startswith("centres d'intérêt manquants")
    assert reasons["commune"].startswith("commune manquante")
    assert "« mille »" in reasons["rayon_km"] and "entre 1 et 300" in reasons["rayon_km"]
    assert reasons["voies"].startswith("voie inconnue « avion »")
    assert reasons["public"].startswith("public inconnu « robot »")
    assert pupils.lines == 4  # the blank line is no pupil


def test_a_line_cut_short_keeps_its_first_values_and_a_stray_separator_is_reported() -> None:
    text = f"{HEADER}\nLéa;3e;plasturgie;Laon\nHugo;3e;soudure;Chauny;30;;;en trop\n"
    pupils = _read(text)
    assert [p.name for p in pupils.pupils] == ["Léa"]
    [stray] = pupils.rejected
    assert stray.line == 3 and "8 cellules pour 7 colonnes" in stray.reason


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"nom_complet;niveau\nx;3e\n", "colonne « nom_complet » : champ inconnu"),
        (b"niveau;commune\n3e;Laon\n", "colonne « centres_interet » : colonne obligatoire"),
        (f"{HEADER}\n".encode(), "aucun élève"),
        (b"", "fichier vide"),
        (codecs.BOM_UTF16_LE + "niveau".encode("utf-16-le"), "UTF-16"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(data: bytes, expected: str) -> None:
    with pytest.raises(ClassFileError) as raised:
        read_class(data)
    assert expected in str(raised.value)
    assert raised.value.problems


def test_a_class_too_large_is_refused_with_the_limit() -> None:
    rows = "".join(f"Élève{n};3e;soudure;Laon;;;\n" for n in range(11))
    with pytest.raises(ClassTooLarge) as raised:
        _read(f"{HEADER}\n{rows}", max_pupils=10)
    assert str(raised.value).startswith("11 élèves dans le fichier : 10 au plus par envoi")
    with pytest.raises(ClassTooLarge, match="ko au plus par envoi"):
        read_class(b"x" * (MAX_BYTES + 1))


def test_module_examples_run() -> None:
    for module in (classroom, class_fields):
        assert doctest.testmod(module).failed == 0
