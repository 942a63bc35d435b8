"""`course build`: generated files are in sync, and drift is caught."""

import pytest

from course_tools import build, exercises, notebooks
from tests.helpers import ROOT, copy_course


def test_committed_generated_files_are_in_sync():
    assert build.build(ROOT, check=True) == []


def test_build_check_fails_when_a_solution_changes_without_regenerating(tmp_path):
    course = copy_course(tmp_path)
    solution_path = course / "solutions" / "00_training_loop.ipynb"
    solution = notebooks.read(solution_path)
    tagged = next(c for c in solution.cells if exercises.exercise_id(c))
    tagged.source += "\n# a new comment students should see\n"
    notebooks.write(solution, solution_path)

    drifted = build.build(course, check=True)
    assert course / "exercises" / "00_training_loop.ipynb" in drifted

    build.build(course)
    assert build.build(course, check=True) == []
    regenerated = notebooks.read(course / "exercises" / "00_training_loop.ipynb")
    assert any("a new comment students should see" in c.source for c in regenerated.cells)


def test_build_removes_an_exercise_whose_solution_is_gone(tmp_path):
    course = copy_course(tmp_path)
    orphan = course / "exercises" / "98_orphan.ipynb"
    orphan.write_text((course / "exercises" / "00_training_loop.ipynb").read_text())
    assert orphan in build.build(course, check=True)
    build.build(course)
    assert not orphan.exists()


def test_build_rewrites_a_stale_checks_index(tmp_path):
    course = copy_course(tmp_path)
    index = course / build.CHECKS_INDEX
    index.parent.mkdir(parents=True)
    index.write_text('CHAPTER_OF = {"standardize": "01"}\n')
    assert index in build.build(course, check=True)
    build.build(course)
    assert index.read_text() == (ROOT / build.CHECKS_INDEX).read_text()
    assert '"standardize": "00",' in index.read_text()


def test_build_refuses_an_exercise_id_used_by_two_chapters(tmp_path):
    course = copy_course(tmp_path)
    (course / build.CHECKS_INDEX).parent.mkdir(parents=True)
    first, second = sorted((course / "solutions").glob("0[01]_*.ipynb"))
    second.write_text(first.read_text())
    with pytest.raises(ValueError, match=r"'standardize' of 01_.* already used by chapter 00"):
        build.build(course, check=True)
