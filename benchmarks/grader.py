"""Grader throughput at class scale, run on demand (not part of the test suite).

    python benchmarks/grader.py [--copies 100] [--assignment 00] [--timeout 20] [--repeats 1]

Grades a class of `--copies` hand-ins of one chapter with `-j 1` and `-j 2`,
alternating the two (`--repeats` pairs): 80 % copies of the solution, 10 %
wrong (from the test corpus: wrong, partly right, blank) and 10 % hostile
(endless loops, one that ignores interrupts, `os._exit`, SIGKILL of its own
kernel, a memory bomb, `sys.exit`, endless recursion, 50 MB of output, a
malformed file). Reports submissions per minute with the reference run
included (what an instructor waits for) and without, the median time per
correct submission, and how the batch graded the class; compares the time
per submission with the time the solution takes to run top to bottom with
nbclient. Writes `benchmarks/results/grader.md`.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_tools import notebooks
from course_tools.chapters import find_chapter
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.exports import submission_status
from course_tools.grading.grader import load_assignment, reference_results
from course_tools.grading.kernel import Limits, Sandbox
from tests.grading_corpus import CASES

RESULTS = Path(__file__).parent / "results" / "grader.md"
WRONG = ("wrong", "partly_right", "blank")
HOSTILE = (
    "loop_in_function",
    "ignores_interrupt",
    "os_exit",
    "sigkill_self",
    "memory_bomb",
    "sys_exit",
    "deep_recursion",
    "enormous_output",
    "malformed_json",
    "allclose_patched",
)


def class_of(copies: int, folder: Path) -> Counter:
    """Write the hand-ins: every tenth wrong, every tenth (offset 5) hostile, the rest right."""
    by_name = {case.name: case for case in CASES}
    wrong, hostile = itertools.cycle(WRONG), itertools.cycle(HOSTILE)
    kinds: Counter = Counter()
    for index in range(copies):
        kind = "correct"
        if index % 10 == 9:
            kind = next(wrong)
        elif index % 10 == 4:
            kind = next(hostile)
        by_name[kind].write(folder / f"student_{index:03d}_{kind}.ipynb", {})
        kinds["correct" if kind == "correct" else "wrong" if kind in WRONG else "hostile"] += 1
    return kinds


def notebook_seconds(path: Path, repeats: int) -> float:
    """Median time to execute a notebook top to bottom in a fresh kernel."""
    timings = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as scratch:
            started = time.perf_counter()
            notebooks.execute(notebooks.read(path), Path(scratch))
            timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def graded_class(assignment: str, hand_ins: Path, workers: int, timeout: float) -> tuple:
    """(wall seconds, records) of one batch into a fresh output folder."""
    with tempfile.TemporaryDirectory(prefix="grader-bench-out-") as out:
        options = BatchOptions(
            out_dir=Path(out), workers=workers, cell_timeout=timeout, sandbox=Sandbox.available()
        )
        started = time.perf_counter()
        records = grade_batch(assignment, [hand_ins], options, stream=io.StringIO())
        return time.perf_counter() - started, records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--assignment", default="00")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per cell")
    parser.add_argument("--repeats", type=int, default=1, help="pairs of -j 1 / -j 2 batches")
    args = parser.parse_args()

    chapter = find_chapter(args.assignment)
    started = time.perf_counter()
    reference_results(load_assignment(args.assignment), Limits())
    reference = time.perf_counter() - started
    notebook = notebook_seconds(chapter.solution, repeats=3)

    hand_ins = Path(tempfile.mkdtemp(prefix="grader-bench-"))
    kinds = class_of(args.copies, hand_ins)
    walls: dict[int, list[float]] = {1: [], 2: []}
    correct: dict[int, list[float]] = {1: [], 2: []}
    outcome: Counter = Counter()
    try:
        for workers in [1, 2] * args.repeats:
            wall, records = graded_class(args.assignment, hand_ins, workers, args.timeout)
            walls[workers].append(wall)
            correct[workers] += [
                r["seconds"]
                for r in records
                if "correct" in r["file"] and r["points"] == r["max_points"]
            ]
            outcome = Counter(submission_status(r) for r in records)
            outcome["full points"] = sum(r["points"] == r["max_points"] for r in records)
    finally:
        shutil.rmtree(hand_ins)

    wall = {w: statistics.median(walls[w]) for w in walls}
    per_minute = {w: 60.0 * args.copies / wall[w] for w in wall}
    without_reference = {w: 60.0 * args.copies / (wall[w] - reference) for w in wall}
    each = {w: statistics.median(correct[w]) for w in correct}
    sandbox = "bubblewrap" if Sandbox.available() else "none"
    graded = ", ".join(f"{count} {status}" for status, count in sorted(outcome.items()))
    table = "\n".join(
        [
            f"# Grader benchmark: a class of {args.copies} hand-ins of assignment {chapter.number}",
            "",
            f"Machine: {platform.machine()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} cores; sandbox: {sandbox}; cell timeout {args.timeout:g} s; "
            f"{args.repeats} pair(s) of batches, alternating -j 1 and -j 2 (medians).",
            "",
            f"The class: {kinds['correct']} copies of the solution, {kinds['wrong']} wrong "
            f"({', '.join(WRONG)}), {kinds['hostile']} hostile ({', '.join(HOSTILE)}).",
            f"Graded as: {graded}.",
            "",
            "| measure | -j 1 | -j 2 |",
            "|---|---|---|",
            f"| whole batch, reference run included | {wall[1]:.0f} s | {wall[2]:.0f} s |",
            f"| submissions per minute, reference included | {per_minute[1]:.1f} | "
            f"{per_minute[2]:.1f} |",
            f"| submissions per minute, reference excluded | {without_reference[1]:.1f} | "
            f"{without_reference[2]:.1f} |",
            f"| one correct submission, median (its own kernel, wall) | {each[1]:.2f} s | "
            f"{each[2]:.2f} s |",
            "",
            f"The solution alone, top to bottom with nbclient in a fresh kernel (median of 3): "
            f"{notebook:.2f} s; the reference run (the solution on every probe, once per batch): "
            f"{reference:.2f} s; -j 2 / -j 1 throughput: {per_minute[2] / per_minute[1]:.2f}x.",
            "",
        ]
    )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(table)
    print(table)


if __name__ == "__main__":
    main()
