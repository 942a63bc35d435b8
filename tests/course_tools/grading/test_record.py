"""Saved grades: reused only for exactly what was graded, never across assignments.

The batch tests here replace the kernels with a stand-in grader that counts its
calls: they are about which saved grades `course grade` reuses, not grading.
"""

from __future__ import annotations

import io
import json

import pytest

from course_lib.checks.status import Status
from course_tools.assignments import build_assignment, new_assignment
from course_tools.grading import batch
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import ExerciseGrade, GraderError
from course_tools.grading.record import (
    RECORD_VERSION,
    foreign_assignment,
    load_reusable,
    write_atomically,
)
from tests.helpers import ROOT

FINGERPRINT = {"release": "r", "solution": "s", "grading": "g", "support": "", "submission": "x"}


def _saved(tmp_path, **changes):
    record = {
        "version": RECORD_VERSION,
        "assignment": "00",
        "graded_with": FINGERPRINT,
        "public_cases": False,
        "complete": True,
        **changes,
    }
    path = tmp_path / "jdoe.json"
    write_atomically(path, json.dumps(record))
    return path


def test_a_record_is_reused_only_for_the_same_assignment_digests_and_version(tmp_path):
    assert load_reusable(_saved(tmp_path), "00", FINGERPRINT, public_cases=False) is not None
    assert load_reusable(_saved(tmp_path), "01", FINGERPRINT, public_cases=False) is None
    for part in FINGERPRINT:
        changed = {**FINGERPRINT, part: "edited"}
        assert load_reusable(_saved(tmp_path), "00", changed, public_cases=False) is None, part
    older = _saved(tmp_path, version=RECORD_VERSION - 1)
    assert load_reusable(older, "00", FINGERPRINT, public_cases=False) is None
    assert load_reusable(_saved(tmp_path, complete=False), "00", FINGERPRINT, False) is None
    assert load_reusable(_saved(tmp_path), "00", FINGERPRINT, public_cases=True) is None
    (tmp_path / "jdoe.json").write_text("{half writ")
    assert load_reusable(tmp_path / "jdoe.json", "00", FINGERPRINT, public_cases=False) is None


def test_foreign_assignment_names_the_other_assignment_in_the_folder(tmp_path):
    _saved(tmp_path)
    assert foreign_assignment(tmp_path, "00") is None
    assert foreign_assignment(tmp_path, "01") == "00"
    assert foreign_assignment(tmp_path / "absent", "01") is None


@pytest.fixture()
def graded(monkeypatch):
    """Names of the submissions the stand-in grader was asked to grade."""
    calls = []

    def grade_submission(path, assignment, references, limits, sandbox, timeout, feedback):
        calls.append(path.name)
        return [
            ExerciseGrade(e, assignment.points[e], assignment.points[e], Status.OK, "")
            for e in assignment.exercises
        ]

    monkeypatch.setattr(batch, "reference_results", lambda assignment, limits: {})
    monkeypatch.setattr(batch, "grade_submission", grade_submission)
    return calls


@pytest.fixture()
def own(tmp_path):
    folder = tmp_path / "hw1"
    new_assignment(folder)
    build_assignment(folder)
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    (hand_ins / "jdoe.ipynb").write_text((folder / "release" / "hw1.ipynb").read_text())
    return folder, hand_ins


def _grade(assignment, hand_ins, out):
    log = io.StringIO()
    options = BatchOptions(out_dir=out, sandbox=False)
    grade_batch(str(assignment), [hand_ins], options, root=ROOT, stream=log)
    return log.getvalue()


def test_an_unchanged_rerun_reuses_and_says_so(own, graded, tmp_path):
    folder, hand_ins = own
    _grade(folder, hand_ins, tmp_path / "graded")
    log = _grade(folder, hand_ins, tmp_path / "graded")
    assert graded == ["jdoe.ipynb"]
    assert "1 submission(s) already graded" in log and "unchanged: reused; 0 to grade" in log


def test_a_resubmitted_file_of_the_same_name_is_graded_again(own, graded, tmp_path):
    folder, hand_ins = own
    _grade(folder, hand_ins, tmp_path / "graded")
    with (hand_ins / "jdoe.ipynb").open("a") as stream:
        stream.write("\n")
    log = _grade(folder, hand_ins, tmp_path / "graded")
    assert graded == ["jdoe.ipynb", "jdoe.ipynb"] and "0 submission(s) already graded" in log


def test_editing_a_probe_regrades_every_submission(own, graded, tmp_path):
    folder, hand_ins = own
    _grade(folder, hand_ins, tmp_path / "graded")
    grading = folder / "grading.py"
    assert '"MyDense": [(3, 5, 11)' in grading.read_text()
    grading.write_text(
        grading.read_text().replace('"MyDense": [(3, 5, 11)', '"MyDense": [(4, 5, 11)')
    )
    _grade(folder, hand_ins, tmp_path / "graded")
    assert graded == ["jdoe.ipynb", "jdoe.ipynb"]


def test_another_assignments_results_folder_is_refused_naming_both(graded, tmp_path):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    (hand_ins / "jdoe.ipynb").write_text(
        (ROOT / "exercises" / "00_training_loop.ipynb").read_text()
    )
    _grade("00", hand_ins, tmp_path / "graded")
    (hand_ins / "jdoe.ipynb").write_text(
        (ROOT / "exercises" / "01_losses_and_metrics.ipynb").read_text()
    )
    with pytest.raises(GraderError) as refusal:
        _grade("01", hand_ins, tmp_path / "graded")
    assert "assignment 00" in str(refusal.value) and "assignment 01" in str(refusal.value)
    assert graded == ["jdoe.ipynb"]
    saved = json.loads((tmp_path / "graded" / "submissions" / "jdoe.json").read_text())
    assert saved["assignment"] == "00"
