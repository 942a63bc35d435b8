"""Chapter 03: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(3_2026)


def _vector(n: int, low: float, high: float) -> np.ndarray:
    return _rng.uniform(low, high, n).astype("float32")


PROBES = {
    "batch_norm_train": [
        (
            _rng.normal(-3, 0.5, (12, 3)).astype("float32"),
            _vector(3, 0.5, 2),
            _vector(3, -1, 1),
            1e-3,
        ),
        (_rng.normal(0, 10, (5, 7)).astype("float32"), _vector(7, 0.5, 2), _vector(7, -1, 1), 1e-5),
        (
            np.array([[2.0], [2.0], [2.0]], "float32"),
            np.ones(1, "float32"),
            np.zeros(1, "float32"),
            1e-3,
        ),
    ],
    "update_moving_average": [
        (_vector(4, -1, 1), _vector(4, -5, 5), 0.9),
        (_vector(6, 0, 3), _vector(6, 0, 3), 0.99),
        (_vector(2, 0, 1), _vector(2, 0, 1), 0.5),
    ],
    "batch_norm_inference": [
        (
            _rng.normal(1, 2, (4, 3)).astype("float32"),
            _vector(3, -1, 1),
            _vector(3, 0.5, 4),
            _vector(3, 0.5, 2),
            _vector(3, -1, 1),
            1e-3,
        ),
        (
            _rng.normal(0, 1, (1, 6)).astype("float32"),
            _vector(6, -1, 1),
            _vector(6, 0.01, 0.1),
            _vector(6, 0.5, 2),
            _vector(6, -1, 1),
            1e-5,
        ),
    ],
    "layer_norm": [
        (_rng.normal(5, 2, (3, 10)).astype("float32"), 1e-3),
        (_rng.normal(0, 0.01, (2, 4)).astype("float32"), 1e-3),
        (np.array([[1.0, 2.0, 3.0, 4.0]], "float32"), 1e-5),
    ],
    # (epsilon, seed), run through the harness below.
    "LayerNorm": [(1e-3, 31), (1e-5, 32), (0.1, 33)],
    # (freeze_batch_norm, epochs, seed): graded against the reference's runs over BAND's seeds.
    "moving_mean_progress": [(False, 2, 101), (True, 2, 102), (False, 5, 103)],
}

TOLERANCE = {"LayerNorm": (1e-4, 1e-5)}

HARNESS = {"LayerNorm": "course_lib.checks.harness:normalization_training"}

BAND = {"moving_mean_progress": {"seeds": range(4), "margin": 0.01}}

POINTS = {
    "batch_norm_train": 1,
    "update_moving_average": 1,
    "batch_norm_inference": 1,
    "layer_norm": 1,
    "LayerNorm": 2,
    "moving_mean_progress": 2,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "batch_norm_train": ["keras.layers.BatchNormalization", "tensorflow.nn.batch_normalization"],
    "batch_norm_inference": [
        "keras.layers.BatchNormalization",
        "tensorflow.nn.batch_normalization",
    ],
    "layer_norm": ["keras.layers.LayerNormalization"],
    "LayerNorm": ["keras.layers.LayerNormalization"],
}
