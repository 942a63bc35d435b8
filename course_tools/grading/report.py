"""One HTML page per graded batch, for the instructor: how the class did, and what went wrong.

`course grade` writes it to `OUT/report.html`: the distribution of total
scores, each exercise's pass rate and mean points, the most common failure
messages per exercise, and the submissions that were malformed, timed out or
crashed. The plots are drawn with matplotlib and embedded in the page, so the
file stands alone. It quotes the grader's messages: keep it for yourself
(`course_tools.grading.exports` has what students may see).

Example:
    >>> record = {"submission": "ada", "points": 2.0, "max_points": 2, "exercises": [
    ...     {"exercise": "f", "points": 2.0, "max_points": 2, "status": "ok", "message": ""}]}
    >>> "<h2>Exercises</h2>" in class_report_html([record], ("f",))
    True
"""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from typing import Any

from course_tools.grading.exports import submission_status

#: Failure messages listed per exercise, most common first.
TOP_MESSAGES = 3


def _figure_png(totals: list[float], maximum: float, rates: dict[str, float]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.hist(totals, bins=min(20, max(5, int(maximum) + 1)), range=(0, maximum or 1))
    left.set(xlabel="total points", ylabel="submissions", title="Score distribution")
    right.barh(list(rates), list(rates.values()))
    right.set(xlim=(0, 1), xlabel="share of submissions fully right", title="Pass rate")
    right.invert_yaxis()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def class_report_html(records: list[dict[str, Any]], exercises: tuple[str, ...]) -> str:
    """The batch's report as one self-contained HTML page."""
    count = len(records)
    maximum = max((record["max_points"] for record in records), default=0)
    mean = sum(record["points"] for record in records) / count if count else 0.0
    rows, rates = [], {}
    for exercise in exercises:
        grades = [g for r in records for g in r["exercises"] if g["exercise"] == exercise]
        passed = sum(str(g["status"]) == "ok" for g in grades)
        rates[exercise] = passed / count if count else 0.0
        points = sum(g["points"] for g in grades) / len(grades) if grades else 0.0
        failures = Counter(
            g["message"] or str(g["status"]) for g in grades if str(g["status"]) != "ok"
        )
        listed = "".join(
            f"<li>{n} x <code>{html.escape(message)}</code></li>"
            for message, n in failures.most_common(TOP_MESSAGES)
        )
        rows.append(
            f"<tr><td>{html.escape(exercise)}</td><td>{passed}/{len(grades)}</td>"
            f"<td>{points:.2f}</td><td><ul>{listed}</ul></td></tr>"
        )
    problems = [
        f"<li>{html.escape(record['submission'])}: {submission_status(record)}</li>"
        for record in sorted(records, key=lambda r: r["submission"])
        if submission_status(record) != "graded"
    ]
    totals = [record["points"] for record in records]
    image = _figure_png(totals, maximum, rates) if records else ""
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html><head><meta charset="utf-8"><title>Class report</title>',
            "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
            "td,th{border-bottom:1px solid #ccc;padding:4px;vertical-align:top}</style>",
            "</head><body>",
            "<h1>Class report</h1>",
            f"<p>{count} submissions; mean {mean:.2f} of {maximum} points.</p>",
            f'<img alt="score distribution and pass rate per exercise" '
            f'src="data:image/png;base64,{image}">'
            if image
            else "",
            "<h2>Exercises</h2>",
            "<table><tr><th>exercise</th><th>fully right</th><th>mean points</th>"
            "<th>most common failures</th></tr>",
            *rows,
            "</table>",
            "<h2>Malformed, timed out or crashed</h2>",
            f"<ul>{''.join(problems)}</ul>" if problems else "<p>None.</p>",
            "</body></html>",
        ]
    )
