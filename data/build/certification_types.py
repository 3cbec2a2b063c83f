"""Certification types, EU levels, access voies and NSF groups, read from each source's spelling.

The four certification sources (:mod:`data.build.certification_sources`) name the
same things differently: a BCN level category, a Certif Info type label, an RNCP
``CodeTypeCertif``; ``"04"``, ``"niveau5"`` or ``"Niveau 6"``; ``1``/``0``/``2`` or
``ELEVE``/``CONTRATA``. These helpers bring them to one short vocabulary.
"""

from __future__ import annotations

import re

from recommender.text import fold

LEVELS = range(3, 9)
ACCESS = ("school", "apprenticeship", "continuing", "professionalisation", "vae")
# fmt: off
CERTIF_INFO_ACCESS = {"fi": "school", "ca": "apprenticeship", "fc": "continuing",
                      "cp": "professionalisation", "vae": "vae"}
RNCP_ACCESS_ROUTES = {"ELEVE": "school", "CONTRATA": "apprenticeship", "PFC": "continuing",
                      "CONTRATP": "professionalisation", "EXP": "vae", "CANDIDATURE": None}

# BCN level categories that are not already a short type; the others keep their name.
_BCN_ALIASES = {
    "BAC PRO AG": "BAC PRO", "BPA4": "BPA", "BPA5": "BPA", "LIC PRO": "LP", "LIC LMD": "LICENCE",
    "MASTER PRO": "MASTER", "CS 3": "CS", "CS 4": "CS", "CSA NIV3": "CS", "CSA NIV4": "CS",
    "CSA NIV5": "CS", "BAC TEC AG": "BAC TECHNO", "BAC GENE": "BAC GENERAL",
    "BP JEPS": "BPJEPS", "DE JEPS": "DEJEPS", "DES JEPS": "DESJEPS",
}
# fmt: on
# Ordered: the first pattern found in the folded Certif Info type label wins.
_CERTIF_INFO_TYPES = (
    ("titre professionnel", "TP"),
    ("certificat de qualification professionnelle", "CQP"),
    ("autre titre inscrit sur demande", "TH"),
    ("brevet de technicien superieur agricole", "BTSA"),
    ("brevet de technicien superieur", "BTS"),
    ("bachelor universitaire de technologie", "BUT"),
    ("licence professionnelle", "LP"),
    ("baccalaureat professionnel", "BAC PRO"),
    ("certificat d aptitude professionnelle agricole", "CAPA"),
    ("certificat d aptitude professionnelle", "CAP"),
    ("brevet professionnel agricole", "BPA"),
    ("brevet professionnel de la jeunesse", "BPJEPS"),
    ("brevet professionnel", "BP"),
    ("mention complementaire", "MC"),
    ("certificat de specialisation", "CS"),
    ("diplome universitaire de technologie", "DUT"),
    ("diplome d etudes universitaires scientifiques et techniques", "DEUST"),
    ("diplome d etat superieur de la jeunesse", "DESJEPS"),
    ("diplome d etat de la jeunesse", "DEJEPS"),
    ("diplome national des metiers d art et du design", "DNMADE"),
    ("diplome des metiers d art", "DMA"),
    ("brevet des metiers d art", "BMA"),
    ("mastere specialise", "MS"),
    ("ingenieur", "ING"),
    ("doctorat", "DOCTORAT"),
)
_CERTIF_INFO_EXACT = {"licence": "LICENCE", "master": "MASTER"}
# fmt: off
# RNCP CodeTypeCertif values (also the kit's abbreviations) that are short types.
_RNCP_KEPT = frozenset((
    "CAP", "CAPA", "BAC PRO", "BP", "BPA", "BTS", "BTSA", "BUT", "DUT", "DEUST", "LICENCE",
    "MASTER", "TP", "CS", "BMA", "DMA", "BEP", "BEPA", "DOCTORAT", "CQP",
))
_RNCP_ALIASES = {"Licence Professionnelle": "LP", "Titre ingénieur": "ING", "MC4": "MC",
                 "MC5": "MC"}
# fmt: on


def eu_level(value: object) -> int | None:
    """Read an EU qualification level from any source's spelling; None outside 3–8.

    Examples
    --------
    >>> [eu_level(v) for v in ("04", "niveau5", "Niveau 6", "7", "02", "99", "NR", None)]
    [4, 5, 6, 7, None, None, None, None]
    """
    if not isinstance(value, str):
        return None
    digits = re.search(r"\d+", value)
    if digits is None:
        return None
    level = int(digits.group())
    return level if level in LEVELS else None


def certif_info_access(value: str) -> bool | None:
    """Decode a Certif Info ``accessibilite_*`` cell: 1 yes, 0 no, 2 not filled in.

    Examples
    --------
    >>> [certif_info_access(v) for v in ("1", "0", "2")]
    [True, False, None]
    """
    coding = {"1": True, "0": False, "2": None}
    if value not in coding:
        raise ValueError(f"code d'accessibilité inconnu {value!r} ; attendus : 0, 1, 2")
    return coding[value]


def type_from_bcn(category: str) -> str:
    """Short type of a BCN level category (``nNiveauFormationDiplome.LIBELLE_COURT``).

    Titles of the labour ministry (``TH5-T``…) are titres professionnels; other
    homologated titles are ``TH``; unlisted categories keep their BCN name.

    Examples
    --------
    >>> [type_from_bcn(c) for c in ("BAC PRO AG", "LIC PRO", "TH4-T", "TH2-X", "CPGE")]
    ['BAC PRO', 'LP', 'TP', 'TH', 'CPGE']
    """
    category = " ".join(category.split())
    if re.fullmatch(r"TH\d-T", category):
        return "TP"
    if re.fullmatch(r"TH\d(-\w+)?", category):
        return "TH"
    return _BCN_ALIASES.get(category, category)


def type_from_certif_info(type_label: str) -> str | None:
    """Short type of a Certif Info ``Libelle_Type_Diplome``; None when unknown.

    Examples
    --------
    >>> [type_from_certif_info(t) for t in ("Titre professionnel (TP de niveau 3)",
    ...     "Licence", "Brevet de technicien supérieur agricole", "Bachelor")]
    ['TP', 'LICENCE', 'BTSA', None]
    """
    folded = fold(type_label)
    if folded in _CERTIF_INFO_EXACT:
        return _CERTIF_INFO_EXACT[folded]
    for pattern, short in _CERTIF_INFO_TYPES:
        if pattern in folded:
            return short
    return None


def type_from_rncp(code: str) -> str | None:
    """Short type of an RNCP ``CodeTypeCertif`` (or the kit's abbreviation); None if unknown.

    Examples
    --------
    >>> [type_from_rncp(c) for c in ("Licence Professionnelle", "MC4", "DIPLOVIS")]
    ['LP', 'MC', None]
    """
    code = code.strip()
    return code if code in _RNCP_KEPT else _RNCP_ALIASES.get(code)


def nsf_group(code: object) -> str | None:
    """The 3-digit NSF group of an NSF code ("326r" → "326"); None otherwise.

    Examples
    --------
    >>> [nsf_group(c) for c in ("225", "326r", "31", None)]
    ['225', '326', None, None]
    """
    if not isinstance(code, str):
        return None
    match = re.match(r"\d{3}", code.strip())
    return match.group() if match else None
