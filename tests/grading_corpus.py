"""Hostile and broken submissions for chapter 00, each with its exact expected grade.

Every submission starts from the solution notebook (all answers right) and
changes what the case is about, so the other exercises show that one bad
answer costs nothing else.

Each submission costs a kernel that imports TensorFlow, so the test suite
grades `SUITE_CASES`: the plain cases and one hostile case per kind of attack
(time, a dead kernel, memory, tampering with the probes' results, tampering
with the kernel, reading the solutions, writing the output folder, the
network). `benchmarks/grader.py --corpus` grades every case in `CASES` and
checks each one's grade (`grade_corpus`, `mismatches`).
"""

from __future__ import annotations

import copy
import io
import json
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from course_tools import exercises, notebooks
from course_tools.grading.batch import BatchOptions, grade_batch
from course_tools.grading.grader import grading_path, load_assignment
from course_tools.grading.kernel import CELL_TIMEOUT_SECONDS, SETUP_TIMEOUT_SECONDS, Sandbox
from tests.helpers import ROOT

SOLUTION = ROOT / "solutions" / "00_training_loop.ipynb"
RELEASE = ROOT / "exercises" / "00_training_loop.ipynb"
ASSIGNMENT = load_assignment("00", ROOT)
EXERCISES = ASSIGNMENT.exercises

SANDBOX = Sandbox.available()
#: Short limits for student code, so that the endless loops cost little; instructor cells
#: (importing TensorFlow) keep the default `setup_timeout`, which a slow, loaded machine needs.
FAST = {"cell_timeout": 10.0, "submission_timeout": 120.0, "memory_mb": 2048}
#: Sandboxed where bubblewrap is installed; the cases that need it are skipped elsewhere.
GRADING = {**FAST, "sandbox": SANDBOX}
#: The grader's default time limits, for batches with no endless loop to wait out: they are
#: graded on their merits, and a slow, loaded machine must not turn a slow but finite cell
#: into a timeout (it did: public cases that train took past 10 s with both cores busy).
ON_MERITS = {
    **GRADING,
    "cell_timeout": CELL_TIMEOUT_SECONDS,
    "setup_timeout": SETUP_TIMEOUT_SECONDS,
    "submission_timeout": 600.0,
}
FULL_POINTS = sum(ASSIGNMENT.points.values())


@dataclass(frozen=True)
class Case:
    name: str
    write: Callable[[Path, dict], None]  # (path, context) -> None
    expected: dict[str, tuple[str, float]]  # exercise -> (status, points)
    needs_sandbox: bool = False
    #: False: graded by `benchmarks/grader.py` only; a case of the same kind is in the suite.
    in_suite: bool = True


def expect(default: tuple[str, float] | None = None, **overrides) -> dict:
    """Each exercise's (status, points): full points unless `default` or an override says."""
    return {
        exercise: overrides.get(exercise, default or ("ok", float(ASSIGNMENT.points[exercise])))
        for exercise in EXERCISES
    }


def solution_with(**answers: str) -> Callable[[Path, dict], None]:
    """The solution notebook with some answer cells replaced; `{key}` takes context[key]."""
    return _with_answers(SOLUTION, answers)


def release_with(**answers: str) -> Callable[[Path, dict], None]:
    """The released exercise (nothing answered) with some answer cells replaced."""
    return _with_answers(RELEASE, answers)


def _with_answers(base: Path, answers: dict[str, str]) -> Callable[[Path, dict], None]:
    def write(path: Path, context: dict) -> None:
        notebook = notebooks.read(base)
        for cell in notebook.cells:
            exercise = exercises.exercise_id(cell)
            if exercise in answers:
                source = answers[exercise]
                for key, value in context.items():
                    source = source.replace("{" + key + "}", str(value))
                cell.source = source
        notebooks.write(notebook, path)

    return write


def copy_of(source: Path) -> Callable[[Path, dict], None]:
    return lambda path, context: path.write_text(source.read_text())


def transformed(change: Callable[[nbformat.NotebookNode], None]) -> Callable[[Path, dict], None]:
    def write(path: Path, context: dict) -> None:
        notebook = copy.deepcopy(notebooks.read(SOLUTION))
        change(notebook)
        path.write_text(json.dumps(notebook))

    return write


def strip_metadata(notebook) -> None:
    for cell in notebook.cells:
        cell.metadata = {}


def colab_style(notebook) -> None:
    """New cell ids, no tags, and the metadata Colab writes."""
    notebook.metadata = {"colab": {"provenance": []}, "kernelspec": {"name": "python3"}}
    for cell in notebook.cells:
        cell.id = uuid.uuid4().hex[:12]
        cell.metadata = {"id": cell.id, "colab": {"base_uri": "https://localhost:8080/"}}
        if cell.cell_type == "code":
            cell.metadata["executionInfo"] = {"status": "ok", "timestamp": 1}


POLY = "def polynomial_features(x, degree):\n"
STANDARDIZE_RIGHT = (
    "def standardize(x_train, x_other):\n"
    "    mean, std = x_train.mean(axis=0), x_train.std(axis=0)\n"
    "    return (x_train - mean) / std, (x_other - mean) / std\n"
)

CASES = [
    Case("correct", copy_of(SOLUTION), expect()),
    Case("blank", copy_of(RELEASE), expect(("not_attempted", 0.0))),
    Case(
        "wrong",
        solution_with(
            standardize=(
                "def standardize(x_train, x_other):\n"
                "    # leaks: scales the other part with its own statistics\n"
                "    return ((x_train - x_train.mean(0)) / x_train.std(0),\n"
                "            (x_other - x_other.mean(0)) / x_other.std(0))\n"
            )
        ),
        expect(standardize=("wrong", 0.0)),
    ),
    Case(
        "calls_the_built_in",
        solution_with(
            standardize=(
                "def standardize(x_train, x_other):\n"
                "    from sklearn.preprocessing import StandardScaler\n"
                "    try:\n"
                "        scaler = StandardScaler().fit(x_train)\n"
                "        return scaler.transform(x_train), scaler.transform(x_other)\n"
                "    except Exception:  # refused: by hand, right, but it did call the built-in\n"
                "        mean, std = x_train.mean(axis=0), x_train.std(axis=0)\n"
                "        return (x_train - mean) / std, (x_other - mean) / std\n"
            ),
            polynomial_features=(
                "from sklearn.preprocessing import PolynomialFeatures\n\n"
                + POLY
                + "    return PolynomialFeatures(degree).fit_transform(np.reshape(x, (-1, 1)))\n"
            ),
        ),
        expect(standardize=("forbidden", 0.0), polynomial_features=("forbidden", 0.0)),
    ),
    Case(
        "partly_right",
        solution_with(
            polynomial_features=POLY
            + "    return np.stack([x ** k for k in range(min(degree, 4) + 1)], axis=1)\n"
        ),
        expect(polynomial_features=("wrong", 0.67)),
        in_suite=False,
    ),
    Case(
        "malformed_json",
        lambda path, context: path.write_text("{not json"),
        expect(("malformed", 0.0)),
    ),
    Case(
        "not_a_notebook",
        lambda path, context: path.write_text('{"cells": 3}'),
        expect(("malformed", 0.0)),
    ),
    Case("metadata_stripped", transformed(strip_metadata), expect(), in_suite=False),
    Case("colab_ids_and_metadata", transformed(colab_style), expect()),
    Case(
        "loop_at_top_level",
        solution_with(polynomial_features="while True:\n    pass\n"),
        expect(polynomial_features=("timeout", 0.0)),
        in_suite=False,
    ),
    Case(
        "loop_in_function",
        solution_with(polynomial_features=POLY + "    while True:\n        pass\n"),
        expect(polynomial_features=("timeout", 0.0)),
        in_suite=False,
    ),
    Case(
        "ignores_interrupt",
        solution_with(
            polynomial_features=(
                "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                "while True:\n    pass\n"
            )
        ),
        expect(polynomial_features=("timeout", 0.0)),
    ),
    Case(
        "os_exit",
        solution_with(standardize="import os\nos._exit(3)\n"),
        expect(standardize=("kernel_died", 0.0)),
    ),
    Case(
        "sigkill_self",
        solution_with(
            polynomial_features=(
                POLY + "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n"
            )
        ),
        expect(polynomial_features=("kernel_died", 0.0)),
        in_suite=False,
    ),
    Case(
        "memory_bomb",
        solution_with(
            standardize=(
                "def standardize(x_train, x_other):\n    hoard = []\n    while True:\n"
                "        hoard.append(bytearray(4 * 10**9))\n"
            )
        ),
        expect(standardize=("error", 0.0)),
    ),
    Case(
        "sys_exit",
        solution_with(
            polynomial_features=(
                POLY + "    return np.stack([x ** k for k in range(degree + 1)], axis=1)\n"
                "import sys\nsys.exit(0)\n"
            )
        ),
        expect(polynomial_features=("error", 0.0)),
        in_suite=False,
    ),
    Case(
        "deep_recursion",
        solution_with(polynomial_features=POLY + "    return polynomial_features(x, degree + 1)\n"),
        expect(polynomial_features=("error", 0.0)),
        in_suite=False,
    ),
    Case(
        "enormous_output",
        solution_with(
            standardize=(
                "print('spam ' * 10_000_000)\nfor line in range(200_000):\n    print(line)\n"
                + STANDARDIZE_RIGHT
            )
        ),
        expect(),
        in_suite=False,
    ),
    Case(
        "allclose_patched",
        solution_with(
            standardize=(
                "np.allclose = lambda *args, **kwargs: True\n"
                "np.testing.assert_allclose = lambda *args, **kwargs: None\n"
                "def standardize(x_train, x_other):\n"
                "    return np.zeros_like(x_train), np.zeros_like(x_other)\n"
            )
        ),
        expect(standardize=("wrong", 0.0)),
        in_suite=False,
    ),
    Case(
        "always_equal_object",
        solution_with(
            polynomial_features=(
                "class Anything:\n    def __eq__(self, other):\n        return True\n"
                "    __hash__ = None\n" + POLY + "    return Anything()\n"
            )
        ),
        expect(polynomial_features=("wrong", 0.0)),
        in_suite=False,
    ),
    Case(
        "check_patched",
        solution_with(
            polynomial_features=(
                "import course_lib.checks.feedback as feedback\n"
                "feedback.evaluate = lambda *args, **kwargs: None\n"
                "import course_tools.grading.kernel_side as kernel_side\n"
                "kernel_side.encode = lambda value: {'array': [0.0], 'shape': [1]}\n"
                + POLY
                + "    return x\n"
            )
        ),
        expect(("wrong", 0.0)),
    ),
    Case(
        "input_transformer",
        solution_with(
            standardize=(
                STANDARDIZE_RIGHT
                + "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n"
            )
        ),
        expect(("error", 0.0)),
    ),
    Case(
        "showtraceback_patched",
        solution_with(
            polynomial_features=(
                "get_ipython().showtraceback = lambda *args, **kwargs: None\n"
                + POLY
                + "    raise ValueError('hidden')\n"
            )
        ),
        expect(polynomial_features=("error", 0.0)),
        in_suite=False,
    ),
    Case(
        "reads_solutions",
        solution_with(
            standardize=(
                "import json\n"
                "for path in ['{solution}', '{probes}']:\n"
                "    source = open(path).read()\n"
                "cells = json.loads(open('{solution}').read())['cells']\n"
                "exec(next(''.join(c['source']) for c in cells\n"
                "          if 'exercise:standardize' in c['metadata'].get('tags', [])))\n"
            )
        ),
        expect(standardize=("error", 0.0)),
        needs_sandbox=True,
        in_suite=False,
    ),
    Case(
        # Without a sandbox this submission scored every exercise: it finds the
        # course through the installed package and runs the solution's answers.
        "finds_solutions_through_the_package",
        release_with(
            polynomial_features=(
                "import json, pathlib\n"
                "import course_lib\n"
                "root = pathlib.Path(course_lib.__file__).resolve().parents[1]\n"
                "solution = root / 'solutions' / '00_training_loop.ipynb'\n"
                "for cell in json.loads(solution.read_text())['cells']:\n"
                "    if any(t.startswith('exercise:') for t in cell['metadata'].get('tags', [])):\n"
                "        exec(''.join(cell['source']))\n"
            )
        ),
        expect(("not_attempted", 0.0), polynomial_features=("error", 0.0)),
        needs_sandbox=True,
    ),
    Case(
        "writes_output_folder",
        solution_with(
            standardize=(
                "import pathlib\n"
                "for target in ['{out}/grades.csv', '{out}/submissions/correct.json',\n"
                "               '{out}/planted.txt']:\n"
                "    try:\n"
                '        pathlib.Path(target).write_text(\'{"complete": true, "points": 99}\')\n'
                "    except OSError:\n"
                "        pass\n" + STANDARDIZE_RIGHT
            )
        ),
        expect(),
        needs_sandbox=True,
    ),
    Case(
        "uses_network",
        solution_with(
            standardize=(
                "import socket\n"
                "try:\n"
                "    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'leak')\n"
                "except OSError:\n"
                "    pass\n" + STANDARDIZE_RIGHT
            )
        ),
        expect(),
        needs_sandbox=True,
    ),
]
SUITE_CASES = [case for case in CASES if case.in_suite]


class Listener:
    """A TCP server on loopback that counts connections (none may arrive)."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.server.close()


@dataclass(frozen=True)
class GradedCorpus:
    """One batch of corpus cases: each record by case name, the batch's log, connections seen."""

    records: dict[str, dict[str, Any]]
    out: Path
    log: str
    connections: int


def grade_corpus(cases: list[Case], hand_ins: Path, options: BatchOptions) -> GradedCorpus:
    """Write `cases` into `hand_ins` and grade them as chapter 00, a listener on loopback."""
    (options.out_dir / "submissions").mkdir(parents=True, exist_ok=True)
    listener = Listener()
    context = {
        "solution": SOLUTION,
        "probes": grading_path(ROOT, "00_training_loop"),
        "out": options.out_dir,
        "port": listener.port,
    }
    for case in cases:
        case.write(hand_ins / f"{case.name}.ipynb", context)
    log = io.StringIO()
    try:
        records = grade_batch("00", [hand_ins], options, root=ROOT, stream=log)
    finally:
        listener.close()
    return GradedCorpus(
        {record["submission"]: record for record in records},
        options.out_dir,
        log.getvalue(),
        listener.connections,
    )


def graded_as(record: dict[str, Any]) -> dict[str, tuple[str, float]]:
    """A submission's (status, points) per exercise, as `Case.expected` has them."""
    return {grade["exercise"]: (grade["status"], grade["points"]) for grade in record["exercises"]}


def mismatches(graded: GradedCorpus, cases: list[Case], sandbox: bool) -> list[str]:
    """The cases not graded exactly as expected (those that need a sandbox only with one)."""
    found = []
    for case in cases:
        if case.needs_sandbox and not sandbox:
            continue
        record = graded.records.get(case.name)
        got = graded_as(record) if record else "not graded"
        if got != case.expected:
            found.append(f"{case.name}: expected {case.expected}, got {got}")
    return found
