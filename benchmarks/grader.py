"""Grader throughput at class scale, run on demand (not part of the test suite).

    python benchmarks/grader.py [--copies 100] [--assignment 00] [--timeout 20] [--repeats 1]
    python benchmarks/grader.py --corpus              # only the corpus check below
    python benchmarks/grader.py --constant-answers    # only the constant-answer check below

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

It first grades every case of the test corpus (`tests/grading_corpus.py`)
once and checks each one's exact grade: the test suite keeps one hostile case
per kind of attack, and the others (a second endless loop, SIGKILL of its own
kernel, `sys.exit`, endless recursion, 50 MB of output, patched comparisons,
reading the solutions by path, ...) are checked here. A mismatch stops the
benchmark with exit status 1.

`--constant-answers` grades, for every chapter, its solution with each answer
replaced by `return 0.123` (it runs, and is wrong), and checks that it earns
nothing: run in a kernel, a Keras object whose methods return a constant
breaks its model or its training. The test suite scores the constant against
each chapter's reference without a kernel.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_tools import exercises, notebooks
from course_tools.chapters import chapters, find_chapter
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.exports import submission_status
from course_tools.grading.grader import load_assignment, reference_results
from course_tools.grading.kernel import Limits, Sandbox
from tests.grading_corpus import CASES, grade_corpus, mismatches

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


def check_corpus(timeout: float) -> list[str]:
    """Grade every case of the test corpus once; what was not graded as expected."""
    sandbox = Sandbox.available()
    with tempfile.TemporaryDirectory(prefix="grader-corpus-") as scratch:
        hand_ins = Path(scratch) / "hand-ins"
        hand_ins.mkdir()
        options = BatchOptions(
            out_dir=Path(scratch) / "graded", workers=2, cell_timeout=timeout, sandbox=sandbox
        )
        graded = grade_corpus(CASES, hand_ins, options)
    problems = mismatches(graded, CASES, sandbox)
    if graded.connections:
        problems.append(f"{graded.connections} connection(s) reached the loopback listener")
    return problems


def constant_answers(solution: Path) -> str:
    """The solution with every answer replaced by `return 0.123`: runs, and is wrong."""
    notebook = notebooks.read(solution)
    for cell in notebook.cells:
        if exercises.exercise_id(cell):
            cell.source = re.sub(
                r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION\n?",
                r"\1return 0.123\n",
                cell.source,
                flags=re.S,
            )
    return notebooks.dumps(notebook)


def check_constant_answers() -> list[str]:
    """Every chapter's constant answers, graded; the exercises where they earned anything.

    With the default time limits: these are graded on their merits (a callback that never
    stops training runs its every epoch).
    """
    problems = []
    for chapter in [c for c in chapters() if c.exercise]:
        with tempfile.TemporaryDirectory(prefix="grader-constant-") as scratch:
            hand_ins = Path(scratch) / "hand-ins"
            hand_ins.mkdir()
            (hand_ins / "constant.ipynb").write_text(constant_answers(chapter.solution))
            options = BatchOptions(out_dir=Path(scratch) / "graded", sandbox=Sandbox.available())
            (record,) = grade_batch(chapter.number, [hand_ins], options, stream=io.StringIO())
        for grade in record["exercises"]:
            # A Keras object whose methods return 0.123 breaks the model it is used in.
            allowed = {"wrong", "error"} if grade["exercise"][0].isupper() else {"wrong"}
            if grade["points"] or grade["status"] not in allowed:
                problems.append(f"{chapter.number} {grade['exercise']}: {grade}")
        print(f"chapter {chapter.number}: constant answers graded", flush=True)
    return problems


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
    parser.add_argument(
        "--corpus", action="store_true", help="only check the test corpus's grades, then stop"
    )
    parser.add_argument(
        "--constant-answers",
        action="store_true",
        help="only check that every chapter's constant answers earn nothing, then stop",
    )
    args = parser.parse_args()

    if args.constant_answers:
        problems = check_constant_answers()
        if problems:
            sys.exit("constant answers earned points or ended oddly:\n" + "\n".join(problems))
        print("Every chapter's constant answers earned nothing.")
        return

    problems = check_corpus(args.timeout)
    corpus = f"all {len(CASES)} cases of the test corpus graded exactly as expected"
    if not Sandbox.available():
        corpus += " (those that need bubblewrap skipped)"
    if problems:
        sys.exit("test corpus graded otherwise than expected:\n" + "\n".join(problems))
    print(corpus[0].upper() + corpus[1:] + ".")
    if args.corpus:
        return

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
            f"Graded as: {graded}. Before the batches, {corpus}.",
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
