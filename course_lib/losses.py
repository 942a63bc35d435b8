"""Loss functions written from their formulas.

Introduced in chapter 01 ("Loss functions and metrics"). Each is a
`keras.losses.Loss` whose `call` returns one loss per example; the base class
applies sample weights and averages over the batch (loss vs cost). Each
matches its Keras built-in to 1e-6, including the clipping of probabilities
to [1e-7, 1 - 1e-7] that keeps logarithms and gradients finite when a
prediction saturates at 0 or 1.

Example:
    >>> import numpy as np
    >>> float(Huber(delta=1.0)(np.array([[0.0], [0.0]]), np.array([[0.5], [3.0]])))
    1.3125
"""

from __future__ import annotations

import keras
from keras import ops

EPSILON = 1e-7  # keras.config.epsilon(): probabilities are clipped to [EPSILON, 1 - EPSILON]


def _clip(probabilities):
    return ops.clip(probabilities, EPSILON, 1.0 - EPSILON)


def _aligned(y_true, y_pred):
    """Cast labels, and give `(n,)` labels the shape `(n, 1)` of the predictions.

    Without this, `(n, 1) - (n,)` broadcasts to an `(n, n)` matrix: a silent,
    wrong loss. Keras's built-in losses align ranks the same way.
    """
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1 and y_pred.shape[-1] == 1:
        y_true = ops.expand_dims(y_true, -1)
    elif len(y_pred.shape) == len(y_true.shape) - 1 and y_true.shape[-1] == 1:
        y_true = ops.squeeze(y_true, -1)
    return y_true


@keras.saving.register_keras_serializable(package="course_lib")
class Huber(keras.losses.Loss):
    """Huber loss: squared error for small errors, absolute error for large ones.

    For each error e = y_pred - y_true: 0.5 * e**2 when |e| <= delta, else
    delta * (|e| - 0.5 * delta); averaged over the last axis. The linear
    tails make it robust to outliers (chapter 01 measures how much).

    Args:
        delta: where the loss turns from quadratic to linear.
    """

    def __init__(self, delta: float = 1.0, name: str = "huber", **kwargs):
        super().__init__(name=name, **kwargs)
        self.delta = float(delta)

    def call(self, y_true, y_pred):
        y_true = _aligned(y_true, y_pred)
        error = ops.abs(y_pred - y_true)
        quadratic = 0.5 * ops.square(error)
        linear = self.delta * error - 0.5 * self.delta**2
        return ops.mean(ops.where(error <= self.delta, quadratic, linear), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "delta": self.delta}


@keras.saving.register_keras_serializable(package="course_lib")
class BinaryFocalLoss(keras.losses.Loss):
    """Focal loss for binary labels (Lin et al., 2017).

    With p_t the predicted probability of the true class, the cross-entropy
    -log(p_t) is multiplied by (1 - p_t)**gamma: confidently right examples
    (p_t near 1) count little, so training focuses on the hard ones. With
    class balancing, positives are weighted alpha and negatives 1 - alpha.

    Args:
        gamma: focusing strength; 0 gives plain binary cross-entropy.
        alpha: weight of the positive class when `apply_class_balancing`.
        apply_class_balancing: use the alpha weights.
        from_logits: predictions are logits rather than probabilities.
    """

    def __init__(
        self,
        gamma: float = 2.0,
        alpha: float = 0.25,
        apply_class_balancing: bool = False,
        from_logits: bool = False,
        name: str = "binary_focal_loss",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.gamma, self.alpha = float(gamma), float(alpha)
        self.apply_class_balancing, self.from_logits = apply_class_balancing, from_logits

    def call(self, y_true, y_pred):
        y_true = _aligned(y_true, y_pred)
        if self.from_logits:
            # Stable form of -[z log sigmoid(x) + (1 - z) log(1 - sigmoid(x))].
            logits = y_pred
            cross_entropy = (
                ops.maximum(logits, 0.0) - logits * y_true + ops.log1p(ops.exp(-ops.abs(logits)))
            )
            probabilities = ops.sigmoid(logits)
        else:
            probabilities = y_pred
            clipped = _clip(y_pred)
            cross_entropy = -(y_true * ops.log(clipped) + (1.0 - y_true) * ops.log(1.0 - clipped))
        p_true = y_true * probabilities + (1.0 - y_true) * (1.0 - probabilities)
        loss = ops.power(1.0 - p_true, self.gamma) * cross_entropy
        if self.apply_class_balancing:
            loss = (y_true * self.alpha + (1.0 - y_true) * (1.0 - self.alpha)) * loss
        return ops.mean(loss, axis=-1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "gamma": self.gamma,
            "alpha": self.alpha,
            "apply_class_balancing": self.apply_class_balancing,
            "from_logits": self.from_logits,
        }


def _class_probabilities(y_pred, from_logits: bool):
    if from_logits:
        y_pred = ops.softmax(y_pred, axis=-1)
    return _clip(y_pred / ops.sum(y_pred, axis=-1, keepdims=True))


@keras.saving.register_keras_serializable(package="course_lib")
class CategoricalFocalLoss(keras.losses.Loss):
    """Focal loss for one-hot labels: sum over classes of alpha (1 - p)**gamma (-y log p).

    Args:
        gamma: focusing strength; 0 gives alpha times the cross-entropy.
        alpha: overall weight (Keras's convention: a scalar).
        from_logits: predictions are logits rather than probabilities.
    """

    def __init__(
        self,
        gamma: float = 2.0,
        alpha: float = 0.25,
        from_logits: bool = False,
        name: str = "categorical_focal_loss",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.gamma, self.alpha, self.from_logits = float(gamma), float(alpha), from_logits

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        probabilities = _class_probabilities(y_pred, self.from_logits)
        focal = self.alpha * ops.power(1.0 - probabilities, self.gamma)
        return ops.sum(focal * -y_true * ops.log(probabilities), axis=-1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "gamma": self.gamma,
            "alpha": self.alpha,
            "from_logits": self.from_logits,
        }


@keras.saving.register_keras_serializable(package="course_lib")
class LabelSmoothedCrossentropy(keras.losses.Loss):
    """Cross-entropy against smoothed targets: y (1 - s) + s / K for K classes.

    Label smoothing stops the model from pushing the true class's logit to
    infinity; chapter 01 measures what it does to accuracy, likelihood and
    calibration. Accepts one-hot labels, or integer labels with `sparse=True`.

    Args:
        smoothing: s, the probability mass spread evenly over all classes.
        sparse: labels are class indices rather than one-hot vectors.
        from_logits: predictions are logits rather than probabilities.
    """

    def __init__(
        self,
        smoothing: float = 0.1,
        sparse: bool = False,
        from_logits: bool = False,
        name: str = "label_smoothed_crossentropy",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        self.smoothing, self.sparse, self.from_logits = float(smoothing), sparse, from_logits

    def call(self, y_true, y_pred):
        classes = y_pred.shape[-1]
        if self.sparse:
            labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
            y_true = ops.one_hot(labels, classes, dtype=y_pred.dtype)
        y_true = ops.cast(y_true, y_pred.dtype)
        targets = y_true * (1.0 - self.smoothing) + self.smoothing / classes
        if self.from_logits:
            return -ops.sum(targets * ops.log_softmax(y_pred, axis=-1), axis=-1)
        return -ops.sum(targets * ops.log(_class_probabilities(y_pred, False)), axis=-1)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "smoothing": self.smoothing,
            "sparse": self.sparse,
            "from_logits": self.from_logits,
        }
