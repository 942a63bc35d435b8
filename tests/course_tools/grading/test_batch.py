"""The batch grader's bookkeeping: resuming, the sandbox default, every chapter."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time

import psutil
import pytest

from course_lib.checks.status import Status
from course_lib.checks.values import encode
from course_tools.chapters import chapters
from course_tools.grading import batch
from course_tools.grading.batch import BatchOptions, SandboxUnavailable, grade_batch
from course_tools.grading.grader import RawOutcome, load_assignment, reference_results, score
from course_tools.grading.kernel import Limits, Sandbox
from tests import grading_corpus
from tests.grading_corpus import (
    FAST,
    FULL_POINTS,
    GRADING,
    ON_MERITS,
    SANDBOX,
)
from tests.helpers import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def references_00():
    """Chapter 00's expected values, computed once for this module's batches."""
    return reference_results(load_assignment("00", ROOT), Limits(cell_timeout=60.0))


@pytest.fixture()
def reuse_references_00(monkeypatch, references_00):
    """Batches of chapter 00 reuse one reference run: these tests are about bookkeeping."""
    monkeypatch.setattr(batch, "reference_results", lambda assignment, limits: references_00)


def _two_submissions(tmp_path):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    for case in grading_corpus.CASES:
        if case.name in ("correct", "blank"):
            case.write(hand_ins / f"{case.name}.ipynb", {})
    return hand_ins


def test_an_interrupted_batch_resumes_without_losing_anything(tmp_path, reuse_references_00):
    hand_ins, out = _two_submissions(tmp_path), tmp_path / "graded"
    options = BatchOptions(out_dir=out, **GRADING)
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


def test_a_batch_killed_part_way_finishes_the_rest_when_run_again(tmp_path, reuse_references_00):
    """A real SIGKILL of `course grade`: its kernels end with it, and a second run grades only
    what the first did not finish, into a complete CSV."""
    hand_ins, out = tmp_path / "hand-ins", tmp_path / "graded"
    hand_ins.mkdir()
    for index in range(3):
        grading_corpus.CASES[0].write(hand_ins / f"student{index}.ipynb", {})
    command = [sys.executable, "-m", "course_tools.cli", "grade", "--assignment", "00"]
    command += ["--out", str(out), "--timeout", "60", "-j", "1", str(hand_ins)]
    command += [] if SANDBOX else ["--no-sandbox"]
    grader = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(list(out.glob("submissions/*.json"))) < 2 and time.monotonic() < deadline:
        assert grader.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.2)
    kernels = psutil.Process(grader.pid).children(recursive=True)
    grader.kill()
    grader.wait()
    assert kernels, "a kernel was grading when the batch was killed"
    _, alive = psutil.wait_procs(kernels, timeout=30)
    assert not alive, f"kernels outlived the killed batch: {alive}"

    done = {p.stem: json.loads(p.read_text()) for p in out.glob("submissions/*.json")}
    assert 2 <= len(done) < 3 and not (out / "grades.csv").exists()
    log = io.StringIO()
    records = grade_batch("00", [hand_ins], BatchOptions(out_dir=out, **GRADING), stream=log)
    assert f"{len(done)} submission(s) already graded" in log.getvalue()
    by_name = {record["submission"]: record for record in records}
    assert sorted(by_name) == [f"student{index}" for index in range(3)]
    for name, record in done.items():  # not regraded
        assert by_name[name]["graded_at"] == record["graded_at"]
    assert all(record["points"] == FULL_POINTS for record in records)
    with (out / "grades.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 3 * len(grading_corpus.EXERCISES)
    assert {row["status"] for row in rows} == {"ok"}


def test_without_bubblewrap_it_refuses_and_says_how_to_install_it_or_opt_out(tmp_path, monkeypatch):
    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    options = BatchOptions(out_dir=tmp_path / "graded", **FAST)
    with pytest.raises(SandboxUnavailable) as refusal:
        grade_batch("00", [_two_submissions(tmp_path)], options, root=ROOT, stream=io.StringIO())
    assert "apt-get install bubblewrap" in str(refusal.value)
    assert "--no-sandbox" in str(refusal.value) and "read every file" in str(refusal.value)
    assert not (tmp_path / "graded").exists()


def test_no_sandbox_grades_and_warns_once_what_it_gives_up(
    tmp_path, monkeypatch, reuse_references_00
):
    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    log = io.StringIO()
    records = grade_batch(
        "00",
        [_two_submissions(tmp_path)],
        BatchOptions(out_dir=tmp_path / "graded", workers=2, sandbox=False, **FAST),
        root=ROOT,
        stream=log,
    )
    assert log.getvalue().count("warning: grading with --no-sandbox") == 1
    points = {r["submission"]: (r["points"], r["sandbox"]) for r in records}
    assert points == {"correct": (FULL_POINTS, "none"), "blank": (0, "none")}


class ReleasedAssignment:
    """One chapter's assignment through the batch grader: the solution earns everything,
    and a constant result passes no exercise's hidden cases. Chapter 00 also grades its
    exercise as released (it earns nothing, every exercise `not_attempted`) and grades with
    feedback (the solution passes every public case on the way, which must not change its
    hidden results). For the other chapters a kernel each for those would repeat what other
    tests check: every released notebook runs top to bottom and says "not implemented yet"
    (`tests/test_assignments.py`), `course build --check` keeps every release generated from
    its solution, and nbval's run of solutions/ compares every check cell's output."""

    #: Chapters whose release is graded too, with `--feedback`, in the suite.
    FEEDBACK = ("00",)

    chapter = None

    def test_solution_and_wrong_answers_get_their_grades(self, tmp_path, monkeypatch):
        chapter = self.chapter
        hand_ins = tmp_path / "hand-ins"
        hand_ins.mkdir()
        if chapter.number in self.FEEDBACK:
            (hand_ins / "as_released.ipynb").write_text(chapter.exercise.read_text())
        (hand_ins / "solution.ipynb").write_text(chapter.solution.read_text())
        references = {}

        def kept(assignment, limits):
            references.update(reference_results(assignment, limits))
            return references

        monkeypatch.setattr(batch, "reference_results", kept)
        records = grade_batch(
            chapter.number,
            [hand_ins],
            BatchOptions(
                out_dir=tmp_path / "graded",
                workers=2,
                feedback=chapter.number in self.FEEDBACK,
                **ON_MERITS,
            ),
            root=ROOT,
            stream=io.StringIO(),
        )
        by_name = {r["submission"]: r for r in records}
        assert by_name["solution"]["points"] == by_name["solution"]["max_points"] > 0
        if chapter.number in self.FEEDBACK:
            released = by_name["as_released"]
            assert released["points"] == 0
            assert {g["status"] for g in released["exercises"]} == {"not_attempted"}
            for grade in by_name["solution"]["exercises"]:
                assert re.match(r"\S+: (\d+)/\1 public cases passed", grade["public_output"])
        # Scored against the same reference run, a constant on every hidden case earns nothing
        # (run in a kernel, a Keras object whose methods return it breaks its model instead).
        assignment = load_assignment(chapter.number, ROOT)
        assert sorted(references) == sorted(assignment.exercises)
        for exercise, expected in references.items():
            constant = RawOutcome(Status.OK, results=[{"value": encode(0.123)}] * len(expected))
            grade = score(
                exercise,
                constant,
                expected,
                assignment.points[exercise],
                assignment.tolerance[exercise],
                assignment.bands.get(exercise),
            )
            assert (grade.status, grade.points) == (Status.WRONG, 0.0), grade


# One class per chapter: `--dist loadscope` gives each class to one worker, so the
# chapters (half a minute each) spread over the workers instead of queueing on one.
for _chapter in [c for c in chapters(ROOT) if c.exercise]:
    _name = f"TestAssignment{_chapter.number}"
    globals()[_name] = type(_name, (ReleasedAssignment,), {"chapter": _chapter})
