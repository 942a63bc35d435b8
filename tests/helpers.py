"""Shared test helpers: the repository's paths and small notebook makers."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat

from course_tools.chapters import colab_badge

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))


def copy_course(destination: Path) -> Path:
    """Copy the notebook folders of the repository into `destination`."""
    for folder in ("notebooks", "solutions", "exercises"):
        shutil.copytree(ROOT / folder, destination / folder)
    return destination


def tiny_notebook(relative_path: str, cells: list[tuple[str, str, list[str]]]):
    """A notebook with a titled, badged first cell and the given (kind, source, tags)."""
    first = nbformat.v4.new_markdown_cell(f"# 99 · Tiny chapter\n\n{colab_badge(relative_path)}")
    made = [first]
    for kind, source, tags in cells:
        maker = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        cell = maker(source)
        cell.metadata["tags"] = tags
        made.append(cell)
    return nbformat.v4.new_notebook(cells=made)


def run_python(code: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run `code` (dedented) in a fresh Python process, for what is fixed once per process
    (TensorFlow's logical devices); quiet TensorFlow logs, output captured."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        check=False,
    )


class _Stopped(Exception):
    """Raised by `child_environment`'s stand-in, before any process starts."""


def child_environment(monkeypatch, module, starter: str, start) -> dict[str, str]:
    """The environment `start()` gives the process it starts with `module.subprocess.<starter>`
    (`run` or `Popen`), which is replaced by a stand-in that records it and starts nothing."""
    seen: dict[str, str] = {}

    def stand_in(command, env, **kwargs):
        seen.update(env)
        raise _Stopped

    monkeypatch.setattr(module.subprocess, starter, stand_in)
    with contextlib.suppress(_Stopped):
        start()
    return seen
