"""Exercises and their public cases, found by id in one chapter's check module.

A `Case` makes fresh inputs and verifies what the learner's function
returned, by properties or against a Keras, TensorFlow or NumPy built-in, so
no hidden answer is needed on the learner's side. Each chapter keeps its
exercises in `course_lib.checks.chapterNN.EXERCISES`; `find_exercise` imports
only the module that holds the id it is asked for, so one broken chapter
module breaks only that chapter's `check`. An instructor's own assignment
ships its public cases as a module beside the notebook, which the notebook
registers with `use_cases` (`course new` writes one).

Example:
    >>> find_exercise("polynomial_features").id
    'polynomial_features'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from course_lib.checks.index import CHAPTER_OF
from course_lib.checks.values import NotGradable, as_plain, within_band

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
    """One exercise: what the learner writes in a tagged cell, its hint and its cases.

    Most answers are functions, called on each case's arguments. An answer
    that is a Keras object (a Loss, Layer, Callback or initialiser subclass, a
    training step) is handed to `harness(answer, *args)`, which uses it for
    real in a small model and returns numbers; the grader runs the same
    harness, named in the assignment's grading file. `forbid` names the
    built-ins (and course_lib counterparts) the answer must not use
    (`course_lib.checks.forbid`); the grading file's `FORBID` says the same.
    """

    id: str
    hint: str
    public_cases: tuple[Case, ...]
    harness: Callable[..., Any] | None = None
    forbid: tuple[str, ...] = ()


def in_band(low: Any, high: Any) -> Verifier:
    """A verifier for an experiment's public case: the result lies in [low, high].

    `low` and `high` are numbers, or tuples of numbers for a tuple result,
    measured from the course's reference runs over several seeds.

    Example:
        >>> in_band(0.8, 1.0)(0.93, ()) is None
        True
    """

    def verify(result: Any, args: tuple) -> str | None:
        try:
            got = as_plain(result)
        except NotGradable as error:
            return f"result: {error}"
        return within_band(got, [as_plain(low), as_plain(high)], 0.0)

    return verify


class ChecksUnavailable(ImportError):
    """A chapter's (or an assignment's own) check module failed to import or is empty."""


#: Exercises registered by `use_cases`: an instructor's own assignment, found before the course's.
_REGISTERED: dict[str, Exercise] = {}


def use_cases(module: str | ModuleType) -> tuple[str, ...]:
    """Make `check` know the exercises of an assignment's own public-case module.

    `module` is the module, or its name: `"public_cases"` imports
    `public_cases.py` from the notebook's folder (Jupyter puts it on the
    import path), again on every call, so an edit of it shows at once. The
    module's `EXERCISES` is a sequence of `Exercise`.
    Returns the ids registered; a registered id is found before a course
    chapter's exercise of the same name.

    Example:
        >>> import types
        >>> own = types.ModuleType("own_cases")
        >>> own.EXERCISES = (Exercise("double", "multiply by two", ()),)
        >>> use_cases(own)
        ('double',)
        >>> find_exercise("double").hint
        'multiply by two'
    """
    if isinstance(module, str):  # imported afresh, so that an edit shows without a restart
        loaded = sys.modules.get(module)
        module = importlib.reload(loaded) if loaded else importlib.import_module(module)
    found = tuple(getattr(module, "EXERCISES", ()))
    if not found or not all(isinstance(exercise, Exercise) for exercise in found):
        raise ChecksUnavailable(f"{module.__name__} has no EXERCISES of `Exercise` objects")
    _REGISTERED.update({exercise.id: exercise for exercise in found})
    return tuple(exercise.id for exercise in found)


def chapter_module_name(chapter: str) -> str:
    """The module that holds chapter `chapter`'s exercises, e.g. `course_lib.checks.chapter00`."""
    return f"{__package__}.chapter{chapter}"


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise `exercise_id`, from its own chapter's module only.

    Raises:
        KeyError: no chapter has this exercise.
        ChecksUnavailable: the chapter's module is broken.
    """
    if exercise_id in _REGISTERED:
        return _REGISTERED[exercise_id]
    if exercise_id not in CHAPTER_OF:
        known = ", ".join(sorted({*CHAPTER_OF, *_REGISTERED}))
        raise KeyError(f"unknown exercise {exercise_id!r}; known exercises: {known}")
    name = chapter_module_name(CHAPTER_OF[exercise_id])
    try:
        module = importlib.import_module(name)
    except Exception as error:
        raise ChecksUnavailable(f"the checks in {name} cannot be loaded: {error!r}") from error
    for exercise in module.EXERCISES:
        if exercise.id == exercise_id:
            return exercise
    raise ChecksUnavailable(f"{name} has no exercise {exercise_id!r}: run `course build`")
