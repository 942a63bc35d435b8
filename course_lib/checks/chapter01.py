"""Public cases of chapter 01's exercises ("Loss functions and metrics").

References are Keras's losses (per example, `reduction=None`), scikit-learn's
metrics, or small literal values; never a copy of the solution. The
experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _against_keras(make_loss):
    def verify(result, args) -> str | None:
        y_true, y_pred, parameter = args
        expected = make_loss(parameter)(y_true, y_pred)
        return compare_values(result, np.asarray(expected), rtol=1e-5, atol=1e-6)

    return verify


def _regression(seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    return (
        rng.normal(0, 2, (20, 3)).astype("float32"),
        rng.normal(0, 2, (20, 3)).astype("float32"),
    )


def _huber(delta):
    import keras

    return keras.losses.Huber(delta=delta, reduction=None)


HUBER_LOSS = Exercise(
    id="huber_loss",
    forbid=("keras.losses.huber", "keras.losses.Huber"),
    hint="Two pieces that meet at |error| = delta: quadratic inside, linear outside, with the "
    "same value and slope where they meet. Average over the last axis, as Keras's losses "
    "do.",
    public_cases=(
        Case(
            "small and large errors, literal",
            lambda: (np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]]), 1.0),
            lambda result, args: compare_values(result, [(0.125 + 2.5) / 2]),
        ),
        Case(
            "same as keras.losses.Huber(delta=1)",
            lambda: (*_regression(1), 1.0),
            _against_keras(_huber),
        ),
        Case(
            "same as keras.losses.Huber(delta=0.3)",
            lambda: (*_regression(2), 0.3),
            _against_keras(_huber),
        ),
    ),
)


def _focal(gamma):
    import keras

    return keras.losses.BinaryFocalCrossentropy(gamma=gamma, reduction=None)


def _binary(seed: int, n: int) -> tuple:
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, 2, (n, 1)).astype("float32"),
        rng.uniform(0.01, 0.99, (n, 1)).astype("float32"),
    )


BINARY_FOCAL_LOSS = Exercise(
    id="binary_focal_loss",
    forbid=("keras.losses.binary_focal_crossentropy", "keras.losses.BinaryFocalCrossentropy"),
    hint="Write the cross-entropy with the probability the model gives the true class, then "
    "weight down the examples it already gets right: the weight falls as that probability"
    " rises.",
    public_cases=(
        Case(
            "gamma 0 is cross-entropy, literal",
            lambda: (np.array([[1.0]]), np.array([[0.5]]), 0.0),
            lambda result, args: compare_values(result, [np.log(2.0)]),
        ),
        Case(
            "same as keras BinaryFocalCrossentropy(gamma=2)",
            lambda: (*_binary(3, 30), 2.0),
            _against_keras(_focal),
        ),
        Case(
            "same as keras BinaryFocalCrossentropy(gamma=5)",
            lambda: (*_binary(4, 30), 5.0),
            _against_keras(_focal),
        ),
    ),
)


def _verify_ece(result, args) -> str | None:
    from course_lib.metrics import expected_calibration_error

    return compare_values(result, expected_calibration_error(*args), rtol=1e-5, atol=1e-6)


EXPECTED_CALIBRATION_ERROR = Exercise(
    id="expected_calibration_error",
    hint="Group the predictions by confidence (the top probability) into equal-width bins, "
    "compare accuracy with mean confidence in each, and weight each bin by its share of "
    "the examples. Mind a confidence of exactly 1.",
    public_cases=(
        Case(
            "two predictions in two bins, literal",
            lambda: (np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]]), 10),
            lambda result, args: compare_values(result, 0.45),
        ),
        Case(
            "random predictions, 10 bins",
            lambda: (
                np.random.default_rng(5).integers(0, 3, 200),
                np.random.default_rng(6).dirichlet(np.ones(3), 200),
                10,
            ),
            _verify_ece,
        ),
        Case(
            "confidences 0.3, 0.6 and 0.7 sit on bin edges: each opens its bin",
            lambda: (
                np.array([1, 0, 2, 1, 0, 0, 4]),
                np.array(
                    [
                        [0.25, 0.2, 0.2, 0.2, 0.15],
                        [0.3, 0.2, 0.2, 0.2, 0.1],
                        [0.35, 0.2, 0.2, 0.15, 0.1],
                        [0.1, 0.6, 0.1, 0.1, 0.1],
                        [0.1, 0.1, 0.65, 0.1, 0.05],
                        [0.7, 0.1, 0.1, 0.05, 0.05],
                        [0.05, 0.05, 0.05, 0.1, 0.75],
                    ]
                ),
                10,
            ),
            _verify_ece,
        ),
        Case(
            "a perfectly confident, always right model has ECE 0",
            lambda: (np.array([0, 1, 2]), np.eye(3), 5),
            lambda result, args: compare_values(result, 0.0),
        ),
    ),
)


def _verify_f1(result, args) -> str | None:
    from sklearn.metrics import f1_score

    return compare_values(result, f1_score(*args, zero_division=0.0), rtol=1e-6, atol=1e-9)


F1_SCORE = Exercise(
    id="f1_score",
    forbid=("sklearn.metrics.f1_score", "keras.metrics.F1Score"),
    hint="Count true positives, false positives and false negatives; F1 is the harmonic mean "
    "of precision and recall. What should it be when no positive is predicted correctly?",
    public_cases=(
        Case(
            "literal: TP 2, FP 1, FN 1",
            lambda: (np.array([1, 1, 1, 0, 0]), np.array([1, 1, 0, 1, 0])),
            lambda result, args: compare_values(result, 2 / 3),
        ),
        Case(
            "same as sklearn.metrics.f1_score",
            lambda: (
                np.random.default_rng(7).integers(0, 2, 100),
                np.random.default_rng(8).integers(0, 2, 100),
            ),
            _verify_f1,
        ),
        Case(
            "no positive predicted gives 0",
            lambda: (np.array([1, 0, 1]), np.zeros(3, int)),
            _verify_f1,
        ),
    ),
)


class _KerasMarginHinge:
    """The reference: margin · keras.losses.Hinge on the scores divided by the margin."""

    def __init__(self, margin=1.0):
        import keras

        self.margin, self.hinge = margin, keras.losses.Hinge()

    def __call__(self, y_true, y_pred):
        return self.margin * self.hinge(y_true, y_pred / self.margin)

    def get_config(self):
        return {"margin": self.margin}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _same_as_scaled_keras_hinge(result, args) -> str | None:
    expected = harness.loss_training(_KerasMarginHinge, *args)
    return compare_values(result, expected, rtol=1e-4, atol=1e-5)


MARGIN_HINGE = Exercise(
    id="MarginHinge",
    forbid=("keras.losses.hinge", "keras.losses.Hinge"),
    hint="The hinge wants labels of -1 and +1. Keras losses average over the last axis and are"
    " written with keras.ops, and get_config must let from_config rebuild the loss.",
    public_cases=(
        Case(
            "margin 1, same as keras.losses.Hinge, and fit with it",
            lambda: (1.0, 0),
            _same_as_scaled_keras_hinge,
        ),
        Case(
            "margin 2.5 (it must reach the formula and the config)",
            lambda: (2.5, 1),
            _same_as_scaled_keras_hinge,
        ),
    ),
    harness=harness.loss_training,
)

MINORITY_RECALL = Exercise(
    id="minority_recall",
    hint="pass class_weight={0: 1.0, 1: minority_weight} to fit; recall is the share of the "
    "test set's true positives that the model predicts as positive (probability above 0.5).",
    public_cases=(
        # Bands: the course's runs over 6 seeds, widened by 0.08.
        Case("no reweighting", lambda: (1.0, 7), in_band(0.16, 0.41)),
        Case("the minority weighted 19x", lambda: (19.0, 8), in_band(0.71, 0.96)),
    ),
)

EXERCISES = (
    HUBER_LOSS,
    BINARY_FOCAL_LOSS,
    EXPECTED_CALIBRATION_ERROR,
    F1_SCORE,
    MARGIN_HINGE,
    MINORITY_RECALL,
)
