"""Test-wide settings: the kernel environment the notebooks were recorded with,
and nbval's reading of the `measured` tag.

nbval starts each notebook's kernel from this process, so the variables set
here (PYTHONHASHSEED, quiet TensorFlow logs, inline Matplotlib) reach it.
"""

import os

import nbval.plugin

from course_tools.notebooks import KERNEL_ENV, MEASURED_TAG

os.environ.update(KERNEL_ENV)
# A `measured` cell prints what training measured: nbval runs it, compares nothing.
nbval.plugin.metadata_tags[MEASURED_TAG] = ("check", False)


def pytest_collection_modifyitems(items):
    """Notebook cells run a kernel: mark them slow, so `-m "not slow"` skips them."""
    import pytest

    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
