"""Recommendation quality: the engine against four baselines on the judged profiles.

``make bench-quality`` runs it: every system ranks formations for every profile of
``profiles.toml``, scored against ``judgments.json`` (see ``judge.py`` for how
grades are derived and ``metrics.py`` for the metrics). Prints one table, per
segment too, and writes it into ``benchmarks/RESULTS.md`` with the date and commit.

``--show ID`` prints each system's top 10 for one profile, with grades, to see why.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from benchmarks.quality.judge import JUDGMENTS_FILE, Judge
from benchmarks.quality.metrics import Formation, Judged, ProfileScores, Summary, summarise
from benchmarks.quality.profiles import load_profiles, profiles_checksum
from benchmarks.quality.systems import Systems
from recommender.catalogue import Catalogue
from recommender.engine import Engine
from recommender.errors import ProfileError
from recommender.model import MatchingModel
from recommender.settings import Settings

RESULTS_FILE = Path(__file__).resolve().parents[1] / "RESULTS.md"
START, END = "<!-- quality:start -->", "<!-- quality:end -->"
COLUMNS = (
    ("nDCG@10", "ndcg10", "{:.3f}"),
    ("recall@10", "recall10", "{:.3f}"),
    ("recall@20", "recall20", "{:.3f}"),
    ("MRR", "mrr", "{:.3f}"),
    ("must-include@20", "must_include_rate", "{:.0%}"),
    ("must-not (violations)", "violations", "{}"),
    ("unreachable@10", "unreachable10", "{:.0%}"),
    ("certif. / 10", "certifications10", "{:.1f}"),
    ("établ. / 10", "establishments10", "{:.1f}"),
    ("voies / 10", "voies10", "{:.2f}"),
    ("coverage (certif. / établ.)", "coverage", "{}"),
    ("empty lists", "empty", "{}"),
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--show", metavar="ID", help="print every system's top 10 for a profile")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    args = parser.parse_args(argv)
    console = Console()

    judgments = _judgments()
    settings = Settings()
    started = time.perf_counter()
    catalogue = Catalogue.from_bundle(settings.data_dir, settings.campuses_path)
    if judgments["data_checksum"] != catalogue.meta.get("checksum", "")[:16]:
        raise SystemExit(
            "judgments.json was derived from other data: run "
            "`.venv/bin/python -m benchmarks.quality.judge`"
        )
    engine = Engine(catalogue, MatchingModel.load(settings.model_path))
    systems = Systems(engine).all()
    profiles = {p.id: p for p in load_profiles()}
    judge = Judge(catalogue)
    judged = [Judged(j, judge.unreachable(profiles[j["id"]])) for j in judgments["profiles"]]
    if args.show:
        certifications = catalogue.tables["certifications"]
        labels = dict(zip(certifications["cert_id"], certifications["label"], strict=True))
        _show(console, args.show, profiles, judged, systems, judgments, labels)
        return

    results: dict[str, list[tuple[str, ProfileScores, list[Formation]]]] = {}
    for name, system in systems.items():
        rows = []
        for judgment in judged:
            try:
                ranked = system(profiles[judgment.id].profile())
            except ProfileError as error:
                console.print(f"[red]{name} · {judgment.id}: {error}[/red]")
                ranked = []
            rows.append((judgment.segment, judgment.score(ranked), ranked))
        results[name] = rows
    summaries = {
        name: summarise([r[1] for r in rows], [r[2] for r in rows])
        for name, rows in results.items()
    }
    segments = _segments(results)
    elapsed = time.perf_counter() - started

    console.print(_rich_table(summaries))
    console.print(_rich_segments(segments))
    verdict = _verdict(summaries)
    console.print(verdict)
    console.print(f"{len(judged)} profiles · {elapsed:.0f} s")
    if not args.no_write:
        _write_results(summaries, segments, verdict, len(judged))
        console.print(f"written to {RESULTS_FILE}")


def _judgments() -> dict[str, Any]:
    if not JUDGMENTS_FILE.is_file():
        raise SystemExit("no judgments.json: run `.venv/bin/python -m benchmarks.quality.judge`")
    judgments: dict[str, Any] = json.loads(JUDGMENTS_FILE.read_text(encoding="utf-8"))
    if judgments["profiles_checksum"] != profiles_checksum():
        raise SystemExit(
            "profiles.toml changed since judgments.json was derived: run "
            "`.venv/bin/python -m benchmarks.quality.judge`"
        )
    return judgments


def _segments(
    results: dict[str, list[tuple[str, ProfileScores, list[Formation]]]],
) -> dict[str, dict[str, tuple[int, float]]]:
    """Segment → system → (judgeable profiles, mean nDCG@10)."""
    out: dict[str, dict[str, tuple[int, float]]] = {}
    for name, rows in results.items():
        by_segment: dict[str, list[float]] = {}
        for segment, scores, _ in rows:
            if scores.judgeable:
                by_segment.setdefault(segment, []).append(scores.ndcg10)
        for segment, values in by_segment.items():
            out.setdefault(segment, {})[name] = (len(values), sum(values) / len(values))
    return out


def _cell(summary: Summary, attribute: str, pattern: str) -> str:
    if attribute == "coverage":
        return f"{summary.coverage_certifications} / {summary.coverage_establishments}"
    return pattern.format(getattr(summary, attribute))


def _rich_table(summaries: dict[str, Summary]) -> Table:
    table = Table(title="Qualité des recommandations (formations)")
    table.add_column("métrique", no_wrap=True)
    for name in summaries:
        table.add_column(name, justify="right")
    for title, attribute, pattern in COLUMNS:
        table.add_row(title, *(_cell(s, attribute, pattern) for s in summaries.values()))
    return table


def _rich_segments(segments: dict[str, dict[str, tuple[int, float]]]) -> Table:
    names = list(next(iter(segments.values())))
    table = Table(title="nDCG@10 par segment")
    table.add_column("segment")
    table.add_column("profils", justify="right")
    for name in names:
        table.add_column(name, justify="right")
    for segment, by_system in segments.items():
        count = next(iter(by_system.values()))[0]
        table.add_row(segment, str(count), *(f"{by_system[n][1]:.3f}" for n in names))
    return table


def _verdict(summaries: dict[str, Summary]) -> str:
    model = summaries["moteur"]
    baselines = {n: s for n, s in summaries.items() if n != "moteur"}
    best_name, best = max(baselines.items(), key=lambda item: item[1].ndcg10)
    ratio = model.ndcg10 / best.ndcg10 if best.ndcg10 else float("inf")
    return (
        f"moteur nDCG@10 {model.ndcg10:.3f} = {ratio:.2f}× the best baseline "
        f"({best_name}, {best.ndcg10:.3f}); aim ≥ 1.3×: {'met' if ratio >= 1.3 else 'NOT met'}. "
        f"Must-not violations: {model.violations} (aim 0)."
    )


def _markdown(
    summaries: dict[str, Summary],
    segments: dict[str, dict[str, tuple[int, float]]],
    verdict: str,
    profiles: int,
) -> str:
    commit = _commit()
    lines = [
        START,
        f"## Recommendation quality — {date.today().isoformat()}, commit {commit}",
        "",
        f"Command: `make bench-quality` ({profiles} judged profiles of "
        "`benchmarks/quality/profiles.toml`, judgments in `benchmarks/quality/judgments.json`; "
        "baselines restricted to the person's radius and voies).",
        "",
        "| metric | " + " | ".join(summaries) + " |",
        "|---|" + "---:|" * len(summaries),
    ]
    for title, attribute, pattern in COLUMNS:
        cells = " | ".join(_cell(s, attribute, pattern) for s in summaries.values())
        lines.append(f"| {title} | {cells} |")
    names = list(summaries)
    lines += [
        "",
        "nDCG@10 per segment:",
        "",
        "| segment | profiles | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for segment, by_system in segments.items():
        count = next(iter(by_system.values()))[0]
        cells = " | ".join(f"{by_system[n][1]:.3f}" for n in names)
        lines.append(f"| {segment} | {count} | {cells} |")
    judgeable = next(iter(summaries.values())).judgeable
    lines.append("")
    if judgeable < profiles:
        lines += [
            f"{judgeable} of {profiles} profiles have a relevant formation within reach; the "
            "others (the data hold none: see the profiles' notes) count only for "
            "must-include, must-not, unreachable, diversity and coverage.",
            "",
        ]
    lines += [
        verdict,
        END,
    ]
    return "\n".join(lines)


def _write_results(
    summaries: dict[str, Summary],
    segments: dict[str, dict[str, tuple[int, float]]],
    verdict: str,
    profiles: int,
) -> None:
    block = _markdown(summaries, segments, verdict, profiles)
    text = RESULTS_FILE.read_text(encoding="utf-8")
    if START in text and END in text:
        before, rest = text.split(START, 1)
        after = rest.split(END, 1)[1]
        text = before + block + after
    else:
        head, marker, tail = text.partition("\n## ")
        text = head + "\n" + block + "\n\n## " + tail if marker else text + "\n" + block + "\n"
    RESULTS_FILE.write_text(text, encoding="utf-8")


def _commit() -> str:
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent,
    ).stdout.strip()
    return found.stdout.strip() + (" + uncommitted changes" if dirty else "")


def _show(
    console: Console,
    profile_id: str,
    profiles: dict[str, Any],
    judged: list[Judged],
    systems: dict[str, Any],
    judgments: dict[str, Any],
    labels: dict[str, str],
) -> None:
    if profile_id not in profiles:
        raise SystemExit(f"unknown profile {profile_id!r}")
    judgment = next(j for j in judged if j.id == profile_id)
    raw = next(j for j in judgments["profiles"] if j["id"] == profile_id)
    profile = profiles[profile_id]
    console.print(
        f"[bold]{profile_id}[/bold] · {profile.level} · {profile.interests} · "
        f"{profile.place} {profile.radius_km:g} km → judged within {raw['radius_km']:g} km"
    )
    for name, system in systems.items():
        ranked = system(profile.profile())
        scores = judgment.score(ranked)
        table = Table(title=f"{name} · nDCG@10 {scores.ndcg10:.3f}")
        for column in ("#", "grade", "cert", "label", "uai", "voie"):
            table.add_column(column)
        for rank, item in enumerate(ranked[:10], start=1):
            table.add_row(
                str(rank),
                str(judgment.grades.get(item, 0)),
                item[0],
                labels.get(item[0], "")[:60],
                item[1],
                item[2],
            )
        console.print(table)


if __name__ == "__main__":
    main()
