"""Jobs (ROME 4.0) and what hangs on them: titles, interests, mobility, skills, sectors.

Source: ROME 4.0 v460 of France Travail (Licence Ouverte 2.0), folder ``rome/``.
Every file is UTF-8 with quoted fields except ``arborescence_secteur_naf.csv``,
which is cp1252. ``texte.csv.gz`` escapes apostrophes SQL-style (``l''entretien``).

Known gaps, dropped and counted (logged and kept in ``frame.attrs["gaps"]``):

- ``coherence_item.csv.gz`` links jobs to items found neither in
  ``referentiel_competence`` nor in ``referentiel_savoir`` (the work contexts of
  ROME 4.0, whose referential is not among the sources);
- the "Transverse aux secteurs" pseudo-sector (code 0) of the NAF sector tree.
"""

from __future__ import annotations

import re

import pandas as pd

from data.build.sources import Sources, check_known, check_pattern, with_gaps
from recommender.errors import SourceFormatError
from recommender.text import fold

ROME_CODE = r"[A-N]\d{4}"
RIASEC = "RIASEC"
DEFINITION_MAX_CHARS = 400

_SKILL_CATEGORIES = {"Savoir-faire": "savoir_faire", "Savoir-être professionnel": "savoir_etre"}
_CORE_VALUES = {"Principale", "Émergente"}
_YES_NO = {"oui": True, "non": False}
_TRANSVERSE_SECTOR = "0"


def build_jobs(sources: Sources) -> dict[str, pd.DataFrame]:
    """Build the ROME tables: jobs, job_titles, interests and the job links.

    Examples
    --------
    >>> tables = build_jobs(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> tables["jobs"].set_index("code_rome").loc["H3201", "domaine"]  # doctest: +SKIP
    'H32'
    """
    jobs = _jobs(sources)
    known = set(jobs["code_rome"])
    interests, job_interests = _interests(sources, known)
    return {
        "jobs": jobs,
        "job_titles": _job_titles(sources, known),
        "interests": interests,
        "job_interests": job_interests,
        "job_mobility": _job_mobility(sources, known),
        "job_skills": _job_skills(sources, known),
        "job_sectors": _job_sectors(sources, known),
    }


def definition_text(sentences: list[str], max_chars: int = DEFINITION_MAX_CHARS) -> str:
    """Join a job's definition sentences, stopping at whole sentences past ``max_chars``.

    The first sentence is always kept; SQL-escaped apostrophes are undone and a
    sentence without final punctuation gets a full stop.

    Examples
    --------
    >>> definition_text(["Soude des pièces", "Contrôle l''assemblage."])
    "Soude des pièces. Contrôle l'assemblage."
    >>> definition_text(["Un.", "Deux trop long."], max_chars=5)
    'Un.'
    """
    kept: list[str] = []
    length = 0
    for raw in sentences:
        sentence = raw.replace("''", "'").strip()
        if not sentence:
            continue
        if sentence[-1] not in ".!?…":
            sentence += "."
        if kept and length + 1 + len(sentence) > max_chars:
            break
        kept.append(sentence)
        length += len(sentence) + (1 if length else 0)
    return " ".join(kept)


def _jobs(sources: Sources) -> pd.DataFrame:
    codes_file = "rome/referentiel_code_rome.csv"
    codes = sources.read_csv(codes_file, ["code_rome", "libelle_rome"], sep=",")
    check_pattern(codes, codes_file, "code_rome", ROME_CODE)
    tree_file = "rome/cr_gd_dp.csv"
    tree = sources.read_csv(
        tree_file,
        [
            "code_rome",
            "code_grand_domaine",
            "libelle_grand_domaine",
            "code_domaine_professionel",
            "libelle_domaine_professionel",
        ],
        sep=",",
    )
    riasec_file = "rome/referentiel_code_rome_riasec.csv"
    riasec = sources.read_csv(riasec_file, ["code_rome", "riasec_majeur", "riasec_mineur"], sep=",")
    for column in ("riasec_majeur", "riasec_mineur"):
        check_pattern(riasec, riasec_file, column, f"[{RIASEC}]", allow_empty=True)
    jobs = codes[["code_rome", "libelle_rome"]].merge(
        tree.drop(columns=[c for c in tree.columns if c.startswith("libelle_rome")]),
        on="code_rome",
        how="left",
    )
    orphan = jobs["code_domaine_professionel"].isna()
    if orphan.any():
        line = int(orphan.to_numpy().argmax()) + 2
        raise SourceFormatError(
            codes_file,
            f"code ROME absent de l'arborescence {tree_file}",
            line=line,
            field="code_rome",
        )
    jobs = jobs.merge(riasec, on="code_rome", how="left")
    jobs = jobs.merge(_definitions(sources), on="code_rome", how="left")
    return pd.DataFrame(
        {
            "code_rome": jobs["code_rome"],
            "label": jobs["libelle_rome"],
            "domaine": jobs["code_domaine_professionel"],
            "domaine_label": jobs["libelle_domaine_professionel"],
            "grand_domaine": jobs["code_grand_domaine"],
            "grand_domaine_label": jobs["libelle_grand_domaine"],
            "riasec_major": jobs["riasec_majeur"],
            "riasec_minor": jobs["riasec_mineur"],
            "definition": jobs["definition"],
        }
    )


def _definitions(sources: Sources) -> pd.DataFrame:
    texts_file = "rome/texte.csv.gz"
    texts = sources.read_csv(
        texts_file,
        ["code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"],
        sep=",",
    )
    texts = texts[texts["libelle_type_texte"] == "definition"].dropna(subset=["libelle_texte"])
    check_pattern(texts, texts_file, "position_phrase", r"\d+")
    texts = texts.assign(position=texts["position_phrase"].astype(int))
    texts = texts.sort_values(["code_rome", "position"])
    definitions = texts.groupby("code_rome")["libelle_texte"].agg(
        lambda s: definition_text(list(s))
    )
    return definitions.rename("definition").reset_index()


def _job_titles(sources: Sources, known: set[str]) -> pd.DataFrame:
    titles_file = "rome/referentiel_appellation.csv.gz"
    titles = sources.read_csv(
        titles_file,
        ["code_ogr", "libelle_appellation_long", "libelle_appellation_court", "code_rome"],
        sep=",",
    )
    check_known(titles, titles_file, "code_rome", known)
    return pd.DataFrame(
        {
            "code_ogr": titles["code_ogr"],
            "label": titles["libelle_appellation_long"],
            "label_short": titles["libelle_appellation_court"],
            "code_rome": titles["code_rome"],
        }
    )


def _interests(sources: Sources, known: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    categories = sources.read_csv(
        "rome/centre_interet.csv",
        ["code_centre_interet", "libelle_centre_interet", "definition_centre_interet"],
        sep=",",
    )
    interests = pd.DataFrame(
        {
            "code": categories["code_centre_interet"],
            "label": categories["libelle_centre_interet"],
            "definition": categories["definition_centre_interet"].str.strip(),
        }
    )
    links_file = "rome/arborescence_centre_interet.csv"
    links = sources.read_csv(links_file, ["code_centre_interet", "code_rome", "principal"], sep=",")
    check_known(links, links_file, "code_rome", known)
    check_known(links, links_file, "code_centre_interet", set(interests["code"]))
    check_known(links, links_file, "principal", set(_YES_NO))
    job_interests = pd.DataFrame(
        {
            "interest_code": links["code_centre_interet"],
            "code_rome": links["code_rome"],
            "principal": links["principal"].map(_YES_NO).astype(bool),
        }
    )
    return interests, job_interests


def _job_mobility(sources: Sources, known: set[str]) -> pd.DataFrame:
    mobility_file = "rome/rubrique_mobilite.csv"
    links = sources.read_csv(
        mobility_file, ["code_rome", "code_rome_cible", "numero_ordre"], sep=","
    )
    check_known(links, mobility_file, "code_rome", known)
    check_known(links, mobility_file, "code_rome_cible", known)
    check_pattern(links, mobility_file, "numero_ordre", r"\d+")
    return pd.DataFrame(
        {
            "code_rome": links["code_rome"],
            "code_rome_target": links["code_rome_cible"],
            "rank": links["numero_ordre"].astype(int),
        }
    )


def _job_skills(sources: Sources, known: set[str]) -> pd.DataFrame:
    competences_file = "rome/referentiel_competence.csv.gz"
    competences = sources.read_csv(
        competences_file, ["code_ogr", "libelle_competence", "cat_comp"], sep=","
    )
    check_known(competences, competences_file, "cat_comp", set(_SKILL_CATEGORIES))
    knowledge = sources.read_csv(
        "rome/referentiel_savoir.csv.gz", ["code_ogr_savoir", "libelle_savoir"], sep=","
    )
    items = pd.concat(
        [
            pd.DataFrame(
                {
                    "skill_code": competences["code_ogr"],
                    "label": competences["libelle_competence"],
                    "category": competences["cat_comp"].map(_SKILL_CATEGORIES),
                }
            ),
            pd.DataFrame(
                {
                    "skill_code": knowledge["code_ogr_savoir"],
                    "label": knowledge["libelle_savoir"],
                    "category": "savoir",
                }
            ),
        ],
        ignore_index=True,
    )
    links_file = "rome/coherence_item.csv.gz"
    links = sources.read_csv(links_file, ["code_rome", "code_ogr", "coeur_metier"], sep=",")
    check_known(links, links_file, "code_rome", known)
    check_known(links, links_file, "coeur_metier", _CORE_VALUES, allow_empty=True)
    skills = links.merge(items, left_on="code_ogr", right_on="skill_code", how="left")
    unknown = skills["skill_code"].isna()
    gaps = {
        "liens métier → item absent des référentiels compétences et savoirs": int(unknown.sum()),
        "items distincts absents des référentiels compétences et savoirs": int(
            skills.loc[unknown, "code_ogr"].nunique()
        ),
    }
    skills = skills[~unknown]
    # ROME 4.0 marks the core of a job as its main skills plus the emerging ones.
    out = pd.DataFrame(
        {
            "code_rome": skills["code_rome"],
            "skill_code": skills["skill_code"],
            "label": skills["label"],
            "category": skills["category"],
            "core": skills["coeur_metier"].notna(),
        }
    )
    return with_gaps(out, "job_skills", gaps)


def _job_sectors(sources: Sources, known: set[str]) -> pd.DataFrame:
    sectors_file = "rome/arborescence_secteur_naf.csv"
    links = sources.read_csv(
        sectors_file,
        ["code_secteur_naf", "libelle_secteur_naf", "code_rome"],
        sep=",",
        encoding="cp1252",
    )
    check_known(links, sectors_file, "code_rome", known)
    transverse = links["code_secteur_naf"] == _TRANSVERSE_SECTOR
    links = links[~transverse]
    check_pattern(links, sectors_file, "code_secteur_naf", r"\d{1,2}")
    # code_secteur_naf is the NAF division without its leading zero ("1" = 01):
    # proven by its label matching the division's label in the NAF referential.
    divisions = _naf_divisions(sources)
    division = links["code_secteur_naf"].str.zfill(2)
    naf_label = division.map(divisions)
    matches = [
        isinstance(official, str) and fold(official) == fold(label)
        for official, label in zip(naf_label, links["libelle_secteur_naf"], strict=True)
    ]
    if not all(matches):
        position = matches.index(False)
        raise SourceFormatError(
            sectors_file,
            f"le secteur {links['code_secteur_naf'].iloc[position]!r} "
            f"« {links['libelle_secteur_naf'].iloc[position]} » ne correspond à aucune "
            "division NAF de naf/codes_naf.json",
            line=int(links.index[position]) + 2,
            field="code_secteur_naf",
        )
    out = pd.DataFrame(
        {"code_rome": links["code_rome"], "naf_division": division, "sector_label": naf_label}
    )
    gaps = {"liens vers le pseudo-secteur « Transverse aux secteurs »": int(transverse.sum())}
    return with_gaps(out, "job_sectors", gaps)


def _naf_divisions(sources: Sources) -> dict[str, str]:
    entries = sources.read_json("naf/codes_naf.json")
    return {
        entry["id"]: entry["label"]
        for entry in entries
        if isinstance(entry, dict) and re.fullmatch(r"\d{2}", str(entry.get("id", "")))
    }
