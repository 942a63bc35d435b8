"""Learning-rate schedules that Keras does not ship, as `LearningRateSchedule`s.

Introduced in chapter 06 ("Learning-rate schedules"). Each class is called
with the optimiser's step count (`optimizer.iterations`, one per batch), is
written with `keras.ops` so it runs inside a compiled training step, and is
registered, so an optimiser that uses it saves to and loads from a `.keras`
file.

| class        | learning rate at step t                                          |
|--------------|------------------------------------------------------------------|
| `StepDecay`  | lr0 * drop ** floor(t / steps_per_drop)                          |
| `CyclicalLR` | triangular waves between base and max, period 2 * step_size      |
| `OneCycle`   | cosine up from max/div to max, then cosine down to max/div/final |

Keras already has exponential, polynomial and piecewise-constant decay,
cosine decay with restarts, and linear warm-up (`CosineDecay(warmup_target=,
warmup_steps=)`, whose `initial_learning_rate` is where the warm-up *starts*
and whose `decay_steps` count *after* the warm-up): use those.

`OneCycle` cycles the learning rate. Smith's one-cycle policy also cycles
momentum inversely: `course_lib.momentum` does that part, since a Keras
optimiser reads a float hyperparameter once, when `fit` traces the training
step, and only a variable can change during `fit`.

Example:
    >>> schedule = StepDecay(0.1, drop=0.5, steps_per_drop=10)
    >>> [round(float(schedule(step)), 4) for step in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
"""

from __future__ import annotations

import math

import keras
from keras import ops

__all__ = ["CYCLICAL_MODES", "CyclicalLR", "OneCycle", "StepDecay", "values"]

#: The three policies of Smith (2017), "Cyclical learning rates for training neural networks".
CYCLICAL_MODES = ("triangular", "triangular2", "exp_range")

_Schedule = keras.optimizers.schedules.LearningRateSchedule


def _step(step) -> keras.KerasTensor:
    return ops.cast(step, "float32")


@keras.saving.register_keras_serializable(package="course_lib")
class StepDecay(_Schedule):
    """Multiply the learning rate by `drop` every `steps_per_drop` steps.

    The same as `ExponentialDecay(initial_learning_rate, steps_per_drop, drop,
    staircase=True)`; written out because it is the schedule every other one
    is compared with.

    Args:
        initial_learning_rate: the rate for the first `steps_per_drop` steps.
        drop: the factor applied at each drop, e.g. 0.5.
        steps_per_drop: steps between drops (batches, not epochs).
    """

    def __init__(self, initial_learning_rate: float, drop: float, steps_per_drop: int):
        self.initial_learning_rate = float(initial_learning_rate)
        self.drop = float(drop)
        self.steps_per_drop = int(steps_per_drop)

    def __call__(self, step):
        drops = ops.floor(_step(step) / self.steps_per_drop)
        return self.initial_learning_rate * ops.power(self.drop, drops)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "drop": self.drop,
            "steps_per_drop": self.steps_per_drop,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class CyclicalLR(_Schedule):
    """Smith's cyclical learning rate: linear ramps between two bounds.

    A cycle is `2 * step_size` steps: up from `base_learning_rate` to
    `max_learning_rate` and back. With `x = |t / step_size - 2 cycle + 1|`
    and `cycle = floor(1 + t / (2 step_size))`:

        lr = base + (max - base) * max(0, 1 - x) * scale

    where `scale` is 1 (`"triangular"`), `1 / 2 ** (cycle - 1)`
    (`"triangular2"`, the amplitude halves every cycle) or `gamma ** t`
    (`"exp_range"`).

    Args:
        base_learning_rate: the lower bound, reached at the start of every cycle.
        max_learning_rate: the upper bound, reached half-way through the first cycle.
        step_size: steps in half a cycle (Smith suggests 2 to 10 epochs' worth).
        mode: one of `CYCLICAL_MODES`.
        gamma: the per-step decay of `"exp_range"` (ignored otherwise).

    Example:
        >>> schedule = CyclicalLR(0.001, 0.01, step_size=5)
        >>> [round(float(schedule(step)), 4) for step in (0, 5, 10, 15)]
        [0.001, 0.01, 0.001, 0.01]
    """

    def __init__(
        self,
        base_learning_rate: float,
        max_learning_rate: float,
        step_size: int,
        mode: str = "triangular",
        gamma: float = 1.0,
    ):
        if mode not in CYCLICAL_MODES:
            raise ValueError(f"mode must be one of {CYCLICAL_MODES}, not {mode!r}")
        self.base_learning_rate = float(base_learning_rate)
        self.max_learning_rate = float(max_learning_rate)
        self.step_size = int(step_size)
        self.mode = mode
        self.gamma = float(gamma)

    def __call__(self, step):
        t = _step(step)
        cycle = ops.floor(1.0 + t / (2.0 * self.step_size))
        x = ops.abs(t / self.step_size - 2.0 * cycle + 1.0)
        if self.mode == "triangular":
            scale = 1.0
        elif self.mode == "triangular2":
            scale = 1.0 / ops.power(2.0, cycle - 1.0)
        else:
            scale = ops.power(self.gamma, t)
        amplitude = self.max_learning_rate - self.base_learning_rate
        return self.base_learning_rate + amplitude * ops.maximum(0.0, 1.0 - x) * scale

    def get_config(self) -> dict:
        return {
            "base_learning_rate": self.base_learning_rate,
            "max_learning_rate": self.max_learning_rate,
            "step_size": self.step_size,
            "mode": self.mode,
            "gamma": self.gamma,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class OneCycle(_Schedule):
    """The one-cycle policy: one warm-up to a high rate, then a long anneal.

    For the first `warmup_fraction` of `total_steps` the rate rises along a
    half cosine from `max_learning_rate / div_factor` to `max_learning_rate`;
    for the rest it falls along a half cosine to
    `max_learning_rate / div_factor / final_div_factor`. These are the
    defaults of PyTorch's `OneCycleLR` and of fastai v1 (fastai v2's
    `fit_one_cycle` rises for 25 % and ends at `max_learning_rate / 1e5`).
    Past `total_steps` the rate stays at its final value.

    It cycles the learning rate; `course_lib.momentum.OneCycleMomentum`
    cycles momentum in step with it.

    Args:
        max_learning_rate: the peak, e.g. the upper end of a range test's bracket.
        total_steps: the length of training in steps (epochs x batches per epoch).
        warmup_fraction: share of the steps spent rising.
        div_factor: the start is `max_learning_rate / div_factor`.
        final_div_factor: the end is the start divided by this.

    Example:
        >>> schedule = OneCycle(0.1, total_steps=100)
        >>> [round(float(schedule(step)), 5) for step in (0, 30, 100)]
        [0.004, 0.1, 0.0]
    """

    def __init__(
        self,
        max_learning_rate: float,
        total_steps: int,
        warmup_fraction: float = 0.3,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
    ):
        if not 0.0 < warmup_fraction < 1.0:
            raise ValueError(f"warmup_fraction must lie in (0, 1), not {warmup_fraction}")
        self.max_learning_rate = float(max_learning_rate)
        self.total_steps = int(total_steps)
        self.warmup_fraction = float(warmup_fraction)
        self.div_factor = float(div_factor)
        self.final_div_factor = float(final_div_factor)

    def __call__(self, step):
        t = ops.minimum(_step(step), float(self.total_steps))
        peak = self.warmup_fraction * self.total_steps
        start = self.max_learning_rate / self.div_factor
        end = start / self.final_div_factor
        rising = t < peak
        progress = ops.where(rising, t / peak, (t - peak) / (self.total_steps - peak))
        # A half cosine from `from_` to `to`: to + (from_ - to) * (1 + cos(pi p)) / 2.
        from_ = ops.where(rising, start, self.max_learning_rate)
        to = ops.where(rising, self.max_learning_rate, end)
        return to + (from_ - to) * (1.0 + ops.cos(math.pi * progress)) / 2.0

    def get_config(self) -> dict:
        return {
            "max_learning_rate": self.max_learning_rate,
            "total_steps": self.total_steps,
            "warmup_fraction": self.warmup_fraction,
            "div_factor": self.div_factor,
            "final_div_factor": self.final_div_factor,
        }


def values(schedule: _Schedule, steps: int) -> list[float]:
    """The learning rate a schedule gives at steps 0 to `steps - 1`, for plotting.

    Example:
        >>> values(StepDecay(1.0, 0.5, 2), 5)
        [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    return [float(schedule(step)) for step in range(steps)]
