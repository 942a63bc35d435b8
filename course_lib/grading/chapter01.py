"""Public cases of chapter 01's exercises ("Loss functions and metrics").

References are Keras's losses (per example, `reduction=None`), scikit-learn's
metrics, or small literal values; never a copy of the solution.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.cases import Case, Exercise, compare_arrays, register

CHAPTER = "01"


def _against_keras(make_loss):
    def verify(result, args) -> str | None:
        y_true, y_pred, parameter = args
        expected = make_loss(parameter)(y_true, y_pred)
        return compare_arrays(result, np.asarray(expected), rtol=1e-5, atol=1e-6)

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


register(
    Exercise(
        id="huber_loss",
        chapter=CHAPTER,
        summary="Per-example Huber loss, averaged over the last axis.",
        hint="with e = |y_pred - y_true|: 0.5 * e**2 where e <= delta, delta * (e - 0.5 * delta) "
        "elsewhere; then the mean over axis -1.",
        public_cases=(
            Case(
                "small and large errors, literal",
                lambda: (np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]]), 1.0),
                lambda result, args: compare_arrays(result, [(0.125 + 2.5) / 2]),
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


register(
    Exercise(
        id="binary_focal_loss",
        chapter=CHAPTER,
        summary="Per-example binary focal loss (no class balancing).",
        hint="p_t = p where y = 1 and 1 - p where y = 0; loss = -(1 - p_t)**gamma * log(p_t), "
        "averaged over the last axis.",
        public_cases=(
            Case(
                "gamma 0 is cross-entropy, literal",
                lambda: (np.array([[1.0]]), np.array([[0.5]]), 0.0),
                lambda result, args: compare_arrays(result, [np.log(2.0)]),
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
)


def _verify_ece(result, args) -> str | None:
    labels, probabilities, bins = args
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    expected = sum(
        abs(correct[index == b].mean() - confidence[index == b].mean()) * np.mean(index == b)
        for b in range(bins)
        if np.any(index == b)
    )
    return compare_arrays(result, expected, rtol=1e-5, atol=1e-6)


register(
    Exercise(
        id="expected_calibration_error",
        chapter=CHAPTER,
        summary="Binned expected calibration error of class probabilities.",
        hint="confidence = max probability; bin it into `bins` equal-width bins on [0, 1]; "
        "sum over bins of (share of examples) * |accuracy - mean confidence|.",
        public_cases=(
            Case(
                "two predictions in two bins, literal",
                lambda: (np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]]), 10),
                lambda result, args: compare_arrays(result, 0.45),
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
                "a perfectly confident, always right model has ECE 0",
                lambda: (np.array([0, 1, 2]), np.eye(3), 5),
                lambda result, args: compare_arrays(result, 0.0),
            ),
        ),
    )
)


def _verify_f1(result, args) -> str | None:
    from sklearn.metrics import f1_score

    return compare_arrays(result, f1_score(*args, zero_division=0.0), rtol=1e-6, atol=1e-9)


register(
    Exercise(
        id="f1_score",
        chapter=CHAPTER,
        summary="F1 score of binary predictions (0 when there is no true or predicted positive).",
        hint="precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 P R / (P + R); "
        "return 0.0 when TP is 0.",
        public_cases=(
            Case(
                "literal: TP 2, FP 1, FN 1",
                lambda: (np.array([1, 1, 1, 0, 0]), np.array([1, 1, 0, 1, 0])),
                lambda result, args: compare_arrays(result, 2 / 3),
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
)
