"""An instructor's own assignment, end to end: `course new`, solve, `course build`, grade.

One batch grades a correct, a wrong, a hostile and a leaking submission with
feedback pages; the hostile one steals the private solution where a sandbox
would not stop it, the leaking one prints and raises its hidden inputs.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from course_tools import notebooks
from course_tools.assignments import AssignmentFolder
from course_tools.cli import main
from course_tools.exercises import BEGIN_MARKER, END_MARKER, exercise_id
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import load_assignment
from tests.course_tools.grading.test_grader import GRADING, SANDBOX

pytestmark = pytest.mark.slow

NAIVE_CROSS_ENTROPY = (
    "def cross_entropy(logits, labels):\n"
    "    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n"
    "    return float(-np.log(probabilities[np.arange(len(labels)), labels]).mean())\n"
)
FIRST_EPOCH_LOSS = (
    "def final_loss(learning_rate, seed):\n"
    "    keras.utils.set_random_seed(seed)\n"
    "    x, y = make_data(seed)\n"
    "    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])\n"
    '    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")\n'
    '    return float(model.fit(x, y, epochs=1, verbose=0).history["loss"][0])\n'
)
STEALS_THE_SOLUTION = (
    "import json\n"
    "cells = json.loads(open('{private}/solution.ipynb').read())['cells']\n"
    "open('{private}/grading.py').read()\n"
    "exec(next(''.join(c['source']) for c in cells\n"
    "          if 'exercise:MyDense' in c['metadata'].get('tags', [])))\n"
)
#: Prints, then raises, a marker made of its inputs: on hidden probes, neither may reach a student.
LEAKS_ITS_INPUTS = (
    "def cross_entropy(logits, labels):\n"
    "    marker = 'LEAK' + '_'.join(f'{v:.5f}' for v in np.ravel(logits)[:3])\n"
    "    print(marker)\n"
    "    raise ValueError(marker)\n"
)


def _marker(logits) -> str:
    return "LEAK" + "_".join(f"{v:.5f}" for v in np.ravel(np.asarray(logits, float))[:3])


def _answers(solution) -> dict[str, str]:
    """The solution's answer cells, markers removed: how a student who solved it hands in."""
    answers = {}
    for cell in solution.cells:
        if exercise_id(cell):
            lines = cell.source.splitlines(keepends=True)
            kept = [line for line in lines if line.strip() not in (BEGIN_MARKER, END_MARKER)]
            answers[exercise_id(cell)] = "".join(kept)
    return answers


def _hand_in(release, answers: dict[str, str], path) -> None:
    notebook = notebooks.read(release)
    for cell in notebook.cells:
        if exercise_id(cell) in answers:
            cell.source = answers[exercise_id(cell)]
    notebooks.write(notebook, path)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("own")
    private = root / "private" / "hw1"
    assert main(["new", str(private)]) == 0
    assert main(["build", str(private)]) == 0
    folder = AssignmentFolder(private)
    solved = _answers(notebooks.read(folder.solution))
    hand_ins = root / "hand-ins"
    hand_ins.mkdir()
    _hand_in(folder.release, solved, hand_ins / "correct.ipynb")
    _hand_in(
        folder.release,
        {**solved, "cross_entropy": NAIVE_CROSS_ENTROPY, "final_loss": FIRST_EPOCH_LOSS},
        hand_ins / "wrong.ipynb",
    )
    stolen = STEALS_THE_SOLUTION.replace("{private}", str(private.resolve()))
    _hand_in(
        folder.release,
        {**solved, "MyDense": stolen, "final_loss": "import os\nos._exit(1)\n"},
        hand_ins / "hostile.ipynb",
    )
    _hand_in(
        folder.release, {**solved, "cross_entropy": LEAKS_ITS_INPUTS}, hand_ins / "leaky.ipynb"
    )
    out = root / "graded"
    options = BatchOptions(out_dir=out, workers=2, feedback=True, **GRADING)
    records = grade_batch(str(private), [hand_ins], options, stream=io.StringIO())
    grades = {
        r["submission"]: {g["exercise"]: (g["status"], g["points"]) for g in r["exercises"]}
        for r in records
    }
    return {"grades": grades, "out": out, "private": private}


def test_a_solved_assignment_earns_every_point_and_passes_its_public_cases(graded):
    assert graded["grades"]["correct"] == {
        "cross_entropy": ("ok", 2.0),
        "MyDense": ("ok", 2.0),
        "final_loss": ("ok", 2.0),
    }
    page = (graded["out"] / "feedback" / "correct.html").read_text()
    for exercise in ("cross_entropy", "MyDense", "final_loss"):
        assert f"{exercise}: 2/2 public cases passed." in page


def test_wrong_answers_lose_their_points_and_only_theirs(graded):
    assert graded["grades"]["wrong"] == {
        "cross_entropy": ("wrong", 1.33),  # overflows on the probe with logits of 800
        "MyDense": ("ok", 2.0),
        "final_loss": ("wrong", 0.0),  # a linear model after one epoch: outside the band
    }


@pytest.mark.skipif(not SANDBOX, reason="needs bubblewrap")
def test_the_sandbox_hides_the_private_folder_and_a_crash_costs_one_exercise(graded):
    assert graded["grades"]["hostile"] == {
        "cross_entropy": ("ok", 2.0),
        "MyDense": ("error", 0.0),  # the private folder is empty inside the sandbox
        "final_loss": ("kernel_died", 0.0),
    }


def test_no_feedback_page_holds_a_hidden_input_the_submission_printed_or_raised(graded):
    out = graded["out"]
    probes = load_assignment(str(graded["private"])).probes["cross_entropy"]
    markers = [_marker(logits) for logits, _ in probes]
    # The markers were made: the grader's own record quotes the first one raised.
    assert markers[0] in (out / "submissions" / "leaky.json").read_text()
    pages = {path.name: path.read_text() for path in (out / "feedback").glob("*.html")}
    assert sorted(pages) == ["correct.html", "hostile.html", "leaky.html", "wrong.html"]
    for name, page in pages.items():
        assert not [marker for marker in markers if marker in page], name
    # What it printed on the public cases is its own feedback, and is shown.
    assert _marker([[2.0, 1.0, 0.1]]) in pages["leaky.html"]
    assert graded["grades"]["leaky"]["cross_entropy"] == ("error", 0.0)


def test_every_export_lists_every_submission(graded):
    out = graded["out"]
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["correct", "hostile", "leaky", "wrong"]
    results = json.loads((out / "gradescope" / "correct.json").read_text())
    assert results["score"] == 6.0
