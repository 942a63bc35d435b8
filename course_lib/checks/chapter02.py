"""Public cases of chapter 02's exercises ("Weight initialisation").

References are Keras's own initialisers (sampled), small literal values, or
a Monte-Carlo run of a real stack of layers; never a copy of the solution.
The experiment's bands come from the course's runs over seeds.
"""

from __future__ import annotations

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _expect_pair(expected: tuple[int, int]):
    def verify(result, args) -> str | None:
        if not isinstance(result, tuple | list) or len(result) != 2:
            return "expected a pair (fan_in, fan_out)"
        return compare_values(result, expected, rtol=0, atol=0)

    return verify


COMPUTE_FANS = Exercise(
    id="compute_fans",
    forbid=("keras.src.initializers.random_initializers.compute_fans",),
    hint="A convolution connects each output to a whole window of every input channel: the "
    "window's size multiplies both fans.",
    public_cases=(
        Case("dense kernel (64, 10)", lambda: ((64, 10),), _expect_pair((64, 10))),
        Case(
            "2-D convolution (3, 3, 16, 32)",
            lambda: ((3, 3, 16, 32),),
            _expect_pair((144, 288)),
        ),
        Case("1-D convolution (5, 4, 8)", lambda: ((5, 4, 8),), _expect_pair((20, 40))),
    ),
)


def _verify_limit_against_keras(result, args) -> str | None:
    import keras

    fan_in, fan_out = args
    sample = keras.ops.convert_to_numpy(keras.initializers.GlorotUniform(seed=0)((fan_in, fan_out)))
    if not isinstance(result, int | float | np.floating):
        return f"expected a number, got {type(result).__name__}"
    if sample.max() > result * 1.000001:
        return f"keras.initializers.GlorotUniform drew {sample.max():.4f}, above your limit"
    if sample.max() < 0.98 * result:
        return f"your limit {result:.4f} is larger than what GlorotUniform draws up to"
    return None


GLOROT_UNIFORM_LIMIT = Exercise(
    id="glorot_uniform_limit",
    hint="Glorot chooses the weights' variance from the two fans; find the limit of the "
    "uniform distribution that has that variance.",
    public_cases=(
        Case(
            "fan_in = fan_out = 3 gives limit 1",
            lambda: (3, 3),
            lambda result, args: compare_values(result, 1.0),
        ),
        Case(
            "dense (300, 200), same as keras GlorotUniform",
            lambda: (300, 200),
            _verify_limit_against_keras,
        ),
        Case(
            "dense (64, 1000), same as keras GlorotUniform",
            lambda: (64, 1000),
            _verify_limit_against_keras,
        ),
    ),
)


def _simulated_variance(args) -> float:
    """Push unit-variance inputs through real random layers and measure."""
    input_variance, fan_in, weight_variance, depth, relu = args
    rng = np.random.default_rng(0)
    signal = rng.normal(0, np.sqrt(input_variance), (4000, fan_in))
    for layer in range(depth):
        if relu and layer > 0:
            signal = np.maximum(signal, 0)
        weights = rng.normal(0, np.sqrt(weight_variance), (fan_in, fan_in))
        signal = signal @ weights
    return float(signal.var())


def _verify_propagation(result, args) -> str | None:
    if not isinstance(result, int | float | np.floating):
        return f"expected a number, got {type(result).__name__}"
    simulated = _simulated_variance(args)
    if not 0.85 < result / simulated < 1.15:
        return f"a simulated network gives about {simulated:.4g}, you returned {result:.4g}"
    return None


PROPAGATE_VARIANCE = Exercise(
    id="propagate_variance",
    hint="Each layer multiplies the variance by its fan-in times the weights' variance. Ask "
    "what a ReLU in front of a layer does to what it passes on.",
    public_cases=(
        Case(
            "linear, Var(w) = 1/fan_in keeps the variance",
            lambda: (1.0, 100, 0.01, 5, False),
            _verify_propagation,
        ),
        Case(
            "linear, Var(w) too large explodes",
            lambda: (1.0, 100, 0.02, 4, False),
            _verify_propagation,
        ),
        Case(
            "ReLU with He, Var(w) = 2/fan_in",
            lambda: (2.0, 200, 0.01, 6, True),
            _verify_propagation,
        ),
    ),
)


def _expect_scaling(expected: tuple[float, str]):
    def verify(result, args) -> str | None:
        if not isinstance(result, tuple | list) or len(result) != 2:
            return "expected a pair (scale, mode)"
        return compare_values(tuple(result), expected, rtol=0.05, atol=0)

    return verify


INIT_FOR_ACTIVATION = Exercise(
    id="init_for_activation",
    hint="Ask what each activation does to a signal of variance 1 near zero, and choose the "
    "scale that undoes it.",
    public_cases=(
        Case("relu", lambda: ("relu",), _expect_scaling((2.0, "fan_in"))),
        Case("tanh", lambda: ("tanh",), _expect_scaling((1.0, "fan_avg"))),
        Case("selu", lambda: ("selu",), _expect_scaling((1.0, "fan_in"))),
    ),
)


class _KerasScaledGlorot:
    """The reference: Keras's VarianceScaling with scale gain², averaged fans, uniform."""

    def __init__(self, gain=1.0, seed=None):
        import keras

        self.gain, self.seed = gain, seed
        self.initializer = keras.initializers.VarianceScaling(
            gain**2, mode="fan_avg", distribution="uniform", seed=seed
        )

    def __call__(self, shape, dtype=None):
        return self.initializer(shape, dtype=dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _same_statistics_as_keras(result, args) -> str | None:
    expected = harness.initializer_statistics(_KerasScaledGlorot, *args)
    return compare_values(result, expected, rtol=0.03, atol=0.005)


SCALED_GLOROT_UNIFORM = Exercise(
    id="ScaledGlorotUniform",
    forbid=("keras.initializers.GlorotUniform", "keras.initializers.VarianceScaling"),
    hint="The limit is Glorot's, times the gain. Draw with keras.random and a seed, as Keras's"
    " initialisers do (chapter 02's pitfall box says what one instance returns), and let "
    "get_config return every argument __init__ takes.",
    public_cases=(
        Case(
            "gain 1 in a Dense(128) on 256 inputs",
            lambda: (1.0, 256, 128, 3),
            _same_statistics_as_keras,
        ),
        Case(
            "gain 4 (sigmoid), and the config keeps the gain",
            lambda: (4.0, 300, 200, 4),
            _same_statistics_as_keras,
        ),
    ),
    harness=harness.initializer_statistics,
)

DEEP_NET_ACCURACY = Exercise(
    id="deep_net_accuracy",
    hint="build the network exactly as described, seed everything from `seed`, and return "
    "`model.evaluate(...)`'s accuracy on the validation split as a float.",
    public_cases=(
        # Bands: the course's runs over 6 seeds, widened.
        Case("tanh with Glorot (gain 1) trains", lambda: (1.0, "tanh", 7), in_band(0.7, 1.0)),
        Case(
            "sigmoid with Glorot (gain 1) stays near chance",
            lambda: (1.0, "sigmoid", 8),
            in_band(0.05, 0.2),
        ),
    ),
)

EXERCISES = (
    COMPUTE_FANS,
    GLOROT_UNIFORM_LIMIT,
    PROPAGATE_VARIANCE,
    INIT_FOR_ACTIVATION,
    SCALED_GLOROT_UNIFORM,
    DEEP_NET_ACCURACY,
)
