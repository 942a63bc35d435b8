"""Callbacks that watch what happens inside a network while it trains.

`ActivationStats` and `GradientStats` are introduced in chapter 02 ("Weight
initialisation") and used again in chapter 03. Both measure on one fixed
probe batch, once before training and after every epoch: a forward pass (and
for gradients one backward pass) per epoch, cheap enough to leave on.
Results are plain dicts, `{"epoch": [...], "layers": {name: {stat: [...]}}}`,
and `course_lib.plots.plot_layer_stats` draws them.

Example:
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="tanh"),
    ...                           keras.layers.Dense(1)])
    >>> stats = layer_activation_stats(model, np.ones((8, 4), "float32"))
    >>> sorted(stats[model.layers[0].name])
    ['mean', 'saturated', 'std']
"""

from __future__ import annotations

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

    Args:
        x_val, y_val: validation inputs and integer labels.
        target: accuracy to reach, e.g. 0.9.
        every: check every this many steps (the resolution of the count).
    """

    def __init__(self, x_val: np.ndarray, y_val: np.ndarray, target: float, every: int = 10):
        super().__init__()
        self.x_val, self.y_val = x_val, np.asarray(y_val)
        self.target, self.every = target, every
        self.step, self.steps = 0, None

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.steps is not None or self.step % self.every:
            return
        scores = keras.ops.convert_to_numpy(self.model.predict_on_batch(self.x_val))
        if np.mean(scores.argmax(axis=1) == self.y_val) >= self.target:
            self.steps = self.step
            self.model.stop_training = True
