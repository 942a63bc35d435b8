"""Two-dimensional test functions, and the path an optimiser takes on them.

Introduced in chapter 05 ("Optimisers"). Each function takes a point
`(x, y)` (a NumPy array, a tensor or a variable; a leading dimension of 2, so
grids work too) and is written with `keras.ops`, so the same code evaluates a
contour grid and is differentiated by `descend`.

| function                   | minimum          | what it shows                                 |
|----------------------------|------------------|-----------------------------------------------|
| `rosenbrock`               | (1, 1), value 0  | a curved, flat-bottomed valley                |
| `ill_conditioned_quadratic`| (0, 0), value 0  | curvature 50 times larger along y than along x|
| `saddle`                   | (0, +-1), -1/4   | a saddle point at (0, 0) between two minima   |

Example:
    >>> import keras
    >>> float(rosenbrock(np.array([1.0, 1.0])))
    0.0
    >>> path = descend(ill_conditioned_quadratic, keras.optimizers.SGD(0.01), (2.0, 1.0), 50)
    >>> path.shape, bool(ill_conditioned_quadratic(path[-1]) < ill_conditioned_quadratic(path[0]))
    ((51, 2), True)
"""

from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np
import tensorflow as tf
from keras import ops

#: Each function's minima and a plotting window ((x_min, x_max), (y_min, y_max)).
MINIMA = {
    "rosenbrock": [(1.0, 1.0)],
    "ill_conditioned_quadratic": [(0.0, 0.0)],
    "saddle": [(0.0, 1.0), (0.0, -1.0)],
}
WINDOWS = {
    "rosenbrock": ((-2.0, 2.0), (-1.0, 3.0)),
    "ill_conditioned_quadratic": ((-2.5, 2.5), (-1.5, 1.5)),
    "saddle": ((-1.5, 1.5), (-1.6, 1.6)),
}


def rosenbrock(point, a: float = 1.0, b: float = 100.0):
    """Rosenbrock's valley, `(a - x)^2 + b (y - x^2)^2`, minimum 0 at `(a, a^2)`."""
    x, y = point[0], point[1]
    return ops.square(a - x) + b * ops.square(y - ops.square(x))


def ill_conditioned_quadratic(point, condition: float = 50.0):
    """`(x^2 + condition * y^2) / 2`: its curvatures differ by the factor `condition`.

    Gradient descent must keep its step below 2 / condition to stay stable
    along y, and then crawls along x.
    """
    x, y = point[0], point[1]
    return 0.5 * (ops.square(x) + condition * ops.square(y))


def saddle(point):
    """`x^2 + y^4 / 4 - y^2 / 2`: a saddle at (0, 0), minima -1/4 at (0, +-1).

    Started exactly on the line y = 0, the gradient never leaves it and
    gradient descent stops at the saddle; any noise escapes.
    """
    x, y = point[0], point[1]
    return ops.square(x) + 0.25 * ops.power(y, 4) - 0.5 * ops.square(y)


def descend(
    function: Callable,
    optimizer: keras.optimizers.Optimizer,
    start: tuple[float, float],
    steps: int,
) -> np.ndarray:
    """The points an optimizer visits minimising `function` from `start`.

    Args:
        function: one of this module's functions, or any function of a
            length-2 variable written with `keras.ops`.
        optimizer: a fresh Keras optimizer (it is built on the point).
        start: the starting point.
        steps: the number of gradient steps.

    Returns:
        An array of shape `(steps + 1, 2)`: the start, then the point after
        each step.
    """
    point = keras.Variable(np.asarray(start, dtype="float32"), name="point")
    optimizer.build([point])

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            value = function(point)
        optimizer.apply([tape.gradient(value, point)], [point])
        return point.value

    return np.stack([np.asarray(start, "float32")] + [step().numpy() for _ in range(steps)])
