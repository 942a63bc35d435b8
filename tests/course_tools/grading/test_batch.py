"""The batch grader's bookkeeping: resuming, the sandbox default, every chapter."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from course_tools import exercises, notebooks
from course_tools.chapters import chapters
from course_tools.grading.batch import BatchOptions, SandboxUnavailable, grade_batch
from course_tools.grading.kernel import Sandbox
from tests import grading_corpus
from tests.course_tools.grading.test_grader import FAST, FULL_POINTS, GRADING, SANDBOX
from tests.helpers import ROOT

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


def test_a_batch_killed_part_way_finishes_the_rest_when_run_again(tmp_path):
    """A real SIGKILL of `course grade`: its kernels end with it, and a second run grades only
    what the first did not finish, into a complete CSV."""
    hand_ins, out = tmp_path / "hand-ins", tmp_path / "graded"
    hand_ins.mkdir()
    for index in range(5):
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
    assert 2 <= len(done) < 5 and not (out / "grades.csv").exists()
    log = io.StringIO()
    records = grade_batch("00", [hand_ins], BatchOptions(out_dir=out, **GRADING), stream=log)
    assert f"{len(done)} submission(s) already graded" in log.getvalue()
    by_name = {record["submission"]: record for record in records}
    assert sorted(by_name) == [f"student{index}" for index in range(5)]
    for name, record in done.items():  # not regraded
        assert by_name[name]["graded_at"] == record["graded_at"]
    assert all(record["points"] == FULL_POINTS for record in records)
    with (out / "grades.csv").open(newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 5 * len(grading_corpus.EXERCISES)
    assert {row["status"] for row in rows} == {"ok"}


def test_without_bubblewrap_it_refuses_and_says_how_to_install_it_or_opt_out(tmp_path, monkeypatch):
    monkeypatch.setattr(Sandbox, "available", staticmethod(lambda: False))
    options = BatchOptions(out_dir=tmp_path / "graded", **FAST)
    with pytest.raises(SandboxUnavailable) as refusal:
        grade_batch("00", [_two_submissions(tmp_path)], options, root=ROOT, stream=io.StringIO())
    assert "apt-get install bubblewrap" in str(refusal.value)
    assert "--no-sandbox" in str(refusal.value) and "read every file" in str(refusal.value)
    assert not (tmp_path / "graded").exists()


def test_no_sandbox_grades_and_warns_once_what_it_gives_up(tmp_path, monkeypatch):
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


#: The grader's default time limits: these submissions are graded on their answers, and a
#: loaded CI machine must not turn a slow but finite probe into a timeout (it did: a
#: callback that never stops trains its 40 epochs in 3 s alone, and went past 10 s in CI).
ON_MERITS = {**GRADING, "cell_timeout": 60.0, "submission_timeout": 600.0}


def _constant_answers(solution: Path) -> str:
    """The solution with every answer replaced by `return 0.123`: runs, and is wrong."""
    notebook = notebooks.read(solution)
    for cell in notebook.cells:
        if exercises.exercise_id(cell):
            cell.source = re.sub(
                r"( *)### BEGIN SOLUTION\n.*?### END SOLUTION\n?",
                r"\1return 0.123\n",
                cell.source,
                flags=re.S,
            )
    return notebooks.dumps(notebook)


class ReleasedAssignment:
    """One chapter's assignment through the batch grader, with feedback: the exercise as
    released earns nothing, the solution everything (and passes every public case on the
    way, which must not change its hidden results), constant answers nothing."""

    chapter = None

    def test_release_solution_and_wrong_answers_get_their_grades(self, tmp_path):
        chapter = self.chapter
        hand_ins = tmp_path / "hand-ins"
        hand_ins.mkdir()
        (hand_ins / "as_released.ipynb").write_text(chapter.exercise.read_text())
        (hand_ins / "solution.ipynb").write_text(chapter.solution.read_text())
        (hand_ins / "constant.ipynb").write_text(_constant_answers(chapter.solution))
        records = grade_batch(
            chapter.number,
            [hand_ins],
            BatchOptions(out_dir=tmp_path / "graded", workers=2, feedback=True, **ON_MERITS),
            root=ROOT,
            stream=io.StringIO(),
        )
        by_name = {r["submission"]: r for r in records}
        released = by_name["as_released"]
        assert released["points"] == 0
        assert {g["status"] for g in released["exercises"]} == {"not_attempted"}
        assert by_name["solution"]["points"] == by_name["solution"]["max_points"] > 0
        for grade in by_name["solution"]["exercises"]:
            assert re.match(r"\S+: (\d+)/\1 public cases passed", grade["public_output"]), grade
        constant = by_name["constant"]
        assert constant["points"] == 0
        for grade in constant["exercises"]:
            # A Keras object whose methods return 0.123 breaks the model it is used in.
            expected = {"wrong", "error"} if grade["exercise"][0].isupper() else {"wrong"}
            assert grade["status"] in expected, grade


# One class per chapter: `--dist loadscope` gives each class to one worker, so the
# chapters (half a minute each) spread over the workers instead of queueing on one.
for _chapter in [c for c in chapters(ROOT) if c.exercise]:
    _name = f"TestAssignment{_chapter.number}"
    globals()[_name] = type(_name, (ReleasedAssignment,), {"chapter": _chapter})


def test_lms_exports_and_report_list_every_submission_and_exports_show_no_grader_message(tmp_path):
    hand_ins = tmp_path / "hand-ins"
    hand_ins.mkdir()
    for case in grading_corpus.CASES:
        if case.name in ("correct", "wrong", "malformed_json", "os_exit"):
            case.write(hand_ins / f"{case.name}.ipynb", {})
    out = tmp_path / "graded"
    records = grade_batch(
        "00", [hand_ins], BatchOptions(out_dir=out, **GRADING), root=ROOT, stream=io.StringIO()
    )
    gradebook = (out / "gradebook.csv").read_text()
    statuses = dict(row.split(",")[:2] for row in gradebook.splitlines()[1:])
    assert statuses == {
        "correct": "graded",
        "wrong": "graded",
        "malformed_json": "malformed",
        "os_exit": "kernel_died",
    }
    messages = {g["message"] for r in records for g in r["exercises"] if g["message"]}
    assert messages  # the grader did explain itself, in grades.csv
    for record in records:
        exported = (out / "gradescope" / f"{record['submission']}.json").read_text()
        assert json.loads(exported)["score"] == record["points"]
        assert not any(message in exported for message in messages)
    report = (out / "report.html").read_text()
    assert "<li>malformed_json: malformed</li>" in report
    assert "<li>os_exit: kernel_died</li>" in report
