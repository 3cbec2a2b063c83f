"""Text folding shared by every lookup: case, accents, punctuation and "St/Saint" forgiven."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_'’`.,;:/()\"«»]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold(text: str) -> str:
    """Fold ``text`` to lower-case ASCII words separated by one space.

    Accents, case, hyphens, apostrophes and the abbreviations St/Ste are forgiven,
    so "ST-QUENTIN", "Saint Quentin" and "saint-quentin" all fold alike.

    Examples
    --------
    >>> fold("Saint-Étienne-du-Rouvray")
    'saint etienne du rouvray'
    >>> fold("ST QUENTIN")
    'saint quentin'
    >>> fold("L'Haÿ-les-Roses")
    'l hay les roses'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_only = ascii_only.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae")
    words = _SEPARATORS.split(ascii_only.lower())
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words if word)
