"""NAF rév. 2 activity codes (employers' sectors).

Source: ``naf/codes_naf.json`` from npm ``@socialgouv/codes-naf`` (Apache-2.0),
itself from INSEE. The file lists every level of the nomenclature (division
``22``, group ``22.2``, class ``22.21``, sub-class ``22.21Z``); only sub-classes,
the codes employers carry, are kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from data.build.sources import Sources
from recommender.errors import SourceFormatError

NAF_FILE = "naf/codes_naf.json"
_SUBCLASS = re.compile(r"\d{2}\.\d{2}[A-Z]")
_LEVEL = re.compile(r"\d{2}(\.\d{1,2})?|\d{2}\.\d{2}[A-Z]")


def build_naf_codes(sources: Sources) -> pd.DataFrame:
    """Build the NAF sub-classes with their label and 2-digit division.

    Examples
    --------
    >>> naf = build_naf_codes(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> naf.set_index("naf").loc["22.21Z", "naf_division"]  # doctest: +SKIP
    '22'
    """
    entries = sources.read_json(NAF_FILE)
    if not isinstance(entries, list):
        raise SourceFormatError(NAF_FILE, "une liste d'objets {id, label} est attendue")
    return naf_subclasses(entries)


def naf_subclasses(entries: Sequence[object]) -> pd.DataFrame:
    """Keep the sub-classes of a list of ``{"id", "label"}`` NAF entries.

    Raises :class:`SourceFormatError` naming the entry (1-based) when one lacks
    its id or label or has an id that is no NAF level.

    Examples
    --------
    >>> naf_subclasses([{"id": "22", "label": "Plastique"},
    ...                 {"id": "22.21Z", "label": "Plaques en plastique"}]).to_dict("records")
    [{'naf': '22.21Z', 'label': 'Plaques en plastique', 'naf_division': '22'}]
    """
    rows: list[dict[str, str]] = []
    for position, entry in enumerate(entries, start=1):
        code = entry.get("id") if isinstance(entry, dict) else None
        label = entry.get("label") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not _LEVEL.fullmatch(code):
            raise SourceFormatError(
                NAF_FILE, f"entrée n° {position} : code NAF invalide {code!r}", field="id"
            )
        if not isinstance(label, str) or not label.strip():
            raise SourceFormatError(
                NAF_FILE, f"entrée n° {position} ({code}) : libellé absent", field="label"
            )
        if _SUBCLASS.fullmatch(code):
            rows.append({"naf": code, "label": label.strip(), "naf_division": code[:2]})
    return pd.DataFrame(rows, columns=["naf", "label", "naf_division"])
