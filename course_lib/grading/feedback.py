"""`check`: readable pass/fail feedback on an exercise's public cases.

Runs in the student's own kernel, offline, in JupyterLab or Colab. It is
feedback, not the grade: the batch grader uses separate probe inputs and
compares outside the student's kernel.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_lib.grading.cases import get_exercise

PASSED, FAILED, ERROR, NOT_IMPLEMENTED = "passed", "failed", "error", "not implemented"


@dataclass(frozen=True)
class CaseOutcome:
    case: str
    status: str
    message: str = ""


@dataclass(frozen=True)
class Report:
    """What `evaluate` found: one outcome per public case."""

    exercise_id: str
    outcomes: tuple[CaseOutcome, ...]
    hint: str

    @property
    def passed(self) -> int:
        return sum(outcome.status == PASSED for outcome in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def not_implemented(self) -> bool:
        return any(outcome.status == NOT_IMPLEMENTED for outcome in self.outcomes)

    def text(self) -> str:
        if self.not_implemented:
            return (
                f"{self.exercise_id}: not implemented yet. Replace "
                "`raise NotImplementedError()` with your code, run that cell, then this one."
            )
        lines = [f"{self.exercise_id}: {self.passed}/{self.total} public cases passed."]
        lines += [
            f"  {outcome.status}: {outcome.case}: {outcome.message}"
            for outcome in self.outcomes
            if outcome.status != PASSED
        ]
        if self.passed < self.total:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


def _short_error(error: BaseException) -> str:
    last = traceback.extract_tb(error.__traceback__)[-1:]
    where = f" (line {last[0].lineno})" if last else ""
    return f"raised {type(error).__name__}: {error}{where}"


def evaluate(exercise_id: str, answer: Callable[..., Any]) -> Report:
    """Run every public case of `exercise_id` against `answer`.

    Example:
        >>> evaluate("polynomial_features", lambda x, degree: None).passed
        0
    """
    exercise = get_exercise(exercise_id)
    outcomes = []
    for case in exercise.public_cases:
        try:
            result = answer(*case.make_args())
        except NotImplementedError:
            outcomes.append(CaseOutcome(case.name, NOT_IMPLEMENTED))
            break
        except Exception as error:
            outcomes.append(CaseOutcome(case.name, ERROR, _short_error(error)))
            continue
        try:
            problem = case.verify(result, case.make_args())
        except Exception as error:
            problem = f"the result could not be checked: {_short_error(error)}"
        outcomes.append(CaseOutcome(case.name, FAILED if problem else PASSED, problem or ""))
    return Report(exercise_id, tuple(outcomes), exercise.hint)


def check(exercise_id: str, answer: Callable[..., Any]) -> None:
    """Print feedback on `answer` for the exercise `exercise_id`."""
    print(evaluate(exercise_id, answer).text())
