"""Grades in the shapes an LMS takes: a gradebook CSV and Gradescope's `results.json`.

`course grade` writes both beside its own `grades.csv` (one row per submission
and exercise, with the grader's messages, for the instructor):

* `OUT/gradebook.csv`: one row per submission with its status, total and each
  exercise's points, for a gradebook import (see the README for Canvas and
  Moodle);
* `OUT/gradescope/<submission>.json`: Gradescope's autograder results format
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/), so that the
  grader can run inside a Gradescope autograder and write
  `/autograder/results/results.json`.

Both are for students' eyes, so neither carries the grader's messages, which
may quote expected values or hidden probe inputs: a student sees each
exercise's status and how many hidden cases passed, nothing else. Malformed,
timed-out and crashed submissions appear in both, with their status.

Example:
    >>> record = {"submission": "ada", "points": 1.0, "max_points": 2, "seconds": 3.5,
    ...           "exercises": [{"exercise": "f", "points": 1.0, "max_points": 2,
    ...                          "status": "wrong", "message": "expected 42, got 41",
    ...                          "probes_passed": 1, "probes_total": 2}]}
    >>> gradescope_results(record)["tests"][0]["output"]
    'wrong: 1 of 2 hidden cases passed'
    >>> print(gradebook_csv([record], ("f",)), end="")
    submission,status,total,max_points,f
    ada,graded,1,2,1
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from course_lib.checks.status import Status
from course_tools.grading.record import write_atomically

#: A submission's status in the exports: the first of these that any exercise has, else graded.
SUBMISSION_PROBLEMS = (Status.MALFORMED, Status.TIMEOUT, Status.KERNEL_DIED)

_WHY = {
    Status.NOT_ATTEMPTED: "not attempted: the answer still raises NotImplementedError",
    Status.TIMEOUT: "ran past its time limit",
    Status.KERNEL_DIED: "the kernel running it died (out of memory, or the process was killed)",
    Status.MALFORMED: "the submitted file could not be read as a notebook",
    Status.MISSING_ANSWER: "no answer cell for this exercise (its cell tag was removed?)",
    Status.FORBIDDEN: "no credit: the answer used the built-in this exercise asks you to write",
}


def student_message(grade: dict[str, Any]) -> str:
    """What a student may see about one exercise: its status and the hidden cases passed.

    Never the grader's own message, which may quote expected values or probe inputs.
    """
    status = Status(grade["status"])
    if status in _WHY:
        return _WHY[status]
    passed, total = grade.get("probes_passed", 0), grade.get("probes_total", 0)
    counted = f"{passed} of {total} hidden cases passed"
    if status == Status.ERROR:
        return f"error: {counted}; at least one raised an exception"
    return f"{status}: {counted}"


def submission_status(record: dict[str, Any]) -> str:
    """`malformed`, `timeout` or `kernel_died` when an exercise ended so, else `graded`."""
    statuses = {Status(grade["status"]) for grade in record["exercises"]}
    for problem in SUBMISSION_PROBLEMS:
        if problem in statuses:
            return str(problem)
    return "graded"


def gradescope_results(record: dict[str, Any]) -> dict[str, Any]:
    """One submission in Gradescope's `results.json` format: a test per exercise."""
    return {
        "score": record["points"],
        "execution_time": round(record.get("seconds", 0.0)),
        "output": f"{record['points']:g} of {record['max_points']} points "
        f"({submission_status(record)})",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": grade["exercise"],
                "number": str(number),
                "score": grade["points"],
                "max_score": grade["max_points"],
                "status": "passed" if Status(grade["status"]) == Status.OK else "failed",
                "output": student_message(grade),
                "visibility": "visible",
            }
            for number, grade in enumerate(record["exercises"], start=1)
        ],
    }


def gradebook_csv(records: list[dict[str, Any]], exercises: tuple[str, ...]) -> str:
    """One row per submission: name, status, total, maximum, then each exercise's points."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["submission", "status", "total", "max_points", *exercises])
    for record in sorted(records, key=lambda r: r["submission"]):
        points = {grade["exercise"]: grade["points"] for grade in record["exercises"]}
        writer.writerow(
            [
                record["submission"],
                submission_status(record),
                f"{record['points']:g}",
                record["max_points"],
                *(f"{points.get(exercise, 0):g}" for exercise in exercises),
            ]
        )
    return buffer.getvalue()


def write_exports(records: list[dict[str, Any]], exercises: tuple[str, ...], out_dir: Path) -> None:
    """Write `gradebook.csv` and one Gradescope file per submission into `out_dir`."""
    write_atomically(out_dir / "gradebook.csv", gradebook_csv(records, exercises))
    for record in records:
        write_atomically(
            out_dir / "gradescope" / f"{record['submission']}.json",
            json.dumps(gradescope_results(record), indent=1),
        )
