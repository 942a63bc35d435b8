"""An instructor's own assignment folder: scaffold, build, and what the grader loads from it."""

from __future__ import annotations

import ast

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
from course_tools.exercises import BEGIN_MARKER, exercise_ids
from course_tools.grading.grader import GraderError, load_assignment


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
