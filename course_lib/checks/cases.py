"""Exercises and their public cases, found by id in one chapter's check module.

A `Case` makes fresh inputs and verifies what the learner's function
returned, by properties or against a Keras, TensorFlow or NumPy built-in, so
no hidden answer is needed on the learner's side. Each chapter keeps its
exercises in `course_lib.checks.chapterNN.EXERCISES`; `find_exercise` imports
only the module that holds the id it is asked for, so one broken chapter
module breaks only that chapter's `check`.

Example:
    >>> find_exercise("polynomial_features").id
    'polynomial_features'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_lib.checks.index import CHAPTER_OF

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
    """One exercise: a function the learner writes in a tagged cell, its hint and cases."""

    id: str
    hint: str
    public_cases: tuple[Case, ...]


class ChecksUnavailable(ImportError):
    """A chapter's check module failed to import."""


def chapter_module_name(chapter: str) -> str:
    """The module that holds chapter `chapter`'s exercises, e.g. `course_lib.checks.chapter00`."""
    return f"{__package__}.chapter{chapter}"


def find_exercise(exercise_id: str) -> Exercise:
    """The exercise `exercise_id`, from its own chapter's module only.

    Raises:
        KeyError: no chapter has this exercise.
        ChecksUnavailable: the chapter's module is broken.
    """
    if exercise_id not in CHAPTER_OF:
        known = ", ".join(sorted(CHAPTER_OF))
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
