"""Every docstring example in course_lib runs and prints what it says."""

import doctest
import importlib
import pkgutil

import pytest

import course_lib

MODULES = sorted(
    module.name
    for module in pkgutil.walk_packages(course_lib.__path__, prefix="course_lib.")
    if module.name != "course_lib.cli"
)


@pytest.mark.parametrize("name", ["course_lib", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
