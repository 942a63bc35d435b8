"""Chapter 10: hidden probes (inputs only), tolerances and points; read by the grader."""

import itertools

import numpy as np

_rng = np.random.default_rng(10_2026)


def _blocks(sizes):
    """(blocks, x) of frozen_features: the grader does not import the learner-side checks."""
    blocks = [
        (
            _rng.normal(0.0, 0.6, (fan_in, fan_out)).tolist(),
            _rng.uniform(0.5, 1.5, fan_out).tolist(),
            _rng.normal(0.0, 0.4, fan_out).tolist(),
            _rng.normal(0.0, 0.7, fan_out).tolist(),
            _rng.uniform(0.2, 3.0, fan_out).tolist(),
        )
        for fan_in, fan_out in itertools.pairwise(sizes)
    ]
    return blocks, _rng.normal(0.0, 1.0, (7, sizes[0])).tolist()

PROBES = {
    # (blocks, x)
    "frozen_features": [_blocks((5, 4)), _blocks((8, 6, 6, 2)), _blocks((3, 1))],
    # (base_rate, head_rate, seed), run through the harness below.
    "fine_tune_step": [(0.01, 0.2, 101), (0.05, 0.05, 102), (0.0, 0.1, 103)],
    # (BatchNormalization frozen, seed), run through the harness below.
    "BatchNormDrift": [(False, 111), (True, 112), (False, 113)],
    # (per_class, seed): graded against the reference's runs over BAND's seeds.
    "few_shot_accuracy": [(3, 191), (10, 192)],
}

TOLERANCE = {
    "frozen_features": (1e-5, 1e-6),
    "fine_tune_step": (1e-4, 1e-6),
    "BatchNormDrift": (1e-5, 1e-7),
}

HARNESS = {
    "fine_tune_step": "course_lib.checks.harness:two_rate_training",
    "BatchNormDrift": "course_lib.checks.harness:batch_norm_drift_training",
}

BAND = {"few_shot_accuracy": {"seeds": range(5), "margin": 0.05}}

POINTS = {
    "frozen_features": 1,
    "fine_tune_step": 2,
    "BatchNormDrift": 2,
    "few_shot_accuracy": 2,
}
