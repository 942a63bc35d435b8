"""The batch grader's bookkeeping: resuming, the no-sandbox fallback, every chapter."""

from __future__ import annotations

import io

import pytest

from course_lib.chapters import chapters
from course_lib.grading.batch import BatchOptions, grade_batch
from course_lib.grading.kernel import Sandbox
from tests import grading_corpus
from tests.helpers import ROOT
from tests.test_grader import FAST

pytestmark = pytest.mark.slow


def _two_submissions(tmp_path):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    for case in grading_corpus.CASES:
        if case.name in ("correct", "blank"):
            case.write(hand_ins / f"{case.name}.ipynb", {})
    return hand_ins


def test_an_interrupted_batch_resumes_without_losing_anything(tmp_path, monkeypatch):
    hand_ins, out = _two_submissions(tmp_path), tmp_path / "graded"
    options = BatchOptions(out_dir=out, **FAST)
    grade_batch("00", [hand_ins], options, root=ROOT, stream=io.StringIO())
    # As if killed while grading "blank": its result is missing, a stray temporary remains.
    (out / "submissions" / "blank.json").unlink()
    (out / "submissions" / ".blank.json.abc123").write_text("{half writ")
    log = io.StringIO()
    records = grade_batch("00", [hand_ins], options, root=ROOT, stream=log)
    assert "1 submission(s) already graded" in log.getvalue()
    assert sorted(r["submission"] for r in records) == ["blank", "correct"]
    assert (out / "submissions" / "blank.json").exists()
    rows = (out / "grades.csv").read_text().splitlines()
    assert len(rows) == 1 + 2 * len(grading_corpus.EXERCISES)


def test_without_bubblewrap_it_says_so_once_and_still_grades(tmp_path, monkeypatch):
    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    log = io.StringIO()
    records = grade_batch(
        "00",
        [_two_submissions(tmp_path)],
        BatchOptions(out_dir=tmp_path / "graded", workers=2, **FAST),
        root=ROOT,
        stream=log,
    )
    assert log.getvalue().count("bubblewrap (bwrap) is not installed") == 1
    points = {r["submission"]: (r["points"], r["sandbox"]) for r in records}
    assert points == {"correct": (4, "none"), "blank": (0, "none")}


@pytest.mark.parametrize(
    "chapter", [c for c in chapters(ROOT) if c.exercise], ids=lambda c: c.number
)
def test_release_grades_to_zero_and_solution_to_full_marks(chapter, tmp_path):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    (hand_ins / "as_released.ipynb").write_text(chapter.exercise.read_text())
    (hand_ins / "solution.ipynb").write_text(chapter.solution.read_text())
    records = grade_batch(
        chapter.number,
        [hand_ins],
        BatchOptions(out_dir=tmp_path / "graded", workers=2, **FAST),
        root=ROOT,
        stream=io.StringIO(),
    )
    by_name = {r["submission"]: r for r in records}
    released = by_name["as_released"]
    assert released["points"] == 0
    assert {g["status"] for g in released["exercises"]} == {"not_attempted"}
    assert by_name["solution"]["points"] == by_name["solution"]["max_points"] > 0
