"""Chapter 08: hidden probes (inputs only), tolerances and points; read by the grader."""

import numpy as np

_rng = np.random.default_rng(8_2026)


def _decay(start, end, epochs, noise):
    """A loss falling geometrically from `start` to `end`, with relative noise."""
    curve = np.geomspace(start, end, epochs)
    return list(curve * (1 + _rng.uniform(-noise, noise, epochs)))


def _u_shape(start, low, end, epochs, best_at, noise):
    """A validation loss falling to `low` at epoch `best_at`, then climbing to `end`."""
    down = np.geomspace(start, low, best_at + 1)
    up = np.geomspace(low, end, epochs - best_at)[1:]
    curve = np.concatenate([down, up])
    return list(curve * (1 + _rng.uniform(-noise, noise, epochs)))


def _spiky(start, end, epochs, spikes, noise):
    """A falling training loss that jumps up by a factor of 2-3 at the `spikes` epochs."""
    curve = np.array(_decay(start, end, epochs, noise))
    for epoch in spikes:
        curve[epoch] *= _rng.uniform(2.0, 3.0)
    return list(curve)


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
    # (train_loss, val_loss): new runs, each a clear case, of other lengths, scales and noise.
    "diagnose_run": [
        # Rate too high: stuck at chance (ln 10), at two scales of noise.
        (
            list(2.3026 + _rng.uniform(-0.01, 0.01, 12)),
            list(2.3026 + _rng.uniform(-0.01, 0.01, 12)),
        ),
        # Rate too high: a loss that starts huge, comes down, and jumps (chapter 08's Adam at 0.3).
        (_spiky(12.0, 1.5, 15, [6, 11], 0.02), _spiky(3.0, 1.6, 15, [6, 12], 0.02)),
        # Rate too high: a small loss that falls fast, then jumps once.
        (_spiky(0.05, 0.004, 9, [5], 0.01), _decay(0.06, 0.01, 9, 0.01)),
        # Overfitting: validation lowest a third of the way in, then 60 % above its best.
        (_decay(1.5, 0.02, 18, 0.02), _u_shape(1.4, 0.45, 0.72, 18, 6, 0.02)),
        # Overfitting: tiny losses, a short run, validation turning up at its middle.
        (_decay(0.02, 0.001, 8, 0.01), _u_shape(0.02, 0.006, 0.012, 8, 3, 0.01)),
        # Overfitting: huge losses, a long run.
        (_decay(400.0, 5.0, 25, 0.02), _u_shape(380.0, 90.0, 160.0, 25, 12, 0.02)),
        # Keep training: both falling, validation a steady 20 % above training.
        (_decay(2.0, 0.3, 10, 0.01), [1.2 * v for v in _decay(2.0, 0.3, 10, 0.01)]),
        # Keep training: a slow, long decline at a large scale.
        (_decay(90.0, 30.0, 20, 0.005), _decay(95.0, 33.0, 20, 0.005)),
        # Keep training: training falls smoothly; validation jumps once but ends at its lowest.
        (
            _decay(1.5, 0.2, 12, 0.01),
            [
                v * (1.6 if epoch == 5 else 1.0)
                for epoch, v in enumerate(_decay(1.6, 0.25, 12, 0.01))
            ],
        ),
        # Overfitting: validation ends 50 % above its best, above half where it started.
        (_decay(1.2, 0.05, 14, 0.01), _u_shape(1.0, 0.6, 0.9, 14, 5, 0.01)),
        # Keep training: a short run, validation close to training.
        (_decay(0.8, 0.1, 6, 0.01), _decay(0.85, 0.12, 6, 0.01)),
    ],
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
    "diagnose_run": 1,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "steady_throughput": ["course_lib.monitoring.Throughput"],
}
