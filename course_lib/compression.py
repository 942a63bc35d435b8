"""Compression and deployment: magnitude pruning, int8 quantisation, distillation, measurement.

Introduced in chapter 13 ("Compression and deployment").

* **Pruning.** tensorflow-model-optimization does not support Keras 3
  (`prune_low_magnitude` rejects a Keras 3 model, tensorflow/model-optimization#1119)
  and Keras has no pruning API, so `prune` zeroes the smallest kernel weights
  of each Dense and Conv2D layer and `KeepPruned` holds them at zero while the
  model is fine-tuned.
* **Quantisation.** Keras's own `model.quantize("int8")` (Dense and
  EinsumDense layers only) and TFLite's post-training int8 quantisation
  (`tflite_int8`), which goes through `model.export` and
  `tf.lite.TFLiteConverter.from_saved_model`. A Keras-quantised model does not
  convert to TFLite: keep the two routes apart.
* **Distillation.** `DistillationLoss` trains a student on the true labels and
  on a teacher's softened probabilities (Hinton et al., 2015).
* **Measurement.** `measure` and `measure_tflite` report file size, latency
  per batch and accuracy side by side.

Example:
    >>> import keras, numpy as np
    >>> model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(2)])
    >>> masks = prune(model, 0.75)
    >>> round(sparsity(model), 2)
    0.75
"""

from __future__ import annotations

import contextlib
import gzip
import os
import statistics
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
from keras import ops

PRUNABLE = (keras.layers.Dense, keras.layers.Conv2D)


def _kernels(model: keras.Model) -> list:
    return [layer.kernel for layer in model.layers if isinstance(layer, PRUNABLE)]


def prune(model: keras.Model, target: float) -> list[np.ndarray]:
    """Zero the `target` share of smallest-magnitude weights in every Dense and Conv2D kernel.

    Each kernel is pruned on its own, to the same sparsity; biases are kept.

    Args:
        model: a built model.
        target: the share of each kernel's weights to zero, in [0, 1).

    Returns:
        One mask per kernel (1.0 kept, 0.0 pruned), for `KeepPruned`.
    """
    if not 0.0 <= target < 1.0:
        raise ValueError(f"target sparsity must be in [0, 1), got {target}")
    masks = []
    for kernel in _kernels(model):
        weights = keras.ops.convert_to_numpy(kernel)
        pruned = round(target * weights.size)
        mask = np.ones(weights.size, "float32")
        mask[np.argsort(np.abs(weights), axis=None, kind="stable")[:pruned]] = 0.0
        mask = mask.reshape(weights.shape)
        kernel.assign(weights * mask)
        masks.append(mask)
    return masks


def sparsity(model: keras.Model) -> float:
    """The share of Dense and Conv2D kernel weights that are exactly zero."""
    kernels = [keras.ops.convert_to_numpy(kernel) for kernel in _kernels(model)]
    return float(sum((k == 0).sum() for k in kernels) / sum(k.size for k in kernels))


class KeepPruned(keras.callbacks.Callback):
    """Hold pruned weights at zero while fine-tuning: re-applies the masks after every step.

    An optimiser would otherwise move them again: their gradient is not zero.

    Args:
        masks: what `prune` returned for the model being trained.
    """

    def __init__(self, masks: list[np.ndarray]):
        super().__init__()
        self.masks = masks

    def on_train_batch_end(self, batch, logs=None):
        for kernel, mask in zip(_kernels(self.model), self.masks, strict=True):
            kernel.assign(kernel * mask)


@keras.saving.register_keras_serializable(package="course_lib")
class DistillationLoss(keras.losses.Loss):
    """Knowledge distillation (Hinton et al., 2015) on a student's logits.

    `y_true` packs, for each example, the one-hot label and then the
    teacher's probabilities at `temperature` (`soft_targets` makes it); the
    loss is

        alpha * CE(label, softmax(z)) + (1 - alpha) * T² * KL(teacher_T || softmax(z / T)),

    where T² keeps the soft term's gradients on the same scale as T changes.

    Args:
        temperature: T > 1 softens both distributions, so that the teacher's
            small probabilities for wrong classes ("dark knowledge") count.
        alpha: the weight of the true labels.

    Example:
        >>> import numpy as np
        >>> loss = DistillationLoss(temperature=2.0, alpha=1.0)  # only the labels count
        >>> y_true = np.array([[1.0, 0.0, 0.5, 0.5]])
        >>> round(float(loss(y_true, np.zeros((1, 2)))), 4)  # -log(1/2)
        0.6931
    """

    def __init__(self, temperature: float = 4.0, alpha: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.temperature = float(temperature)
        self.alpha = float(alpha)

    def call(self, y_true, y_pred):
        classes = ops.shape(y_pred)[-1]
        labels, teacher = y_true[:, :classes], y_true[:, classes:]
        hard = keras.losses.categorical_crossentropy(labels, y_pred, from_logits=True)
        student = ops.softmax(y_pred / self.temperature, axis=-1)
        soft = keras.losses.kl_divergence(teacher, student)
        return self.alpha * hard + (1.0 - self.alpha) * self.temperature**2 * soft

    def get_config(self) -> dict:
        return {**super().get_config(), "temperature": self.temperature, "alpha": self.alpha}


def soft_targets(
    teacher: keras.Model, x: np.ndarray, y: np.ndarray, classes: int, temperature: float
) -> np.ndarray:
    """`DistillationLoss`'s `y_true`: one-hot labels beside the teacher's softened probabilities.

    `teacher` must output logits.
    """
    logits = keras.ops.convert_to_numpy(teacher(x, training=False))
    scaled = logits / temperature
    probabilities = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return np.concatenate([np.eye(classes, dtype="float32")[y], probabilities], axis=1)


def tflite_int8(model: keras.Model, representative: np.ndarray, directory: str | Path) -> bytes:
    """TFLite post-training int8 quantisation, calibrated on `representative` inputs.

    Exports `model` as a SavedModel into `directory` with `model.export`, then
    converts it with `tf.lite.TFLiteConverter.from_saved_model` (quieter and
    more portable than `from_keras_model`, which prints temporary paths). The
    weights and activations become int8; inputs and outputs stay float32.

    Returns:
        The `.tflite` flat buffer.
    """
    import tensorflow as tf

    saved = Path(directory) / "saved_model"
    model.export(str(saved), verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def examples():
        for row in np.asarray(representative, "float32"):
            yield [row[None]]

    converter.representative_dataset = examples
    with _native_stderr_silenced():  # the quantiser prints its settings from C++
        return converter.convert()


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send file descriptor 2 to /dev/null for a while: C++ code that writes there
    directly ignores Python's and TensorFlow's logging settings."""
    saved = os.dup(2)
    with open(os.devnull, "w") as null:
        os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _tflite_runner(flat_buffer: bytes, shape: tuple):
    """A function that runs the `.tflite` model on a batch of `shape`, interpreter ready."""
    import tensorflow as tf

    with warnings.catch_warnings():  # deprecated for ai_edge_litert, which TF does not bring
        warnings.simplefilter("ignore", UserWarning)
        interpreter = tf.lite.Interpreter(
            model_content=flat_buffer,
            # TFLite's own kernels, without the XNNPACK delegate (which announces itself
            # on stderr and may round differently from one CPU to another)
            experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
    (inputs,), (outputs,) = interpreter.get_input_details(), interpreter.get_output_details()
    interpreter.resize_tensor_input(inputs["index"], shape)
    interpreter.allocate_tensors()

    def predict(batch):
        interpreter.set_tensor(inputs["index"], np.asarray(batch, inputs["dtype"]))
        interpreter.invoke()
        return interpreter.get_tensor(outputs["index"])

    return predict


def tflite_predict(flat_buffer: bytes, x: np.ndarray) -> np.ndarray:
    """Run a `.tflite` model on `x`, as one batch, with TensorFlow's interpreter."""
    return _tflite_runner(flat_buffer, x.shape)(x)


@dataclass(frozen=True)
class Measurement:
    """What a deployed model costs and scores: sizes in KB, latency per batch in ms."""

    name: str
    size_kb: float
    gzip_kb: float
    latency_ms: float
    accuracy: float

    def row(self) -> str:
        return (
            f"{self.name:<28} {self.size_kb:>8.1f} {self.gzip_kb:>8.1f} "
            f"{self.latency_ms:>9.3f} {self.accuracy:>8.3f}"
        )


#: The header of `Measurement.row`.
HEADER = f"{'model':<28} {'size KB':>8} {'gzip KB':>8} {'ms/batch':>9} {'accuracy':>8}"


def _median_ms(predict, x: np.ndarray, repeats: int) -> float:
    predict(x)  # warm up
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        predict(x)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def _measured(name: str, blob: bytes, predict, x, y, repeats: int) -> Measurement:
    accuracy = float(np.mean(np.asarray(predict(x)).argmax(axis=1) == y))
    return Measurement(
        name,
        len(blob) / 1024,
        len(gzip.compress(blob)) / 1024,
        _median_ms(predict, x, repeats),
        accuracy,
    )


def measure(name: str, model: keras.Model, x: np.ndarray, y: np.ndarray, repeats: int = 20):
    """Size of the weights (their raw bytes, plain and gzipped: what a deployment must
    ship at least; a `.keras` file adds the architecture and the optimiser's state), median
    latency of one call on `x` in inference mode, and accuracy on `(x, y)` (integer labels)."""
    blob = b"".join(keras.ops.convert_to_numpy(weight).tobytes() for weight in model.weights)
    return _measured(name, blob, lambda batch: model(batch, training=False), x, y, repeats)


def measure_tflite(
    name: str, flat_buffer: bytes, x: np.ndarray, y: np.ndarray, repeats: int = 20
) -> Measurement:
    """`measure` for a `.tflite` flat buffer, run by TensorFlow's interpreter."""
    return _measured(name, flat_buffer, _tflite_runner(flat_buffer, x.shape), x, y, repeats)
