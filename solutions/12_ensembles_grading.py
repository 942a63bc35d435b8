"""Chapter 12: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np


def _round(seed, examples, classes):
    rng = np.random.default_rng(seed)
    weights = rng.random(examples)
    return (
        (weights / weights.sum()).tolist(),
        (rng.random(examples) < 0.6).astype(int).tolist(),
        classes,
    )


def _votes(seed, members, examples, classes):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, classes, (members, examples)).tolist(),
        rng.uniform(0.1, 3.0, members).tolist(),
        classes,
    )


PROBES = {
    # (weights, correct, classes)
    "boosting_weights": [_round(101, 40, 10), _round(102, 7, 2), _round(103, 15, 4)],
    # (predictions, alphas, classes)
    "weighted_vote": [_votes(111, 5, 30, 10), _votes(112, 2, 9, 3), _votes(113, 7, 20, 2)],
    # (every, seed), run through the harness below.
    "SnapshotSaver": [(4, 121), (10, 122)],
    # (bootstrap, seed): graded against the reference's runs over BAND's seeds.
    "member_disagreement": [(False, 191), (True, 192)],
}

TOLERANCE = {
    "boosting_weights": (1e-7, 1e-10),
    "SnapshotSaver": (1e-5, 1e-7),
}

HARNESS = {"SnapshotSaver": "course_lib.checks.harness:snapshot_training"}

BAND = {"member_disagreement": {"seeds": range(5), "margin": 0.01}}

POINTS = {
    "boosting_weights": 1,
    "weighted_vote": 1,
    "SnapshotSaver": 2,
    "member_disagreement": 2,
}
