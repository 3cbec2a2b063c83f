"""NSF training specialties (*nomenclature des spécialités de formation*), 3-digit groups.

Source: ``certifications/bcn/n_groupe_specialite.csv`` (BCN, education ministry,
Licence Ouverte). Every certification carries one NSF group (``certifications.nsf``);
its label holds the sector words that certification labels often lack: the Bac pro
is called "Plastiques et composites", its group 225 "Plasturgie, matériaux composites".

The readable label (``LIBELLE_EDITION``: accents, no abbreviations) is kept when the
BCN gives one. The other rows (the "DO22 : TRANSFORMATIONS" domain aggregates, 999…)
only have the upper-case, abbreviated ``LIBELLE_LONG``: its "DOxx : " prefix is
dropped and it is put in sentence case. The whole nomenclature is kept (115 groups,
a few unused by the certifications) so that any NSF code can be named.
"""

from __future__ import annotations

import pandas as pd

from data.build.sources import Sources, check_pattern, raise_first_bad

NSF_GROUPS = "certifications/bcn/n_groupe_specialite.csv"
_DOMAIN_PREFIX = r"^DO\d{2}\s*:\s*"


def build_nsf_specialties(sources: Sources) -> pd.DataFrame:
    """Build the NSF groups: 3-digit code and label.

    Examples
    --------
    >>> nsf = build_nsf_specialties(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> nsf.set_index("code").loc["225", "label"]  # doctest: +SKIP
    'Plasturgie, matériaux composites'
    """
    groups = sources.read_csv(NSF_GROUPS, ["GROUPE_SPECIALITE", "LIBELLE_LONG", "LIBELLE_EDITION"])
    return nsf_specialties(groups)


def nsf_specialties(groups: pd.DataFrame) -> pd.DataFrame:
    """Code and readable label of each row of the BCN's NSF groups file.

    Raises :class:`SourceFormatError` naming the line when a code is not 3 digits,
    repeats, or has no label at all.

    Examples
    --------
    >>> nsf_specialties(pd.DataFrame({"GROUPE_SPECIALITE": ["229", "225"],
    ...     "LIBELLE_LONG": ["DO22 : TRANSFORMATIONS", "PLASTURGIE, MATERIAUX COMPOSITES"],
    ...     "LIBELLE_EDITION": [None, "Plasturgie, matériaux composites"]})).values.tolist()
    [['225', 'Plasturgie, matériaux composites'], ['229', 'Transformations']]
    """
    check_pattern(groups, NSF_GROUPS, "GROUPE_SPECIALITE", r"\d{3}")
    raise_first_bad(
        groups,
        ~groups["GROUPE_SPECIALITE"].duplicated(),
        NSF_GROUPS,
        "GROUPE_SPECIALITE",
        "code NSF en double",
    )
    long_labels = groups["LIBELLE_LONG"].str.replace(_DOMAIN_PREFIX, "", regex=True).str.strip()
    edition = groups["LIBELLE_EDITION"].str.strip()
    label = edition.where(edition.fillna("") != "", long_labels.str.capitalize())
    raise_first_bad(groups, label.fillna("") != "", NSF_GROUPS, "LIBELLE_LONG", "libellé absent")
    out = pd.DataFrame({"code": groups["GROUPE_SPECIALITE"], "label": label})
    return out.sort_values("code", ignore_index=True)
