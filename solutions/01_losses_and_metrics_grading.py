"""Chapter 01: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(1_2026)
#: Draws for probes added later, so that the earlier probes keep their values.
_more = np.random.default_rng(2_2026)

PROBES = {
    "huber_loss": [
        (_rng.normal(0, 3, (15, 2)), _rng.normal(0, 3, (15, 2)), 1.5),
        (_rng.normal(0, 1, (4, 6)), _rng.normal(0, 1, (4, 6)), 0.1),
        (np.zeros((2, 1)), np.array([[1.0], [-1.0]]), 1.0),  # exactly at delta
        # Three axes: "the last axis" is not axis 1.
        (_more.normal(0, 2, (3, 4, 5)), _more.normal(0, 2, (3, 4, 5)), 1.0),
    ],
    "binary_focal_loss": [
        (_rng.integers(0, 2, (25, 1)).astype(float), _rng.uniform(0.05, 0.95, (25, 1)), 2.0),
        (_rng.integers(0, 2, (10, 3)).astype(float), _rng.uniform(0.2, 0.8, (10, 3)), 1.0),
        (np.array([[1.0], [0.0]]), np.array([[0.99], [0.01]]), 3.0),
        # Three axes: "the last axis" is not axis 1.
        (_more.integers(0, 2, (2, 3, 4)).astype(float), _more.uniform(0.1, 0.9, (2, 3, 4)), 2.0),
    ],
    "expected_calibration_error": [
        (_rng.integers(0, 4, 300), _rng.dirichlet(np.ones(4) * 0.3, 300), 10),
        (_rng.integers(0, 2, 50), _rng.dirichlet(np.ones(2), 50), 15),
        (np.array([0, 0, 1]), np.array([[0.55, 0.45], [0.95, 0.05], [0.65, 0.35]]), 4),
        # Confidence exactly 1, and wrong: it belongs in the last bin, not beyond it.
        (np.array([1, 0, 1]), np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.8]]), 5),
    ],
    "f1_score": [
        (_rng.integers(0, 2, 80), _rng.integers(0, 2, 80)),
        (np.array([0, 0, 0, 1]), np.array([0, 0, 0, 1])),
        (np.array([0, 0, 0]), np.array([0, 0, 0])),
    ],
    # (margin, seed), run through the harness below.
    "MarginHinge": [(1.0, 41), (0.5, 42), (3.0, 43)],
    # (minority_weight, seed): graded against the reference's runs over BAND's seeds.
    "minority_recall": [(1.0, 101), (19.0, 102), (5.0, 103)],
}

TOLERANCE = {"MarginHinge": (1e-4, 1e-5)}

HARNESS = {"MarginHinge": "course_lib.checks.harness:loss_training"}

BAND = {"minority_recall": {"seeds": range(5), "margin": 0.08}}

POINTS = {
    "huber_loss": 1,
    "binary_focal_loss": 1,
    "expected_calibration_error": 1,
    "f1_score": 1,
    "MarginHinge": 2,
    "minority_recall": 2,
}

# Mutants of the answers that behave like them (`course mutants`).
EQUIVALENT = {
    "huber_loss": {
        "L7:28-42 LtE->Lt": "at |error| = delta both branches give 0.5 * delta²",
    },
    "minority_recall": {
        "L6:9-38 Lt->LtE": "uniform draws equal to 0.05 have probability 0",
        "L7:9-55 Add->Sub": "shifting the minority by -1.5 instead of +1.5 is the same problem "
        "mirrored: the classifier learns the other sign",
        "L10:4-56 drop verbose=": "verbose changes what fit prints, not what it computes",
        "L10:69-70 constant 0->1": "verbose changes what fit prints, not what it computes",
        "L11:28-29 constant 0->1": "{1: 1.0, 1: w} is {1: w}: class 0 keeps the weight 1.0 it had",
        "L12:16-50 drop verbose=": "verbose changes what predict prints, not its result",
        "L12:48-49 constant 0->1": "verbose changes what predict prints, not its result",
    },
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "huber_loss": ["keras.losses.huber", "keras.losses.Huber"],
    "binary_focal_loss": [
        "keras.losses.binary_focal_crossentropy",
        "keras.losses.BinaryFocalCrossentropy",
    ],
    "f1_score": ["sklearn.metrics.f1_score", "keras.metrics.F1Score"],
    "MarginHinge": ["keras.losses.hinge", "keras.losses.Hinge"],
}
