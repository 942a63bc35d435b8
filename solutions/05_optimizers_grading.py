"""Chapter 05: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(5_2026)


def _adam_state(size, scale):
    gradient = scale * _rng.normal(size=size)
    return (
        _rng.normal(size=size),
        0.5 * scale * _rng.normal(size=size),
        scale**2 * _rng.uniform(0.1, 1.0, size=size),
        gradient,
    )


PROBES = {
    # (curvatures, momentum, nesterov): the largest curvature must decide, whatever its place.
    "largest_stable_rate": [
        ([3.0, 0.2, 7.5], 0.0, False),
        ([100.0, 1.0], 0.9, False),
        ([0.01, 0.3, 0.05], 0.5, True),
        ([5.0], 0.99, True),
        (list(_rng.uniform(0.1, 40.0, 10)), 0.8, False),
    ],
    "momentum_step": [
        (
            _rng.normal(size=(4, 3)),
            _rng.normal(size=(4, 3)),
            _rng.normal(size=(4, 3)),
            0.03,
            0.9,
            False,
        ),
        (_rng.normal(size=6), _rng.normal(size=6), _rng.normal(size=6), 0.2, 0.5, True),
        (np.ones(3), np.zeros(3), np.array([1.0, -1.0, 0.0]), 0.1, 0.0, False),
    ],
    "adam_step": [
        (*_adam_state((3, 2), 1.0), 1, 0.001, 0.9, 0.999, 1e-7),
        (*_adam_state(5, 1e-3), 4, 0.01, 0.9, 0.999, 1e-3),  # the textbook form fails here
        (*_adam_state(4, 10.0), 50, 0.1, 0.8, 0.99, 1e-7),
    ],
    "clip_by_global_norm": [
        ([_rng.normal(size=(5, 5)), _rng.normal(size=5), _rng.normal(size=(2, 2, 2))], 2.0),
        ([np.array([0.3, 0.4])], 0.5),  # exactly at the limit
        ([np.array([100.0]), np.array([-1.0, 1.0])], 1.0),
        ([np.array([0.1, -0.2]), np.array([0.2])], 3.0),  # well below the limit: unchanged
        ([np.array([0.6, 0.0]), np.zeros((1, 2))], 0.3),  # a norm below 1, above the limit
        ([np.zeros(3), np.zeros((2, 2))], 1.0),  # all zero: no NaN
    ],
    # (learning_rate, beta_1, beta_2, seed), run through the harness below.
    "Lion": [(1e-3, 0.9, 0.99, 61), (1e-2, 0.8, 0.95, 62), (3e-4, 0.95, 0.98, 63)],
    # (learning_rate, momentum, seed): graded against the reference's runs over BAND's seeds.
    "training_loss": [(0.01, 0.0, 111), (0.01, 0.9, 112), (0.1, 0.0, 113)],
}

TOLERANCE = {
    "largest_stable_rate": (1e-9, 1e-12),
    "momentum_step": (1e-9, 1e-12),
    "adam_step": (1e-9, 1e-12),
    "Lion": (1e-4, 1e-5),
}

HARNESS = {"Lion": "course_lib.checks.harness:optimizer_training"}

BAND = {"training_loss": {"seeds": range(4), "margin": 0.15}}

POINTS = {
    "largest_stable_rate": 1,
    "momentum_step": 1,
    "adam_step": 1,
    "clip_by_global_norm": 1,
    "Lion": 2,
    "training_loss": 2,
}

# Mutants of the answers that behave like them (`course mutants`).
EQUIVALENT = {
    "clip_by_global_norm": {
        "L5:49-64 Gt->GtE": "at a zero norm clip_norm / 0.0 is inf in NumPy, "
        "and min(1.0, inf) is 1",
        "L5:70-73 constant 1.0->2.0": "that branch runs only for all-zero gradients: 0 * 2 = 0",
    },
    "Lion": {
        "L23:34-48 Mult->Div": "direction is a sign, +1 or -1 on every probe: lr / d equals lr * d",
    },
    "training_loss": {
        "L13:4-64 drop verbose=": "verbose changes what fit prints, not what it computes",
        "L13:62-63 constant 0->1": "verbose changes what fit prints, not what it computes",
        "L14:17-57 drop verbose=": "verbose changes what evaluate prints, not its result",
        "L14:55-56 constant 0->1": "verbose changes what evaluate prints, not its result",
    },
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "momentum_step": ["keras.optimizers.SGD", "course_lib.optimizers.SGD"],
    "adam_step": ["keras.optimizers.Adam", "course_lib.optimizers.Adam"],
    "clip_by_global_norm": ["tensorflow.clip_by_global_norm"],
    "Lion": ["keras.optimizers.Lion"],
}
