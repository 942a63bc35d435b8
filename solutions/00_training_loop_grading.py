"""Chapter 00: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(20261122)


def _linear(n: int, d: int) -> tuple:
    return (
        _rng.normal(size=d),
        float(_rng.normal()),
        _rng.normal(size=(n, d)),
        _rng.normal(size=n),
    )


def _regression(n: int, weights: list[float], bias: float, noise: float) -> tuple:
    x = _rng.uniform(-1, 1, (n, len(weights)))
    return x, x @ np.array(weights) + bias + _rng.normal(0, noise, n)


PROBES = {
    "standardize": [
        (_rng.normal(3, 2, (30, 4)), _rng.normal(0, 1, (6, 4))),
        (_rng.uniform(0, 1000, (12, 1)), _rng.uniform(-50, 50, (3, 1))),
        (np.array([[1.0, -2.0], [3.0, 4.0], [5.0, 0.0]]), np.array([[0.0, 0.0]])),
    ],
    "mse_gradients": [_linear(15, 2), _linear(40, 6), _linear(2, 1)],
    "train_linear_regression": [
        (*_regression(60, [0.5, -1.5], 0.25, 0.1), 0.3, 150),
        (*_regression(25, [3.0], -2.0, 0.0), 0.1, 40),  # stopped early: not converged
    ],
    "polynomial_features": [
        (_rng.uniform(-2, 2, 9), 4),
        (np.array([0.0, 1.0, -1.0]), 1),
        (_rng.normal(size=5), 7),
    ],
    # (learning_rate, steps, seed), run through the harness below.
    "sgd_step": [(0.05, 8, 11), (0.3, 3, 12), (0.01, 15, 13)],
    # (degree, seed): graded against the reference's runs over BAND's seeds.
    "bias_variance": [(1, 101), (3, 102), (4, 103)],
}

TOLERANCE = {
    "train_linear_regression": (1e-4, 1e-6),
    "sgd_step": (1e-4, 1e-6),
}

HARNESS = {"sgd_step": "course_lib.checks.harness:tape_training"}

BAND = {"bias_variance": {"seeds": range(8), "margin": 0.005}}

POINTS = {
    "standardize": 1,
    "mse_gradients": 1,
    "train_linear_regression": 1,
    "polynomial_features": 1,
    "sgd_step": 2,
    "bias_variance": 2,
}

# Mutants of the answer that behave like it (`course mutants`): each changes the estimate by
# less than the seed-to-seed spread the band is built from.
EQUIVALENT = {
    "bias_variance": {
        "L5:35-37 constant 50->51": "51 grid points instead of 50 average the same curve",
        "L7:13-23 range stop -1": "199 resampled training sets instead of 200",
        "L7:19-22 constant 200->201": "201 resampled training sets instead of 200",
        "L9:12-58 Add->Sub": "the noise is symmetric: sin(2πx) - ε has the law of sin(2πx) + ε",
    },
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "standardize": ["sklearn.preprocessing.StandardScaler", "keras.layers.Normalization"],
    "polynomial_features": ["sklearn.preprocessing.PolynomialFeatures"],
}
