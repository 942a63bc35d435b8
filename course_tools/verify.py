"""`course verify`: do the claims survive other seeds, and are the checked outputs portable?

nbval compares a notebook's outputs with the recorded ones, so a compared
output must be the same on every machine. Training is not: another CPU takes
another floating-point path and moves the second decimal of an accuracy. A
seed offset (`$COURSE_SEED`) moves every seed of a chapter at once and shakes
training results far more than another CPU does, so a run under another offset
stands in for the machines the authors do not have. `verify_notebook` runs a
recorded notebook again in a fresh kernel under an offset, optionally with
TensorFlow's oneDNN kernels switched on (another summation order), and
compares the run with the recording cell by cell:

* every cell succeeds (cells tagged `raises-exception` excepted): each claim
  (`course_lib.claim`, or a plain assert) still holds;
* a compared cell prints what was recorded, after nbval's own sanitising: if
  it does not, its output depends on the seed, so on the machine, and belongs
  in a cell tagged `measured`;
* a `measured` cell prints something other than what was recorded: if it does
  not, its output is deterministic and should be compared, so that tagging
  everything `measured` cannot pass.

Example:
    >>> import nbformat
    >>> cell = nbformat.v4.new_code_cell("print(1)")
    >>> cell.outputs = [nbformat.v4.new_output("stream", text="1\\n")]
    >>> comparable(cell.outputs) == comparable([nbformat.v4.new_output("stream", text="1\\n")])
    True
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.environment import SEED_OFFSET_VARIABLE
from course_tools import notebooks

#: The sanitising rules nbval applies (pyproject's `--nbval-sanitize-with`).
SANITIZE_FILE = Path(__file__).with_name("nbval_sanitize.cfg")
#: What nbval leaves out of a comparison (its defaults, with images).
NOT_COMPARED = {"metadata", "traceback", "execution_count", "image/png", "image/jpeg"}
RAISES_TAG = "raises-exception"
#: oneDNN's cap on the instruction set its kernels may use (`AVX2`, `AVX512_CORE`, ...):
#: on an AVX-512 machine, `AVX2` runs oneDNN's kernels as an AVX2-only CPU would.
ISA_VARIABLE = "ONEDNN_MAX_CPU_ISA"


def run_environment(offset: int, onednn: bool = False, isa: str | None = None) -> dict[str, str]:
    """The kernel environment of a run under seed offset `offset`.

    Example:
        >>> run_environment(2, onednn=True, isa="AVX2")["ONEDNN_MAX_CPU_ISA"]
        'AVX2'
    """
    env = {SEED_OFFSET_VARIABLE: str(offset), "TF_ENABLE_ONEDNN_OPTS": "1" if onednn else "0"}
    if isa:
        env[ISA_VARIABLE] = isa
    return env


def sanitize_rules() -> list[tuple[re.Pattern, str]]:
    """The (pattern, replacement) pairs of `nbval_sanitize.cfg`, as nbval reads them."""
    from nbval.plugin import get_sanitize_patterns

    text = SANITIZE_FILE.read_text(encoding="utf-8")
    return [(re.compile(regex), replace) for regex, replace in get_sanitize_patterns(text)]


def comparable(outputs: list, rules: list[tuple[re.Pattern, str]] | None = None) -> dict:
    """A cell's outputs as nbval compares them: streams merged, images left out, sanitised."""
    from nbval.plugin import coalesce_streams

    rules = sanitize_rules() if rules is None else rules

    def clean(value):
        if isinstance(value, str):
            for pattern, replacement in rules:
                value = pattern.sub(replacement, value)
        return value

    flattened: dict[str, list] = {}
    for output in coalesce_streams([nbformat.from_dict(o) for o in outputs]):
        if output.output_type == "stream":
            items = {f"stream:{output.name}": output.text}
        elif output.output_type == "error":
            items = {"error": output.ename}
        else:
            items = dict(output.get("data", {}))
        for key, value in items.items():
            if key not in NOT_COMPARED:
                flattened.setdefault(key, []).append(clean(value))
    return flattened


def code_cells(notebook: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def is_compared(cell: nbformat.NotebookNode) -> bool:
    """Whether nbval compares this code cell's output with the recorded one."""
    ignored = {notebooks.MEASURED_TAG, notebooks.IGNORED_OUTPUT_TAG}
    return not ignored & set(notebooks.tags(cell))


@dataclass
class Report:
    """What one verification run found in one notebook."""

    path: Path
    offset: int
    onednn: bool
    isa: str | None = None
    code_cells: int = 0
    compared_cells: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        share = self.compared_cells / self.code_cells if self.code_cells else 0.0
        kernels = ", oneDNN on" if self.onednn else ""
        kernels += f", {ISA_VARIABLE}={self.isa}" if self.isa else ""
        verdict = "ok" if self.ok else f"{len(self.problems)} problem(s)"
        return (
            f"{self.path.name} (seed offset {self.offset}{kernels}): {verdict}; "
            f"{self.compared_cells} of {self.code_cells} code cells compared ({share:.0%})"
        )


#: Why a `measured` cell that printed what was recorded fails a run under another offset.
UNMOVED_MEASURED = (
    f"is tagged {notebooks.MEASURED_TAG!r} but printed exactly what was recorded: "
    "compare its output (drop the tag)"
)


def measured_output_moved(
    recorded: list, outputs: list, rules: list[tuple[re.Pattern, str]] | None = None
) -> bool:
    """Whether a `measured` cell printed something else than its recording.

    Under another seed offset it must: an output that stays (a plot alone, whose
    image nbval does not compare, included) is deterministic, and belongs in a
    compared cell.

    Example:
        >>> import nbformat
        >>> out = lambda text: [nbformat.v4.new_output("stream", text=text)]
        >>> measured_output_moved(out("acc 0.91\\n"), out("acc 0.93\\n"))
        True
        >>> measured_output_moved(out("acc 0.91\\n"), out("acc 0.91\\n"))
        False
    """
    return comparable(recorded, rules) != comparable(outputs, rules)


def _first_line(text: str) -> str:
    return (text.strip().splitlines() or [""])[0]


def compare_runs(
    recorded: nbformat.NotebookNode, rerun: nbformat.NotebookNode, report: Report
) -> Report:
    """Fill `report` with what differs, cell by cell, between a recording and a re-run."""
    rules = sanitize_rules()
    pairs = list(zip(code_cells(recorded), code_cells(rerun), strict=True))
    report.code_cells = len(pairs)
    report.compared_cells = sum(is_compared(cell) for cell, _ in pairs)
    for number, (cell, again) in enumerate(pairs):
        where = f"code cell {number} ({_first_line(cell.source)[:60]!r})"
        tags = notebooks.tags(cell)
        errors = [o for o in again.outputs if o.output_type == "error"]
        if errors and RAISES_TAG not in tags:
            report.problems.append(
                f"{where} failed: {errors[0].ename}: {_first_line(errors[0].evalue)[:200]}"
            )
        elif notebooks.MEASURED_TAG in tags:
            if not measured_output_moved(cell.outputs, again.outputs, rules):
                report.problems.append(f"{where} {UNMOVED_MEASURED}")
        elif is_compared(cell) and comparable(cell.outputs, rules) != comparable(
            again.outputs, rules
        ):
            report.problems.append(
                f"{where} printed something else than was recorded: its output depends on "
                f"the seed, so on the machine; tag it {notebooks.MEASURED_TAG!r} and pin "
                "its claim with course_lib.claim in a compared cell"
            )
    return report


def verify_notebook(
    path: Path, offset: int, onednn: bool = False, cell_timeout: int = 300, isa: str | None = None
) -> Report:
    """Run the recorded notebook at `path` under seed offset `offset` and compare.

    Args:
        path: a recorded chapter or solution notebook.
        offset: the value of `$COURSE_SEED` for the run (0 re-runs the recording's seeds).
        onednn: also switch TensorFlow's oneDNN kernels on (`TF_ENABLE_ONEDNN_OPTS=1`),
            which changes the order of floating-point sums.
        cell_timeout: seconds a cell may take.
        isa: cap oneDNN's kernels at this instruction set (`AVX2`), as a CPU without
            AVX-512 runs them; only with `onednn`.
    """
    recorded = notebooks.read(path)
    env = run_environment(offset, onednn, isa)
    with tempfile.TemporaryDirectory(prefix="course-verify-") as scratch:
        rerun = notebooks.execute(
            recorded, Path(scratch), cell_timeout=cell_timeout, allow_errors=True, env=env
        )
    report = Report(path=path, offset=offset, onednn=onednn, isa=isa)
    return compare_runs(recorded, rerun, report)
