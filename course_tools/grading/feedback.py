"""Feedback a student can read: one self-contained HTML page per graded submission.

`course grade --feedback` writes `OUT/feedback/<submission>.html`. It shows
each exercise's status and points, what the student may know about it
(`course_tools.grading.exports.student_message`: how many hidden cases
passed), and what the exercise's `check` printed on the public cases when the
grader ran the release's check cells, before any hidden probe existed in the
kernel. Hidden probe inputs and expected values never appear, unless the
grading file lists the exercise in `REVEAL`: then the grader's own message,
which may quote a hidden input, the expected value and the student's, is shown
too. Everything that comes from the student's code is escaped.

Example:
    >>> record = {"submission": "ada", "assignment": "00", "points": 1.0, "max_points": 2,
    ...           "exercises": [{"exercise": "f", "points": 1.0, "max_points": 2,
    ...                          "status": "wrong", "message": "probe 2: expected 42, got 41",
    ...                          "probes_passed": 1, "probes_total": 2,
    ...                          "public_output": "f: 2/2 public cases passed."}]}
    >>> page = feedback_html(record)
    >>> "1 of 2 hidden cases passed" in page, "expected 42" in page
    (True, False)
    >>> "expected 42" in feedback_html(record, reveal=frozenset({"f"}))
    True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from course_lib.checks.status import Status
from course_tools.grading.exports import student_message, submission_status
from course_tools.grading.record import write_atomically

_PROBLEMS = {
    "malformed": "The file you handed in could not be read as a Jupyter notebook, so nothing "
    "in it was graded. Save the notebook from Jupyter or Colab and hand in the .ipynb file.",
    "timeout": "Part of your notebook ran past its time limit; the exercises it did not reach "
    "earned no points. Look for a loop that never ends or a run far longer than asked for.",
    "kernel_died": "The Python process running your notebook died (out of memory, or the "
    "process was ended); the exercises it did not reach earned no points.",
}
_STYLE = (
    "body{font-family:sans-serif;max-width:56em;margin:auto;padding:0 1em}"
    "td,th{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    "pre{background:#f4f4f4;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}"
    ".ok{color:#176317}.other{color:#a11}"
)


def _public_section(grade: dict[str, Any]) -> str:
    printed = grade.get("public_output")
    if printed is None:
        body = "<p>No output: there is no check for it, or the grader did not reach it.</p>"
    else:
        body = f"<pre>{html.escape(printed.strip() or '(nothing printed)')}</pre>"
    return f"<h3>{html.escape(grade['exercise'])}: public cases</h3>{body}"


def feedback_html(record: dict[str, Any], reveal: frozenset[str] = frozenset()) -> str:
    """One submission's feedback page; the grader's messages only for exercises in `reveal`."""
    rows = []
    for grade in record["exercises"]:
        status = Status(grade["status"])
        said = student_message(grade)
        if grade["exercise"] in reveal and grade.get("message"):
            said += f" ({grade['message']})"
        css = "ok" if status == Status.OK else "other"
        rows.append(
            f"<tr><td>{html.escape(grade['exercise'])}</td>"
            f'<td class="{css}">{status}</td>'
            f"<td>{grade['points']:g} / {grade['max_points']}</td>"
            f"<td>{html.escape(said)}</td></tr>"
        )
    problem = _PROBLEMS.get(submission_status(record))
    title = f"Feedback on {record['submission']}: assignment {record.get('assignment', '')}"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>',
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>{html.escape(title)}</h1>",
            f"<p><strong>{record['points']:g} of {record['max_points']} points.</strong></p>",
            f"<p>{problem}</p>" if problem else "",
            "<table><tr><th>exercise</th><th>status</th><th>points</th><th>about it</th></tr>",
            *rows,
            "</table>",
            "<p>Your grade comes from hidden cases, which differ from the public cases your "
            "notebook's <code>check</code> cells run; how many of them passed is shown above. "
            "Below is what each <code>check</code> printed when the grader ran your "
            "notebook.</p>",
            *(_public_section(grade) for grade in record["exercises"]),
            "</body></html>",
        ]
    )


def write_feedback(
    records: list[dict[str, Any]], out_dir: Path, reveal: frozenset[str] = frozenset()
) -> None:
    """Write `out_dir/feedback/<submission>.html` for every record."""
    for record in records:
        write_atomically(
            out_dir / "feedback" / f"{record['submission']}.html", feedback_html(record, reveal)
        )
