"""Exercise definitions: ids, public cases and how each case is verified.

A `Case` makes fresh inputs and verifies what the student's function
returned, by properties or against a Keras, TensorFlow or NumPy built-in, so
no hidden answer is needed on the student's side. Chapter modules
(`course_lib.grading.chapterNN`) register their exercises on import.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

#: A verifier returns None when the result is right, else what is wrong.
Verifier = Callable[[Any, tuple], "str | None"]


@dataclass(frozen=True)
class Case:
    """One public test: `make_args()` builds inputs, `verify` judges a result."""

    name: str
    make_args: Callable[[], tuple]
    verify: Verifier


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: a function the student writes in a tagged cell."""

    id: str
    chapter: str
    summary: str
    hint: str
    public_cases: tuple[Case, ...]
    points: int = 1


_REGISTRY: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.id in _REGISTRY:
        raise ValueError(f"exercise id {exercise.id!r} registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load_chapters() -> None:
    import course_lib.grading as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("chapter"):
            importlib.import_module(f"{package.__name__}.{module.name}")


def all_exercises() -> dict[str, Exercise]:
    """Every registered exercise, by id."""
    _load_chapters()
    return dict(_REGISTRY)


def get_exercise(exercise_id: str) -> Exercise:
    exercises = all_exercises()
    if exercise_id not in exercises:
        known = ", ".join(sorted(exercises))
        raise KeyError(f"unknown exercise {exercise_id!r}; known exercises: {known}")
    return exercises[exercise_id]


def compare_arrays(got: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-6) -> str | None:
    """None when `got` equals `expected` within tolerance, else a readable why.

    Example:
        >>> compare_arrays([1.0, 2.5], [1.0, 2.0])
        'values differ: largest difference 0.5 at index (1,): expected 2, got 2.5'
    """
    if got is None:
        return "the function returned None (is a `return` missing?)"
    try:
        got_array = np.asarray(got, dtype="float64")
    except (TypeError, ValueError):
        return f"expected an array of numbers, got {type(got).__name__}"
    expected_array = np.asarray(expected, dtype="float64")
    if got_array.shape != expected_array.shape:
        return f"expected shape {expected_array.shape}, got shape {got_array.shape}"
    if not np.all(np.isfinite(got_array)):
        return "the result contains NaN or infinity"
    if np.allclose(got_array, expected_array, rtol=rtol, atol=atol):
        return None
    difference = np.abs(got_array - expected_array)
    where = tuple(int(i) for i in np.unravel_index(int(np.argmax(difference)), difference.shape))
    return (
        f"values differ: largest difference {difference[where]:.4g} at index {where}: "
        f"expected {expected_array[where]:.6g}, got {got_array[where]:.6g}"
    )


def compare_pair(got: Any, expected: tuple, names: tuple[str, str], **tolerance) -> str | None:
    """Compare a returned 2-tuple element by element."""
    if not isinstance(got, tuple | list) or len(got) != 2:
        return f"expected a pair ({names[0]}, {names[1]}), got {type(got).__name__}"
    for name, got_part, expected_part in zip(names, got, expected, strict=True):
        problem = compare_arrays(got_part, expected_part, **tolerance)
        if problem:
            return f"{name}: {problem}"
    return None
