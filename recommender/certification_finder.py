"""Finding the catalogue's certification an imported session prepares.

Feeds name a certification by its RNCP code, sometimes its CFD, always its label.
:class:`CertificationFinder` tries, in order: the RNCP code, the CFD, then the
label (folded, without the diploma type: « BTS négociation et relation client »
and « NEGOCIATION ET RELATION CLIENT (BTS) » are the same), kept only when exactly
one certification of the same type and level has it. A code shared by several
certifications (the options of one diploma) is narrowed by the label the same way.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from recommender.text import fold

# Spelled-out diploma types, as feeds write them, with the catalogue's short type.
_TYPE_NAMES = {
    "brevet de technicien superieur": "BTS",
    "brevet de technicien superieur agricole": "BTSA",
    "baccalaureat professionnel": "BAC PRO",
    "bac professionnel": "BAC PRO",
    "certificat d aptitude professionnelle": "CAP",
    "titre professionnel": "TP",
    "titre pro": "TP",
    "licence professionnelle": "LP",
    "licence pro": "LP",
    "brevet professionnel": "BP",
    "mention complementaire": "MC",
    "bachelor universitaire de technologie": "BUT",
    "diplome universitaire de technologie": "DUT",
    "certificat de qualification professionnelle": "CQP",
}
# Short types that are also ordinary words or too short to tell from one.
_AMBIGUOUS_TYPES = {"BT", "CS", "MS", "TH"}


class CertificationFinder:
    """The certifications of the catalogue indexed by RNCP code, CFD and folded label.

    Examples
    --------
    >>> certifications = pd.DataFrame({
    ...     "cert_id": ["32031210", "32031212"], "cfd": ["32031210", "32031212"],
    ...     "rncp": [None, "RNCP38368"], "type": ["BTS", "BTS"], "level": [5, 5],
    ...     "label": ["NEGOCIATION ET RELATION CLIENT (BTS)",
    ...               "NEGOCIATION ET DIGITALISATION DE LA RELATION CLIENT (BTS)"]})
    >>> finder = CertificationFinder(certifications)
    >>> finder.find(rncp="RNCP474", cfd=None, title="BTS négociation et relation client", level=5)
    ('32031210', 'label')
    >>> finder.find(rncp="RNCP38368", cfd=None, title="BTS NDRC", level=5)
    ('32031212', 'rncp')
    >>> finder.type_in("Titre professionnel vendeur conseil en magasin")
    'TP'
    """

    def __init__(self, certifications: pd.DataFrame) -> None:
        ids = certifications["cert_id"].astype(str).tolist()
        types = certifications["type"].fillna("").astype(str).tolist()
        levels = certifications["level"].astype("Float64").tolist()
        self._type = dict(zip(ids, types, strict=True))
        self._level = {
            cert_id: None if pd.isna(level) else int(level)
            for cert_id, level in zip(ids, levels, strict=True)
        }
        names = {
            fold(type_): type_ for type_ in set(types) if type_ and type_ not in _AMBIGUOUS_TYPES
        }
        names.update(_TYPE_NAMES)
        self._names = names
        self._longest = max((len(name.split()) for name in names), default=0)
        self._by_rncp = _index(certifications["rncp"], ids)
        self._by_cfd = _index(certifications["cfd"], ids)
        cores = [self._core(str(label))[0] for label in certifications["label"]]
        self._by_label = _index(pd.Series(cores), ids)

    def find(
        self, *, rncp: str | None, cfd: str | None, title: str, level: int | None
    ) -> tuple[str | None, str | None]:
        """The certification's id and how it was found (``rncp``, ``cfd``, ``label``), or Nones."""
        core, type_ = self._core(title)
        for how, code, index in (("rncp", rncp, self._by_rncp), ("cfd", cfd, self._by_cfd)):
            if code is None:
                continue
            ids = index.get(code, [])
            if len(ids) > 1:
                ids = [cert_id for cert_id in ids if cert_id in self._by_label.get(core, [])]
            if len(ids) == 1:
                return ids[0], how
        candidates = [
            cert_id
            for cert_id in self._by_label.get(core, [])
            if (type_ is None or self._type[cert_id] == type_)
            and (level is None or self._level[cert_id] in (None, level))
        ]
        if len(candidates) == 1:
            return candidates[0], "label"
        return None, None

    def type_in(self, title: str) -> str | None:
        """The diploma type a label starts or ends with (``BTS``, ``TP``…), if any."""
        return self._core(title)[1]

    def _core(self, label: str) -> tuple[str, str | None]:
        """The folded label without the type it starts or ends with, and that type."""
        words = fold(label).split()
        # Longest first: « titre professionnel » before « titre pro », « bac pro » before « bac ».
        for count in range(min(self._longest, len(words) - 1), 0, -1):
            for name, rest in (
                (" ".join(words[:count]), words[count:]),
                (" ".join(words[-count:]), words[:-count]),
            ):
                if name in self._names:
                    return " ".join(rest), self._names[name]
        return " ".join(words), None


def _index(codes: Iterable[object], ids: list[str]) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, cert_id in zip(codes, ids, strict=True):
        if isinstance(code, str) and code:  # missing codes are None, NaN or NA
            index.setdefault(code, []).append(cert_id)
    return index
