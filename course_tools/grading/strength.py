"""Probe strength: how many plausible mistakes in each answer the grader catches.

`course mutants --assignment NN|PATH` makes the mutants of every answer in the
solution (`course_tools.mutation`), grades each one as a submission in which
every other answer is the solution's, and records whether the public cases
that `check` runs caught it and whether the hidden probes (bands, for an
experiment) did. A mutant the hidden probes let through is either equivalent
(it behaves like the answer: mark it in the grading file's `EQUIVALENT` with
its reason) or a hole to close with a better probe. The report, per exercise
and per surviving mutant with its changed expression, is written as
Markdown and JSON. Every kernel is the grader's own and ends with its
submission.

Example:
    >>> summary = summarise([MutantResult("f", "L3:4-9 Add->Sub", "a + b", "(a - b)",
    ...                                   public_killed=False, hidden_killed=True,
    ...                                   status="wrong")])
    >>> summary["f"]["killed_hidden"], summary["f"]["holes"]
    (1, [])
"""

from __future__ import annotations

import copy
import json
import re
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import date
from pathlib import Path
from typing import TextIO

from course_tools import notebooks
from course_tools.exercises import exercise_id
from course_tools.grading.grader import Assignment, grade_submission, reference_results
from course_tools.grading.kernel import SUBMISSION_TIMEOUT_SECONDS, Limits
from course_tools.grading.record import write_atomically
from course_tools.mutation import Mutant, mutants

_ALL_PUBLIC_PASSED = re.compile(r"\S+: (\d+)/\1 public cases passed")


@dataclass(frozen=True)
class MutantResult:
    """How the grader met one mutant."""

    exercise: str
    mutant_id: str
    before: str
    after: str
    public_killed: bool
    hidden_killed: bool
    #: The hidden grade's status (`ok` when the mutant earned every point).
    status: str
    #: Why the grading file calls this mutant equivalent, if it does.
    equivalent: str | None = None


def answer_mutants(assignment: Assignment, exercise: str) -> list[Mutant]:
    """The mutants of `exercise`'s answer cell in the solution, in source order."""
    cell = next(c for c in assignment.solution.cells if exercise_id(c) == exercise)
    return mutants(cell.source)


def measure(
    assignment: Assignment,
    exercises: tuple[str, ...] | None = None,
    limit: int | None = None,
    workers: int = 1,
    limits: Limits | None = None,
    stream: TextIO = sys.stderr,
) -> list[MutantResult]:
    """Grade every mutant (the first `limit` per exercise) of `exercises` (default: all)."""
    limits = limits or Limits()
    chosen = exercises or assignment.exercises
    jobs = [
        (exercise, mutant)
        for exercise in chosen
        for mutant in answer_mutants(assignment, exercise)[:limit]
    ]
    references = reference_results(assignment, limits)
    results: list[MutantResult | None] = [None] * len(jobs)
    with tempfile.TemporaryDirectory(prefix="course-mutants-") as scratch:

        def grade(index: int) -> None:
            exercise, mutant = jobs[index]
            path = Path(scratch) / f"mutant-{index}.ipynb"
            notebooks.write(_mutant_notebook(assignment, exercise, mutant), path)
            only = replace(assignment, exercises=(exercise,))
            [grade_] = grade_submission(
                path, only, references, limits, None, SUBMISSION_TIMEOUT_SECONDS, True
            )
            public_passed = _ALL_PUBLIC_PASSED.match(grade_.public_output or "") is not None
            results[index] = MutantResult(
                exercise,
                mutant.mutant_id,
                mutant.before,
                mutant.after,
                public_killed=not public_passed,
                hidden_killed=grade_.points < grade_.max_points,
                status=str(grade_.status),
                equivalent=assignment.equivalent.get(exercise, {}).get(mutant.mutant_id),
            )
            verdict = "killed" if results[index].hidden_killed else "survived"
            stream.write(f"[{index + 1}/{len(jobs)}] {exercise} {mutant.mutant_id}: {verdict}\n")
            stream.flush()

        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            list(pool.map(grade, range(len(jobs))))
    return [result for result in results if result is not None]


def _mutant_notebook(assignment: Assignment, exercise: str, mutant: Mutant):
    notebook = copy.deepcopy(assignment.solution)
    for cell in notebook.cells:
        if exercise_id(cell) == exercise:
            cell.source = mutant.source
    return notebook


def summarise(results: list[MutantResult]) -> dict[str, dict]:
    """Per exercise: mutants made, killed by the public cases and by the hidden probes,
    marked equivalent, and the holes (survivors of the hidden probes not marked)."""
    summary: dict[str, dict] = {}
    for result in results:
        row = summary.setdefault(
            result.exercise,
            {"mutants": 0, "killed_public": 0, "killed_hidden": 0, "equivalent": 0, "holes": []},
        )
        row["mutants"] += 1
        row["killed_public"] += result.public_killed
        row["killed_hidden"] += result.hidden_killed
        if not result.hidden_killed and result.equivalent:
            row["equivalent"] += 1
        elif not result.hidden_killed:
            row["holes"].append(f"{result.mutant_id}: `{result.before}` -> `{result.after}`")
    return summary


def write_report(assignment: Assignment, results: list[MutantResult], out_dir: Path) -> Path:
    """`OUT/<assignment>.json` (every mutant) and `OUT/<assignment>.md` (the table)."""
    summary = summarise(results)
    raw = {"assignment": assignment.number, "mutants": [asdict(r) for r in results]}
    write_atomically(out_dir / f"{assignment.number}.json", json.dumps(raw, indent=1))
    lines = [
        f"# Probe strength: assignment {assignment.number}",
        "",
        f"Measured {date.today().isoformat()} with `course mutants`. A mutant is *killed* when it "
        "loses points; one that the hidden probes let through is a hole, unless the grading "
        "file's `EQUIVALENT` says why it behaves like the answer.",
        "",
        "| exercise | mutants | killed by public cases | killed by hidden probes | "
        "equivalent | holes |",
        "|---|---|---|---|---|---|",
    ]
    for exercise, row in summary.items():
        lines.append(
            f"| {exercise} | {row['mutants']} | {row['killed_public']} | {row['killed_hidden']} "
            f"| {row['equivalent']} | {len(row['holes'])} |"
        )
    holes = [(exercise, hole) for exercise, row in summary.items() for hole in row["holes"]]
    lines += ["", "## Holes", ""] + [f"- {e}: {hole}" for e, hole in holes] if holes else []
    path = out_dir / f"{assignment.number}.md"
    write_atomically(path, "\n".join(lines) + "\n")
    return path
