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
from collections.abc import Mapping
from pathlib import Path

import nbformat

from course_lib.claims import HOLDS
from course_lib.environment import QUIET_TENSORFLOW_ENV

#: What every kernel the course starts runs with: recordings, tests, `course verify`
#: and the grader's sandboxed kernels.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    **QUIET_TENSORFLOW_ENV,
}
#: Tag of cells whose output comes out of training or random sampling: it
#: differs from one CPU (and one seed offset) to the next, so nbval does not
#: compare it; it is committed, so a reader sees what the recording run measured.
MEASURED_TAG = "measured"
#: nbval's tag for output that depends on the machine's speed (timings): not
#: compared, and not committed either, so re-recording leaves files unchanged.
#: Only a cell that reads a clock (or prints what one measured) may carry it.
IGNORED_OUTPUT_TAG = "nbval-ignore-output"
#: Tag of an optional cell: a bigger run, or code for hardware the tests do not
#: have (a GPU, a TPU). Neither recording nor nbval runs it; a learner runs it by
#: hand. Its first line is a comment that says what it needs.
OPTIONAL_TAG = "optional"
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


def tags(cell: nbformat.NotebookNode) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def normalise(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep outputs and execution counts; drop timings and editor metadata.

    Outputs of cells tagged `nbval-ignore-output` are dropped too: they are
    machine-dependent by definition, and a learner sees them on their own run.
    Consecutive chunks of one output stream are joined into one.
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
        if IGNORED_OUTPUT_TAG in tags(cell):
            cell.outputs = []
        cell.outputs = _merged_streams(cell.outputs)
        for output in cell.outputs:
            if "metadata" in output:
                output.metadata = {}
    return notebook


def _merged_streams(outputs: list) -> list:
    """Join consecutive chunks of one stream: how a kernel splits what a cell
    prints into messages depends on timing, and must not change the file."""
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def kernel_environment(
    base: Mapping[str, str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`base`, then `KERNEL_ENV`, then `overrides`: the environment of a course kernel.

    Example:
        >>> kernel_environment({"HOME": "/tmp"}, {"COURSE_SEED": "1"})["PYTHONHASHSEED"]
        '0'
    """
    return {**base, **KERNEL_ENV, **(overrides or {})}


def execute(
    notebook: nbformat.NotebookNode,
    working_dir: Path,
    cell_timeout: int = 300,
    allow_errors: bool = False,
    kernel_stderr: int | None = subprocess.DEVNULL,
    env: dict[str, str] | None = None,
) -> nbformat.NotebookNode:
    """Run every cell in a new kernel; the kernel is shut down afterwards.

    `env` adds to (or overrides) the kernel's environment, e.g.
    `{"COURSE_SEED": "1"}` to move every seed of the run.

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
        skip_cells_with_tag=OPTIONAL_TAG,
        resources={"metadata": {"path": str(working_dir)}},
    )
    client.execute(
        env=kernel_environment(os.environ, env), cwd=str(working_dir), stderr=kernel_stderr
    )
    return notebook


def result_lines(notebook: nbformat.NotebookNode) -> list[str]:
    """What a chapter measured and claimed: the printed text of its `measured`
    cells and the lines of its claims that held."""
    lines = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type != "stream" or output.name != "stdout":
                continue
            printed = output.text.rstrip("\n").splitlines()
            if MEASURED_TAG in tags(cell):
                lines.extend(printed)
            else:
                lines.extend(line for line in printed if line.startswith(HOLDS))
    return lines
