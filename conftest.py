"""Test-wide settings: nbval runs each notebook under another seed offset
(`course_tools.nbval_run`), and notebook tests are marked slow."""

pytest_plugins = ["course_tools.nbval_run", "pytester"]


def pytest_collection_modifyitems(items):
    """Notebook cells run a kernel: mark them slow, so `-m "not slow"` skips them."""
    import pytest

    for item in items:
        if str(item.fspath).endswith(".ipynb"):
            item.add_marker(pytest.mark.slow)
