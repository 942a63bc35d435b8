"""Callbacks that watch what happens inside a network while it trains, and act on it.

`ActivationStats` and `GradientStats` are introduced in chapter 02 ("Weight
initialisation") and used again in chapter 03. Both measure on one fixed
probe batch, once before training and after every epoch: a forward pass (and
for gradients one backward pass) per epoch, cheap enough to leave on.
Results are plain dicts, `{"epoch": [...], "layers": {name: {stat: [...]}}}`,
and `course_lib.plots.plot_layer_stats` draws them. `StepsToTarget` counts the
steps until validation accuracy reaches a target (chapter 03), and `LRRangeTest`
is the learning-rate range test (chapter 06).

Example:
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"),
    ...                           keras.layers.Dense(1)])
    >>> stats = layer_activation_stats(model, np.ones((8, 4), "float32"))
    >>> sorted(stats[model.layers[0].name])
    ['mean', 'saturated', 'std']
"""

from __future__ import annotations

import dataclasses
from typing import Any

import keras
import numpy as np

from course_lib.training import layer_gradient_norms

#: Activations whose units "saturate" (gradient near zero) at the tails, and
#: the test for a saturated unit output.
SATURATION_TESTS = {
    "tanh": lambda a: np.abs(a) > 0.99,
    "sigmoid": lambda a: (a < 0.01) | (a > 0.99),
}


def _activation_name(layer: keras.layers.Layer) -> str | None:
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None)


def watched_layers(model: keras.Model) -> list[keras.layers.Layer]:
    """Layers with weights whose output is worth watching (Dense, Conv, ...)."""
    return [layer for layer in model.layers if layer.trainable_weights and layer.built]


def layer_activation_stats(model: keras.Model, x: np.ndarray) -> dict[str, dict[str, float]]:
    """Mean, standard deviation and saturated fraction of each watched layer's output.

    The saturated fraction is the share of outputs in the flat tails of a
    tanh or sigmoid (NaN for other activations).
    """
    layers = watched_layers(model)
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    probe = keras.Model(inputs, [layer.output for layer in layers])
    outputs = probe(x, training=False)
    outputs = outputs if isinstance(outputs, list | tuple) else [outputs]
    stats = {}
    for layer, output in zip(layers, outputs, strict=True):
        values = keras.ops.convert_to_numpy(output)
        test = SATURATION_TESTS.get(_activation_name(layer) or "")
        # An exploding layer is a result to report (inf), not a warning to print.
        with np.errstate(over="ignore", invalid="ignore"):
            stats[layer.name] = {
                "mean": float(values.mean()),
                "std": float(values.std()),
                "saturated": float(test(values).mean()) if test else float("nan"),
            }
    return stats


class _EpochRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.history: dict[str, Any] = {"epoch": [], "layers": {}}

    def measure(self) -> dict[str, dict[str, float]]:
        raise NotImplementedError

    def _record(self, epoch: int) -> None:
        self.history["epoch"].append(epoch)
        for name, stats in self.measure().items():
            layer_history = self.history["layers"].setdefault(name, {})
            for stat, value in stats.items():
                layer_history.setdefault(stat, []).append(value)

    def on_train_begin(self, logs=None):
        if not self.history["epoch"]:
            self._record(0)

    def on_epoch_end(self, epoch, logs=None):
        self._record(epoch + 1)

    def rows(self) -> list[dict[str, Any]]:
        """One dict per (epoch, layer): easy to print or load into a DataFrame."""
        rows = []
        for index, epoch in enumerate(self.history["epoch"]):
            for name, stats in self.history["layers"].items():
                rows.append(
                    {
                        "epoch": epoch,
                        "layer": name,
                        **{stat: values[index] for stat, values in stats.items()},
                    }
                )
        return rows


class ActivationStats(_EpochRecorder):
    """Per layer and epoch: mean, std and saturated fraction of the outputs.

    Args:
        x_probe: a fixed batch of inputs measured every epoch (a few hundred
            examples are plenty).
    """

    def __init__(self, x_probe: np.ndarray):
        super().__init__()
        self.x_probe = x_probe

    def measure(self):
        return layer_activation_stats(self.model, self.x_probe)


class GradientStats(_EpochRecorder):
    """Per layer and epoch: the norm of the loss gradient of the layer's kernel.

    Args:
        x_probe, y_probe: a fixed batch the gradients are computed on.
    """

    def __init__(self, x_probe: np.ndarray, y_probe: np.ndarray):
        super().__init__()
        self.x_probe, self.y_probe = x_probe, y_probe

    def measure(self):
        norms = layer_gradient_norms(
            self.model, watched_layers(self.model), self.x_probe, self.y_probe
        )
        return {name: {"gradient_norm": value} for name, value in norms.items()}


class StepsToTarget(keras.callbacks.Callback):
    """Count the gradient steps until validation accuracy first reaches a target.

    Introduced in chapter 03 to compare convergence speed. Every `every`
    steps it scores the validation set (classification, integer labels); at
    the first score >= `target` it records the step and stops training.
    `steps` stays None when the target is never reached.

    Steps are read off the optimiser's step count, so the callback also
    works with `compile(steps_per_execution=k)`, which runs k steps between
    two calls of `on_train_batch_end` (much faster for small models); make
    `every` a multiple of k.

    Args:
        x_val, y_val: validation inputs and integer labels.
        target: accuracy to reach, e.g. 0.9.
        every: check every this many steps (the resolution of the count).
    """

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, target: float, every: int = 10):
        super().__init__()
        self.x_val, self.y_val = x_val, np.asarray(y_val)
        self.target, self.every = target, every
        self.start, self.step, self.steps = 0, 0, None

    def on_train_begin(self, logs=None):
        self.start = int(self.model.optimizer.iterations)

    def on_train_batch_end(self, batch, logs=None):
        self.step = int(self.model.optimizer.iterations) - self.start
        if self.steps is not None or self.step % self.every:
            return
        scores = keras.ops.convert_to_numpy(self.model(self.x_val, training=False))
        if np.mean(scores.argmax(axis=1) == self.y_val) >= self.target:
            self.steps = self.step
            self.model.stop_training = True


@dataclasses.dataclass(frozen=True)
class RangeTestResult:
    """What `LRRangeTest` measured: one entry per batch, and the bracket it suggests.

    Attributes:
        learning_rates: the rate each batch was trained at (a geometric sweep).
        losses: each batch's training loss.
        smoothed: the losses' bias-corrected exponential moving average.
        lower: the rate from which on the smoothed loss stays more than a
            tenth of the way down from its plateau (the median of the first
            quarter of the sweep up to the minimum) to its minimum: the loss
            has started to decrease.
        upper: the rate at which the smoothed loss is lowest: beyond it the
            loss stops decreasing.
        steepest: the rate at which the smoothed loss falls fastest per
            decade of learning rate, between `lower` and `upper`.
        diverged: whether the sweep stopped early because the loss blew up.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    lower: float
    upper: float
    steepest: float
    diverged: bool

    @classmethod
    def from_sweep(cls, learning_rates, losses, smoothed, diverged: bool) -> RangeTestResult:
        rates, smooth = np.asarray(learning_rates), np.asarray(smoothed)
        lowest = int(np.nanargmin(smooth))
        falling = smooth[: lowest + 1]
        # The plateau is the median of the first quarter before the minimum (a median, so a
        # noisy batch does not move it); the loss has started to fall once it stays a tenth
        # of the way from the plateau down to the minimum.
        plateau = float(np.median(falling[: lowest // 4 + 1]))
        above = np.flatnonzero(falling > plateau - 0.1 * (plateau - falling[-1]))
        start = min(int(above[-1]) + 1, lowest) if above.size else 0
        window = np.log10(rates[start : lowest + 1])
        slopes = np.gradient(smooth[start : lowest + 1], window) if lowest > start else [0.0]
        return cls(
            learning_rates=rates,
            losses=np.asarray(losses),
            smoothed=smooth,
            lower=float(rates[start]),
            upper=float(rates[lowest]),
            steepest=float(rates[start + int(np.argmin(slopes))]),
            diverged=diverged,
        )


class LRRangeTest(keras.callbacks.Callback):
    """The learning-rate range test (Smith, 2017), as a callback for `fit`.

    Introduced in chapter 06 ("Learning-rate schedules"). For `steps`
    batches it raises the learning rate geometrically from
    `min_learning_rate` to `max_learning_rate` and records each batch's
    loss; it stops training when the smoothed loss passes `divergence`
    times its lowest value (or is not finite) or when the sweep ends. Then
    it puts everything back: the model's weights, the optimiser's slots,
    iteration count and learning rate. `result` holds the curve and the
    suggested bracket (`RangeTestResult`); `course_lib.plots.plot_range_test`
    draws it.

    Give `fit` enough epochs to cover `steps` batches (the callback stops
    it). Keras 3 logs the epoch's running mean of the loss, not each
    batch's; the callback recovers each batch's loss from consecutive
    means, which needs `steps_per_execution=1` and equal batches.

    The optimiser needs a float learning rate, since the test sets it every
    batch: one built with a `LearningRateSchedule` is refused with a
    `TypeError` that says so.

    Args:
        min_learning_rate, max_learning_rate: the ends of the sweep.
        steps: batches in the sweep.
        smoothing: the moving average's decay (0.9 averages about 10 batches).
        divergence: stop once the smoothed loss exceeds this multiple of its minimum.

    Example:
        >>> import keras, numpy as np
        >>> x = np.random.default_rng(0).normal(size=(256, 4)).astype("float32")
        >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        >>> model.compile(keras.optimizers.SGD(0.01), "mse")
        >>> finder = LRRangeTest(1e-4, 10.0, steps=40)
        >>> _ = model.fit(x, x.sum(1), batch_size=16, epochs=5, verbose=0, callbacks=[finder])
        >>> finder.result.lower < finder.result.upper, float(model.optimizer.learning_rate)
        (True, 0.009999999776482582)
    """

    def __init__(
        self,
        min_learning_rate: float = 1e-5,
        max_learning_rate: float = 10.0,
        steps: int = 100,
        smoothing: float = 0.9,
        divergence: float = 4.0,
    ):
        super().__init__()
        if not 0 < min_learning_rate < max_learning_rate:
            raise ValueError("need 0 < min_learning_rate < max_learning_rate")
        self.min_learning_rate, self.max_learning_rate = min_learning_rate, max_learning_rate
        self.steps, self.smoothing, self.divergence = steps, smoothing, divergence
        self.result: RangeTestResult | None = None

    def on_train_begin(self, logs=None):
        optimizer = self.model.optimizer
        schedule = getattr(optimizer, "_learning_rate", None)
        if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule):
            raise TypeError(
                "LRRangeTest sets the learning rate every batch, so the optimizer needs a "
                f"float learning rate; this one follows a {type(schedule).__name__}. Run the "
                "test with e.g. SGD(learning_rate=1e-3), then build the schedule from its result."
            )
        if getattr(self.model, "steps_per_execution", 1) != 1:
            raise ValueError("LRRangeTest needs steps_per_execution=1 to see every batch's loss")
        if not optimizer.built:
            optimizer.build(self.model.trainable_variables)
        self._saved_weights = self.model.get_weights()
        self._saved_optimizer = [keras.ops.convert_to_numpy(v) for v in optimizer.variables]
        self._rates, self._losses, self._smoothed = [], [], []
        self._average, self._diverged = 0.0, False

    def on_epoch_begin(self, epoch, logs=None):
        self._previous_mean = 0.0

    def on_train_batch_begin(self, batch, logs=None):
        ratio = self.max_learning_rate / self.min_learning_rate
        rate = self.min_learning_rate * ratio ** (len(self._rates) / max(self.steps - 1, 1))
        self.model.optimizer.learning_rate = rate
        self._rates.append(rate)

    def on_train_batch_end(self, batch, logs=None):
        mean = float(logs["loss"])
        loss = (batch + 1) * mean - batch * self._previous_mean
        self._previous_mean = mean
        self._losses.append(loss)
        self._average = self.smoothing * self._average + (1 - self.smoothing) * loss
        smoothed = self._average / (1 - self.smoothing ** len(self._losses))
        self._smoothed.append(smoothed)
        if not np.isfinite(smoothed) or smoothed > self.divergence * min(self._smoothed):
            self._diverged = True
            self.model.stop_training = True
        elif len(self._losses) >= self.steps:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        self.model.set_weights(self._saved_weights)
        for variable, value in zip(
            self.model.optimizer.variables, self._saved_optimizer, strict=True
        ):
            variable.assign(value)
        finite = np.isfinite(self._smoothed)
        self.result = RangeTestResult.from_sweep(
            np.asarray(self._rates)[finite],
            np.asarray(self._losses)[finite],
            np.asarray(self._smoothed)[finite],
            self._diverged,
        )
