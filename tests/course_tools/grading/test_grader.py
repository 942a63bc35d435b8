"""The batch grader against a corpus of hostile and broken submissions."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
import threading

import pytest

from course_lib.checks.cases import find_exercise
from course_lib.checks.status import Status
from course_lib.checks.values import DEFAULT_TOLERANCE, encode
from course_tools.chapters import chapters
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import Band, RawOutcome, grading_path, load_assignment, score
from course_tools.grading.kernel import Sandbox
from course_tools.grading.kernel_side import load_harness
from tests import grading_corpus
from tests.helpers import ROOT

pytestmark = pytest.mark.slow
SANDBOX = Sandbox.available()
FAST = {"cell_timeout": 10.0, "submission_timeout": 120.0, "memory_mb": 2048}
#: Sandboxed where bubblewrap is installed; the cases that need it are skipped elsewhere.
GRADING = {**FAST, "sandbox": SANDBOX}
FULL_POINTS = sum(grading_corpus.ASSIGNMENT.points.values())


class Listener:
    """A TCP server on loopback that counts connections (none may arrive)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    hand_ins = tmp_path_factory.mktemp("hand-ins")
    out = tmp_path_factory.mktemp("graded")
    (out / "submissions").mkdir()
    listener = Listener()
    context = {
        "solution": ROOT / "solutions" / "00_training_loop.ipynb",
        "probes": grading_path(ROOT, "00_training_loop"),
        "out": out,
        "port": listener.port,
    }
    for case in grading_corpus.CASES:
        case.write(hand_ins / f"{case.name}.ipynb", context)
    log = io.StringIO()
    try:
        records = grade_batch(
            "00", [hand_ins], BatchOptions(out_dir=out, workers=2, **GRADING), root=ROOT, stream=log
        )
    finally:
        listener.close()
    return {
        "records": {r["submission"]: r for r in records},
        "out": out,
        "log": log.getvalue(),
        "connections": listener.connections,
    }


@pytest.mark.parametrize("case", grading_corpus.CASES, ids=lambda case: case.name)
def test_each_submission_gets_exactly_its_grade(corpus, case):
    if case.needs_sandbox and not SANDBOX:
        pytest.skip("needs bubblewrap (apt-get install bubblewrap)")
    record = corpus["records"][case.name]
    got = {g["exercise"]: (g["status"], g["points"]) for g in record["exercises"]}
    assert got == case.expected, [g["message"] for g in record["exercises"]]
    assert record["points"] == round(sum(points for _, points in case.expected.values()), 2)


def test_every_grade_explains_itself(corpus):
    for record in corpus["records"].values():
        for grade in record["exercises"]:
            assert (grade["status"] == "ok") == (grade["message"] == ""), grade


@pytest.mark.skipif(not SANDBOX, reason="needs bubblewrap")
def test_student_code_cannot_touch_the_output_folder_or_the_network(corpus):
    out = corpus["out"]
    assert not (out / "planted.txt").exists()
    correct = json.loads((out / "submissions" / "correct.json").read_text())
    assert correct["points"] == FULL_POINTS and correct["sandbox"] == "bubblewrap"
    assert corpus["connections"] == 0


def test_grades_csv_has_one_row_per_submission_and_exercise(corpus):
    rows = list(csv.DictReader(io.StringIO((corpus["out"] / "grades.csv").read_text())))
    assert list(rows[0]) == ["submission", "exercise", "points", "max_points", "status", "message"]
    assert len(rows) == len(grading_corpus.CASES) * len(grading_corpus.EXERCISES)
    assert {row["status"] for row in rows} <= {str(status) for status in Status}


def test_summary_table_is_printed(corpus):
    assert "submission" in corpus["log"] and "correct" in corpus["log"]
    assert f"{FULL_POINTS}/{FULL_POINTS}" in corpus["log"]


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
