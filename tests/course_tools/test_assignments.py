"""An instructor's own assignment folder: scaffold, build, what the grader loads from it.

End to end (slow): `course new`, solve, `course build`, then one batch grades a
correct, a wrong, a hostile and a leaking submission with feedback pages; the
hostile one steals the private solution where a sandbox would not stop it, the
leaking one prints and raises its hidden inputs.
"""

from __future__ import annotations

import ast
import io
import json

import numpy as np
import pytest

from course_tools import notebooks
from course_tools.assignments import (
    SCAFFOLD,
    AssignmentFolder,
    build_assignment,
    is_assignment_folder,
    new_assignment,
)
from course_tools.cli import main
from course_tools.exercises import BEGIN_MARKER, END_MARKER, exercise_id, exercise_ids
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import GraderError, load_assignment
from tests.grading_corpus import ON_MERITS, SANDBOX


@pytest.fixture()
def folder(tmp_path):
    path = tmp_path / "hw1"
    new_assignment(path)
    return path


def test_new_scaffolds_one_exercise_of_each_kind_with_its_grading_and_public_cases(folder):
    assert is_assignment_folder(folder)
    assert "# hw1: an assignment of your own" in (folder / "README.md").read_text()
    solution = notebooks.read(folder / "solution.ipynb")
    ids = exercise_ids(solution)
    assert ids == ["cross_entropy", "MyDense", "final_loss"]
    checked = [c.source for c in solution.cells if c.source.startswith("check(")]
    assert checked == [f'check("{exercise}", {exercise})' for exercise in ids]
    grading = ast.parse((folder / "grading.py").read_text())
    tables = {t.id for node in grading.body if isinstance(node, ast.Assign) for t in node.targets}
    assert {"PROBES", "POINTS", "HARNESS", "BAND"} <= tables


def test_new_refuses_a_folder_that_holds_anything(folder, capsys):
    with pytest.raises(FileExistsError):
        new_assignment(folder)
    assert main(["new", str(folder)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_build_writes_the_student_notebook_and_the_public_cases_then_reports_drift(folder):
    written = build_assignment(folder)
    release = AssignmentFolder(folder).release
    assert written == [release, folder / "release" / "public_cases.py"]
    student = notebooks.read(release)
    assert all(BEGIN_MARKER not in cell.source for cell in student.cells)
    assert "raise NotImplementedError()" in student.cells[4].source
    assert build_assignment(folder, check=True) == []
    (folder / "public_cases.py").write_text("EXERCISES = ()\n")
    assert build_assignment(folder, check=True) == [folder / "release" / "public_cases.py"]


def test_the_grader_loads_the_folder_with_its_harness_band_and_support_files(folder):
    build_assignment(folder)
    assignment = load_assignment(str(folder))
    assert assignment.number == "hw1" and assignment.root == folder.resolve()
    assert assignment.exercises == ("cross_entropy", "MyDense", "final_loss")
    assert assignment.harness == {"MyDense": "public_cases:train_with_layer"}
    assert assignment.bands["final_loss"].seeds == (0, 1, 2, 3)
    assert assignment.support_files == (folder / "release" / "public_cases.py",)
    assert assignment.reveal == frozenset()


def test_the_grader_refuses_a_release_older_than_the_solution(folder):
    build_assignment(folder)
    solution = notebooks.read(folder / "solution.ipynb")
    solution.cells[3].source += "\n\nA sentence added after the release was built."
    notebooks.write(solution, folder / "solution.ipynb")
    with pytest.raises(GraderError, match="course build"):
        load_assignment(str(folder))


def test_reveal_must_name_exercises_of_the_assignment(folder):
    build_assignment(folder)
    grading = folder / "grading.py"
    grading.write_text(grading.read_text() + '\nREVEAL = {"MyDense"}\n')
    assert load_assignment(str(folder)).reveal == frozenset({"MyDense"})
    grading.write_text(grading.read_text() + '\nREVEAL = {"no_such_exercise"}\n')
    with pytest.raises(GraderError, match="REVEAL"):
        load_assignment(str(folder))


def test_cli_new_then_build_then_check(tmp_path, capsys):
    path = tmp_path / "quiz"
    assert main(["new", str(path)]) == 0
    assert main(["build", str(path), "--check"]) == 1
    assert main(["build", str(path)]) == 0
    assert main(["build", str(path), "--check"]) == 0
    out = capsys.readouterr().out
    assert "hand out the files in" in out and "is up to date" in out


def test_build_of_a_folder_that_is_not_an_assignment_is_a_clear_error(tmp_path, capsys):
    assert main(["build", str(tmp_path)]) == 2
    assert "course new" in capsys.readouterr().err


def test_the_scaffold_has_no_outputs_and_ships_its_files():
    solution = notebooks.read(SCAFFOLD / "solution.ipynb")
    assert all(not cell.get("outputs") for cell in solution.cells if cell.cell_type == "code")
    assert sorted(p.name for p in SCAFFOLD.iterdir() if p.is_file()) == [
        "README.md",
        "grading.py",
        "public_cases.py",
        "solution.ipynb",
    ]


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
    # No endless loop here: the public cases of `final_loss` train, on a loaded machine slowly.
    options = BatchOptions(out_dir=out, workers=2, feedback=True, **ON_MERITS)
    records = grade_batch(str(private), [hand_ins], options, stream=io.StringIO())
    grades = {
        r["submission"]: {g["exercise"]: (g["status"], g["points"]) for g in r["exercises"]}
        for r in records
    }
    return {"grades": grades, "out": out, "private": private}


@pytest.mark.slow
def test_a_solved_assignment_earns_every_point_and_passes_its_public_cases(graded):
    assert graded["grades"]["correct"] == {
        "cross_entropy": ("ok", 2.0),
        "MyDense": ("ok", 2.0),
        "final_loss": ("ok", 2.0),
    }
    page = (graded["out"] / "feedback" / "correct.html").read_text()
    for exercise in ("cross_entropy", "MyDense", "final_loss"):
        assert f"{exercise}: 2/2 public cases passed." in page


@pytest.mark.slow
def test_wrong_answers_lose_their_points_and_only_theirs(graded):
    assert graded["grades"]["wrong"] == {
        "cross_entropy": ("wrong", 1.33),  # overflows on the probe with logits of 800
        "MyDense": ("ok", 2.0),
        "final_loss": ("wrong", 0.0),  # a linear model after one epoch: outside the band
    }


@pytest.mark.skipif(not SANDBOX, reason="needs bubblewrap")
@pytest.mark.slow
def test_the_sandbox_hides_the_private_folder_and_a_crash_costs_one_exercise(graded):
    assert graded["grades"]["hostile"] == {
        "cross_entropy": ("ok", 2.0),
        "MyDense": ("error", 0.0),  # the private folder is empty inside the sandbox
        "final_loss": ("kernel_died", 0.0),
    }


@pytest.mark.slow
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


@pytest.mark.slow
def test_every_export_lists_every_submission(graded):
    out = graded["out"]
    rows = (out / "gradebook.csv").read_text().splitlines()
    assert [row.split(",")[0] for row in rows[1:]] == ["correct", "hostile", "leaky", "wrong"]
    results = json.loads((out / "gradescope" / "correct.json").read_text())
    assert results["score"] == 6.0
