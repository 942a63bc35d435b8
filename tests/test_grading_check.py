import numpy as np
import pytest

from course_lib.grading import check, evaluate
from course_lib.grading.cases import all_exercises, compare_arrays, get_exercise


def solution_functions():
    """The reference answers, taken from the solution notebook's own code."""
    from course_lib import exercises, notebooks
    from tests.helpers import ROOT

    namespace = {"np": np}
    solution = notebooks.read(ROOT / "solutions" / "00_training_loop.ipynb")
    for cell in solution.cells:
        if exercises.exercise_id(cell):
            exec(cell.source, namespace)
    return namespace


@pytest.mark.parametrize(
    "exercise_id",
    ["standardize", "mse_gradients", "train_linear_regression", "polynomial_features"],
)
def test_solutions_pass_every_public_case(exercise_id):
    report = evaluate(exercise_id, solution_functions()[exercise_id])
    assert report.passed == report.total > 0, report.text()


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
    assert "no leakage" in report.text() and "hint:" in report.text()


def test_crashing_and_none_answers_are_explained():
    report = evaluate("polynomial_features", lambda x, degree: 1 / 0)
    assert report.outcomes[0].status == "error"
    assert "ZeroDivisionError" in report.outcomes[0].message
    report = evaluate("polynomial_features", lambda x, degree: None)
    assert "returned None" in report.outcomes[0].message


def test_gradient_off_by_a_factor_two_fails():
    def half(w, b, x, y):
        error = x @ w + b - y
        return x.T @ error / len(y), np.sum(error) / len(y)

    assert evaluate("mse_gradients", half).passed == 0


def test_unknown_exercise_lists_the_known_ones():
    with pytest.raises(KeyError, match="polynomial_features"):
        get_exercise("nope")


def test_every_exercise_in_a_solution_notebook_is_registered():
    from course_lib import exercises, notebooks
    from tests.helpers import SOLUTIONS

    registered = all_exercises()
    for path in SOLUTIONS:
        for exercise_id in exercises.exercise_ids(notebooks.read(path)):
            assert exercise_id in registered
            assert registered[exercise_id].chapter == path.name[:2]


def test_compare_arrays_messages():
    assert compare_arrays([1.0, 2.0], [1.0, 2.0]) is None
    assert "shape" in compare_arrays([1.0], [1.0, 2.0])
    assert "NaN" in compare_arrays([np.nan], [1.0])
    assert "array of numbers" in compare_arrays("abc", [1.0])
