"""Test-wide settings: the kernel environment the notebooks were recorded with,
nbval's reading of the `measured` tag, and how notebooks spread over workers.

nbval starts each notebook's kernel from this process, so the variables set
here (PYTHONHASHSEED, quiet TensorFlow logs, inline Matplotlib) reach it.
"""

import os

import nbval.plugin
import pytest

from course_lib.notebooks import KERNEL_ENV, MEASURED_TAG

os.environ.update(KERNEL_ENV)
# A `measured` cell prints what training measured: nbval runs it, compares nothing.
nbval.plugin.metadata_tags[MEASURED_TAG] = ("check", False)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Notebook cells run a kernel: mark them slow, so `-m "not slow"` skips them,
    and keep each notebook's cells on one xdist worker (`--dist loadgroup`)."""
    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group(str(item.fspath)))
