"""Exercise feedback for students (`check`) and, later, the batch grader.

Introduced in chapter 00. In a notebook:

    >>> from course_lib.grading import check
    >>> check("polynomial_features", lambda x, degree: None)  # doctest: +ELLIPSIS
    polynomial_features: 0/3 public cases passed.
    ...

`check` runs the exercise's public cases only: it is feedback, not the grade.
"""

from course_lib.grading.feedback import CaseOutcome, Report, check, evaluate

__all__ = ["CaseOutcome", "Report", "check", "evaluate"]
