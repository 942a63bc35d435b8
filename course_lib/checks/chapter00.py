"""Public cases of chapter 00's exercises ("The training loop").

References are built-ins (`keras.layers.Normalization`, `tf.GradientTape`,
`np.linalg.lstsq`, `np.vander`, Keras's SGD) or small literal values, never a
copy of the solution; the experiment's bands come from the course's runs
over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- standardize -----------------------------------------------------------


def _keras_normalization(x_train: np.ndarray, x_other: np.ndarray) -> tuple:
    import keras

    layer = keras.layers.Normalization(axis=-1)
    layer.adapt(x_train)
    return keras.ops.convert_to_numpy(layer(x_train)), keras.ops.convert_to_numpy(layer(x_other))


def _verify_standardize_literal(result, args) -> str | None:
    # Column means 2.5 and 250, population standard deviations sqrt(1.25) and 100 * sqrt(1.25).
    unit = 1.0 / np.sqrt(1.25)
    expected_train = np.array([[-1.5, -1.5], [-0.5, -0.5], [0.5, 0.5], [1.5, 1.5]]) * unit
    expected_other = np.array([[0.0, 0.0], [2.5, -2.5]]) * unit
    return compare_values(result, (expected_train, expected_other))


def _verify_standardize_train_stats(result, args) -> str | None:
    x_train, x_other = args
    if not isinstance(result, tuple | list) or len(result) != 2:
        return "expected a pair (x_train_scaled, x_other_scaled)"
    train_scaled = np.asarray(result[0])
    problem = compare_values(train_scaled.mean(axis=0), np.zeros(x_train.shape[1]), atol=1e-4)
    if problem:
        return f"the scaled training data should have mean 0 in every column: {problem}"
    problem = compare_values(train_scaled.std(axis=0), np.ones(x_train.shape[1]), atol=1e-4)
    if problem:
        return f"the scaled training data should have standard deviation 1: {problem}"
    recovered = np.asarray(result[1]) * x_train.std(axis=0) + x_train.mean(axis=0)
    problem = compare_values(recovered, x_other, rtol=1e-4, atol=1e-4)
    if problem:
        return f"the other part must use the training mean and std (no leakage): {problem}"
    return None


def _verify_standardize_keras(result, args) -> str | None:
    expected = _keras_normalization(*args)
    return compare_values(result, expected, rtol=1e-4, atol=1e-4)


STANDARDIZE = Exercise(
    id="standardize",
    forbid=("sklearn.preprocessing.StandardScaler", "keras.layers.Normalization"),
    hint="Which data may the statistics come from? A scaler is fitted on the training set only"
    " and then applied unchanged to every split. NumPy's std is the population one by "
    "default.",
    public_cases=(
        Case(
            "two columns on different scales",
            lambda: (
                np.array([[1, 100], [2, 200], [3, 300], [4, 400]], "float32"),
                np.array([[2.5, 250], [5, 0]], "float32"),
            ),
            _verify_standardize_literal,
        ),
        Case(
            "validation data shifted away from the training data",
            lambda: (
                _rng(1).normal(5, 3, (50, 3)).astype("float32"),
                _rng(2).normal(20, 1, (10, 3)).astype("float32"),
            ),
            _verify_standardize_train_stats,
        ),
        Case(
            "same as keras.layers.Normalization adapted on x_train",
            lambda: (
                _rng(3).uniform(-4, 9, (40, 5)).astype("float32"),
                _rng(4).uniform(-4, 9, (7, 5)).astype("float32"),
            ),
            _verify_standardize_keras,
        ),
    ),
)


# --- mse_gradients ---------------------------------------------------------


def _gradient_tape_reference(w, b, x, y) -> tuple:
    import tensorflow as tf

    w_var, b_var = tf.Variable(w, dtype="float64"), tf.Variable(b, dtype="float64")
    with tf.GradientTape() as tape:
        predictions = tf.linalg.matvec(tf.constant(x, "float64"), w_var) + b_var
        loss = tf.reduce_mean((predictions - y) ** 2)
    grad_w, grad_b = tape.gradient(loss, [w_var, b_var])
    return grad_w.numpy(), grad_b.numpy()


def _verify_mse_gradients(result, args) -> str | None:
    return compare_values(result, _gradient_tape_reference(*args))


def _linear_problem(seed: int, n: int, d: int) -> tuple:
    rng = _rng(seed)
    return rng.normal(size=d), float(rng.normal()), rng.normal(size=(n, d)), rng.normal(size=n)


MSE_GRADIENTS = Exercise(
    id="mse_gradients",
    hint="Differentiate the mean of the squared errors with respect to w and to b: the square "
    "brings down a factor, and the mean divides by the number of examples.",
    public_cases=(
        Case(
            "one feature, two examples",
            lambda: (np.array([1.0]), 0.0, np.array([[1.0], [2.0]]), np.array([2.0, 3.0])),
            _verify_mse_gradients,
        ),
        Case(
            "three features, same as tf.GradientTape",
            lambda: _linear_problem(5, 20, 3),
            _verify_mse_gradients,
        ),
        Case(
            "one example, same as tf.GradientTape",
            lambda: _linear_problem(6, 1, 4),
            _verify_mse_gradients,
        ),
    ),
)


# --- train_linear_regression ----------------------------------------------


def _regression_data(seed: int, n: int, true_w: list[float], true_b: float) -> tuple:
    x = _rng(seed).uniform(-1, 1, (n, len(true_w)))
    return x, x @ np.array(true_w) + true_b


def _verify_fit(tolerance: float):
    def verify(result, args) -> str | None:
        x, y = args[0], args[1]
        design = np.hstack([x, np.ones((len(x), 1))])
        solution = np.linalg.lstsq(design, y, rcond=None)[0]
        return compare_values(result, (solution[:-1], solution[-1]), rtol=0, atol=tolerance)

    return verify


TRAIN_LINEAR_REGRESSION = Exercise(
    id="train_linear_regression",
    hint="Gradient descent is a loop: the gradients at the current w and b, a step against "
    "them, again. Exercise 2 already computes the gradients.",
    public_cases=(
        Case(
            "y = 2x - 1, noise-free: reaches the least-squares answer",
            lambda: (*_regression_data(7, 50, [2.0], -1.0), 0.5, 300),
            _verify_fit(0.01),
        ),
        Case(
            "three features: reaches np.linalg.lstsq's answer",
            lambda: (*_regression_data(8, 80, [1.0, -3.0, 0.5], 2.0), 0.5, 500),
            _verify_fit(0.02),
        ),
    ),
)


# --- polynomial_features ---------------------------------------------------


def _verify_vander(result, args) -> str | None:
    x, degree = args
    return compare_values(result, np.vander(np.asarray(x).reshape(-1), degree + 1, increasing=True))


POLYNOMIAL_FEATURES = Exercise(
    id="polynomial_features",
    forbid=("sklearn.preprocessing.PolynomialFeatures",),
    hint="One column per power of x, from the power 0 up to degree, in that order.",
    public_cases=(
        Case("x = [2, 3], degree 3", lambda: (np.array([2.0, 3.0]), 3), _verify_vander),
        Case(
            "degree 0 is a column of ones",
            lambda: (np.array([0.5, -1.0, 4.0]), 0),
            _verify_vander,
        ),
        Case(
            "same as np.vander(increasing=True)",
            lambda: (_rng(9).uniform(-1, 1, 25), 6),
            _verify_vander,
        ),
    ),
)


def _builtin_sgd_step(model, x, y, learning_rate):
    """One step of Keras's own SGD on the MSE: what a tape step must reproduce."""
    import keras

    if not model.compiled:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model.train_on_batch(x, y)


def _same_as_builtin_sgd(result, args) -> str | None:
    return compare_values(result, harness.tape_training(_builtin_sgd_step, *args), rtol=1e-4)


SGD_STEP = Exercise(
    id="sgd_step",
    hint="Record the forward pass and the loss on a tape, ask the tape for the loss's "
    "gradients with respect to the model's variables, and step each variable against its "
    "own.",
    public_cases=(
        Case(
            "5 steps at learning rate 0.1, same as keras SGD",
            lambda: (0.1, 5, 0),
            _same_as_builtin_sgd,
        ),
        Case(
            "20 steps at learning rate 0.02, same as keras SGD",
            lambda: (0.02, 20, 1),
            _same_as_builtin_sgd,
        ),
    ),
    harness=harness.tape_training,
)

BIAS_VARIANCE = Exercise(
    id="bias_variance",
    hint="Keep every fit's predictions on the test grid. Bias squared compares their average "
    "with the true curve; variance measures how they scatter around that average.",
    public_cases=(
        # Bands: the course's runs over 20 seeds, widened by 0.005.
        Case(
            "degree 0: a constant underfits",
            lambda: (0, 7),
            in_band((0.537, 0.011), (0.548, 0.031)),
        ),
        Case("degree 2", lambda: (2, 8), in_band((0.141, 0.028), (0.158, 0.054))),
    ),
)

EXERCISES = (
    STANDARDIZE,
    MSE_GRADIENTS,
    TRAIN_LINEAR_REGRESSION,
    POLYNOMIAL_FEATURES,
    SGD_STEP,
    BIAS_VARIANCE,
)
