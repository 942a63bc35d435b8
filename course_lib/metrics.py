"""Metrics Keras lacks.

Calibration is introduced in chapter 01 ("Loss functions and metrics"). One
binning rule, `calibration_bins`, serves the streaming
`ExpectedCalibrationError` metric, the NumPy `expected_calibration_error`,
`plots.plot_reliability_diagram` and chapter 01's `check`.

Example:
    >>> import numpy as np
    >>> metric = ExpectedCalibrationError(bins=10)
    >>> metric.update_state(np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]]))
    >>> round(float(metric.result()), 3)  # 0.9 (right) and 0.8 (wrong): (0.1 + 0.8) / 2
    0.45
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops


def calibration_bins(y_true, y_pred, bins: int, dtype: str = "float64") -> tuple:
    """Bin index, confidence and correctness of every prediction, as tensors.

    The confidence `c` (the largest class probability) falls in bin
    `min(floor(c * bins), bins - 1)`: equal-width bins on [0, 1], each closed
    on the left, the last one closed on both sides.

    Labels are integers (or one-hot vectors of the same shape as the
    predictions); predictions are class probabilities `(n, classes)`, or for a
    binary problem the probability of class 1, shape `(n,)` or `(n, 1)`.

    Example:
        >>> index, _, _ = calibration_bins(np.array([0, 0]), np.array([[0.7, 0.3], [0.3, 0.7]]), 10)
        >>> ops.convert_to_numpy(index).tolist()
        [7, 7]
    """
    y_pred = ops.convert_to_tensor(y_pred, dtype=dtype)
    y_true = ops.convert_to_tensor(y_true)
    if len(y_pred.shape) == 1 or y_pred.shape[-1] == 1:
        positive = ops.reshape(y_pred, (-1,))
        y_pred = ops.stack([1.0 - positive, positive], axis=-1)
    if len(y_true.shape) == len(y_pred.shape) and y_true.shape[-1] == y_pred.shape[-1]:
        y_true = ops.argmax(y_true, axis=-1)
    labels = ops.cast(ops.reshape(y_true, (-1,)), "int32")
    confidence = ops.max(y_pred, axis=-1)
    correct = ops.cast(ops.equal(ops.cast(ops.argmax(y_pred, axis=-1), "int32"), labels), dtype)
    bin_index = ops.minimum(ops.cast(confidence * bins, "int32"), bins - 1)
    return bin_index, confidence, correct


def reliability_table(y_true, probabilities, bins: int = 10) -> dict[str, np.ndarray]:
    """Per bin: how many predictions, their mean confidence and their accuracy (NumPy).

    Empty bins have count 0 and NaN means.

    Example:
        >>> table = reliability_table(np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]]))
        >>> table["count"][8:].tolist(), table["accuracy"][8:].tolist()
        ([1, 1], [0.0, 1.0])
    """
    index, confidence, correct = (
        ops.convert_to_numpy(part) for part in calibration_bins(y_true, probabilities, bins)
    )
    count = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "count": count,
            "confidence": np.bincount(index, confidence, minlength=bins) / count,
            "accuracy": np.bincount(index, correct, minlength=bins) / count,
        }


def expected_calibration_error(y_true, probabilities, bins: int = 10) -> float:
    """Binned expected calibration error of a whole set of predictions (NumPy).

    Example:
        >>> labels, probabilities = np.array([1, 0]), np.array([[0.1, 0.9], [0.2, 0.8]])
        >>> round(expected_calibration_error(labels, probabilities), 3)
        0.45
    """
    table = reliability_table(y_true, probabilities, bins)
    filled = table["count"] > 0
    gaps = np.abs(table["accuracy"][filled] - table["confidence"][filled])
    return float(np.sum(table["count"][filled] * gaps) / np.sum(table["count"]))


@keras.saving.register_keras_serializable(package="course_lib")
class ExpectedCalibrationError(keras.metrics.Metric):
    """Binned expected calibration error (Guo et al., 2017).

    Predictions are grouped by confidence (the probability of the predicted
    class) into `bins` equal-width bins; ECE is the average, weighted by bin
    size, of |accuracy in the bin - mean confidence in the bin|. 0 means
    "when the model says 80 %, it is right 80 % of the time".

    Labels are integers (or one-hot vectors of the same shape as the
    predictions); predictions are class probabilities `(n, classes)`, or for a
    binary problem the probability of class 1, shape `(n,)` or `(n, 1)`.

    Args:
        bins: number of equal-width confidence bins on [0, 1].
    """

    def __init__(self, bins: int = 10, name: str = "ece", **kwargs):
        super().__init__(name=name, **kwargs)
        self.bins = int(bins)
        self.counts = self.add_variable(shape=(self.bins,), initializer="zeros", name="counts")
        self.confidence_sums = self.add_variable(
            shape=(self.bins,), initializer="zeros", name="confidence_sums"
        )
        self.correct_sums = self.add_variable(
            shape=(self.bins,), initializer="zeros", name="correct_sums"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        bin_index, confidence, correct = calibration_bins(y_true, y_pred, self.bins, self.dtype)
        in_bin = ops.one_hot(bin_index, self.bins, dtype=self.dtype)
        if sample_weight is not None:
            in_bin = in_bin * ops.reshape(ops.cast(sample_weight, self.dtype), (-1, 1))
        self.counts.assign_add(ops.sum(in_bin, axis=0))
        self.confidence_sums.assign_add(ops.sum(in_bin * confidence[:, None], axis=0))
        self.correct_sums.assign_add(ops.sum(in_bin * correct[:, None], axis=0))

    def result(self):
        total = ops.maximum(ops.sum(self.counts), 1.0)
        gaps = ops.abs(self.correct_sums - self.confidence_sums)  # = n_b |acc_b - conf_b|
        return ops.sum(gaps) / total

    def reset_state(self):
        for variable in (self.counts, self.confidence_sums, self.correct_sums):
            variable.assign(ops.zeros_like(variable))

    def get_config(self) -> dict:
        return {**super().get_config(), "bins": self.bins}
