"""Execute notebooks in a fresh kernel and keep their files canonical.

Outputs are recorded only by `execute` (a fresh kernel, top to bottom, with
the environment the tests use) followed by `normalise`, so re-running an
unchanged notebook leaves its file unchanged. Used by `course run`,
`course record` and `course build`.

Example:
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> nb.cells[0].metadata["execution"] = {"iopub.status.busy": "2026-01-01"}
    >>> normalise(nb).cells[0].metadata
    {}
"""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path

import nbformat

from course_lib.environment import QUIET_TENSORFLOW_ENV

#: The environment every recording and test run gives its kernel.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
KERNEL_ENV.update(QUIET_TENSORFLOW_ENV)
#: Tag of cells whose printed output states a measured, checked result.
RESULT_TAG = "result"
#: nbval's tag for output that differs from machine to machine (timings): such
#: output is not compared, and not committed either, so files stay stable.
IGNORED_OUTPUT_TAG = "nbval-ignore-output"
KEPT_CELL_METADATA = ("tags",)
NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def dumps(notebook: nbformat.NotebookNode) -> str:
    """Canonical JSON text: sorted keys, one-space indent, final newline."""
    return nbformat.writes(notebook) + "\n"


def write(notebook: nbformat.NotebookNode, path: Path) -> None:
    Path(path).write_text(dumps(notebook), encoding="utf-8")


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep outputs and execution counts; drop timings and editor metadata.

    Outputs of cells tagged `nbval-ignore-output` are dropped too: they are
    machine-dependent by definition, and a learner sees them on their own run.
    """
    notebook = copy.deepcopy(notebook)
    notebook.metadata = copy.deepcopy(NOTEBOOK_METADATA)
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    for cell in notebook.cells:
        cell.metadata = {
            key: value for key, value in cell.metadata.items() if key in KEPT_CELL_METADATA
        }
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        if IGNORED_OUTPUT_TAG in cell.metadata.get("tags", []):
            cell.outputs = []
        for output in cell.outputs:
            if "metadata" in output:
                output.metadata = {}
    return notebook


def kernel_env() -> dict[str, str]:
    """This process's environment plus the reproducibility settings."""
    return {**os.environ, **KERNEL_ENV}


def execute(
    notebook: nbformat.NotebookNode,
    working_dir: Path,
    cell_timeout: int = 300,
    allow_errors: bool = False,
    kernel_stderr: int | None = subprocess.DEVNULL,
) -> nbformat.NotebookNode:
    """Run every cell in a new kernel; the kernel is shut down afterwards.

    The kernel process's own stderr (its start-up warnings, native logs
    written before a cell runs) goes to `kernel_stderr`; what cells print is
    recorded in the notebook either way.

    Raises:
        nbclient.exceptions.CellExecutionError: a cell failed and
            `allow_errors` is False (cells tagged `raises-exception` may fail).
    """
    from nbclient import NotebookClient

    notebook = copy.deepcopy(notebook)
    client = NotebookClient(
        notebook,
        timeout=cell_timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(working_dir)}},
    )
    client.execute(env=kernel_env(), cwd=str(working_dir), stderr=kernel_stderr)
    return notebook


def result_lines(notebook: nbformat.NotebookNode) -> list[str]:
    """Printed text of the cells tagged `result`: the chapter's measurements."""
    lines = []
    for cell in notebook.cells:
        if cell.cell_type != "code" or RESULT_TAG not in cell.metadata.get("tags", []):
            continue
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stdout":
                lines.extend(output.text.rstrip("\n").splitlines())
    return lines
