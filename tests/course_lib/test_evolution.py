import numpy as np
import pytest

from course_lib.evolution import evolution_strategy


def quadratic(point):
    return float(np.sum((point - 3.0) ** 2))


def test_reaches_the_minimum_of_a_quadratic_and_counts_evaluations():
    result = evolution_strategy(quadratic, np.zeros(4), steps=200, population=8, seed=1)
    np.testing.assert_allclose(result.parameters, 3.0, atol=0.05)
    assert result.evaluations == 2 * 8 * 200
    assert len(result.losses) == 201


def test_the_same_seed_repeats_the_search():
    first = evolution_strategy(quadratic, np.zeros(3), steps=20, seed=4)
    again = evolution_strategy(quadratic, np.zeros(3), steps=20, seed=4)
    other = evolution_strategy(quadratic, np.zeros(3), steps=20, seed=5)
    np.testing.assert_array_equal(first.parameters, again.parameters)
    assert not np.array_equal(first.parameters, other.parameters)


def test_one_step_estimates_the_gradient():
    """With many directions, the step is learning_rate times the true gradient."""
    start = np.array([1.0, -2.0])
    result = evolution_strategy(
        quadratic, start, steps=1, population=20000, sigma=0.01, learning_rate=1.0, seed=0
    )
    gradient = 2 * (start - 3.0)
    np.testing.assert_allclose(start - result.parameters, gradient, rtol=0.05)


@pytest.mark.parametrize("dimension", [2, 200])
def test_progress_per_evaluation_falls_with_the_dimension(dimension):
    result = evolution_strategy(quadratic, np.zeros(dimension), steps=50, population=5, seed=0)
    fraction_left = result.losses[-1] / result.losses[0]
    assert (fraction_left < 0.01) if dimension == 2 else (fraction_left > 0.5)
