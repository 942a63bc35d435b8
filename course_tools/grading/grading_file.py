"""An assignment's grading file, read and checked before any kernel starts.

The grading file (`solutions/NN_slug_grading.py`, or `PATH/grading.py` for an
instructor's own assignment) holds the tables `PROBES`, `POINTS`,
`TOLERANCE`, `HARNESS`, `BAND` and `REVEAL` (`course_tools.grading.grader`
says what each means), and `EQUIVALENT`: mutants of an answer that `course
mutants` should not report as holes, each with its one-line reason
(`{"exercise_id": {"L5:11-16 Add->Sub": "x + 0 and x - 0 are the same"}}`).

A typo must not be dropped in silence: every key of every table has to name
an exercise of the release, a band needs its seeds and its margin, a harness
has to name a function that exists, and every probe is a tuple of
arguments. Each fault is a `GradingFileError` that names
the file, the table and the key.

Example:
    >>> closest_exercise("finl_loss", ("final_loss", "MyDense"))
    'final_loss'
"""

from __future__ import annotations

import ast
import difflib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from course_lib.checks.values import DEFAULT_TOLERANCE

#: The tables a grading file may hold; PROBES and POINTS are required for every exercise.
TABLES = ("PROBES", "POINTS", "TOLERANCE", "HARNESS", "BAND", "REVEAL", "EQUIVALENT", "FORBID")


class GradingFileError(ValueError):
    """A grading file that cannot be graded with as written."""


@dataclass(frozen=True)
class Band:
    """An experiment's grading: the reference runs each probe once per seed."""

    seeds: tuple[int, ...]
    margin: float

    def reference_probes(self, probes: list[tuple]) -> list[tuple]:
        """Every probe with its seed (the last argument) replaced by each of `seeds`."""
        return [(*args[:-1], seed) for args in probes for seed in self.seeds]

    def group(self, values: list[Any]) -> list[list[Any]]:
        """The reference's values, one list of runs per probe."""
        size = len(self.seeds)
        return [values[start : start + size] for start in range(0, len(values), size)]


@dataclass(frozen=True)
class GradingTables:
    """A grading file's tables, checked against the release's exercises."""

    points: dict[str, int]
    probes: dict[str, list[tuple]]
    tolerance: dict[str, tuple[float, float]]
    harness: dict[str, str]
    bands: dict[str, Band]
    reveal: frozenset[str]
    #: Per exercise, mutant id -> why that mutant behaves like the answer.
    equivalent: dict[str, dict[str, str]]
    #: Per exercise, the dotted names of the built-ins its answer must not use.
    forbid: dict[str, tuple[str, ...]]


def closest_exercise(key: str, exercises: tuple[str, ...]) -> str | None:
    """The exercise id that `key` was most likely meant to be, if any is close."""
    found = difflib.get_close_matches(key, exercises, n=1, cutoff=0.5)
    return found[0] if found else None


def load_module(path: Path) -> ModuleType:
    """Execute the grading file at `path` as a module of its own."""
    spec = importlib.util.spec_from_file_location(f"course_grading_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_tables(
    path: Path, exercises: tuple[str, ...], support_files: tuple[Path, ...] = ()
) -> GradingTables:
    """The tables of the grading file at `path`, for an assignment with `exercises`.

    `support_files` are the files put beside a submission (an own assignment's
    `public_cases.py`): a harness may name a function in one of them.

    Raises:
        GradingFileError: a key that names no exercise (with the closest id), an
            exercise without probes or points, a probe that is not a tuple, a
            band without seeds or margin, a harness that names no function, or
            a FORBID entry that is not a list of dotted names.
    """
    module = load_module(path)
    tables = {name: getattr(module, name, None) for name in TABLES}
    fault = _Faults(path)
    for name, table in tables.items():
        if table is None:
            continue
        keys = table if name == "REVEAL" else _mapping(table, name, fault)
        for key in keys:
            if key not in exercises:
                guess = closest_exercise(str(key), exercises)
                hint = f"; did you mean {guess!r}?" if guess else ""
                fault(f"{name} names {key!r}, which is no exercise of the assignment{hint}")
    for name in ("PROBES", "POINTS"):
        missing = [e for e in exercises if not (tables[name] or {}).get(e)]
        if missing:
            fault(f"{name} has no entry for {', '.join(missing)}")
    probes = {e: _probes(e, tables["PROBES"][e], fault) for e in exercises}
    harness = dict(tables["HARNESS"] or {})
    for exercise, spec in harness.items():
        _check_harness(exercise, spec, support_files, fault)
    return GradingTables(
        points={e: int(tables["POINTS"][e]) for e in exercises},
        probes=probes,
        tolerance={
            e: tuple((tables["TOLERANCE"] or {}).get(e, DEFAULT_TOLERANCE)) for e in exercises
        },
        harness=harness,
        bands={e: _band(e, band, fault) for e, band in (tables["BAND"] or {}).items()},
        reveal=frozenset(tables["REVEAL"] or ()),
        equivalent={
            e: _reasons(e, marked, fault) for e, marked in (tables["EQUIVALENT"] or {}).items()
        },
        forbid={e: _names(e, names, fault) for e, names in (tables["FORBID"] or {}).items()},
    )


class _Faults:
    """Raises a `GradingFileError` that names the grading file."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, message: str) -> None:
        raise GradingFileError(f"{self.path}: {message}")


def _mapping(table: Any, name: str, fault: _Faults) -> Mapping:
    if not isinstance(table, Mapping):
        fault(f"{name} must be a dict keyed by exercise id, not {type(table).__name__}")
    return table


def _probes(exercise: str, probes: Any, fault: _Faults) -> list[tuple]:
    for index, args in enumerate(probes):
        if not isinstance(args, tuple):
            fault(
                f"PROBES[{exercise!r}][{index}] is a {type(args).__name__}, not a tuple of "
                f"arguments (one argument: write ({args!r},))"
            )
    return list(probes)


def _band(exercise: str, band: Any, fault: _Faults) -> Band:
    if not isinstance(band, Mapping) or not {"seeds", "margin"} <= set(band):
        fault(
            f"BAND[{exercise!r}] needs both 'seeds' and 'margin', e.g. "
            "{'seeds': range(4), 'margin': 0.05}"
        )
    seeds = tuple(int(seed) for seed in band["seeds"])
    if not seeds:
        fault(f"BAND[{exercise!r}] has no seeds")
    return Band(seeds, float(band["margin"]))


def _reasons(exercise: str, marked: Any, fault: _Faults) -> dict[str, str]:
    if not isinstance(marked, Mapping) or not all(
        isinstance(reason, str) and reason.strip() for reason in marked.values()
    ):
        fault(f"EQUIVALENT[{exercise!r}] must map each mutant id to a one-line reason")
    return dict(marked)


def _names(exercise: str, names: Any, fault: _Faults) -> tuple[str, ...]:
    if isinstance(names, str) or not all(
        isinstance(name, str) and "." in name and " " not in name for name in names
    ):
        fault(
            f"FORBID[{exercise!r}] must list dotted names, e.g. ['keras.optimizers.Lion'], "
            f"not {names!r}"
        )
    return tuple(names)


def _check_harness(exercise: str, spec: Any, support: tuple[Path, ...], fault: _Faults) -> None:
    module, _, function = str(spec).partition(":")
    if not (isinstance(spec, str) and module and function):
        fault(f"HARNESS[{exercise!r}] must be 'module:function', not {spec!r}")
    by_stem = {path.stem: path for path in support if path.suffix == ".py"}
    source = by_stem.get(module) or _module_source(module)
    if source is None:
        fault(f"HARNESS[{exercise!r}] names module {module!r}, which cannot be found")
    if function not in _top_level_names(Path(source)):
        fault(f"HARNESS[{exercise!r}] names {function!r}, which {module} does not define")


def _module_source(module: str) -> str | None:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None and spec.origin not in (None, "built-in") else None


def _top_level_names(source: Path) -> set[str]:
    """Names a module defines at its top level (functions, classes, assignments, imports)."""
    names: set[str] = set()
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.ImportFrom | ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names
