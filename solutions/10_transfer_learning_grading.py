"""Chapter 10: hidden probes (inputs only), tolerances and points; read by the grader."""

from course_lib.checks.harness import dense_batch_norm_blocks

PROBES = {
    # (blocks, x)
    "frozen_features": [
        dense_batch_norm_blocks(101, (5, 4), examples=7),
        dense_batch_norm_blocks(102, (8, 6, 6, 2), examples=7),
        dense_batch_norm_blocks(103, (3, 1), examples=7),
    ],
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
