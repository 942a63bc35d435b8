import importlib.util
import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff comes with the test extra"
)
def test_ruff_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None, reason="ruff comes with the test extra"
)
def test_library_and_tests_are_formatted():
    # Notebooks are left out: reformatting a cell would require re-recording it.
    paths = ["course_lib", "course_tools", "solutions", "tests", "benchmarks", "conftest.py"]
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_tests_mirror_the_modules_they_test():
    """`tests/<package>/.../test_<module>.py` tests `<package>/.../<module>.py`."""
    for package in ("course_lib", "course_tools"):
        for test in (ROOT / "tests" / package).rglob("test_*.py"):
            relative = test.relative_to(ROOT / "tests").with_name(test.name[len("test_") :])
            assert (ROOT / relative).is_file(), f"{test.relative_to(ROOT)} mirrors no module"
            assert (test.parent / "__init__.py").is_file(), f"{test.parent} needs __init__.py"
