"""Chapter 06: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(6_2026)

PROBES = {
    # (step, initial_learning_rate, decay_steps, warmup_target, warmup_steps, alpha)
    "warmup_cosine": [
        (3, 0.001, 50, 0.05, 8, 0.0),  # inside the warm-up, from a non-zero start
        (8, 0.001, 50, 0.05, 8, 0.0),  # the first step after it
        (40, 0.0, 50, 0.05, 8, 0.2),  # decaying, with a floor
        (58, 0.0, 50, 0.05, 8, 0.2),  # the very end: warmup_steps + decay_steps
        (1000, 0.01, 30, 0.3, 5, 0.05),  # long past the end
    ],
    # (losses, beta)
    "smooth_losses": [
        (list(_rng.uniform(0.1, 5.0, 30)), 0.9),
        (list(_rng.uniform(1.0, 2.0, 5)), 0.98),  # early values: bias correction dominates
        ([3.0, 1.0, float(_rng.uniform(0, 1)), 8.0], 0.0),  # no smoothing at all
    ],
    # (base_learning_rate, max_learning_rate, step_size, seed), run through the harness below.
    "Triangular": [(0.002, 0.02, 7, 71), (0.0, 0.1, 1, 72), (0.03, 0.3, 25, 73)],
    # (learning_rate, cosine, seed): graded against the reference's runs over BAND's seeds.
    "annealed_training_loss": [(0.05, False, 121), (0.05, True, 122), (0.2, True, 123)],
    # (n_examples, epochs, batch_size, initial_learning_rate, decay_steps, decay_rate, staircase)
    "last_update_rate": [
        (1257, 5, 32, 0.1, 100, 0.5, False),  # the chapter's digits: a short last batch
        (1257, 5, 128, 0.1, 100, 0.5, False),  # the same schedule at 4 times the batch
        (1000, 3, 100, 0.05, 7, 0.9, True),  # batches that divide the data, a staircase
        (999, 2, 100, 0.05, 5, 0.7, True),  # one example short of it
        (64, 1, 64, 0.3, 10, 0.1, False),  # a single update: the initial rate
    ],
}

TOLERANCE = {
    "warmup_cosine": (1e-9, 1e-12),
    "smooth_losses": (1e-9, 1e-12),
    "last_update_rate": (1e-9, 1e-12),
    "Triangular": (1e-5, 1e-7),
}

HARNESS = {"Triangular": "course_lib.checks.harness:schedule_training"}

BAND = {"annealed_training_loss": {"seeds": range(4), "margin": 0.03}}

POINTS = {
    "warmup_cosine": 1,
    "smooth_losses": 1,
    "Triangular": 2,
    "annealed_training_loss": 2,
    "last_update_rate": 1,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "warmup_cosine": ["keras.optimizers.schedules.CosineDecay"],
    "Triangular": ["course_lib.schedules.CyclicalLR"],
}
