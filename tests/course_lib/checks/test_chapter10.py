"""Chapter 10's checks fail the plausible wrong answers, not only blanks and constants."""

import keras
import numpy as np
import tensorflow as tf

from course_lib import transfer
from course_lib.checks import evaluate


def _frozen_features_with_batch_statistics(blocks, x):
    features = np.asarray(x, dtype="float64")
    for kernel, gamma, beta, _, _ in blocks:
        linear = features @ np.asarray(kernel)
        normalised = (linear - linear.mean(axis=0)) / np.sqrt(linear.var(axis=0) + 1e-3)
        features = np.maximum(normalised * np.asarray(gamma) + np.asarray(beta), 0.0)
    return features


def test_frozen_features_computed_with_the_batch_statistics_fail():
    assert evaluate("frozen_features", _frozen_features_with_batch_statistics).passed == 0


def _one_optimizer_step(model, base_optimizer, head_optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    gradients = tape.gradient(loss, model.trainable_variables)
    head_optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
    return loss


def test_a_step_that_trains_everything_at_the_head_rate_fails_the_frozen_base_case():
    report = evaluate("fine_tune_step", _one_optimizer_step)
    assert report.passed == 1 < report.total, report.text()


class _DriftOfTheFirstLayerAgainstZero(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.drift = []

    def on_epoch_end(self, epoch, logs=None):
        layer = transfer.batch_norm_layers(self.model)[0]
        self.drift.append(float(np.abs(keras.ops.convert_to_numpy(layer.moving_mean)).max()))


def test_drift_measured_from_zero_instead_of_the_start_fails():
    assert evaluate("BatchNormDrift", _DriftOfTheFirstLayerAgainstZero).passed == 0
