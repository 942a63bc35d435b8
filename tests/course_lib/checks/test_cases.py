"""Finding an exercise: one chapter module at a time, through the generated index."""

import subprocess
import sys

import pytest

import course_lib.checks as checks
from course_lib.checks import evaluate
from course_lib.checks.cases import ChecksUnavailable, chapter_module_name, find_exercise
from course_lib.checks.index import CHAPTER_OF


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="polynomial_features"):
        find_exercise("nope")


def test_every_indexed_exercise_is_in_its_chapter_module_and_nowhere_else():
    import importlib

    chapters = sorted(set(CHAPTER_OF.values()))
    for chapter in chapters:
        module = importlib.import_module(chapter_module_name(chapter))
        ids = [exercise.id for exercise in module.EXERCISES]
        assert sorted(ids) == sorted(e for e, c in CHAPTER_OF.items() if c == chapter)


def test_checking_one_exercise_imports_only_its_own_chapter():
    code = (
        "import sys\n"
        "from course_lib.checks import evaluate\n"
        "evaluate('polynomial_features', lambda x, degree: None)\n"
        "print(sorted(m for m in sys.modules if m.startswith('course_lib.checks.chapter')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['course_lib.checks.chapter00']"


def test_a_broken_chapter_module_breaks_only_that_chapters_check(tmp_path, monkeypatch):
    (tmp_path / "chapter01.py").write_text("raise RuntimeError('an author broke chapter 01')\n")
    monkeypatch.setattr(checks, "__path__", [str(tmp_path), *checks.__path__])
    monkeypatch.delitem(sys.modules, "course_lib.checks.chapter01", raising=False)
    monkeypatch.delitem(sys.modules, "course_lib.checks.chapter00", raising=False)
    with pytest.raises(ChecksUnavailable, match="an author broke chapter 01"):
        evaluate("huber_loss", lambda y_true, y_pred, delta: None)
    report = evaluate("polynomial_features", lambda x, degree: None)
    assert report.total == 3 and report.passed == 0


def test_an_assignment_registers_its_own_public_cases_by_module_name(tmp_path, monkeypatch):
    from course_lib.checks import cases

    monkeypatch.setattr(cases, "_REGISTERED", {})
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / "own_public_cases.py").write_text(
        "from course_lib.checks.cases import Case, Exercise\n"
        "EXERCISES = (Exercise('standardize', 'own hint',\n"
        "    (Case('doubles', lambda: (2,), lambda r, a: None if r == 4 else 'no'),)),)\n"
    )
    assert checks.use_cases("own_public_cases") == ("standardize",)
    # An own exercise is found before a course chapter's of the same id.
    assert find_exercise("standardize").hint == "own hint"
    assert evaluate("standardize", lambda x: 2 * x).passed == 1
    module = tmp_path / "own_public_cases.py"
    module.write_text(module.read_text().replace("own hint", "edited hint"))
    checks.use_cases("own_public_cases")  # an edit shows without restarting the kernel
    assert find_exercise("standardize").hint == "edited hint"
    (tmp_path / "empty_cases.py").write_text("EXERCISES = ()\n")
    with pytest.raises(ChecksUnavailable, match="no EXERCISES"):
        checks.use_cases("empty_cases")
