"""Which years the data in service comes from, said in French for what people print.

The build report stored with the catalogue (``meta["build_report"]``, see
:func:`~recommender.catalogue.load_catalogue`) counts formations per source, and each
source name ends with its year (``voie_pro_2022``, ``apprentissage_2020``); a catalogue
read without it (from the bundled files) falls back on the formations' own sources.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from recommender.catalogue import Catalogue

_SOURCE = re.compile(r"^(?P<name>.+?)_(?P<year>\d{4})$")
# Each source's producer and what it lists, as a counsellor would name them.
SOURCE_LABELS = {
    "voie_pro": "Voie professionnelle au lycée : places et vœux Affelnet (ministère de "
    "l'Éducation nationale)",
    "bts": "BTS : places et vœux Parcoursup (ministère de l'Enseignement supérieur)",
    "parcoursup": "Formations post-bac de Parcoursup",
    "apprentissage": "Catalogue national des formations en apprentissage (réseau des Carif-Oref)",
    "offres_apprentissage": "Offres de formation en apprentissage (réseau des Carif-Oref)",
}


@dataclass(frozen=True)
class DataVintages:
    """The data's dates: when it was assembled, and the years of each source.

    ``sources`` holds one French line per source, e.g. "BTS : places et vœux
    Parcoursup (…) : 2022, 2023, 2024".
    """

    built_on: str | None
    sources: list[str]

    def lines(self) -> list[str]:
        """Every line to print, the assembly date last."""
        lines = list(self.sources)
        if self.built_on:
            lines.append(f"Données assemblées le {_french_date(self.built_on)}")
        return lines


def data_vintages(catalogue: Catalogue) -> DataVintages:
    """The vintages of the catalogue in service.

    Examples
    --------
    >>> catalogue = Catalogue.from_store(engine)  # doctest: +SKIP
    >>> data_vintages(catalogue).sources[0]  # doctest: +SKIP
    "Catalogue national des formations en apprentissage (réseau des Carif-Oref) : 2020"
    """
    report = json.loads(catalogue.meta.get("build_report") or "{}")
    formations = catalogue.tables["formations"]
    names = list(report.get("formations", {}).get("per_source", {}))
    if not names:
        names = sorted({s for joined in formations["source"].dropna() for s in joined.split("+")})
    sources = source_lines(names)
    outcomes = sorted(str(v) for v in formations["outcomes_vintage"].dropna().unique())
    if outcomes:
        span = outcomes[0] if len(outcomes) == 1 else f"{outcomes[0]} à {outcomes[-1]}"
        sources.append(
            f"Devenir des sortants InserJeunes (DEPP, DARES) : {span}, "
            "selon la formation (indiqué pour chacune)"
        )
    imported = sorted(str(s) for s in catalogue.sessions["source"].dropna().unique())
    if imported:
        sources.append(f"Sessions de formation continue importées : {', '.join(imported)}")
    return DataVintages(report.get("built_on"), sources)


def source_lines(names: list[str]) -> list[str]:
    """One line per source family with its years, in the order of :data:`SOURCE_LABELS`.

    Examples
    --------
    >>> lines = source_lines(["bts_2023", "bts_2022", "carif-bretagne"])
    >>> lines[0][:7], lines[0][-12:], lines[1]
    ('BTS : p', ': 2022, 2023', 'carif-bretagne')
    """
    years: dict[str, set[str]] = defaultdict(set)
    others: list[str] = []
    for name in names:
        match = _SOURCE.match(name)
        if match is None:
            others.append(name)
        else:
            years[match["name"]].add(match["year"])
    order = [n for n in SOURCE_LABELS if n in years] + sorted(set(years) - set(SOURCE_LABELS))
    lines = [f"{SOURCE_LABELS.get(n, n)} : {', '.join(sorted(years[n]))}" for n in order]
    return lines + sorted(others)


def _french_date(iso: str) -> str:
    try:
        return date.fromisoformat(iso[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return iso
