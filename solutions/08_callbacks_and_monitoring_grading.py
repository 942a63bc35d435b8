"""Chapter 08: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(8_2026)

PROBES = {
    # (kill_at_step, save_freq, steps_per_epoch, epochs)
    "resume_after_crash": [
        (100, 25, 40, 4),  # a backup in the crashing step itself (measured: (2, 180))
        (70, 35, 40, 4),  # measured: (1, 190)
        (79, "epoch", 40, 4),  # measured: (1, 160)
        (80, "epoch", 40, 4),  # the crash comes before the epoch's end: no backup of epoch 1
        (81, "epoch", 40, 4),  # measured: (2, 160)
        (250, 60, 50, 6),
        (10, "epoch", 25, 3),
    ],
    # (step_seconds, batch_size)
    "steady_throughput": [
        ([1.2, *_rng.uniform(0.002, 0.004, 30)], 64),
        ([0.3, 0.004, 0.005], 16),
        ([2.0, *_rng.uniform(0.01, 0.05, 11)], 256),
    ],
    # (learning_rate, seed), run through the harness below.
    "BatchLosses": [(0.1, 81), (0.01, 82)],
    # (label_noise, seed): graded against the reference's runs over BAND's seeds.
    # Not 0.4: one seed in 14 lands 0.04 above the others there.
    "best_checkpoint_loss": [(0.0, 131), (0.2, 132)],
}

TOLERANCE = {
    "resume_after_crash": (0.0, 0.0),
    "steady_throughput": (1e-9, 1e-12),
    "BatchLosses": (1e-5, 1e-7),
}

HARNESS = {"BatchLosses": "course_lib.checks.harness:batch_loss_training"}

BAND = {"best_checkpoint_loss": {"seeds": range(5), "margin": 0.04}}

POINTS = {
    "resume_after_crash": 1,
    "steady_throughput": 1,
    "BatchLosses": 2,
    "best_checkpoint_loss": 2,
}
