"""Chapter 04: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(4_2026)

PROBES = {
    "l1_l2_penalty": [
        (_rng.normal(size=(6, 4)), 0.02, 0.0),
        (_rng.normal(size=(3, 3, 2, 4)), 0.001, 0.01),
        (np.zeros((2, 2)), 1.0, 1.0),
    ],
    "inverted_dropout": [
        (_rng.normal(size=(4, 5)), _rng.uniform(size=(4, 5)), 0.5),
        (_rng.normal(size=(10,)), _rng.uniform(size=(10,)), 0.1),
        (np.ones((2, 3, 3)), _rng.uniform(size=(2, 3, 3)), 0.8),
    ],
    "early_stopping_epochs": [
        ([0.9, 0.85, 0.86, 0.84, 0.87, 0.88, 0.9, 0.83], 3),
        ([1.0, 1.1, 1.2, 1.3], 2),
        ([2.0, 1.0, 1.0, 1.0, 0.5], 3),  # equal is not an improvement
        ([3.0, 2.0, 1.0], 5),
    ],
    "mixup": [
        (
            _rng.uniform(size=(8, 8, 1)),
            _rng.uniform(size=(8, 8, 1)),
            np.eye(10)[3],
            np.eye(10)[7],
            0.42,
        ),
        (_rng.normal(size=5), _rng.normal(size=5), np.eye(5)[0], np.eye(5)[0], 0.9),
    ],
    # (patience, seed), run through the harness below.
    "BestWeightsEarlyStopping": [(1, 51), (3, 52), (4, 53)],
    # (l2, seed): graded against the reference's runs over BAND's seeds.
    "kernel_norm": [(0.0, 101), (1e-3, 102), (1e-2, 103)],
}

TOLERANCE = {"BestWeightsEarlyStopping": (1e-4, 1e-5)}

HARNESS = {"BestWeightsEarlyStopping": "course_lib.checks.harness:early_stopping_training"}

BAND = {"kernel_norm": {"seeds": range(4), "margin": 0.6}}

POINTS = {
    "l1_l2_penalty": 1,
    "inverted_dropout": 1,
    "early_stopping_epochs": 1,
    "mixup": 1,
    "BestWeightsEarlyStopping": 2,
    "kernel_norm": 2,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "inverted_dropout": ["keras.layers.Dropout", "keras.random.dropout", "tensorflow.nn.dropout"],
    "l1_l2_penalty": ["keras.regularizers.L1L2", "keras.regularizers.L1", "keras.regularizers.L2"],
    "BestWeightsEarlyStopping": ["keras.callbacks.EarlyStopping"],
}
