"""Where a person stands on the path of diplomas, and which formations are natural next steps.

:func:`parse_level` reads the words people use ("3e", "seconde pro", "CAP" for a
CAP holder, "bac+2", "niveau 5"…) into a :class:`Standing`;
:func:`step_scores` scores every formation of the catalogue as a step from there,
and :func:`explain_step` gives the same numbers for one certification.

Two levels describe a standing: ``held_level``, the highest EU level already held
(0 for none, which includes every pupil before the bac), and ``entering_level``, the
EU level of the next diploma the person can prepare. ``prerequisite_level`` is the
level counted for entry requirements: the held level, or 4 for a pupil in terminale,
who applies to higher education while sitting the bac.

How a certification is judged, in this order (the tables below hold the numbers):

1. **Entry requirement** (hard: ``allowed`` is False, score 0). Each certification
   type needs a prerequisite level (:data:`_TYPES`): none for CAP, Bac pro and the
   seconde générale et technologique (open after the 3e); a level-3 diploma for the
   BP and BMA; a Bac for BTS, BUT, licence, DEUST; Bac+2 for a licence pro or an
   engineering school; Bac+3 for a master. A mention complémentaire or certificat
   de spécialisation needs a diploma of its own level; any other title (TP, TH,
   CQP…) of level L needs level L−1, so titles up to one level above what a person
   holds are open, and level-3 titles are open to all.
2. **Below what the person holds**: allowed but rarely wise (0.15).
3. **The step table** (:data:`_STEPS`): for where the person stands (4e, 3e, lycée,
   CAP, Bac pro, Bac général…) and the family of the certification, a score and
   a reason, e.g. 3e → CAP 1.0, CAP → Bac pro 1.0, Bac pro → BTS 1.0, Bac pro →
   BUT 0.5, licence → master 1.0. ``*`` rows cover the remaining families.
4. **By level, for everything else**: same level as held 0.35, the next level
   0.8, a level that skips one 0.3, unknown level 0.3 (a title of unknown level
   always scores 0.3: nothing else says what it is).

Adults follow the same logic as pupils, from their held level. A 2nde commune
(first year of a Bac pro famille de métiers) and a BTS 1ère année commune are Bac
pro and BTS rows and score as such: a CAP holder would enter a Bac pro in première.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from recommender.errors import ProfileError
from recommender.text import fold

Track = Literal["general", "technologique", "pro"]


@dataclass(frozen=True)
class Standing:
    """Where a person stands on the path of diplomas.

    Attributes
    ----------
    code : str
        Canonical code, e.g. ``"3e"``, ``"seconde_gt"``, ``"bac_pro"``, ``"niveau_5"``.
    label : str
        French words for explanations, e.g. "en 3e", "titulaire d'un CAP".
    held_level : int
        Highest EU level held; 0 for none (every pupil before the bac included).
    entering_level : int
        EU level of the next diploma the person can prepare (3 after the collège,
        4 in lycée, 5 in terminale or with a Bac…).
    prerequisite_level : int
        Level counted for entry requirements: ``held_level``, or 4 in terminale.
    track : {"general", "technologique", "pro"} or None
        The lycée track, or that of the bac held (the seconde GT counts as general).
    is_pupil : bool
        In collège or lycée now.
    """

    code: str
    label: str
    held_level: int
    entering_level: int
    prerequisite_level: int
    track: Track | None
    is_pupil: bool


# fmt: off
# code, label, held, entering, prerequisite, track, pupil, row group of the step table
_STANDING_ROWS: tuple[tuple[str, str, int, int, int, Track | None, bool, str], ...] = (
    ("4e", "en 4e", 0, 3, 0, None, True, "4e"),
    ("3e", "en 3e", 0, 3, 0, None, True, "3e"),
    ("seconde_gt", "en seconde générale et technologique", 0, 4, 0, "general", True, "lycee_gt"),
    ("premiere_generale", "en première générale", 0, 4, 0, "general", True, "lycee_gt"),
    ("premiere_techno", "en première technologique", 0, 4, 0, "technologique", True, "lycee_gt"),
    ("seconde_pro", "en seconde professionnelle", 0, 4, 0, "pro", True, "lycee_pro"),
    ("premiere_pro", "en première professionnelle", 0, 4, 0, "pro", True, "lycee_pro"),
    # A pupil in terminale applies to what follows the bac while sitting it.
    ("terminale_generale", "en terminale générale", 0, 5, 4, "general", True, "bac_gt"),
    ("terminale_techno", "en terminale technologique", 0, 5, 4, "technologique", True, "bac_gt"),
    ("terminale_pro", "en terminale professionnelle", 0, 5, 4, "pro", True, "bac_pro"),
    ("sans_diplome", "sans diplôme", 0, 3, 0, None, False, "sans_diplome"),
    ("cap", "titulaire d'un CAP", 3, 4, 3, "pro", False, "cap"),
    ("capa", "titulaire d'un CAP agricole", 3, 4, 3, "pro", False, "cap"),
    ("bep", "titulaire d'un BEP", 3, 4, 3, "pro", False, "cap"),
    ("bac_pro", "titulaire d'un Bac pro", 4, 5, 4, "pro", False, "bac_pro"),
    ("bp", "titulaire d'un brevet professionnel", 4, 5, 4, "pro", False, "bac_pro"),
    ("bac_general", "titulaire d'un Bac général", 4, 5, 4, "general", False, "bac_gt"),
    ("bac_techno", "titulaire d'un Bac technologique", 4, 5, 4, "technologique", False,
     "bac_gt"),
    ("bts", "titulaire d'un BTS", 5, 6, 5, None, False, "bac2"),
    ("btsa", "titulaire d'un BTSA", 5, 6, 5, None, False, "bac2"),
    ("dut", "titulaire d'un DUT", 5, 6, 5, None, False, "bac2"),
    ("but", "titulaire d'un BUT", 6, 7, 6, None, False, "bac3"),
    ("licence", "titulaire d'une licence", 6, 7, 6, None, False, "bac3"),
    ("licence_pro", "titulaire d'une licence professionnelle", 6, 7, 6, None, False, "bac3"),
    ("master", "titulaire d'un master", 7, 8, 7, None, False, "bac5"),
    ("niveau_3", "titulaire d'un diplôme de niveau 3 (CAP)", 3, 4, 3, None, False, "cap"),
    # Plain "niveau 4" is the vocabulary of vocational diplomas and titles (BP, TP).
    ("niveau_4", "titulaire d'un diplôme de niveau 4 (Bac)", 4, 5, 4, None, False, "bac_pro"),
    ("niveau_5", "titulaire d'un diplôme de niveau 5 (Bac+2)", 5, 6, 5, None, False, "bac2"),
    ("niveau_6", "titulaire d'un diplôme de niveau 6 (Bac+3)", 6, 7, 6, None, False, "bac3"),
    ("niveau_7", "titulaire d'un diplôme de niveau 7 (Bac+5)", 7, 8, 7, None, False, "bac5"),
    ("niveau_8", "titulaire d'un diplôme de niveau 8 (doctorat)", 8, 8, 8, None, False, "bac8"),
)
# fmt: on
STANDINGS: Final = {row[0]: Standing(*row[:7]) for row in _STANDING_ROWS}
"""Every standing by canonical code."""
CODES: Final = tuple(STANDINGS)
_GROUPS: Final = {row[0]: row[7] for row in _STANDING_ROWS}

# Spellings, compared after fold() and with spaces removed ("Bac + 2" → "bac+2").
_LYCEE_YEARS = {
    "seconde": ("seconde", "second", "2nde", "2de", "2nd"),
    "premiere": ("premiere", "1re", "1ere", "1er"),
    "terminale": ("terminale", "terminal", "term", "tle"),
}
_TRACKS = {
    "generale": ("", "generale", "general", "gen", "gt", "generaleettechnologique"),
    "techno": ("technologique", "techno"),
    "pro": ("pro", "professionnelle", "professionnel", "bacpro"),
}
_ALIASES: dict[str, str] = {
    **{w: "4e" for w in ("4e", "4eme", "4ieme", "quatrieme")},
    **{w: "3e" for w in ("3e", "3eme", "3ieme", "troisieme")},
    **{
        w + suffix: "3e"
        for w in ("3e", "3eme", "troisieme")
        for suffix in ("prepametiers", "prepametier", "prepapro")
    },
    **{w: "sans_diplome" for w in ("sansdiplome", "aucundiplome", "pasdediplome", "aucun")},
    "cap": "cap",
    "capa": "capa",
    "capagricole": "capa",
    "bep": "bep",
    "bepa": "bep",
    **{w: "bac_pro" for w in ("bacpro", "bacprofessionnel")},
    **{w: "bp" for w in ("bp", "brevetprofessionnel")},
    # A plain "bac" is read as the most common one, the Bac général.
    **{w: "bac_general" for w in ("bac", "bacgeneral", "bacgenerale")},
    **{w: "bac_techno" for w in ("bactechno", "bactechnologique")},
    **{w: w for w in ("bts", "btsa", "dut", "but", "licence", "master")},
    **{w: "licence_pro" for w in ("licencepro", "licenceprofessionnelle", "lp")},
    **{w: f"niveau_{n}" for n in range(3, 9) for w in (str(n), f"niveau{n}", f"niv{n}")},
    "niveaubac": "niveau_4",
    **{f"bac{n}": f"niveau_{level}" for n, level in ((2, 5), (3, 6), (5, 7))},
    "bac+2": "niveau_5",
    "bac+3": "niveau_6",
    "bac+4": "niveau_6",  # a master 1 (maîtrise) is a level-6 diploma
    "bac+5": "niveau_7",
    "bac+8": "niveau_8",
    "doctorat": "niveau_8",
}
for _year, _words in _LYCEE_YEARS.items():
    for _track, _suffixes in _TRACKS.items():
        # There is no seconde générale or technologique apart: both are the seconde GT.
        _code = f"{_year}_{'gt' if _year == 'seconde' and _track != 'pro' else _track}"
        for _word in _words:
            for _suffix in _suffixes:
                _ALIASES[_word + _suffix] = _code
_ALIASES.update({code.replace("_", ""): code for code in CODES})


def parse_level(text: str) -> Standing:
    """Read where a person stands from the words they use.

    Case, accents, hyphens and spaces are forgiven; a plain "terminale" is the
    générale one, a plain "seconde" the générale et technologique one, and a plain
    "bac" the Bac général.

    Raises
    ------
    ProfileError
        On ``field="level"``, naming the value and listing the canonical codes.

    Examples
    --------
    >>> parse_level("Seconde pro").code
    'seconde_pro'
    >>> standing = parse_level("Terminale")
    >>> (standing.held_level, standing.entering_level, standing.prerequisite_level)
    (0, 5, 4)
    >>> parse_level("Bac + 2").label
    "titulaire d'un diplôme de niveau 5 (Bac+2)"
    """
    key = fold(text).replace("baccalaureat", "bac").replace(" ", "")
    code = _ALIASES.get(key)
    if code is None:
        raise ProfileError(
            "level",
            f"niveau inconnu « {text} » ; valeurs acceptées : {', '.join(CODES)}",
            allowed=list(CODES),
        )
    return STANDINGS[code]


# Every phrase an explanation may show; reason_codes index this tuple.
AFTER_3E = "suite logique après la 3e"
LATER_3E = "accessible après la 3e"
LYCEE_NEXT = "suite logique de votre parcours au lycée"
TO_PRO = "passerelle vers la voie professionnelle"
TO_CAP = "réorientation vers un CAP"
TO_GT = "passerelle vers la voie générale ou technologique"
OTHER = "autre voie possible"
FIRST = "premier diplôme qualifiant"
ADULT = "possible en apprentissage ou en formation continue"
AFTER_COLLEGE = "surtout suivi après la 3e"
AFTER_CAP = "suite logique après un CAP"
AFTER_BAC_PRO = "suite logique après un Bac pro"
LESS_BAC_PRO = "possible après un Bac pro, moins courant"
AFTER_BAC_GT = "suite logique après un Bac général ou technologique"
MOSTLY_PRO = "spécialisation surtout suivie après un Bac pro"
AFTER_BAC2 = "suite logique après un Bac+2"
SPECIALISE = "spécialisation après votre diplôme"
PARALLEL = "admission parallèle après un Bac+2"
AFTER_BAC3 = "suite logique après une licence (Bac+3)"
AFTER_BAC5 = "suite possible après un Bac+5"
SAME = "même niveau que votre diplôme"
REPEAT = (
    "vous avez déjà un diplôme de ce niveau : ce serait recommencer une formation de même niveau"
)
BELOW = "niveau inférieur à votre diplôme"
RETRAIN_SAME = "même niveau que votre diplôme : une voie pour changer de métier"
RETRAIN_BELOW = "niveau inférieur à votre diplôme : courant pour changer de métier"
NEXT_LEVEL = "niveau juste au-dessus du vôtre"
SKIP = "saute une étape"
UNKNOWN = "niveau non renseigné"
NEEDS = {
    3: "demande un diplôme de niveau 3 (CAP)",
    4: "demande un Bac (niveau 4)",
    5: "demande un diplôme de niveau 5 (Bac+2)",
    6: "demande un diplôme de niveau 6 (Bac+3)",
    7: "demande un diplôme de niveau 7 (Bac+5)",
}
REASONS: Final = tuple(
    dict.fromkeys(
        (
            *(AFTER_3E, LATER_3E, LYCEE_NEXT, TO_PRO, TO_CAP, TO_GT, OTHER, FIRST, ADULT),
            *(AFTER_COLLEGE, AFTER_CAP, AFTER_BAC_PRO, LESS_BAC_PRO, AFTER_BAC_GT, MOSTLY_PRO),
            *(AFTER_BAC2, SPECIALISE, PARALLEL, AFTER_BAC3, AFTER_BAC5, SAME, BELOW, NEXT_LEVEL),
            REPEAT,
            *(SKIP, UNKNOWN, RETRAIN_SAME, RETRAIN_BELOW, *NEEDS.values()),
        )
    )
)
"""French phrases for explanations, indexed by :attr:`StepResult.reason_codes`."""

# Requirement kinds besides a fixed level: "same" = a diploma of the certification's
# own level; "below" = one level under it (level-3 certifications are open to all).
Requirement = int | Literal["same", "below"]
# fmt: off
# certification type → (family in the step table, entry requirement)
_TYPES: dict[str, tuple[str, Requirement]] = {
    # Open after the 3e: the three doors of the affectation (Affelnet).
    "CAP": ("cap", 0), "CAPA": ("cap", 0), "BEP": ("cap", 0), "BEPA": ("cap", 0),
    "BAC PRO": ("bac_pro", 0), "BT": ("bac_pro", 0),
    "BAC GENERAL": ("bac_gt", 0), "BAC TECHNO": ("bac_gt", 0),
    # BPA are apprenticeship or adult diplomas: level 3 open, level 4 (BP agricole) after one.
    "BPA": ("cap", "below"),
    # The BP and BMA are second diplomas, taken after a CAP in the trade.
    "BP": ("bp", 3), "BMA": ("bp", 3),
    # The BPJEPS asks for sports prerequisites, not a diploma.
    "BPJEPS": ("bp", 0),
    # A mention complémentaire or certificat de spécialisation adds a year to a diploma
    # of its own level (MC niveau 3 after a CAP, CS niveau 4 after a Bac pro).
    "MC": ("spec", "same"), "CS": ("spec", "same"),
    # Short and long higher education: entry with a Bac.
    "BTS": ("bts", 4), "BTSA": ("bts", 4), "ASSIMI.BTS": ("bts", 4), "DUT": ("bts", 4),
    "DEUST": ("bts", 4), "DMA": ("bts", 4), "CPGE": ("title", 4),
    "BUT": ("but", 4), "LICENCE": ("licence", 4), "DNMADE": ("licence", 4),
    # Licence pro, and engineering or business schools by apprenticeship: after Bac+2.
    "LP": ("lp", 5), "ING": ("master", 5), "DIP GVM": ("master", 5),
    "MASTER": ("master", 6), "DSAA-1": ("master", 6), "MS": ("title", 7),
    "DOCTORAT": ("doctorat", 7),
}
# Any other type (TP, TH, CQP, DIV-n, DEJEPS…) is a "title" needing the level below it.
_DEFAULT_TYPE: tuple[str, Requirement] = ("title", "below")
_FAMILY_BY_LEVEL = {("BPA", 4): "bp"}  # the level-4 BPA is the BP agricole

# Scores of the rules by level, when no row of _STEPS applies.
# Pupils and students step up; going back down or sideways is seldom advised.
BELOW_SCORE = 0.05
SAME_SCORE = 0.1
# The diplomas entered after the 3e (CAP, Bac pro, bac général), taken again at the
# level one holds, start the same road over: as far down as a lower level.
REPEAT_SCORE = BELOW_SCORE
_FIRST_TRACKS = frozenset({"cap", "bac_pro", "bac_gt"})
# An adult changing trade (retraining) often takes a diploma of their level or below:
# a CAP cuisine after a Bac général is the usual route to a kitchen.
RETRAIN_SAME_SCORE = 0.9
RETRAIN_BELOW_SCORE = 0.8
NEXT_LEVEL_SCORE = 0.8
FAR_SCORE = 0.3
UNKNOWN_SCORE = 0.3
# (group of the standing, family of the certification) → (score, reason); "*" = any
# family without its own row. Each row is what a counsellor would say of the step.
_STEPS: dict[tuple[str, str], tuple[float, str]] = {
    # 4e: one more year of collège comes first; the 3e's doors, seen a year early.
    ("4e", "cap"): (0.5, LATER_3E), ("4e", "bac_pro"): (0.5, LATER_3E),
    ("4e", "bac_gt"): (0.5, LATER_3E), ("4e", "*"): (0.2, LATER_3E),
    # 3e: CAP, seconde pro (Bac pro, 2nde commune) and seconde GT are all natural.
    ("3e", "cap"): (1.0, AFTER_3E), ("3e", "bac_pro"): (1.0, AFTER_3E),
    ("3e", "bac_gt"): (1.0, AFTER_3E),
    # Titles and the BPJEPS are open but meant for older apprentices and adults.
    ("3e", "*"): (0.3, LATER_3E),
    # Lycée before terminale: carry on to the bac; passerelles are possible, less usual.
    ("lycee_gt", "bac_gt"): (1.0, LYCEE_NEXT), ("lycee_gt", "bac_pro"): (0.5, TO_PRO),
    ("lycee_gt", "cap"): (0.4, TO_CAP), ("lycee_gt", "*"): (0.2, OTHER),
    ("lycee_pro", "bac_pro"): (1.0, LYCEE_NEXT), ("lycee_pro", "cap"): (0.5, TO_CAP),
    ("lycee_pro", "bac_gt"): (0.3, TO_GT), ("lycee_pro", "*"): (0.2, OTHER),
    # Adults without a diploma: a CAP or a level-3 title is the first qualification.
    ("sans_diplome", "cap"): (1.0, FIRST), ("sans_diplome", "title"): (0.9, FIRST),
    ("sans_diplome", "bac_pro"): (0.6, ADULT), ("sans_diplome", "bp"): (0.5, ADULT),
    ("sans_diplome", "bac_gt"): (0.1, AFTER_COLLEGE),
    # CAP: Bac pro in première, BP, or a mention complémentaire; another CAP starts over
    # (a CAP connexe in one year is for adults changing trade).
    ("cap", "bac_pro"): (1.0, AFTER_CAP), ("cap", "bp"): (1.0, AFTER_CAP),
    ("cap", "spec"): (1.0, AFTER_CAP), ("cap", "cap"): (REPEAT_SCORE, REPEAT),
    ("cap", "bac_gt"): (0.2, TO_GT),
    # Bac pro (or terminale pro): BTS keep places for them, and MC/CS niveau 4;
    # BUT and licence are open but their Bac pro students succeed less often.
    ("bac_pro", "bts"): (1.0, AFTER_BAC_PRO), ("bac_pro", "spec"): (1.0, AFTER_BAC_PRO),
    ("bac_pro", "but"): (0.5, LESS_BAC_PRO), ("bac_pro", "licence"): (0.4, LESS_BAC_PRO),
    # Bac général or technologique: every short or long higher education programme.
    ("bac_gt", "bts"): (1.0, AFTER_BAC_GT), ("bac_gt", "but"): (1.0, AFTER_BAC_GT),
    ("bac_gt", "licence"): (1.0, AFTER_BAC_GT), ("bac_gt", "spec"): (0.4, MOSTLY_PRO),
    # Bac+2: licence pro, BUT 3e année, licence 3; engineering and business schools
    # admit Bac+2 holders in their first year ("admission parallèle").
    ("bac2", "lp"): (1.0, AFTER_BAC2), ("bac2", "but"): (1.0, AFTER_BAC2),
    ("bac2", "licence"): (1.0, AFTER_BAC2), ("bac2", "master"): (0.6, PARALLEL),
    ("bac2", "spec"): (0.8, SPECIALISE),
    # Bac+3: master, engineering or business school.
    ("bac3", "master"): (1.0, AFTER_BAC3),
    ("bac5", "doctorat"): (0.6, AFTER_BAC5),
}
# fmt: on
_REASON_CODE = {reason: code for code, reason in enumerate(REASONS)}


@dataclass(frozen=True)
class StepResult:
    """Per-formation step judgements, aligned with the arrays given to :func:`step_scores`."""

    scores: npt.NDArray[np.float64]
    allowed: npt.NDArray[np.bool_]
    reason_codes: npt.NDArray[np.int8]

    def reason(self, index: int) -> str:
        """The French phrase for the formation at ``index``."""
        return REASONS[int(self.reason_codes[index])]


def explain_step(
    standing: Standing,
    certification_type: str,
    level: float | None,
    *,
    retraining: bool = False,
) -> tuple[float, bool, str]:
    """Score one certification as a step from ``standing``: (score, allowed, reason).

    Gives the very numbers :func:`step_scores` gives for each formation.
    ``retraining``: an adult changing trade, for whom a diploma of their own level or
    below is a usual route rather than a step back.

    Examples
    --------
    >>> explain_step(parse_level("3e"), "CAP", 3)
    (1.0, True, 'suite logique après la 3e')
    >>> explain_step(parse_level("3e"), "BTS", 5)
    (0.0, False, 'demande un Bac (niveau 4)')
    >>> explain_step(parse_level("bac pro"), "LP", 6)
    (0.0, False, 'demande un diplôme de niveau 5 (Bac+2)')
    >>> explain_step(parse_level("bac"), "CAP", 3, retraining=True)
    (0.8, True, 'niveau inférieur à votre diplôme : courant pour changer de métier')
    """
    whole = None if level is None or math.isnan(level) else int(level)
    score, allowed, code = _judge(standing, certification_type, whole, retraining)
    return score, allowed, REASONS[code]


def step_scores(
    standing: Standing,
    types: npt.NDArray[np.object_],
    levels: npt.NDArray[np.float64],
    *,
    retraining: bool = False,
) -> StepResult:
    """Score every formation as a step from ``standing``.

    ``types`` holds certification types (``"CAP"``, ``"BTS"``…) and ``levels`` EU
    levels (NaN when unknown), aligned with the catalogue's formations. Each
    distinct (type, level) pair is judged once and the answers broadcast. Finding
    the pairs of the national catalogue costs more than judging them: an index that
    scores many profiles keeps a :class:`LevelPairs` and calls its ``judge``.

    Examples
    --------
    >>> result = step_scores(parse_level("cap"), np.array(["BAC PRO", "BTS", "CAP"]),
    ...                      np.array([4.0, 5.0, 3.0]))
    >>> result.scores.tolist(), result.allowed.tolist(), result.reason(1)
    ([1.0, 0.0, 0.05], [True, False, True], 'demande un Bac (niveau 4)')
    """
    return LevelPairs.of(types, levels).judge(standing, retraining=retraining)


@dataclass(frozen=True)
class LevelPairs:
    """The distinct (certification type, level) pairs of some items, found once.

    Examples
    --------
    >>> pairs = LevelPairs.of(np.array(["CAP", "CAP", "BTS"]), np.array([3.0, 3.0, 5.0]))
    >>> pairs.pairs, pairs.judge(parse_level("3e")).allowed.tolist()
    ([('BTS', 5), ('CAP', 3)], [True, True, False])
    """

    inverse: npt.NDArray[np.intp]  # item → position in pairs
    pairs: list[tuple[str, int | None]]

    @classmethod
    def of(cls, types: npt.NDArray[np.object_], levels: npt.NDArray[np.float64]) -> LevelPairs:
        type_codes, type_values = pd.factorize(types, use_na_sentinel=False, sort=True)
        level_codes, level_values = pd.factorize(levels, use_na_sentinel=False, sort=True)
        n_levels = len(level_values)
        keys = type_codes.astype(np.intp) * n_levels + level_codes
        present = np.zeros(len(type_values) * n_levels, dtype=bool)
        present[keys] = True
        distinct = np.flatnonzero(present)
        position = np.zeros(len(present), dtype=np.intp)
        position[distinct] = np.arange(len(distinct))
        pairs = [
            (_type_text(type_values[key // n_levels]), _level_int(level_values[key % n_levels]))
            for key in distinct
        ]
        inverse = position[keys]
        inverse.flags.writeable = False
        return cls(inverse, pairs)

    def judge(self, standing: Standing, *, retraining: bool = False) -> StepResult:
        """Step scores of every item from ``standing`` (see :func:`explain_step`)."""
        judged = [_judge(standing, type_, level, retraining) for type_, level in self.pairs]
        count = len(judged)
        scores = np.fromiter((j[0] for j in judged), dtype=np.float64, count=count)
        allowed = np.fromiter((j[1] for j in judged), dtype=np.bool_, count=count)
        codes = np.fromiter((j[2] for j in judged), dtype=np.int8, count=count)
        return StepResult(scores[self.inverse], allowed[self.inverse], codes[self.inverse])


@lru_cache(maxsize=4096)
def _judge(
    standing: Standing, certification_type: str, level: int | None, retraining: bool = False
) -> tuple[float, bool, int]:
    family, requirement = _TYPES.get(certification_type, _DEFAULT_TYPE)
    family = _FAMILY_BY_LEVEL.get((certification_type, level or 0), family)
    needed = _needed_level(requirement, level)
    if standing.prerequisite_level < needed:
        return 0.0, False, _REASON_CODE[NEEDS[needed]]
    prior, entering = standing.prerequisite_level, standing.entering_level
    retraining = retraining and not standing.is_pupil and standing.held_level > 0
    if level is not None and level < prior:
        if retraining:
            return RETRAIN_BELOW_SCORE, True, _REASON_CODE[RETRAIN_BELOW]
        return BELOW_SCORE, True, _REASON_CODE[BELOW]
    if level is None and family == "title":  # a title is judged by its level alone
        return UNKNOWN_SCORE, True, _REASON_CODE[UNKNOWN]
    group = _GROUPS[standing.code]
    row = _STEPS.get((group, family)) or _STEPS.get((group, "*"))
    if retraining and level == prior and (row is None or row[0] < RETRAIN_SAME_SCORE):
        return RETRAIN_SAME_SCORE, True, _REASON_CODE[RETRAIN_SAME]
    if row is not None:
        return row[0], True, _REASON_CODE[row[1]]
    if level is None:
        return UNKNOWN_SCORE, True, _REASON_CODE[UNKNOWN]
    if level == prior and family in _FIRST_TRACKS:
        return REPEAT_SCORE, True, _REASON_CODE[REPEAT]
    if level == prior:
        return SAME_SCORE, True, _REASON_CODE[SAME]
    if level == entering:
        return NEXT_LEVEL_SCORE, True, _REASON_CODE[NEXT_LEVEL]
    return FAR_SCORE, True, _REASON_CODE[SKIP if level > entering else OTHER]


def _needed_level(requirement: Requirement, level: int | None) -> int:
    if isinstance(requirement, int):
        return requirement
    if level is None:  # unknown level: nothing to require
        return 0
    needed = level if requirement == "same" else level - 1
    return needed if needed >= 3 else 0


def _type_text(value: object) -> str:
    return str(value) if isinstance(value, str) else ""


def _level_int(value: float) -> int | None:
    return None if math.isnan(value) else int(value)
