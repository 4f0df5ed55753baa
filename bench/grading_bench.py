"""Offline grader speed: grades per second on one core, and the time to the first grade.

Targets: >= 1000 grades/s after warm-up; first grade within 1 s of start-up (imports, bank load,
grader construction, one grade). The answers are those of the labelled dev set whose questions
are in the shipped bank, repeated.

Prints JSON. Run: python bench/grading_bench.py [--dev-set PATH] [--seconds 3]
The first-grade figure comes from fresh interpreters (`--first-grade-probe` is that child mode).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DEV_SET = REPO.parent / "shared" / "grading" / "dev-set.yaml"
PROBE_ANSWER = (
    "模型权重常驻显存，KV Cache 随 batch 和序列长度线性增长，框架的缓存分配器不归还显存。"
)


def _pin_to_one_core() -> int | None:
    """Run on a single CPU so the figure means "one core" even on a big machine."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def first_grade_probe() -> None:
    """Child mode: everything a fresh process does before it can show its first grade."""
    started = time.perf_counter()
    from bot.core.grading import build_offline_grader
    from content.loader import load_bank

    imported = time.perf_counter()
    bank = load_bank()
    loaded = time.perf_counter()
    grader = build_offline_grader(bank)
    built = time.perf_counter()
    question = next(iter(bank.questions.values()))
    grader.grade(question, PROBE_ANSWER)
    graded = time.perf_counter()
    print(
        json.dumps(
            {
                "import_ms": (imported - started) * 1000,
                "bank_load_ms": (loaded - imported) * 1000,
                "grader_build_ms": (built - loaded) * 1000,
                "first_grade_ms": (graded - built) * 1000,
                "total_ms": (graded - started) * 1000,
                "questions": len(bank.questions),
            }
        )
    )


def _first_grade(runs: int) -> dict[str, object]:
    samples = []
    walls = []
    for _ in range(runs):
        wall = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--first-grade-probe"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        walls.append((time.perf_counter() - wall) * 1000)
        samples.append(json.loads(out.stdout.strip().splitlines()[-1]))
    median = {
        key: round(statistics.median(float(s[key]) for s in samples), 1)
        for key in ("import_ms", "bank_load_ms", "grader_build_ms", "first_grade_ms", "total_ms")
    }
    return {
        "runs": runs,
        "questions": samples[0]["questions"],
        "median_ms": median,
        "max_total_ms": round(max(float(s["total_ms"]) for s in samples), 1),
        # Including the interpreter's own start-up, as a person typing the command sees it.
        "median_process_wall_ms": round(statistics.median(walls), 1),
        "target_ms": 1000,
    }


def _throughput(dev_set: Path, seconds: float) -> dict[str, object]:
    from bot.core.grading import build_offline_grader
    from bot.core.grading.evaluation import load_labelled
    from bot.core.grading.resolve import resolve_question
    from content.loader import load_bank
    from content.schema import Question

    bank = load_bank()
    grader = build_offline_grader(bank)
    pairs: list[tuple[Question, str]] = []
    skipped = 0
    for item in load_labelled(dev_set):
        question = resolve_question(bank, item.question)
        if question is None:
            skipped += len(item.answers)
            continue
        pairs.extend((question, answer.text) for answer in item.answers)
    if not pairs:
        return {"error": "no dev-set question is in the bank"}
    for question, text in pairs * 3:  # warm-up: profiles, caches, branch predictors
        grader.grade(question, text)
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for question, text in pairs:
            grader.grade(question, text)
        done += len(pairs)
    elapsed = time.perf_counter() - started
    return {
        "answers": len(pairs),
        "answers_skipped_not_in_bank": skipped,
        "grades": done,
        "seconds": round(elapsed, 2),
        "grades_per_second": round(done / elapsed, 1),
        "mean_us_per_grade": round(elapsed / done * 1e6, 1),
        "target_grades_per_second": 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev-set", type=Path, default=DEFAULT_DEV_SET)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--first-grade-runs", type=int, default=5)
    parser.add_argument("--first-grade-probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.first_grade_probe:
        first_grade_probe()
        return
    core = _pin_to_one_core()
    result = {
        "cpu_core": core,
        "throughput": _throughput(args.dev_set, args.seconds),
        "first_grade": _first_grade(args.first_grade_runs),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
