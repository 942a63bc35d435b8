"""Chapter 11's checks fail the plausible wrong answers, not only blanks and constants."""

import keras
import numpy as np

from course_lib.checks import evaluate


def _attention_without_scaling(query, key, value, mask):
    scores = np.asarray(query) @ np.asarray(key).T
    scores = np.where(np.asarray(mask, dtype=bool), scores, -1e9)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True) @ np.asarray(value)


def _attention_ignoring_the_mask(query, key, value, mask):
    return _attention_without_scaling(
        np.asarray(query) / np.sqrt(len(query[0])), key, value, np.ones_like(mask)
    )


def test_attention_without_the_square_root_scaling_fails():
    assert evaluate("scaled_dot_product_attention", _attention_without_scaling).passed == 0


def test_attention_that_ignores_the_mask_fails_the_causal_case():
    report = evaluate("scaled_dot_product_attention", _attention_ignoring_the_mask)
    assert report.passed == 2 < report.total, report.text()


class _PlainDense(keras.layers.Layer):
    """The block without its shortcut."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.first = keras.layers.Dense(units, activation="relu")
        self.second = keras.layers.Dense(units)

    def call(self, inputs):
        return keras.ops.relu(self.second(self.first(inputs)))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class _ForgetfulConfig(_PlainDense):
    """The right block, but from_config cannot rebuild it with the right width."""

    def call(self, inputs):
        return keras.ops.relu(inputs + self.second(self.first(inputs)))

    def get_config(self):
        return {**super().get_config(), "units": 1}


def test_a_block_without_its_shortcut_fails():
    assert evaluate("ResidualDense", _PlainDense).passed == 0


def test_a_config_that_loses_the_width_fails():
    assert evaluate("ResidualDense", _ForgetfulConfig).passed == 0


def _jacobians_without_the_tanh_derivative(recurrent_kernel, states):
    kernel = np.asarray(recurrent_kernel)
    steps = len(states)
    return np.array(
        [np.linalg.norm(np.linalg.matrix_power(kernel, steps - 1 - k)) for k in range(steps)]
    )


def test_jacobians_that_leave_out_the_derivative_of_tanh_fail():
    assert evaluate("state_jacobian_norms", _jacobians_without_the_tanh_derivative).passed == 0


def test_a_guessed_memory_accuracy_fails_one_of_the_bands():
    report = evaluate("memory_accuracy", lambda forget_bias, seed: 0.5)
    assert report.passed == 1 < report.total, report.text()
