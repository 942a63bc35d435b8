"""Grader throughput and overhead, run on demand (not part of the test suite).

    python benchmarks/grader.py [--copies 8] [--assignment 00]

Grades `--copies` copies of the solution notebook with `-j 1` and `-j 2` and
compares the time per submission with the time the notebook itself takes to
run top to bottom in a fresh kernel (`course run --part solution`). Writes
`benchmarks/results/grader.md`.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from course_tools import notebooks
from course_tools.chapters import find_chapter
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import load_assignment, reference_results
from course_tools.grading.kernel import Limits, Sandbox

RESULTS = Path(__file__).parent / "results" / "grader.md"


def notebook_seconds(path: Path, repeats: int) -> float:
    """Median time to execute a notebook top to bottom in a fresh kernel."""
    timings = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            notebooks.execute(notebooks.read(path), Path(scratch))
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def batch_seconds(assignment: str, hand_ins: Path, workers: int) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        grade_batch(
            assignment,
            [hand_ins],
            BatchOptions(out_dir=Path(out), workers=workers, sandbox=Sandbox.available()),
            stream=io.StringIO(),
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--assignment", default="00")
    args = parser.parse_args()

    chapter = find_chapter(args.assignment)
    started = time.perf_counter()
    reference_results(load_assignment(args.assignment), Limits())
    reference = time.perf_counter() - started
    notebook = notebook_seconds(chapter.solution, repeats=3)

    hand_ins = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    try:
        for index in range(args.copies):
            shutil.copy(chapter.solution, hand_ins / f"student_{index:03d}.ipynb")
        walls = {workers: batch_seconds(args.assignment, hand_ins, workers) for workers in (1, 2)}
    finally:
        shutil.rmtree(hand_ins)

    per_submission = {w: (walls[w] - reference) / args.copies for w in walls}
    per_minute = {w: 60.0 / per_submission[w] for w in walls}
    overhead = per_submission[1] - notebook
    speedup = per_minute[2] / per_minute[1]
    sandbox = "bubblewrap" if Sandbox.available() else "none"
    table = "\n".join(
        [
            f"# Grader benchmark (assignment {chapter.number}, "
            f"{args.copies} copies of the solution)",
            "",
            f"Machine: {platform.machine()}, {platform.python_version()}, "
            f"{os.cpu_count()} cores; sandbox: {sandbox}.",
            "",
            "| measure | value |",
            "|---|---|",
            f"| notebook alone, fresh kernel (median of 3) | {notebook:.2f} s |",
            f"| reference run of the solution, once per batch | {reference:.2f} s |",
            f"| per submission, -j 1 | {per_submission[1]:.2f} s |",
            f"| per submission, -j 2 | {per_submission[2]:.2f} s |",
            f"| submissions per minute, -j 1 | {per_minute[1]:.1f} |",
            f"| submissions per minute, -j 2 | {per_minute[2]:.1f} |",
            f"| -j 2 throughput / -j 1 | {speedup:.2f}x (target >= 1.7x) |",
            f"| grader overhead per submission (-j 1 minus notebook) | {overhead:.2f} s "
            "(target <= 1.5 s) |",
            "",
        ]
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table)
    print(table)


if __name__ == "__main__":
    main()
