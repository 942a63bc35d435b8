"""Chapter 13's checks fail the plausible wrong answers, not only blanks and constants."""

import keras
import numpy as np

from course_lib.checks import evaluate


def _per_kernel_masks(kernels, sparsity):
    masks = []
    for kernel in kernels:
        kernel = np.abs(np.asarray(kernel))
        mask = np.ones(kernel.size)
        mask[np.argsort(kernel, axis=None)[: round(sparsity * kernel.size)]] = 0.0
        masks.append(mask.reshape(kernel.shape))
    return masks


def test_pruning_each_kernel_on_its_own_fails_the_global_cases():
    report = evaluate("global_magnitude_masks", _per_kernel_masks)
    assert report.passed < report.total, report.text()


def _psi_without_the_floor(expected, actual, bins):
    expected, actual = np.asarray(expected), np.asarray(actual)
    edges = np.quantile(expected, np.arange(1, bins) / bins)
    before = np.bincount(np.digitize(expected, edges, right=True), minlength=bins) / len(expected)
    after = np.bincount(np.digitize(actual, edges, right=True), minlength=bins) / len(actual)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.nansum((after - before) * np.log(after / before)))


def test_psi_that_drops_empty_bins_fails():
    report = evaluate("population_stability_index", _psi_without_the_floor)
    assert report.passed == 2 < report.total, report.text()


class _MaskAfterTheBias(keras.layers.Layer):
    """Masks the output instead of the kernel."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        shape = (input_shape[-1], self.units)
        self.kernel = self.add_weight(shape=shape)
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros")
        self.mask = self.add_weight(shape=shape, initializer="ones", trainable=False)

    def call(self, inputs):
        return keras.ops.matmul(inputs, self.kernel) * keras.ops.max(self.mask, axis=0) + self.bias

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_layer_that_does_not_mask_the_kernel_fails():
    assert evaluate("MaskedDense", _MaskAfterTheBias).passed == 0


def test_a_guessed_breakpoint_fails_one_of_the_bands():
    report = evaluate("pruning_breakpoint", lambda tolerance, seed: 0.8)
    assert report.passed == 1 < report.total, report.text()
