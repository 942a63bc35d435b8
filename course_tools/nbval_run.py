"""How the test suite's nbval run validates a notebook: once, under another seed offset.

A pytest plugin (`-p course_tools.nbval_run`; the repository's `conftest.py`
loads it). nbval runs every chapter and solution once, and that run is also the
seed-offset check of `course verify`: the kernel starts under seed offset 1
with TensorFlow's oneDNN kernels on and capped at AVX2 (so an AVX-512 machine
computes what an AVX2-only one does, and both validate the same numbers), while
notebooks are recorded at offset 0 with oneDNN off. So in one run:

* every claim must hold under other seeds and another summation order;
* every compared output must equal the recording: it cannot depend on the seed,
  hence not on the machine;
* every `measured` cell (run, not compared) must print something other than its
  recording, so that a deterministic output cannot hide behind the tag.

Example:
    >>> sorted(OFFSET_RUN_ENV.items())
    [('COURSE_SEED', '1'), ('ONEDNN_MAX_CPU_ISA', 'AVX2'), ('TF_ENABLE_ONEDNN_OPTS', '1')]
"""

from __future__ import annotations

import os

import nbval.plugin

from course_tools import notebooks, verify

#: The kernel environment of nbval's runs: the seed-offset check's.
OFFSET_RUN_ENV = verify.run_environment(1, onednn=True, isa="AVX2")

_start_kernel = nbval.plugin.IPyNbFile.setup
_run_cell = nbval.plugin.IPyNbCell.runtest


def _start_kernel_under_offset(self) -> None:
    saved = {name: os.environ.get(name) for name in OFFSET_RUN_ENV}
    os.environ.update(OFFSET_RUN_ENV)
    try:
        _start_kernel(self)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_cell_and_require_measured_to_move(self) -> None:
    _run_cell(self)
    if notebooks.MEASURED_TAG in notebooks.tags(self.cell) and not (
        verify.measured_output_moved(self.cell.get("outputs", []), self.test_outputs or [])
    ):
        self.raise_cell_error(f"Cell {verify.UNMOVED_MEASURED}")


os.environ.update(notebooks.KERNEL_ENV)
# A `measured` cell prints what training measured: nbval runs it, compares nothing.
nbval.plugin.metadata_tags[notebooks.MEASURED_TAG] = ("check", False)
# An optional cell (a GPU, a TPU, a bigger run) is not run by the tests.
nbval.plugin.metadata_tags[notebooks.OPTIONAL_TAG] = ("skip", True)
nbval.plugin.IPyNbFile.setup = _start_kernel_under_offset
nbval.plugin.IPyNbCell.runtest = _run_cell_and_require_measured_to_move
