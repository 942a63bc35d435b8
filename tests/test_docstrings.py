"""Every docstring example in course_lib and course_tools runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import course_lib
import course_tools

MODULES = sorted(
    module.name
    for package in (course_lib, course_tools)
    for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    if module.name != "course_tools.cli"
)
#: Their examples start training processes: slow, like the notebook tests.
STARTS_PROCESSES = {"course_lib.interruption", "course_lib.multiworker"}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name in STARTS_PROCESSES else name
        for name in ["course_lib", "course_tools", *MODULES]
    ],
)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
