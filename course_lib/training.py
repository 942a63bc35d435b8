"""Training helpers that go beyond `fit`: a hand-written loop, exact step counts, restarts.

- `train_loop`: the training loop written out with `tf.GradientTape` (chapter 00, "The
  training loop"), checked against `model.fit`: with the same initial weights, data order
  and optimiser, the two end with the same weights and per-epoch losses (to float32
  round-off). It uses `tf.GradientTape`, so this module is TensorFlow-specific.
- `layer_gradient_norms`: the loss gradient's norm per layer kernel, which
  `callbacks.GradientStats` records every epoch (chapters 02 and 11 call it directly).
- `fit_steps`, `restart` and `accuracy`: train for an exact number of gradient steps, put a
  compiled model back at its start without compiling again, and score it in one call; the
  chapters that compare many short runs (10 to 13) use them.

Example:
    >>> import keras, numpy as np
    >>> from course_lib.training import train_loop
    >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    >>> x, y = np.ones((8, 3), "float32"), np.zeros((8, 1), "float32")
    >>> logs = train_loop(model, x, y, epochs=2, batch_size=4,
    ...                   loss=keras.losses.MeanSquaredError(),
    ...                   optimizer=keras.optimizers.SGD(0.1))
    >>> len(logs["loss"])
    2
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf


def train_loop(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    batch_size: int,
    loss: keras.losses.Loss,
    optimizer: keras.optimizers.Optimizer,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    shuffle: bool = False,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Train `model` with mini-batch gradient descent, one step at a time.

    Each step: forward pass in training mode, loss (plus any regularisation
    losses the layers add), gradients of the loss with respect to the
    trainable weights, and one optimiser update. The epoch's reported loss is
    the mean of the batch losses weighted by batch size, as `model.fit`
    reports it; like `model.fit`, both the training and the validation loss
    include the layers' regularisation penalties.

    Args:
        model: a built Keras model.
        x, y: training inputs and targets.
        epochs: passes over the training data.
        batch_size: examples per gradient step; the last batch may be smaller.
        loss: loss object; its default reduction averages over the batch.
        optimizer: any Keras optimiser.
        validation_data: `(x_val, y_val)` evaluated after every epoch.
        shuffle: reshuffle the examples before every epoch (NumPy, seeded).
        seed: seed of that shuffling.

    Returns:
        `{"loss": [...], "val_loss": [...]}`, one value per epoch.
    """

    @tf.function
    def train_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            predictions = model(x_batch, training=True)
            batch_loss = loss(y_batch, predictions)
            if model.losses:
                batch_loss = batch_loss + tf.add_n(model.losses)
        gradients = tape.gradient(batch_loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        return batch_loss

    @tf.function
    def validation_loss(x_val, y_val):
        value = loss(y_val, model(x_val, training=False))
        if model.losses:  # Keras reports val_loss with the penalties included too
            value = value + tf.add_n(model.losses)
        return value

    rng = np.random.default_rng(seed)
    n_examples = len(x)
    steps_per_epoch = math.ceil(n_examples / batch_size)
    logs: dict[str, list[float]] = {"loss": []}
    if validation_data is not None:
        logs["val_loss"] = []
    for _ in range(epochs):
        order = rng.permutation(n_examples) if shuffle else np.arange(n_examples)
        weighted_sum = 0.0
        for step in range(steps_per_epoch):
            batch = order[step * batch_size : (step + 1) * batch_size]
            batch_loss = train_step(tf.constant(x[batch]), tf.constant(y[batch]))
            weighted_sum += float(batch_loss) * len(batch)
        logs["loss"].append(weighted_sum / n_examples)
        if validation_data is not None:
            x_val, y_val = validation_data
            logs["val_loss"].append(float(validation_loss(x_val, y_val)))
    return logs


def layer_gradient_norms(
    model: keras.Model,
    layers: list[keras.layers.Layer],
    x: np.ndarray,
    y: np.ndarray,
    training: bool = False,
) -> dict[str, float]:
    """L2 norm of the loss gradient with respect to each layer's kernel (its first weight).

    Uses the model's compiled loss on `(x, y)`, in inference mode unless
    `training` (as `fit` computes it: batch normalisation with the batch's
    statistics, which also nudges its moving averages). Introduced in
    chapter 02, where `callbacks.GradientStats` records it every epoch.
    """
    kernels = [layer.trainable_weights[0] for layer in layers]
    with tf.GradientTape() as tape:
        predictions = model(x, training=training)
        loss = model.compute_loss(x=x, y=y, y_pred=predictions, training=training)
    gradients = tape.gradient(loss, kernels)
    return {
        layer.name: float(tf.norm(gradient))
        for layer, gradient in zip(layers, gradients, strict=True)
    }


def accuracy(model: keras.Model, x: np.ndarray, y: np.ndarray) -> float:
    """Share of `x` whose most probable class is the integer label in `y`.

    Calls the model once in inference mode, which for a small set is several
    times quicker than `evaluate` or `predict` (no per-call set-up).

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, use_bias=False)])
        >>> model.set_weights([np.eye(2)])
        >>> accuracy(model, np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), np.array([0, 1, 1]))
        0.6666666666666666
    """
    predicted = keras.ops.convert_to_numpy(keras.ops.argmax(model(x, training=False), axis=-1))
    return float(np.mean(predicted == np.asarray(y)))


def restart(model: keras.Model, weights: list[np.ndarray]) -> None:
    """Put a compiled model back at the start of training, without compiling it again.

    Sets `weights` (as `get_weights()` returns them, e.g. from a fresh model
    built under another seed) and zeroes the optimiser's state: its step
    count, momenta and moment estimates (not its learning rate). The next `fit` then runs
    exactly as on a freshly compiled model, but reuses the training step
    Keras has already traced: for a deep network, tracing takes seconds
    while a few hundred small steps take less than one.

    Introduced in chapter 11 ("Architectures").

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> start = model.get_weights()
        >>> _ = fit_steps(model, np.ones((4, 3)), np.ones((4, 1)), steps=5)
        >>> restart(model, start)
        >>> int(model.optimizer.iterations)
        0
    """
    model.set_weights(weights)
    rate = model.optimizer.learning_rate  # a variable of the optimiser too: keep it
    for variable in model.optimizer.variables:
        if variable is not rate:
            variable.assign(keras.ops.zeros_like(variable))


def fit_steps(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    steps: int,
    batch_size: int = 16,
    seed: int = 0,
    callbacks: list[keras.callbacks.Callback] | None = None,
) -> keras.callbacks.History:
    """Train a compiled `model` for exactly `steps` gradient steps on a small set.

    With a handful of examples an "epoch" is one or two steps, and `fit`'s
    per-epoch overhead would dominate. This repeats the examples, reshuffled
    on every pass (seeded), and runs all the steps as one epoch, so runs on
    5 and on 150 examples get the same number of updates.

    Introduced in chapter 10 ("Transfer learning").

    Args:
        model: a compiled Keras model.
        x, y: the training examples.
        steps: gradient steps to take.
        batch_size: examples per step (fewer only if `x` has fewer).
        seed: seed of the shuffling.
        callbacks: passed on to `fit`.

    Returns:
        The `History` of the single epoch.

    Example:
        >>> import keras, numpy as np
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = fit_steps(model, np.ones((5, 3)), np.zeros((5, 1)), steps=7)
        >>> int(model.optimizer.iterations)
        7
    """
    batch = min(batch_size, len(x))
    dataset = (
        tf.data.Dataset.from_tensor_slices((x, y))
        .shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
        .repeat()
        .batch(batch, drop_remainder=True)
    )
    return model.fit(
        dataset, steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0, callbacks=callbacks
    )
