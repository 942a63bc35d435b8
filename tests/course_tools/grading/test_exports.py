"""course_tools.grading.exports: LMS-ready grades that never show the grader's messages."""

from __future__ import annotations

import csv
import io
import json

import pytest

from course_tools.grading import exports
from tests.grading_records import RECORDS
from tests.grading_records import grade as make_grade


def test_gradebook_has_one_row_per_student_with_status_total_and_each_exercise():
    rows = list(csv.DictReader(io.StringIO(exports.gradebook_csv(RECORDS, ("f", "g")))))
    assert [(r["submission"], r["status"], r["total"]) for r in rows] == [
        ("ada", "graded", "2.67"),
        ("bob", "malformed", "0"),
        ("cy", "timeout", "0"),
        ("dee", "kernel_died", "0"),
    ]
    assert (rows[0]["f"], rows[0]["g"], rows[0]["max_points"]) == ("2", "0.67", "4")


def test_gradescope_results_follow_the_specification():
    results = exports.gradescope_results(RECORDS[0])
    assert results["score"] == pytest.approx(2.67)
    assert results["execution_time"] == 12
    assert results["stdout_visibility"] == "hidden"
    tests = results["tests"]
    assert [(t["name"], t["number"], t["score"], t["max_score"], t["status"]) for t in tests] == [
        ("f", "1", 2.0, 2, "passed"),
        ("g", "2", 0.67, 2, "failed"),
    ]
    assert tests[1]["output"] == "wrong: 1 of 3 hidden cases passed"
    assert all(t["visibility"] == "visible" for t in tests)


@pytest.mark.parametrize("record", RECORDS, ids=[r["submission"] for r in RECORDS])
def test_no_grader_message_reaches_a_student_export(record):
    exported = json.dumps(exports.gradescope_results(record)) + exports.gradebook_csv(
        [record], ("f", "g")
    )
    for grade in record["exercises"]:
        if grade["message"]:
            assert grade["message"] not in exported
    assert "0.1234" not in exported and "9.87" not in exported


def test_every_status_has_a_message_for_students():
    for status in (
        "ok",
        "wrong",
        "error",
        "not_attempted",
        "timeout",
        "kernel_died",
        "malformed",
        "missing_answer",
    ):
        assert exports.student_message(make_grade("f", status, 0.0))


def test_write_exports_writes_the_gradebook_and_one_file_per_submission(tmp_path):
    exports.write_exports(RECORDS, ("f", "g"), tmp_path)
    assert (tmp_path / "gradebook.csv").read_text().count("\n") == 1 + len(RECORDS)
    written = sorted(p.name for p in (tmp_path / "gradescope").iterdir())
    assert written == [f"{r['submission']}.json" for r in RECORDS]
    assert json.loads((tmp_path / "gradescope" / "bob.json").read_text())["output"] == (
        "0 of 4 points (malformed)"
    )
