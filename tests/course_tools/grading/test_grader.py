"""The batch grader against a corpus of hostile and broken submissions."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from course_lib.checks.cases import find_exercise
from course_lib.checks.status import Status
from course_lib.checks.values import DEFAULT_TOLERANCE, encode
from course_tools import notebooks
from course_tools.assignments import build_assignment, new_assignment
from course_tools.chapters import chapters
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import (
    Band,
    ExerciseGrade,
    GraderError,
    InstructorFailure,
    RawOutcome,
    blame_instructor_cell,
    grade_submission,
    load_assignment,
    score,
)
from course_tools.grading.kernel import (
    Limits,
)
from course_tools.grading.kernel_side import load_harness
from tests import grading_corpus
from tests.grading_corpus import FULL_POINTS, GRADING, SANDBOX
from tests.helpers import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    options = BatchOptions(out_dir=tmp_path_factory.mktemp("graded"), workers=2, **GRADING)
    hand_ins = tmp_path_factory.mktemp("hand-ins")
    return grading_corpus.grade_corpus(grading_corpus.SUITE_CASES, hand_ins, options)


@pytest.mark.parametrize("case", grading_corpus.SUITE_CASES, ids=lambda case: case.name)
def test_each_submission_gets_exactly_its_grade(corpus, case):
    if case.needs_sandbox and not SANDBOX:
        pytest.skip("needs bubblewrap (apt-get install bubblewrap)")
    record = corpus.records[case.name]
    got = grading_corpus.graded_as(record)
    assert got == case.expected, [g["message"] for g in record["exercises"]]
    assert record["points"] == round(sum(points for _, points in case.expected.values()), 2)


def test_the_suite_keeps_one_case_of_each_kind_and_the_benchmark_grades_them_all():
    names = {case.name for case in grading_corpus.CASES}
    assert len(names) == len(grading_corpus.CASES)
    kept = {case.name for case in grading_corpus.SUITE_CASES}
    assert {"correct", "blank", "wrong", "malformed_json", "ignores_interrupt", "os_exit"} <= kept
    assert {"memory_bomb", "check_patched", "input_transformer", "uses_network"} <= kept
    assert {"finds_solutions_through_the_package", "writes_output_folder"} <= kept
    benchmark = (ROOT / "benchmarks" / "grader.py").read_text()
    assert "grade_corpus(CASES" in benchmark


def test_every_grade_explains_itself(corpus):
    for record in corpus.records.values():
        for grade in record["exercises"]:
            assert (grade["status"] == "ok") == (grade["message"] == ""), grade


@pytest.mark.skipif(not SANDBOX, reason="needs bubblewrap")
def test_student_code_cannot_touch_the_output_folder_or_the_network(corpus):
    assert not (corpus.out / "planted.txt").exists()
    correct = json.loads((corpus.out / "submissions" / "correct.json").read_text())
    assert correct["points"] == FULL_POINTS and correct["sandbox"] == "bubblewrap"
    assert corpus.connections == 0


def test_grades_csv_has_one_row_per_submission_and_exercise(corpus):
    rows = list(csv.DictReader(io.StringIO((corpus.out / "grades.csv").read_text())))
    assert list(rows[0]) == ["submission", "exercise", "points", "max_points", "status", "message"]
    assert len(rows) == len(grading_corpus.SUITE_CASES) * len(grading_corpus.EXERCISES)
    assert {row["status"] for row in rows} <= {str(status) for status in Status}


def test_summary_table_is_printed(corpus):
    assert "submission" in corpus.log and "correct" in corpus.log
    assert f"{FULL_POINTS}/{FULL_POINTS}" in corpus.log


def test_lms_exports_and_report_list_every_submission_and_exports_show_no_grader_message(corpus):
    out, records = corpus.out, corpus.records.values()
    gradebook = (out / "gradebook.csv").read_text()
    statuses = dict(row.split(",")[:2] for row in gradebook.splitlines()[1:])
    assert sorted(statuses) == sorted(corpus.records)
    assert {name: statuses[name] for name in ("correct", "wrong", "malformed_json", "os_exit")} == {
        "correct": "graded",
        "wrong": "graded",
        "malformed_json": "malformed",
        "os_exit": "kernel_died",
    }
    # Their own messages (a not attempted answer's export says what the grader's message says).
    messages = {
        grade["message"]
        for name in ("correct", "wrong", "malformed_json", "os_exit")
        for grade in corpus.records[name]["exercises"]
        if grade["message"]
    }
    assert messages  # the grader did explain itself, in grades.csv
    for record in records:
        exported = (out / "gradescope" / f"{record['submission']}.json").read_text()
        assert json.loads(exported)["score"] == record["points"]
        assert not any(message in exported for message in messages)
    report = (out / "report.html").read_text()
    assert "<li>malformed_json: malformed</li>" in report
    assert "<li>os_exit: kernel_died</li>" in report


#: A set-up cell slower than any limit a test gives it; its first line names it.
SLOW_SET_UP = "import time\n\ntime.sleep(600)  # a set-up cell past its limit\n"
#: Long enough for the quick cell before it on a loaded machine, short for a test.
SHORT_SETUP_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def slow_set_up(tmp_path_factory):
    """An assignment of one's own (`course new`) whose set-up cell, the release's cell 2,
    sleeps for ten minutes before its imports."""
    folder = tmp_path_factory.mktemp("own") / "hw1"
    new_assignment(folder)
    solution = notebooks.read(folder / "solution.ipynb")
    set_up = solution.cells[2]
    assert set_up.source.startswith("import keras")
    set_up.source = SLOW_SET_UP + set_up.source
    notebooks.write(solution, folder / "solution.ipynb")
    build_assignment(folder)
    return folder


def test_a_set_up_cell_that_times_out_in_the_reference_run_stops_the_batch_naming_it(
    slow_set_up, tmp_path
):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    (hand_ins / "student.ipynb").write_text((slow_set_up / "solution.ipynb").read_text())
    options = BatchOptions(
        out_dir=tmp_path / "graded", **{**GRADING, "setup_timeout": SHORT_SETUP_TIMEOUT}
    )
    with pytest.raises(GraderError) as stopped:
        grade_batch(str(slow_set_up), [hand_ins], options, stream=io.StringIO())
    assert str(stopped.value).startswith(
        "the release's cell 2 ('import time') timed out after 5 s in the reference run"
    )
    assert "--setup-timeout" in str(stopped.value)
    assert not list((tmp_path / "graded").glob("submissions/*.json"))


def test_a_set_up_cell_that_times_out_in_a_students_run_is_named_in_each_grade_it_costs(
    slow_set_up,
):
    assignment = load_assignment(str(slow_set_up))
    # Any expected values do: no answer can run without the set-up cell's imports.
    references = {
        exercise: [0.0] * len(assignment.probes[exercise]) for exercise in assignment.probes
    }
    limits = Limits(cell_timeout=10.0, setup_timeout=SHORT_SETUP_TIMEOUT)
    grades = grade_submission(
        slow_set_up / "solution.ipynb", assignment, references, limits, None, 120.0
    )
    assert [grade.exercise for grade in grades] == ["cross_entropy", "MyDense", "final_loss"]
    for grade in grades:
        assert (grade.status, grade.points) == (Status.TIMEOUT, 0.0), grade
        assert grade.message.startswith(
            "the release's cell 2 ('import time') timed out after 5 s, above this answer (then: "
        ), grade
        assert "NameError" in grade.message, grade  # what it caused, said after the cause


def test_a_failed_instructor_cell_is_named_only_where_an_answer_could_not_run():
    """A plot cell that calls a broken answer fails too: the answers that still run keep
    their verdicts and points; those that could not run name the cell that failed first."""
    error = InstructorFailure(7, "plot(curve)", Status.ERROR, "raised ValueError: bad")
    died = InstructorFailure(3, "x = load()", Status.KERNEL_DIED, "killed the kernel")

    def grade(status, points=0.0):
        return ExerciseGrade("f", points, 2, status, "" if status == Status.OK else "its own")

    for kept in (grade(Status.OK, 2.0), grade(Status.WRONG, 1.0), grade(Status.NOT_ATTEMPTED)):
        assert blame_instructor_cell(kept, error) == kept
    assert blame_instructor_cell(grade(Status.ERROR), None) == grade(Status.ERROR)
    for failed in (Status.ERROR, Status.TIMEOUT, Status.KERNEL_DIED):
        blamed = blame_instructor_cell(grade(failed), error)
        assert (blamed.status, blamed.points) == (Status.ERROR, 0.0)
        assert blamed.message == (
            "the release's cell 7 ('plot(curve)') raised ValueError: bad, above this answer "
            "(then: its own)"
        )
        assert blame_instructor_cell(grade(failed), died).status == Status.ERROR


ASSIGNMENTS = [chapter.number for chapter in chapters(ROOT) if chapter.exercise]


@pytest.mark.parametrize("number", ASSIGNMENTS)
def test_probes_are_not_the_public_cases(number):
    assignment = load_assignment(number, ROOT)
    for exercise in assignment.exercises:
        public = [
            json.dumps(encode(case.make_args())) for case in find_exercise(exercise).public_cases
        ]
        for args in assignment.probes[exercise]:
            assert json.dumps(encode(args)) not in public


def test_the_grader_never_imports_the_learner_side_check_modules():
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from course_tools.grading.batch import grade_batch\n"
        "from course_tools.grading.grader import load_assignment, score\n"
        f"for number in {ASSIGNMENTS!r}:\n"
        f"    load_assignment(number, Path({str(ROOT)!r}))\n"
        "print([m for m in sys.modules if m.startswith('course_lib.checks.chapter')])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_an_experiment_earns_its_points_only_when_every_probe_lies_in_its_band():
    band = Band(seeds=(0, 1, 2), margin=0.05)
    reference = band.group([0.1, 0.1, 0.11, 0.93, 0.95, 0.9])  # two probes, three seeds each
    assert reference == [[0.1, 0.1, 0.11], [0.93, 0.95, 0.9]]

    def graded(*values):
        outcome = RawOutcome(Status.OK, results=[{"value": encode(v)} for v in values])
        return score("experiment", outcome, reference, 2, DEFAULT_TOLERANCE, band)

    honest = graded(0.12, 0.97)
    assert (honest.status, honest.points) == (Status.OK, 2.0)
    constant = graded(0.12, 0.12)  # right at chance, wrong where training works
    assert (constant.status, constant.points, constant.probes_passed) == (Status.WRONG, 0.0, 1)
    assert "outside the band [0.85, 1]" in constant.message


def test_band_probes_replace_only_the_seed():
    band = Band(seeds=(0, 1), margin=0.0)
    assert band.reference_probes([(4.0, "tanh", 101)]) == [(4.0, "tanh", 0), (4.0, "tanh", 1)]


@pytest.mark.parametrize("number", ASSIGNMENTS)
def test_every_assignment_has_four_exercises_of_all_three_kinds(number):
    """Mechanism (a plain function), Keras (through a harness), experiment (a band)."""
    assignment = load_assignment(number, ROOT)
    assert len(assignment.exercises) >= 4
    mechanisms = set(assignment.exercises) - set(assignment.harness) - set(assignment.bands)
    for exercise, spec in assignment.harness.items():
        assert find_exercise(exercise).harness is load_harness(spec), exercise
    for exercise in assignment.exercises:
        if find_exercise(exercise).harness is not None:
            assert exercise in assignment.harness, exercise
    assert mechanisms, f"chapter {number} has no mechanism exercise"
    assert assignment.bands, f"chapter {number} has no experiment"
    assert assignment.harness, f"chapter {number} has no Keras exercise"


def test_an_unfinished_exercise_reads_the_clock_once_for_its_status_and_message(monkeypatch):
    """Read twice, a deadline passed between the readings gave 'kernel kept dying' a TIMEOUT."""
    import course_tools.grading.grader as grader

    readings = iter([99.0, 101.0])
    monkeypatch.setattr(grader.time, "monotonic", lambda: next(readings))
    outcome = grader.unfinished_outcome(stop_at=100.0)
    assert (outcome.status, outcome.message) == (Status.KERNEL_DIED, "the kernel kept dying")
