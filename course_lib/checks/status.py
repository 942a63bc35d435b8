"""The one vocabulary of outcomes, shared by `check`, the grading kernel and the grader.

Example:
    >>> str(Status.NOT_ATTEMPTED)
    'not_attempted'
"""

from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """How an exercise, a public case or a cell ended."""

    #: Right (a case, an exercise), or ran to the end (a cell).
    OK = "ok"
    #: Ran, and the result is not the expected one.
    WRONG = "wrong"
    #: Raised an exception.
    ERROR = "error"
    #: Still raises `NotImplementedError`: the learner has not started it.
    NOT_ATTEMPTED = "not_attempted"
    #: Ran past its time limit.
    TIMEOUT = "timeout"
    #: The kernel running it died.
    KERNEL_DIED = "kernel_died"
    #: The submitted file is not a readable notebook.
    MALFORMED = "malformed"
    #: The submission has no answer cell for the exercise.
    MISSING_ANSWER = "missing_answer"
    #: The answer used the built-in the exercise asks the learner to write
    #: (`course_lib.checks.forbid`).
    FORBIDDEN = "forbidden"

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)
