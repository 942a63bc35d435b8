"""Public cases of chapter 05's exercises ("Optimisers").

References are Keras's own optimisers, started from the case's state and
stepped once, `tf.clip_by_global_norm`, or small literal values; never a
copy of the solution. The experiment's bands come from the course's runs
over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values

#: float32 Keras references against float64 answers.
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


def _stepped(optimizer, w, gradient, state: dict, iterations: int = 0) -> tuple:
    """Step a Keras `optimizer` once from weights `w`, slot values `state` and `iterations`."""
    import keras

    variable = keras.Variable(np.asarray(w, "float32"))
    optimizer.build([variable])
    optimizer.iterations.assign(iterations)
    for slots, value in state.items():
        getattr(optimizer, slots)[0].assign(np.asarray(value, "float32"))
    optimizer.apply([keras.ops.convert_to_tensor(np.asarray(gradient, "float32"))], [variable])
    return variable.numpy(), *(getattr(optimizer, slots)[0].numpy() for slots in state)


def _keras_momentum_step(w, velocity, gradient, learning_rate, momentum, nesterov):
    import keras

    optimizer = keras.optimizers.SGD(learning_rate, momentum=momentum, nesterov=nesterov)
    return _stepped(optimizer, w, gradient, {"momentums": velocity})


def _same_as_keras_sgd(result, args) -> str | None:
    return compare_values(result, _keras_momentum_step(*args), **TOLERANCE)


MOMENTUM_STEP = Exercise(
    id="momentum_step",
    forbid=("keras.optimizers.SGD", "course_lib.optimizers.SGD"),
    hint="Keras's velocity is measured in steps, not in gradients: ask where the learning rate"
    " goes. Nesterov differs only in what it adds to the weights, a look-ahead along the "
    "new velocity.",
    public_cases=(
        Case(
            "literal: plain momentum",
            lambda: (np.array([1.0]), np.array([0.5]), np.array([2.0]), 0.1, 0.9, False),
            lambda result, args: compare_values(result, ([1.25], [0.25])),
        ),
        Case(
            "same as keras SGD(momentum=0.9)",
            lambda: (
                np.random.default_rng(1).normal(size=(3, 2)),
                np.random.default_rng(2).normal(size=(3, 2)),
                np.random.default_rng(3).normal(size=(3, 2)),
                0.05,
                0.9,
                False,
            ),
            _same_as_keras_sgd,
        ),
        Case(
            "same as keras SGD(momentum=0.8, nesterov=True)",
            lambda: (
                np.random.default_rng(4).normal(size=5),
                np.random.default_rng(5).normal(size=5),
                np.random.default_rng(6).normal(size=5),
                0.1,
                0.8,
                True,
            ),
            _same_as_keras_sgd,
        ),
    ),
)


def _keras_adam_step(w, m, v, gradient, t, learning_rate, beta_1, beta_2, epsilon):
    import keras

    optimizer = keras.optimizers.Adam(learning_rate, beta_1, beta_2, epsilon)
    state = {"_momentums": m, "_velocities": v}
    return _stepped(optimizer, w, gradient, state, iterations=int(t) - 1)


def _same_as_keras_adam(result, args) -> str | None:
    return compare_values(result, _keras_adam_step(*args), **TOLERANCE)


def _adam_case(seed: int, t: int, gradient_scale: float, epsilon: float):
    def make():
        rng = np.random.default_rng(seed)
        gradient = gradient_scale * rng.normal(size=4)
        m = 0.5 * gradient_scale * rng.normal(size=4)
        v = gradient_scale**2 * rng.uniform(0.1, 1.0, size=4)
        return rng.normal(size=4), m, v, gradient, t, 0.01, 0.9, 0.999, epsilon

    return make


ADAM_STEP = Exercise(
    id="adam_step",
    forbid=("keras.optimizers.Adam", "course_lib.optimizers.Adam"),
    hint="Update both moving averages first. Where Keras puts the bias corrections is what "
    "this exercise tests: chapter 05's section 4 shows that moving them changes where "
    "epsilon acts.",
    public_cases=(
        Case(
            "literal: the first step from zero moments is lr * sign(g)",
            lambda: (
                np.array([1.0, 1.0]),
                np.zeros(2),
                np.zeros(2),
                np.array([0.3, -2.0]),
                1,
                0.1,
                0.9,
                0.999,
                1e-12,
            ),
            lambda result, args: compare_values(
                result, ([0.9, 1.1], [0.03, -0.2], [0.3**2 / 1000, 4.0 / 1000]), rtol=1e-6
            ),
        ),
        Case("same as keras Adam at step 10", _adam_case(7, 10, 1.0, 1e-7), _same_as_keras_adam),
        Case(
            "same as keras Adam, small gradients and a large epsilon",
            _adam_case(8, 3, 1e-3, 1e-4),
            _same_as_keras_adam,
        ),
    ),
)


def _same_as_tensorflow_clipping(result, args) -> str | None:
    import tensorflow as tf

    gradients, clip_norm = args
    tensors = [tf.constant(g, tf.float64) for g in gradients]
    expected = [t.numpy() for t in tf.clip_by_global_norm(tensors, clip_norm)[0]]
    if not isinstance(result, list | tuple) or len(result) != len(gradients):
        return f"expected a list of {len(gradients)} arrays, one per gradient"
    return compare_values(list(result), expected, rtol=1e-9, atol=1e-12)


CLIP_BY_GLOBAL_NORM = Exercise(
    id="clip_by_global_norm",
    forbid=("tensorflow.clip_by_global_norm",),
    hint="'Global' means one norm for all the arrays together, and one factor for all of them."
    " When should that factor be 1?",
    public_cases=(
        Case(
            "literal: one spiked gradient and one small one",
            lambda: ([np.array([30.0, 40.0]), np.array([0.0])], 5.0),
            lambda result, args: compare_values(list(result), [[3.0, 4.0], [0.0]]),
        ),
        Case(
            "same as tf.clip_by_global_norm",
            lambda: (
                [
                    np.random.default_rng(9).normal(size=(3, 4)),
                    np.random.default_rng(10).normal(size=4),
                ],
                1.0,
            ),
            _same_as_tensorflow_clipping,
        ),
        Case(
            "below the limit nothing changes",
            lambda: ([np.array([0.1, -0.2]), np.array([[0.05]])], 10.0),
            _same_as_tensorflow_clipping,
        ),
    ),
)


def _same_as_keras_lion(result, args) -> str | None:
    import keras

    expected = harness.optimizer_training(keras.optimizers.Lion, *args)
    return compare_values(result, expected, rtol=1e-4, atol=1e-5)


LION = Exercise(
    id="Lion",
    forbid=("keras.optimizers.Lion",),
    hint="build makes one slot per weight, as chapter 05's from-scratch classes do. In "
    "update_step the order matters: the sign uses the slot as it was before this step. "
    "get_config must give back everything __init__ takes.",
    public_cases=(
        Case(
            "same weights as keras.optimizers.Lion after 60 steps, and after a config clone",
            lambda: (1e-3, 0.9, 0.99, 0),
            _same_as_keras_lion,
        ),
        Case("beta_1 = 0.5, beta_2 = 0.9", lambda: (3e-3, 0.5, 0.9, 1), _same_as_keras_lion),
    ),
    harness=harness.optimizer_training,
)

TRAINING_LOSS = Exercise(
    id="training_loss",
    hint="follow the recipe exactly: seed first, then load the data with the same seed, build, "
    "compile with SGD(learning_rate, momentum=momentum), fit, and evaluate on digits.train.",
    public_cases=(
        # Bands: the course's runs over 8 seeds, widened by 0.15.
        Case("lr 0.01 without momentum", lambda: (0.01, 0.0, 21), in_band(1.84, 2.34)),
        Case("lr 0.01 with momentum 0.9", lambda: (0.01, 0.9, 22), in_band(0.47, 1.04)),
    ),
)


def _converges(rate, curvatures, momentum, nesterov, steps=4000) -> bool:
    """Whether Keras's momentum update, run on the quadratic sum(h w^2) / 2, converges."""
    h = np.asarray(curvatures, float)
    w, v = np.ones_like(h), np.zeros_like(h)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            gradient = h * w
            v = momentum * v - rate * gradient
            w = w + (momentum * v - rate * gradient if nesterov else v)
    return bool(np.all(np.abs(w) < 1e-3))


def _is_the_boundary(result, args) -> str | None:
    """Simulated: just below the answer the run converges, just above it it does not."""
    if not isinstance(result, (int, float)) or not result > 0:
        return f"expected a positive learning rate, got {result!r}"
    if not _converges(0.97 * result, *args):
        return f"at 0.97 x your rate ({0.97 * result:.4g}) the run does not converge"
    if _converges(1.03 * result, *args):
        return f"at 1.03 x your rate ({1.03 * result:.4g}) the run still converges"
    return None


LARGEST_STABLE_RATE = Exercise(
    id="largest_stable_rate",
    hint="Each curvature is a separate one-dimensional problem with its own limit, and the run "
    "converges only if every one of them does. Which curvature decides?",
    public_cases=(
        Case(
            "simulated: plain SGD, curvatures 1 and 50",
            lambda: ([1.0, 50.0], 0.0, False),
            _is_the_boundary,
        ),
        Case(
            "simulated: momentum 0.9, three curvatures",
            lambda: ([0.5, 4.0, 20.0], 0.9, False),
            _is_the_boundary,
        ),
        Case("simulated: Nesterov 0.9", lambda: ([2.0, 10.0], 0.9, True), _is_the_boundary),
    ),
)

EXERCISES = (
    MOMENTUM_STEP,
    ADAM_STEP,
    CLIP_BY_GLOBAL_NORM,
    LION,
    TRAINING_LOSS,
    LARGEST_STABLE_RATE,
)
