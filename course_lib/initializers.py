"""Weight initialisers written from their variance formulas.

Introduced in chapter 02 ("Weight initialisation"). Each keeps the variance
of the signal roughly constant from layer to layer for its activation:

| initialiser  | Var(W)                  | uniform limit               | for          |
|--------------|-------------------------|-----------------------------|--------------|
| GlorotUniform| 2 / (fan_in + fan_out)  | sqrt(6 / (fan_in + fan_out))| tanh, sigmoid|
| GlorotNormal | 2 / (fan_in + fan_out)  |                             | tanh, sigmoid|
| HeUniform    | 2 / fan_in              | sqrt(6 / fan_in)            | ReLU family  |
| HeNormal     | 2 / fan_in              |                             | ReLU family  |
| LecunNormal  | 1 / fan_in              |                             | SELU         |

A uniform distribution on [-limit, limit] has variance limit**2 / 3. The
normal variants draw from a normal truncated at two standard deviations, as
Keras does; truncation shrinks the variance by a factor 0.7737, so the
standard deviation is divided by 0.87962566 (its square root) to keep the
variance at the formula's value.

Example:
    >>> import numpy as np
    >>> w = HeNormal(seed=0)((400, 300))
    >>> round(float(np.var(w)) * 400, 1)  # Var(W) * fan_in = 2
    2.0
"""

from __future__ import annotations

import math

import keras

TRUNCATED_NORMAL_STD_CORRECTION = 0.87962566103423978


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) of a kernel: dense `(in, out)` or convolution `(*window, in, out)`.

    Example:
        >>> compute_fans((3, 3, 16, 32))
        (144, 288)
    """
    shape = tuple(int(n) for n in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class _FanScaledInitializer(keras.initializers.Initializer):
    """Draws W with Var(W) = scale / fan, uniform or truncated normal."""

    scale = 1.0
    fan = "fan_in"
    distribution = "truncated_normal"

    def __init__(self, seed: int | None = None):
        if seed is None:
            import random

            seed = random.randint(0, 2**31 - 1)  # seeded by course_lib.setup()
        self.seed = int(seed)

    def variance(self, shape: tuple[int, ...]) -> float:
        """The Var(W) the formula prescribes for a kernel of this shape."""
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[self.fan]
        return self.scale / max(1.0, fan)

    def __call__(self, shape, dtype=None):
        variance = self.variance(shape)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return keras.random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed)
        stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STD_CORRECTION
        return keras.random.truncated_normal(shape, 0.0, stddev, dtype=dtype, seed=self.seed)

    def get_config(self) -> dict:
        return {"seed": self.seed}


@keras.saving.register_keras_serializable(package="course_lib")
class GlorotUniform(_FanScaledInitializer):
    """Glorot/Xavier uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).

    Var(W) = 2 / (fan_in + fan_out), the compromise between keeping the
    forward signal (1/fan_in) and the backward gradient (1/fan_out) steady
    for tanh and sigmoid. Same statistics as `keras.initializers.GlorotUniform`.

    Args:
        seed: integer seed; the same seed gives the same weights.
    """

    scale, fan, distribution = 1.0, "fan_avg", "uniform"


@keras.saving.register_keras_serializable(package="course_lib")
class GlorotNormal(_FanScaledInitializer):
    """Glorot/Xavier normal (truncated): Var(W) = 2 / (fan_in + fan_out)."""

    scale, fan, distribution = 1.0, "fan_avg", "truncated_normal"


@keras.saving.register_keras_serializable(package="course_lib")
class HeUniform(_FanScaledInitializer):
    """He uniform: U(-limit, limit), limit = sqrt(6 / fan_in); Var(W) = 2 / fan_in.

    ReLU zeroes half its inputs, halving the variance; the factor 2 puts it back.
    """

    scale, fan, distribution = 2.0, "fan_in", "uniform"


@keras.saving.register_keras_serializable(package="course_lib")
class HeNormal(_FanScaledInitializer):
    """He normal (truncated): Var(W) = 2 / fan_in, for ReLU networks."""

    scale, fan, distribution = 2.0, "fan_in", "truncated_normal"


@keras.saving.register_keras_serializable(package="course_lib")
class LecunNormal(_FanScaledInitializer):
    """LeCun normal (truncated): Var(W) = 1 / fan_in, for SELU self-normalising networks."""

    scale, fan, distribution = 1.0, "fan_in", "truncated_normal"
