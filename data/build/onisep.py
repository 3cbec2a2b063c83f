"""ONISEP's Idéo programme descriptions: the jobs each diploma leads to, and a summary.

The fiches link a diploma (by CFD, ``code_scolarite``) to ONISEP jobs, and the job
fiches link those to ROME codes. That gives certifications the job codes their own
referentials lack or got wrong: the "BTS pilotage de procédés" lists only H3303,
which ROME 4.0 relabelled "cuisinier en industrie chimique", while ONISEP says it
leads to "pilote de ligne automatisée (chimie, agroalimentaire, pharmacie)", H2301.
The ROME links are version 3 codes; the certifications builder keeps those that
ROME 4.0 still holds and counts the rest.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

import pandas as pd

from data.build.sources import Sources, check_pattern
from recommender.errors import SourceFormatError

FORMATIONS = "onisep/Onisep_Ideo_Fiches_Formations_25062024.xml.zip"
JOBS = "onisep/Onisep_Ideo_Fiches_metiers_25062024.xml.zip"
# A summary longer than this is cut at a sentence end: the widget shows a few lines.
SUMMARY_CHARS = 700

_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def read_onisep_programmes(sources: Sources) -> pd.DataFrame:
    """One row per ONISEP fiche with a CFD: ``cfd``, ``rome_codes`` (space-separated,
    version 3) and ``description`` (plain text, or missing).

    Examples
    --------
    >>> programmes = read_onisep_programmes(Sources(Path("../shared/data")))  # doctest: +SKIP
    >>> programmes.set_index("cfd").loc["32022003", "rome_codes"]  # doctest: +SKIP
    'H1206 H1210 H2301 …'
    """
    job_codes = {identifier: " ".join(codes) for identifier, codes in _job_rome_codes(sources)}
    rows = []
    for fiche in _records(sources, FORMATIONS, "formation"):
        cfd = _text(fiche, "code_scolarite")
        if not cfd:
            continue
        jobs = [_text(job, "id") for job in fiche.iterfind("metiers_formation/metier")]
        codes = dict.fromkeys(c for job in jobs for c in job_codes.get(job, "").split())
        rows.append(
            {
                "cfd": cfd,
                "rome_codes": " ".join(codes) or pd.NA,
                "description": summary(_text(fiche, "descriptif_format_court")) or pd.NA,
            }
        )
    frame = pd.DataFrame(rows, columns=["cfd", "rome_codes", "description"]).astype("string")
    check_pattern(frame, FORMATIONS, "cfd", r"[0-9A-Z]{8}")
    # A diploma described twice (two options) keeps its first fiche's summary and
    # every fiche's jobs.
    merged = frame.groupby("cfd", sort=False).agg(
        rome_codes=("rome_codes", _joined_codes), description=("description", "first")
    )
    return merged.reset_index()


def summary(markup: str) -> str:
    """Plain text of an ONISEP HTML fragment, cut after a sentence near SUMMARY_CHARS.

    Examples
    --------
    >>> summary("<p>La formation porte sur les procédés.</p><p>L&#39;élève apprend.</p>")
    "La formation porte sur les procédés. L'élève apprend."
    """
    text = _SPACES.sub(" ", html.unescape(_TAG.sub(" ", markup))).strip()
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text.rfind(". ", 0, SUMMARY_CHARS)
    return text[: cut + 1] if cut > 0 else text[:SUMMARY_CHARS].rstrip() + "…"


def _job_rome_codes(sources: Sources) -> Iterator[tuple[str, list[str]]]:
    for job in _records(sources, JOBS, "metier"):
        codes = [code.text.strip() for code in job.iterfind("romesV3/romeV3") if code.text]
        yield _text(job, "identifiant"), codes


def _records(sources: Sources, relative: str, tag: str) -> Iterator[ElementTree.Element]:
    """Each ``<tag>`` element directly under the root of the zipped XML file."""
    path = sources.path(relative)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.endswith(".xml")]
            if len(names) != 1:
                raise SourceFormatError(relative, f"un fichier XML attendu, trouvé {names}")
            with archive.open(names[0]) as handle:
                depth = 0
                found = 0
                for event, element in ElementTree.iterparse(handle, events=("start", "end")):
                    depth += 1 if event == "start" else -1
                    if event == "end" and depth == 1:
                        if element.tag != tag:
                            raise SourceFormatError(
                                relative, f"élément <{tag}> attendu, trouvé <{element.tag}>"
                            )
                        found += 1
                        yield element
                        element.clear()
    except (zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise SourceFormatError(relative, f"lecture impossible : {error}") from error
    if not found:
        raise SourceFormatError(relative, f"aucun élément <{tag}>")


def _text(element: ElementTree.Element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _joined_codes(values: pd.Series) -> str | None:
    codes = dict.fromkeys(code for value in values.dropna() for code in value.split())
    return " ".join(codes) or None
