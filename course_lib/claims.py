"""Pin a chapter's claims: each one is checked, and printed when it holds.

A number that comes out of training differs in its last digits from one CPU
to the next, so a chapter prints it in a cell whose output is not compared
(tagged `measured`) and states what it shows with `claim`: the printed line
is the same on every machine, and the run fails where the claim does not hold.
Introduced in chapter 00 ("The training loop") and used by every chapter.

Example:
    >>> from course_lib import claim
    >>> accuracy = {"He": 0.93, "Glorot": 0.21}
    >>> claim("He beats Glorot by more than 0.5", accuracy["He"] > accuracy["Glorot"] + 0.5)
    holds: He beats Glorot by more than 0.5
"""

from __future__ import annotations

import os
import sys

from course_lib import margins

#: What `claim` prints before a claim that holds.
HOLDS = "holds: "


def claim(statement: str, holds: bool) -> None:
    """Print `statement` if `holds` is true; raise AssertionError if not.

    Args:
        statement: the claim in words, free of measured numbers (they belong
            in the measured output above it), e.g. "He trains past 0.85".
        holds: the measured test of the claim, e.g. `accuracy_he > 0.85`.

    Raises:
        AssertionError: naming the claim that failed.
    """
    if os.environ.get(margins.LOG_VARIABLE):
        margins.record(statement, bool(holds), sys._getframe(1))
    if not bool(holds):
        raise AssertionError(f"claim does not hold: {statement}")
    print(f"{HOLDS}{statement}")
