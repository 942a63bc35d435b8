"""Feedback pages for students: what they show, what they never show, and escaping."""

from __future__ import annotations

import pytest

from course_tools.grading.feedback import feedback_html, write_feedback


@pytest.fixture()
def record():
    return {
        "submission": "ada",
        "assignment": "hw1",
        "points": 2.0,
        "max_points": 4,
        "exercises": [
            {
                "exercise": "f",
                "points": 2.0,
                "max_points": 2,
                "status": "ok",
                "message": "",
                "probes_passed": 3,
                "probes_total": 3,
                "public_output": "f: 2/2 public cases passed.\n",
            },
            {
                "exercise": "g",
                "points": 0.0,
                "max_points": 2,
                "status": "error",
                "message": "probe 1 raised ValueError: SECRET-INPUT 0.123",
                "probes_passed": 0,
                "probes_total": 2,
                "public_output": "<script>alert(1)</script>\ng: 0/2 public cases passed.",
            },
        ],
    }


def test_a_page_shows_points_statuses_and_the_public_case_output(record):
    page = feedback_html(record)
    assert "2 of 4 points" in page
    assert "f: 2/2 public cases passed." in page
    assert "error: 0 of 2 hidden cases passed" in page


def test_the_grader_message_appears_only_for_exercises_the_instructor_reveals(record):
    assert "SECRET-INPUT" not in feedback_html(record)
    assert "SECRET-INPUT" not in feedback_html(record, reveal=frozenset({"f"}))
    assert "SECRET-INPUT 0.123" in feedback_html(record, reveal=frozenset({"g"}))


def test_what_student_code_printed_is_escaped(record):
    page = feedback_html(record)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_malformed_submission_gets_a_page_that_says_why(record):
    for grade in record["exercises"]:
        grade.update(status="malformed", points=0.0, public_output=None)
    page = feedback_html({**record, "points": 0.0})
    assert "could not be read as a Jupyter notebook" in page
    assert "No output" in page


def test_write_feedback_writes_one_page_per_submission(record, tmp_path):
    write_feedback([record, {**record, "submission": "bob"}], tmp_path)
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == ["ada.html", "bob.html"]
