"""Parcoursup labels: giving a CFD to offers known only by the programme's published name.

Parcoursup 2025 lists programmes by label alone ("BTS - Production -
Electrotechnique"). :func:`programme_key` folds a label for comparison;
:func:`match_labels` names an offer through a BTS file that gives the same label a
MEF, else through the one certification of the expected type whose label is the
same, and drops (counting why) the offers it cannot name unambiguously.
"""

from __future__ import annotations

import re

import pandas as pd

from data.build.report import BuildLog
from recommender.text import fold

# Parcoursup label prefix → (certification types, certification label prefixes) that
# may carry the same programme. DN MADE and BUT specialities without a parcours are
# left out by construction: the certifications table splits them by mention/parcours.
LABEL_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "bts": (("bts", "btsa"), ("btsa", "bts")),
    "certificat de specialisation": (("cs",), ("certificat de specialisation",)),
    "but": (("but",), ("but specialite", "but")),
    "diplome de comptabilite et de gestion": (
        ("div 2", "dcg"),
        ("diplome de comptabilite et de gestion",),
    ),
}
_BTS_DOMAINS = ("production", "services", "agricole", "maritime")
_ABBREVIATIONS = {"techn": "technicien", "opt": "option"}
_GENDER_MARKS = re.compile(r"\((?:e|ne|es|euse|rice|trice|se)\)", re.IGNORECASE)
# A trailing "(BTS)", "(CS4)", "(MC NIVEAU IV)": the BCN's type, in capitals.
_TRAILING_TYPE = re.compile(r"\([^)a-z]*\)\s*\.?\s*$")


def match_labels(offers: pd.DataFrame, certifications: pd.DataFrame, log: BuildLog) -> pd.DataFrame:
    """Give a CFD to offers known only by a Parcoursup label, when the label is unambiguous.

    First through the BTS files (the same label with a MEF elsewhere), then by an
    exact folded match on certification labels of the expected type. Offers left
    without any code are counted per source and label prefix, and dropped.
    """
    offers = offers.copy()
    coded = offers.dropna(subset=["label_key", "cfd"]).groupby("label_key")["cfd"]
    known = coded.first()[coded.nunique() == 1]
    todo = offers["cfd"].isna() & offers["rncp"].isna() & offers["label_key"].notna()
    offers.loc[todo, "cfd"] = offers.loc[todo, "label_key"].map(known)
    named = int(offers.loc[todo, "cfd"].notna().sum())
    log.notes["offres nommées par le libellé Parcoursup d'un fichier BTS"] += named
    by_cert_label = _certification_keys(certifications)
    todo = offers["cfd"].isna() & offers["rncp"].isna() & offers["label_key"].notna()
    matched = offers.loc[todo, "label_key"].map(lambda key: _label_match(key, by_cert_label))
    offers.loc[todo, "cfd"] = matched
    log.notes["offres nommées par le libellé d'une certification"] += int(matched.notna().sum())
    left = offers["cfd"].isna() & offers["rncp"].isna()
    why = offers.loc[left, "label_key"].map(_unmatched_reason).fillna("ni CFD ni RNCP")
    reasons = offers.loc[left, "source"] + ": aucun code de certification (" + why + ")"
    for reason, count in reasons.value_counts().items():
        log.dropped[str(reason)] += int(count)
    return offers[~left]


def programme_key(label: object) -> str | None:
    """Fold a programme label for matching, without its voie suffix or gender marks.

    Examples
    --------
    >>> programme_key("BTS - Production - Electrotechnique - en apprentissage")
    'bts production electrotechnique'
    >>> programme_key("Certificat de Spécialisation - Techn(ne). en soudage")
    'certificat de specialisation technicien en soudage'
    """
    if not isinstance(label, str):
        return None
    words = fold(_GENDER_MARKS.sub("", label)).split()
    key = " ".join(_ABBREVIATIONS.get(word, word) for word in words)
    key = re.sub(r"\b(seconde annee )?en apprentissage$", "", key).strip()
    return key or None


def _certification_keys(
    certifications: pd.DataFrame,
) -> dict[tuple[str, str], list[tuple[str, bool]]]:
    """(Parcoursup prefix, rest of the folded label) → [(cfd, active)] for matchable types."""
    keys: dict[tuple[str, str], list[tuple[str, bool]]] = {}
    coded = certifications.dropna(subset=["cfd"])
    for cfd, label, kind, active in zip(
        coded["cfd"], coded["label"], coded["type"], coded["active"], strict=True
    ):
        folded_type = fold(str(kind))
        key = programme_key(_TRAILING_TYPE.sub("", str(label))) or ""
        for prefix, (types, label_prefixes) in LABEL_TYPES.items():
            if any(folded_type == t or folded_type.startswith(t + " ") for t in types):
                rest = next(
                    (_after(key, p) for p in label_prefixes if _after(key, p) is not None), key
                )
                keys.setdefault((prefix, rest or ""), []).append((str(cfd), bool(active)))
    return keys


def _label_match(
    key: str, by_cert_label: dict[tuple[str, str], list[tuple[str, bool]]]
) -> str | None:
    """The CFD of the one (active) certification whose label is the offer's label."""
    prefix = _prefix(key)
    if prefix is None:
        return None
    rest = _after(key, prefix) or ""
    if prefix == "bts":
        rest = next((r for d in _BTS_DOMAINS if (r := _after(rest, d)) is not None), rest)
    candidates = by_cert_label.get((prefix, rest), [])
    active = [c for c in candidates if c[1]] or candidates
    return active[0][0] if len(active) == 1 else None


def _after(key: str, prefix: str) -> str | None:
    """``key`` without its leading word(s) ``prefix``, or None when it does not start so."""
    if key == prefix:
        return ""
    return key[len(prefix) + 1 :] if key.startswith(prefix + " ") else None


def _prefix(key: str) -> str | None:
    return next((p for p in LABEL_TYPES if _after(key, p) is not None), None)


def _unmatched_reason(key: object) -> str | None:
    if not isinstance(key, str):
        return None
    if key.startswith("fcil"):
        return "fcil, non certifiante"
    return _prefix(key) or "autre programme : licence, CPGE, diplôme d'État, école…"
