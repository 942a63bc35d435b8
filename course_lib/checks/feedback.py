"""`check`: readable pass/fail feedback on an exercise's public cases.

Runs in the learner's own kernel, offline, in JupyterLab or Colab. It is
feedback, not the grade: the batch grader uses separate probe inputs and
compares outside the learner's kernel, with the same comparison
(`course_lib.checks.values.compare`) and the same statuses.
"""

from __future__ import annotations

import functools
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from course_lib.checks.cases import find_exercise
from course_lib.checks.forbid import Tripwire, delegation, message
from course_lib.checks.status import Status

#: After this many failed checks of one exercise in a session, the hint shows unasked.
HINT_AFTER_FAILURES = 3
_failures: Counter[str] = Counter()


@dataclass(frozen=True)
class CaseOutcome:
    case: str
    status: Status
    message: str = ""


@dataclass(frozen=True)
class Report:
    """What `evaluate` found: one outcome per public case."""

    exercise_id: str
    outcomes: tuple[CaseOutcome, ...]
    hint: str

    @property
    def passed(self) -> int:
        return sum(outcome.status == Status.OK for outcome in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def not_attempted(self) -> bool:
        return any(outcome.status == Status.NOT_ATTEMPTED for outcome in self.outcomes)

    def text(self, hint: bool = False) -> str:
        """The feedback; the hint only when `hint` is true and a case failed."""
        if self.not_attempted:
            return (
                f"{self.exercise_id}: not implemented yet. Replace "
                "`raise NotImplementedError()` with your code, run that cell, then this one."
            )
        lines = [f"{self.exercise_id}: {self.passed}/{self.total} public cases passed."]
        lines += [
            f"  {outcome.status}: {outcome.case}: {outcome.message}"
            for outcome in self.outcomes
            if outcome.status != Status.OK
        ]
        if self.passed < self.total:
            lines.append(
                f"  hint: {self.hint}"
                if hint
                else f"  (ask for a hint with check({self.exercise_id!r}, ..., hint=True))"
            )
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
    exercise = find_exercise(exercise_id)
    delegated = delegation(answer, exercise.forbid)
    if delegated:
        outcomes = [
            CaseOutcome(case.name, Status.FORBIDDEN, message(delegated))
            for case in exercise.public_cases
        ]
        return Report(exercise_id, tuple(outcomes), exercise.hint)
    call = answer if exercise.harness is None else functools.partial(exercise.harness, answer)
    outcomes = []
    for case in exercise.public_cases:
        wire = Tripwire(exercise.forbid)
        try:
            with wire:
                result = call(*case.make_args())
        except NotImplementedError:
            outcomes.append(CaseOutcome(case.name, Status.NOT_ATTEMPTED))
            break
        except Exception as error:
            if wire.used:
                outcomes.append(CaseOutcome(case.name, Status.FORBIDDEN, message(wire.used[0])))
                continue
            outcomes.append(CaseOutcome(case.name, Status.ERROR, _short_error(error)))
            continue
        if wire.used:  # the answer caught the refusal and went on
            outcomes.append(CaseOutcome(case.name, Status.FORBIDDEN, message(wire.used[0])))
            continue
        try:
            problem = case.verify(result, case.make_args())
        except Exception as error:
            problem = f"the result could not be checked: {_short_error(error)}"
        outcomes.append(
            CaseOutcome(case.name, Status.WRONG if problem else Status.OK, problem or "")
        )
    return Report(exercise_id, tuple(outcomes), exercise.hint)


def check(exercise_id: str, answer: Callable[..., Any], hint: bool = False) -> None:
    """Print feedback on `answer` for the exercise `exercise_id`.

    The hint points at the idea, never the answer. It is shown when asked
    for (`hint=True`), or unasked after `HINT_AFTER_FAILURES` failed checks
    of the same exercise in this session.
    """
    report = evaluate(exercise_id, answer)
    failed = report.passed < report.total and not report.not_attempted
    if failed:
        _failures[exercise_id] += 1
    print(report.text(hint=hint or _failures[exercise_id] >= HINT_AFTER_FAILURES))
