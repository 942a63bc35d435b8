"""Momentum that changes during `fit`: one-cycle momentum, the Keras 3 way.

Introduced in chapter 06 ("Learning-rate schedules"). Smith's one-cycle policy
lowers momentum while it raises the learning rate, then raises it again. A
Keras optimiser reads its hyperparameters when `fit` traces the training step:
a Python float is baked into the step, a variable is read at every step. So a
callback can change a hyperparameter during `fit` only when it lives in a
variable the step reads:

* Adam and its kin accept one: `keras.optimizers.Adam(beta_1=keras.Variable(0.9))`.
* `keras.optimizers.SGD` does not (its `momentum` must be a Python float), so
  `VariableMomentumSGD` is Keras's SGD with its momentum in a variable.

`OneCycleMomentum` gives the momentum at each step, and `MomentumScheduler`
assigns it to whichever of the two variables the optimiser has, before every
batch.

Example:
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> model.compile(optimizer=VariableMomentumSGD(0.01, momentum=0.95), loss="mse")
    >>> scheduler = MomentumScheduler(OneCycleMomentum(total_steps=4))
    >>> _ = model.fit(np.ones((8, 3)), np.ones(8), batch_size=2, verbose=0,
    ...               callbacks=[scheduler])
    >>> round(float(model.optimizer.momentum_variable.numpy()), 4)  # at step 3 of 4
    0.9217
"""

from __future__ import annotations

import math

import keras
from keras import ops

__all__ = ["MomentumScheduler", "OneCycleMomentum", "VariableMomentumSGD", "momentum_variable"]


@keras.saving.register_keras_serializable(package="course_lib")
class VariableMomentumSGD(keras.optimizers.SGD):
    """Keras's SGD with its momentum in a variable, so that it can change during `fit`.

    `keras.optimizers.SGD` takes `momentum` as a Python float only and bakes
    it into the traced training step. This subclass keeps it in
    `momentum_variable` (saved with the optimiser) and reads it at every step;
    the update is Keras's (`v = momentum * v - lr * g; w += v`, or Nesterov's),
    and at a constant momentum the weights are Keras's SGD's bit for bit.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        momentum: the starting momentum, in (0, 1].
        nesterov: whether to use Nesterov momentum.
        **kwargs: the base optimiser's arguments (`weight_decay`, `clipnorm`, ...).

    Example:
        >>> optimizer = VariableMomentumSGD(0.1, momentum=0.9)
        >>> _ = optimizer.momentum_variable.assign(0.5)
        >>> w = keras.Variable([1.0])
        >>> for _ in range(2):
        ...     optimizer.apply([keras.ops.convert_to_tensor([1.0])], [w])
        >>> round(float(w.numpy()[0]), 4)  # steps of 0.1, then 0.5 * 0.1 + 0.1
        0.75
    """

    def __init__(self, learning_rate=0.01, momentum: float = 0.9, nesterov=False, **kwargs):
        if not 0.0 < momentum <= 1.0:
            raise ValueError(f"momentum must lie in (0, 1], not {momentum}")
        super().__init__(learning_rate, momentum=float(momentum), nesterov=nesterov, **kwargs)
        self.momentum_variable = self.add_variable(
            shape=(), initializer=keras.initializers.Constant(float(momentum)), name="momentum"
        )

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.momentums[self._get_variable_index(variable)]
        momentum = ops.cast(self.momentum_variable, variable.dtype)
        step = ops.multiply(gradient, learning_rate)
        self.assign(velocity, ops.subtract(ops.multiply(velocity, momentum), step))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(velocity, momentum), step))
        else:
            self.assign_add(variable, velocity)


@keras.saving.register_keras_serializable(package="course_lib")
class OneCycleMomentum:
    """One-cycle momentum: down while the learning rate rises, back up while it falls.

    For the first `warmup_fraction` of `total_steps` the momentum falls along a
    half cosine from `max_momentum` to `base_momentum`, then rises along a half
    cosine back to `max_momentum`; past `total_steps` it stays there. The
    momentum bounds are the defaults of PyTorch's `OneCycleLR` and fastai's;
    the 30 % fall is PyTorch's and fastai v1's, and matches
    `course_lib.schedules.OneCycle`'s rise, so the two move in step.

    Args:
        total_steps: the length of training in steps (epochs x batches per epoch).
        base_momentum: the lowest momentum, at the learning rate's peak.
        max_momentum: the momentum at the start and at the end.
        warmup_fraction: share of the steps spent falling.

    Example:
        >>> schedule = OneCycleMomentum(total_steps=100)
        >>> [round(float(schedule(step)), 3) for step in (0, 30, 100)]
        [0.95, 0.85, 0.95]
    """

    def __init__(
        self,
        total_steps: int,
        base_momentum: float = 0.85,
        max_momentum: float = 0.95,
        warmup_fraction: float = 0.3,
    ):
        if not 0.0 < warmup_fraction < 1.0:
            raise ValueError(f"warmup_fraction must lie in (0, 1), not {warmup_fraction}")
        self.total_steps = int(total_steps)
        self.base_momentum = float(base_momentum)
        self.max_momentum = float(max_momentum)
        self.warmup_fraction = float(warmup_fraction)

    def __call__(self, step) -> float:
        t = min(float(step), float(self.total_steps))
        peak = self.warmup_fraction * self.total_steps
        falling = t < peak
        progress = t / peak if falling else (t - peak) / (self.total_steps - peak)
        start, end = (
            (self.max_momentum, self.base_momentum)
            if falling
            else (self.base_momentum, self.max_momentum)
        )
        return end + (start - end) * (1.0 + math.cos(math.pi * progress)) / 2.0

    def get_config(self) -> dict:
        return {
            "total_steps": self.total_steps,
            "base_momentum": self.base_momentum,
            "max_momentum": self.max_momentum,
            "warmup_fraction": self.warmup_fraction,
        }

    @classmethod
    def from_config(cls, config: dict) -> OneCycleMomentum:
        return cls(**config)


def momentum_variable(optimizer: keras.optimizers.Optimizer) -> keras.Variable:
    """The variable that holds `optimizer`'s momentum: SGD's momentum or Adam's β₁.

    Raises:
        ValueError: the optimiser keeps it as a Python float, which `fit` bakes
            into the traced step; the message says what to use instead.
    """
    if isinstance(optimizer, VariableMomentumSGD):
        return optimizer.momentum_variable
    beta_1 = getattr(optimizer, "beta_1", None)
    if isinstance(beta_1, keras.Variable):
        return beta_1
    raise ValueError(
        f"{type(optimizer).__name__} keeps its momentum as a Python float, which `fit` bakes "
        "into the training step: no callback can change it. Use "
        "course_lib.momentum.VariableMomentumSGD, or pass beta_1=keras.Variable(0.9) to Adam."
    )


class MomentumScheduler(keras.callbacks.Callback):
    """Set the optimiser's momentum (or β₁) from `schedule(step)` before every batch.

    The counterpart of `keras.callbacks.LearningRateScheduler` for momentum,
    per batch like a `LearningRateSchedule`: `step` is `optimizer.iterations`.
    The momentum at the end of each epoch is logged as `momentum`.

    Args:
        schedule: a function of the step, e.g. `OneCycleMomentum`.
    """

    def __init__(self, schedule):
        super().__init__()
        self.schedule = schedule

    def on_train_begin(self, logs=None):
        self._variable = momentum_variable(self.model.optimizer)

    def on_train_batch_begin(self, batch, logs=None):
        step = int(self.model.optimizer.iterations.numpy())
        self._variable.assign(float(self.schedule(step)))

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["momentum"] = float(self._variable.numpy())
