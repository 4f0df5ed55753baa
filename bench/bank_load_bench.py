"""How long loading and validating the whole shipped bank takes at start-up (target < 200 ms).

Prints JSON: {"questions": N, "load_ms": {"first": …, "median": …, "max": …}}.
Run: python bench/bank_load_bench.py [--runs 20]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from content.loader import load_bank


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    timings = []
    questions = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        bank = load_bank()
        timings.append((time.perf_counter() - start) * 1000)
        questions = len(bank.questions)
    print(
        json.dumps(
            {
                "questions": questions,
                "load_ms": {
                    "first": round(timings[0], 1),
                    "median": round(statistics.median(timings), 1),
                    "max": round(max(timings), 1),
                },
                "target_ms": 200,
            }
        )
    )


if __name__ == "__main__":
    main()
