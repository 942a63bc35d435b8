"""Test-wide settings: the same kernel environment the notebooks were recorded with.

nbval starts each notebook's kernel from this process, so the variables set
here (PYTHONHASHSEED, quiet TensorFlow logs, inline Matplotlib) reach it.
"""

import os

from course_lib.notebooks import KERNEL_ENV

os.environ.update(KERNEL_ENV)


def pytest_collection_modifyitems(items):
    """Notebook cells run a kernel: mark them slow, so `-m "not slow"` skips them."""
    import pytest

    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
