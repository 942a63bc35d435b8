"""`check` and `evaluate`: blank and wrong answers are explained, hints come when due."""

from collections import Counter

import numpy as np
import pytest

from course_lib.checks import check, evaluate, feedback
from course_lib.checks.status import Status
from course_tools import exercises, notebooks
from tests.helpers import SOLUTIONS

# That every solution passes all its public cases is checked where it is cheapest: each
# solution notebook's check cells print "N/N public cases passed" in compared cells, so
# nbval's run of solutions/ fails on any other line.

#: Exercises whose harness needs two logical CPUs, which a process sets up once, before
#: any TensorFlow op: tests/course_lib/checks/test_harness.py runs them in a process of
#: their own, and the solution's nbval run checks them in its kernel.
OWN_PROCESS = {"replica_step"}
SOLVED = [
    (path, exercise_id)
    for path in SOLUTIONS
    for exercise_id in exercises.exercise_ids(notebooks.read(path))
    if exercise_id not in OWN_PROCESS
]


@pytest.mark.parametrize(("path", "exercise_id"), SOLVED, ids=[e for _, e in SOLVED])
def test_a_blank_answer_is_not_attempted_and_a_constant_is_wrong(path, exercise_id):
    def blank(*args, **kwargs):
        raise NotImplementedError()

    assert evaluate(exercise_id, blank).not_attempted
    report = evaluate(exercise_id, lambda *args, **kwargs: 0.123)
    assert report.passed < report.total and "hint:" in report.text(hint=True)


def test_the_hint_shows_on_request_or_after_repeated_failures(capsys, monkeypatch):
    monkeypatch.setattr(feedback, "_failures", Counter())

    def wrong(x, degree):
        return x

    check("polynomial_features", wrong)
    first = capsys.readouterr().out
    assert "hint:" not in first and "hint=True" in first
    check("polynomial_features", wrong, hint=True)
    assert "hint:" in capsys.readouterr().out
    check("polynomial_features", wrong)
    assert "hint:" in capsys.readouterr().out  # the third failure in this session


def test_not_implemented_is_reported_cleanly(capsys):
    def standardize(x_train, x_other):
        raise NotImplementedError()

    check("standardize", standardize)
    assert capsys.readouterr().out.startswith("standardize: not implemented yet.")


def test_wrong_answer_says_what_was_expected():
    def leaky(x_train, x_other):  # scales the other part with its own statistics
        return (
            (x_train - x_train.mean(0)) / x_train.std(0),
            (x_other - x_other.mean(0)) / x_other.std(0),
        )

    report = evaluate("standardize", leaky)
    assert report.passed < report.total
    assert "no leakage" in report.text() and "hint:" not in report.text()
    assert "  wrong: " in report.text()


def test_crashing_and_none_answers_are_explained():
    report = evaluate("polynomial_features", lambda x, degree: 1 / 0)
    assert report.outcomes[0].status == Status.ERROR
    assert "ZeroDivisionError" in report.outcomes[0].message
    report = evaluate("polynomial_features", lambda x, degree: None)
    assert report.outcomes[0].status == Status.WRONG
    assert "returned None" in report.outcomes[0].message


def test_gradient_off_by_a_factor_two_fails():
    def half(w, b, x, y):
        error = x @ w + b - y
        return x.T @ error / len(y), np.sum(error) / len(y)

    assert evaluate("mse_gradients", half).passed == 0


def test_an_ece_binned_with_np_digitize_fails_where_the_bin_edges_disagree():
    def digitized(labels, probabilities, bins):
        confidence = probabilities.max(axis=1)
        correct = probabilities.argmax(axis=1) == labels
        index = np.clip(np.digitize(confidence, np.linspace(0, 1, bins + 1)[1:-1]), 0, bins - 1)
        return sum(
            abs(correct[index == b].mean() - confidence[index == b].mean()) * np.mean(index == b)
            for b in range(bins)
            if np.any(index == b)
        )

    report = evaluate("expected_calibration_error", digitized)
    failed = [outcome.case for outcome in report.outcomes if outcome.status != Status.OK]
    assert failed == ["confidences 0.3, 0.6 and 0.7 sit on bin edges: each opens its bin"]
