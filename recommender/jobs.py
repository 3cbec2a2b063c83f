"""ROME jobs as a person names them: references, names inside sentences, entry levels.

:func:`resolve_job` reads the job a person has ("cariste", "technicien de
laboratoire", "N1101") through the :class:`~recommender.vocabulary.Vocabulary`;
:func:`job_name` turns a ROME label ("Conducteur / Conductrice d'engins agricoles")
into words for a sentence; :func:`entry_levels` estimates the diploma level at
which each job is usually entered.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recommender.errors import ProfileError
from recommender.explain import Reason
from recommender.text import fold
from recommender.vocabulary import Vocabulary

LEVELS = range(3, 9)
LEVEL_NAMES = {3: "CAP", 4: "Bac", 5: "Bac+2", 6: "Bac+3", 7: "Bac+5", 8: "Bac+8"}
# A job's entry level: the level of its easier certifications (the lowest fifth), so
# that one stray BTS listing an engineer's code does not make engineering a level-5 job.
ENTRY_QUANTILE = 0.2
# Other jobs a text names nearly as well as the best one (weights relative to it).
AMBIGUOUS = 0.95
ALTERNATIVE_JOBS = 4


@dataclass(frozen=True)
class JobRef:
    """A ROME job: its code, its ROME label ("Cariste", "Soudeur / Soudeuse") and the
    masculine form used inside sentences (:func:`job_name`)."""

    code_rome: str
    label: str
    name: str


def job_name(label: str) -> str:
    """The masculine form of a ROME label, to use inside a sentence.

    ROME 4.0 labels read "Masculine / Feminine rest": the rest follows the feminine
    words and belongs to both.

    Examples
    --------
    >>> job_name("Conducteur / Conductrice d'engins agricoles")
    "conducteur d'engins agricoles"
    >>> job_name("Chef soudeur / Cheffe soudeuse"), job_name("Cariste")
    ('chef soudeur', 'cariste')
    """
    if " / " in label:
        masculine, feminine = label.split(" / ", 1)
        rest = feminine.split()[len(masculine.split()) :]
        label = " ".join([masculine, *rest])
    return lower_first(label)


def lower_first(text: str) -> str:
    """Lower-case the first letter, unless the first word is an acronym.

    Examples
    --------
    >>> lower_first("Règles de sécurité"), lower_first("QHSSE")
    ('règles de sécurité', 'QHSSE')
    """
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def resolve_job(vocabulary: Vocabulary, text: str) -> JobRef:
    """The ROME job meant by ``text``: a ROME code, a job title or free words.

    The best job of :meth:`Vocabulary.match`, provided that some word of the text
    names a job (interest words alone, "j'aime la nature", name none). Raises
    :class:`ProfileError` (field ``current_job``) when nothing matches.

    Examples
    --------
    >>> resolve_job(vocabulary, "cariste")  # doctest: +SKIP
    JobRef(code_rome='N1101', label='Cariste', name='cariste')
    """
    return resolve_job_choices(vocabulary, text)[0]


def resolve_job_choices(vocabulary: Vocabulary, text: str) -> tuple[JobRef, list[JobRef]]:
    """The job meant by ``text`` (:func:`resolve_job`) and the other jobs it may mean.

    "technicien de laboratoire" names three ROME jobs nearly as well (pharmaceutical
    control, industrial analysis, research): the others are returned, best first, so
    the person can say which. A ROME code, or a text that is exactly one job title
    ("cariste"), has no alternatives.

    Examples
    --------
    >>> job, others = resolve_job_choices(vocabulary, "technicien de laboratoire")  # doctest: +SKIP
    >>> job.code_rome, [other.code_rome for other in others]  # doctest: +SKIP
    ('H1510', ['H1503', 'H1224'])
    """
    example = "son intitulé (par exemple « cariste ») ou son code ROME (par exemple N1101)"
    if not text.strip():
        raise ProfileError("current_job", f"indiquez votre métier actuel : {example}")
    match = vocabulary.match(text)
    named = any(term.kind in ("word", "rome") for term in match.terms)
    if not match.jobs or not named:
        raise ProfileError(
            "current_job",
            f"aucun métier ne correspond à « {text.strip()} » ; indiquez {example}",
        )
    labels = dict(zip(vocabulary.job_codes.tolist(), vocabulary.job_labels.tolist(), strict=True))
    codes = list(match.jobs)
    typed = fold(text.strip())
    exact = [
        title.code_rome
        for title in vocabulary.search_titles(text, limit=20)
        if typed in (fold(title.label), fold(job_name(title.label)))
    ]
    if exact:
        codes = list(dict.fromkeys(exact))
    elif any(term.kind == "rome" for term in match.terms):
        codes = codes[:1]
    else:
        codes = [code for code in codes if match.jobs[code] >= AMBIGUOUS][: 1 + ALTERNATIVE_JOBS]
    refs = [JobRef(code, labels[code], job_name(labels[code])) for code in codes]
    return refs[0], refs[1:]


def entry_levels(
    certifications: pd.DataFrame, job_mobility: pd.DataFrame
) -> dict[str, tuple[int, bool]]:
    """Entry level (EU, 3–8) of each job, and whether it is estimated.

    The level of the lowest fifth of the active certifications that list the job;
    for a job that none lists (two thirds of ROME 4.0 codes), the median of the
    entry levels of the jobs linked to it by a ROME mobility link (either way),
    rounded down, flagged as estimated.
    """
    active = certifications[
        certifications["active"].fillna(False).astype(bool) & certifications["level"].notna()
    ]
    listed = (
        pd.DataFrame(
            {"code": active["rome_codes"].fillna("").str.split(), "level": active["level"]}
        )
        .explode("code")
        .dropna()
    )
    known = listed.groupby("code")["level"].quantile(ENTRY_QUANTILE, interpolation="lower")
    known_levels = {str(code): int(level) for code, level in known.items()}
    links = job_mobility[["code_rome", "code_rome_target"]].to_numpy(dtype=str)
    pairs = pd.DataFrame(
        {
            "job": [*links[:, 0], *links[:, 1]],
            "level": [known_levels.get(other) for other in [*links[:, 1], *links[:, 0]]],
        }
    ).dropna()
    pairs = pairs[~pairs["job"].isin(list(known_levels))]
    estimated = pairs.groupby("job")["level"].median()
    return {
        **{str(job): (int(level), True) for job, level in estimated.items()},
        **{job: (level, False) for job, level in known_levels.items()},
    }


def level_reason(entry: int, estimated: bool, steps: int, given: bool) -> Reason:
    """Why a job's entry level helps or not: ``steps`` levels too high (0: within reach);
    ``given`` says whether the person stated their level or it is their job's.

    Examples
    --------
    >>> level_reason(3, False, 0, True).text
    'Accessible dès un diplôme de niveau 3 (CAP)'
    >>> level_reason(6, True, 2, False).text
    'Demande en général un diplôme de niveau 6 (Bac+3), au-dessus de celui de votre métier actuel'
    """
    usually = "en général " if estimated else ""
    diploma = f"diplôme de niveau {entry} ({LEVEL_NAMES[entry]})"
    if steps == 0:
        return Reason("level", f"Accessible {usually}dès un {diploma}", True)
    yours = "du vôtre" if given else "de celui de votre métier actuel"
    return Reason("level", f"Demande {usually}un {diploma}, au-dessus {yours}", False)
