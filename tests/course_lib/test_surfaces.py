import keras
import numpy as np
import pytest

from course_lib import surfaces

FUNCTIONS = [surfaces.rosenbrock, surfaces.ill_conditioned_quadratic, surfaces.saddle]


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.__name__)
def test_minima_are_where_the_table_says(function):
    values = {float(function(np.array(point))) for point in surfaces.MINIMA[function.__name__]}
    assert len(values) == 1
    lowest = values.pop()
    (x0, x1), (y0, y1) = surfaces.WINDOWS[function.__name__]
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 101), np.linspace(y0, y1, 101)))
    assert float(np.min(function(grid))) >= lowest - 1e-9


def test_saddle_value_and_gradient_at_the_origin():
    assert float(surfaces.saddle(np.zeros(2))) == 0.0
    assert float(surfaces.saddle(np.array([0.0, 1.0]))) == -0.25


def test_descend_records_every_step_and_reaches_the_minimum():
    path = surfaces.descend(
        surfaces.ill_conditioned_quadratic, keras.optimizers.SGD(0.03), (2.0, 1.0), 300
    )
    assert path.shape == (301, 2)
    np.testing.assert_array_equal(path[0], [2.0, 1.0])
    assert np.abs(path[-1]).max() < 1e-3


def test_gradient_descent_stops_on_the_saddle_from_its_ridge():
    stuck = surfaces.descend(surfaces.saddle, keras.optimizers.SGD(0.1), (1.0, 0.0), 200)
    escaped = surfaces.descend(surfaces.saddle, keras.optimizers.SGD(0.1), (1.0, 1e-3), 200)
    assert np.abs(stuck[-1]).max() < 1e-6
    np.testing.assert_allclose(np.abs(escaped[-1]), [0.0, 1.0], atol=1e-3)


def test_step_size_above_two_over_curvature_diverges():
    """The ill-conditioned quadratic has curvature 50 along y: steps above 2/50 blow up."""
    stable = surfaces.descend(
        surfaces.ill_conditioned_quadratic, keras.optimizers.SGD(0.039), (0.0, 1.0), 50
    )
    unstable = surfaces.descend(
        surfaces.ill_conditioned_quadratic, keras.optimizers.SGD(0.041), (0.0, 1.0), 50
    )
    assert abs(stable[-1, 1]) < 1 < abs(unstable[-1, 1])
