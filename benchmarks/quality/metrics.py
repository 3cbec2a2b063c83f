"""Ranking metrics over judged formations.

A ranked list is a sequence of formations, each a (cert_id, uai, voie) triple. Its
grade is the judged grade of that exact formation (0 when not judged: another
certification, or beyond the judged reach). Relevant means grade 2 or more.

- **nDCG@k**: DCG with gains 2^grade − 1 and log2(rank + 1) discounts, over the
  ideal DCG of the judged formations' best k grades. A profile with no relevant
  formation within reach (the data hold none) has no ideal list: it is left out of
  the means of nDCG, recall and MRR, and counted apart.
- **recall@k**: distinct relevant certifications in the top k, over
  min(k, number of relevant certifications within reach): a list of ten cannot
  hold thirty certifications, and must not be blamed for it.
- **MRR**: 1 / rank of the first relevant formation (0 when none in the list).
- **must-include@20**: share of must-include certifications found in the top 20.
- **must-not violations**: must-not-include certifications found in the top 20.
- **unreachable@10**: share of the top 10 the person cannot enter (level).
- **diversity@10**: distinct certifications, establishments and voies in the top 10.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

Formation = tuple[str, str, str]  # cert_id, uai, voie
RELEVANT = 2
MUST_DEPTH = 20


@dataclass(frozen=True)
class ProfileScores:
    judgeable: bool  # some relevant formation is within reach
    ndcg10: float
    recall10: float
    recall20: float
    mrr: float
    must_found: int
    must_total: int
    violations: int
    unreachable10: float
    distinct_certifications10: int
    distinct_establishments10: int
    distinct_voies10: int
    returned: int


class Judged:
    """One profile's judgments, indexed for scoring lists."""

    def __init__(self, judgment: dict[str, Any], unreachable: set[str] | None = None) -> None:
        self.id: str = judgment["id"]
        self.segment: str = judgment["segment"]
        self.grades: dict[Formation, int] = {
            (f["cert_id"], f["uai"], f["voie"]): int(f["grade"]) for f in judgment["formations"]
        }
        relevant = {key[0] for key, value in self.grades.items() if value >= RELEVANT}
        self.relevant_certifications = relevant
        self.must_include = set(judgment["must_include"])
        self.must_not_include = set(judgment["must_not_include"])
        self.unreachable = unreachable or set()

    def score(self, ranked: Sequence[Formation]) -> ProfileScores:
        grades = [self.grades.get(item, 0) for item in ranked]
        top10, top20 = ranked[:10], ranked[:MUST_DEPTH]
        certifications20 = {item[0] for item in top20}
        return ProfileScores(
            judgeable=bool(self.relevant_certifications),
            ndcg10=ndcg(grades, sorted(self.grades.values(), reverse=True), 10),
            recall10=self._recall(ranked, 10),
            recall20=self._recall(ranked, 20),
            mrr=reciprocal_rank(grades),
            must_found=len(self.must_include & certifications20),
            must_total=len(self.must_include),
            violations=len(self.must_not_include & certifications20),
            unreachable10=(
                sum(item[0] in self.unreachable for item in top10) / len(top10) if top10 else 0.0
            ),
            distinct_certifications10=len({item[0] for item in top10}),
            distinct_establishments10=len({item[1] for item in top10}),
            distinct_voies10=len({item[2] for item in top10}),
            returned=len(ranked),
        )

    def _recall(self, ranked: Sequence[Formation], k: int) -> float:
        if not self.relevant_certifications:
            return 0.0
        found = {
            item[0]
            for item in ranked[:k]
            if self.grades.get(item, 0) >= RELEVANT and item[0] in self.relevant_certifications
        }
        return len(found) / min(k, len(self.relevant_certifications))


def ndcg(grades: Sequence[int], ideal: Sequence[int], k: int) -> float:
    """Normalised discounted cumulative gain at ``k``.

    Examples
    --------
    >>> ndcg([3, 2, 0], [3, 2, 0], 3)
    1.0
    >>> round(ndcg([0, 2, 3], [3, 2], 3), 3)
    0.606
    >>> ndcg([1, 1], [], 2)
    0.0
    """
    best = _dcg(list(ideal)[:k])
    return _dcg(list(grades)[:k]) / best if best > 0 else 0.0


def reciprocal_rank(grades: Sequence[int]) -> float:
    """1 / rank of the first relevant item.

    Examples
    --------
    >>> reciprocal_rank([0, 1, 2, 3]), reciprocal_rank([0, 0])
    (0.3333333333333333, 0.0)
    """
    for rank, value in enumerate(grades, start=1):
        if value >= RELEVANT:
            return 1.0 / rank
    return 0.0


def _dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(rank + 1) for rank, g in enumerate(grades, start=1))


@dataclass(frozen=True)
class Summary:
    """Means over profiles (sums for the must lists)."""

    profiles: int
    judgeable: int
    ndcg10: float
    recall10: float
    recall20: float
    mrr: float
    must_include_rate: float
    violations: int
    unreachable10: float
    certifications10: float
    establishments10: float
    voies10: float
    coverage_certifications: int
    coverage_establishments: int
    empty: int


def summarise(
    scores: Sequence[ProfileScores], lists: Sequence[Sequence[Formation]] | None = None
) -> Summary:
    """Mean of every metric over profiles; coverage counts what the lists show in all.

    Examples
    --------
    >>> judged = Judged({"id": "p", "segment": "college", "must_include": ["A"],
    ...     "must_not_include": ["B"],
    ...     "formations": [{"cert_id": "A", "uai": "U1", "voie": "scolaire", "grade": 3}]},
    ...     unreachable={"B"})
    >>> ranked = [("B", "U2", "scolaire"), ("A", "U1", "scolaire")]
    >>> summary = summarise([judged.score(ranked)], [ranked])
    >>> round(summary.ndcg10, 3), summary.mrr, summary.violations, summary.unreachable10
    (0.631, 0.5, 1, 0.5)
    """
    must_total = sum(s.must_total for s in scores)
    shown = [item for ranked in (lists or []) for item in ranked[:10]]
    judged = [s for s in scores if s.judgeable]
    return Summary(
        profiles=len(scores),
        judgeable=len(judged),
        ndcg10=_mean([s.ndcg10 for s in judged]),
        recall10=_mean([s.recall10 for s in judged]),
        recall20=_mean([s.recall20 for s in judged]),
        mrr=_mean([s.mrr for s in judged]),
        must_include_rate=sum(s.must_found for s in scores) / must_total if must_total else 1.0,
        violations=sum(s.violations for s in scores),
        unreachable10=_mean([s.unreachable10 for s in scores]),
        certifications10=_mean([s.distinct_certifications10 for s in scores]),
        establishments10=_mean([s.distinct_establishments10 for s in scores]),
        voies10=_mean([s.distinct_voies10 for s in scores]),
        coverage_certifications=len({item[0] for item in shown}),
        coverage_establishments=len({item[1] for item in shown}),
        empty=sum(s.returned == 0 for s in scores),
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0
