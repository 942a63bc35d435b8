"""Exercise feedback for learners: `check` runs an exercise's public cases.

Introduced in chapter 00. In a notebook:

    >>> from course_lib.checks import check
    >>> check("polynomial_features", lambda x, degree: None)  # doctest: +ELLIPSIS
    polynomial_features: 0/3 public cases passed.
    ...

`check` is feedback, not the grade. Each chapter's hints and public cases
live in `course_lib.checks.chapterNN`, imported only when one of its
exercises is checked. The grader (`course_tools.grading`) never imports them. An instructor's own
assignment registers its public cases with `use_cases("public_cases")`.
"""

from course_lib.checks.cases import use_cases
from course_lib.checks.feedback import CaseOutcome, Report, check, evaluate

__all__ = ["CaseOutcome", "Report", "check", "evaluate", "use_cases"]
