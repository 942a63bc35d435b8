"""Chapter 13: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np


def _kernels(seed, shapes, sparsity):
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, rng.uniform(0.5, 2.0), shape).tolist() for shape in shapes], sparsity


def _samples(seed, shift, bins):
    rng = np.random.default_rng(seed)
    return rng.normal(size=300).tolist(), rng.normal(shift, 1.0, 200).tolist(), bins


PROBES = {
    # (kernels, sparsity)
    "global_magnitude_masks": [
        _kernels(101, [(6, 4), (4, 4), (4,)], 0.6),
        _kernels(102, [(3, 3, 2, 4), (8, 2)], 0.9),
        _kernels(103, [(10,)], 0.25),
    ],
    # (expected, actual, bins)
    "population_stability_index": [
        _samples(111, 0.0, 10),
        _samples(112, 0.8, 10),
        _samples(113, -2.5, 5),
    ],
    # (units, seed), run through the harness below.
    "MaskedDense": [(3, 121), (6, 122)],
    # (tolerance, seed): graded against the reference's runs over BAND's seeds.
    "pruning_breakpoint": [(0.02, 191), (0.4, 192)],
}

TOLERANCE = {
    "global_magnitude_masks": (0.0, 0.0),
    "population_stability_index": (1e-7, 1e-10),
    "MaskedDense": (1e-4, 1e-6),
}

HARNESS = {"MaskedDense": "course_lib.checks.harness:masked_dense_training"}

BAND = {"pruning_breakpoint": {"seeds": range(5), "margin": 0.0}}

POINTS = {
    "global_magnitude_masks": 1,
    "population_stability_index": 1,
    "MaskedDense": 2,
    "pruning_breakpoint": 2,
}
