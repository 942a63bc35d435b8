"""Harnesses: use a learner's Keras object for real in a small model, return numbers.

An exercise whose answer is a Keras object (a training step written with
`tf.GradientTape`, a `Loss`, an `Initializer`, a `Layer` or a `Callback`
subclass) cannot be compared as a value. Its harness builds a small model
from a seed, trains or evaluates it with the learner's object, and returns
plain numbers: `check` compares them with the same harness run on a Keras
built-in, the grader with the same harness run on the course's solution.
Each harness also round-trips the object through `get_config` where Keras
would (saving a model, cloning it), so a config that forgets an argument
shows up as a wrong number.

Example:
    >>> import keras
    >>> def builtin_step(model, x, y, learning_rate):
    ...     model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    ...     return model.train_on_batch(x, y)
    >>> losses, kernel, bias = tape_training(builtin_step, 0.1, 3, 0)
    >>> losses.shape, kernel.shape, bias.shape
    ((3,), (3,), (1,))
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np


def _seeded(seed: int) -> np.random.Generator:
    import keras

    keras.utils.set_random_seed(int(seed))
    return np.random.default_rng(int(seed))


def _numpy(value: Any) -> np.ndarray:
    import keras

    return np.asarray(keras.ops.convert_to_numpy(value), dtype="float64")


def _linear_data(rng: np.random.Generator, rows: int, features: int) -> tuple:
    x = rng.normal(0, 1, (rows, features)).astype("float32")
    y = (x @ rng.normal(0, 2, (features, 1)) + 0.5 + rng.normal(0, 0.1, (rows, 1))).astype(
        "float32"
    )
    return x, y


def tape_training(
    train_step: Callable, learning_rate: float, steps: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run `train_step(model, x, y, learning_rate)` `steps` times on a linear regression.

    The model is one `Dense(1)` unit from `seed`, the batch is the whole
    64-row training set, and each call must return the batch's MSE before
    its update. Returns (losses, kernel, bias) after the last step.
    """
    import keras

    x, y = _linear_data(_seeded(seed), 64, 3)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    losses = [float(_numpy(train_step(model, x, y, learning_rate))) for _ in range(int(steps))]
    kernel, bias = model.layers[0].get_weights()
    return np.array(losses), _numpy(kernel).ravel(), _numpy(bias)


def loss_training(loss_class: type, margin: float, seed: int) -> tuple[np.ndarray, ...]:
    """A `Loss` subclass taking `margin`: its values, its config clone's, and a fit with it.

    Labels are 0/1 and predictions raw scores, three per example. Returns
    (per-batch losses of the loss on four fixed batches, the same for `from_config(get_config())`,
    the linear classifier's kernel after three epochs of SGD on that loss).
    """
    import keras

    rng = _seeded(seed)
    loss = loss_class(margin=margin)
    clone = loss_class.from_config(loss.get_config())
    # Three outputs per example, so that averaging over the wrong axis, or summing, shows.
    labels = rng.integers(0, 2, (4, 16, 3)).astype("float32")
    scores = rng.normal(0, 2, (4, 16, 3)).astype("float32")
    values = np.array([float(_numpy(loss(t, s))) for t, s in zip(labels, scores, strict=True)])
    cloned = np.array([float(_numpy(clone(t, s))) for t, s in zip(labels, scores, strict=True)])
    x = rng.normal(0, 1, (128, 4)).astype("float32")
    y = (x[:, :1] - x[:, 1:2] > 0).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
    model.fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    return values, cloned, _numpy(model.layers[0].kernel).ravel()


def initializer_statistics(
    initializer_class: type, gain: float, fan_in: int, fan_out: int, seed: int
) -> tuple[float, ...]:
    """Statistics of the kernel a `Dense` layer draws from `initializer_class(gain, seed)`.

    Returns (largest |w|, std of w, mean of w) for the layer's kernel, then
    the largest |w| and std of a kernel drawn by `from_config(get_config())`.
    """
    import keras

    _seeded(seed)
    initializer = initializer_class(gain=gain, seed=seed)
    clone = initializer_class.from_config(initializer.get_config())
    layer = keras.layers.Dense(fan_out, kernel_initializer=initializer)
    layer.build((None, fan_in))
    kernel, cloned = _numpy(layer.kernel), _numpy(clone((fan_in, fan_out)))
    return (
        float(np.abs(kernel).max()),
        float(kernel.std()),
        float(kernel.mean()),
        float(np.abs(cloned).max()),
        float(cloned.std()),
    )


def normalization_training(layer_class: type, epsilon: float, seed: int) -> tuple[np.ndarray, ...]:
    """A normalisation `Layer` subclass taking `epsilon`, inside a small trained model.

    The model is `Dense(16)`, the layer, `Dense(3)`; it is trained for three
    epochs with Adam on a synthetic 3-class problem. Returns (the layer's
    output on a fixed batch before training, the model's output on that
    batch after training, and the difference between a config clone's
    output and the trained layer's on the same activations once the weights
    are copied over: zeros when `get_config` keeps every argument).
    """
    import keras

    rng = _seeded(seed)
    x = rng.normal(1.0, 2.0, (96, 8)).astype("float32")
    y = np.argmax(x[:, :3], axis=1)
    layer = layer_class(epsilon=epsilon)
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16), layer, keras.layers.Dense(3)]
    )
    hidden = model.layers[0](x[:8])
    before = _numpy(layer(hidden))
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    model.fit(x, y, epochs=3, batch_size=32, shuffle=False, verbose=0)
    after = _numpy(model(x[:8]))
    clone = layer_class.from_config(layer.get_config())
    hidden = model.layers[0](x[:8])
    clone.build(hidden.shape)
    clone.set_weights(layer.get_weights())
    return before, after, _numpy(clone(hidden)) - _numpy(layer(hidden))


def early_stopping_training(callback_class: type, patience: int, seed: int) -> tuple[float, ...]:
    """An early-stopping `Callback` subclass taking `patience`, in a fit that overfits.

    A wide network fits 60 noisy examples for up to 40 epochs while the
    validation loss turns upward. Returns (epochs run, validation loss of
    the weights the model ends with).
    """
    import keras

    rng = _seeded(seed)
    x = rng.normal(0, 1, (260, 10)).astype("float32")
    y = ((x[:, 0] + rng.normal(0, 1.0, 260)) > 0).astype("float32")
    model = keras.Sequential(
        [
            keras.Input((10,)),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(
        x[:60],
        y[:60],
        epochs=40,
        batch_size=20,
        shuffle=False,
        verbose=0,
        validation_data=(x[60:], y[60:]),
        callbacks=[callback_class(patience=patience)],
    )
    final = float(model.evaluate(x[60:], y[60:], verbose=0))
    return float(len(history.epoch)), final


def optimizer_training(
    optimizer_class: type, learning_rate: float, beta_1: float, beta_2: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """An `Optimizer` subclass taking (learning_rate, beta_1, beta_2), used for 60 steps.

    Trains `course_lib.optimizers.train_regression`'s network from `seed`
    with the optimizer, and again with `from_config(get_config())`. Returns
    (the weights after training, the clone's), each flattened into one array.
    """
    from course_lib.optimizers import train_regression

    def trained(optimizer) -> np.ndarray:
        return np.concatenate([_numpy(w).ravel() for w in train_regression(optimizer, 60, seed)])

    optimizer = optimizer_class(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2)
    clone = optimizer_class.from_config(optimizer.get_config())
    return trained(optimizer), trained(clone)


def schedule_training(
    schedule_class: type,
    base_learning_rate: float,
    max_learning_rate: float,
    step_size: int,
    seed: int,
) -> tuple[np.ndarray, ...]:
    """A `LearningRateSchedule` subclass taking (base, max, step_size), used inside `fit`.

    Returns (its rates at steps 0-59, the rates of its `from_config(get_config())`
    clone, and the weights after 60 steps of SGD driven by it, flattened).
    """
    import keras

    from course_lib.optimizers import train_regression

    schedule = schedule_class(
        base_learning_rate=base_learning_rate,
        max_learning_rate=max_learning_rate,
        step_size=step_size,
    )
    clone = schedule_class.from_config(schedule.get_config())
    rates = [np.array([float(_numpy(s(step))) for step in range(60)]) for s in (schedule, clone)]
    weights = train_regression(keras.optimizers.SGD(schedule), 60, seed)
    return *rates, np.concatenate([_numpy(w).ravel() for w in weights])


#: Training examples `hypermodel_search` fits on (the first ones of the digits' training split).
HYPERMODEL_EXAMPLES = 400


def hypermodel_search(hypermodel_class: type, seed: int) -> tuple[tuple[str, ...], np.ndarray]:
    """A `keras_tuner.HyperModel` subclass searched by a 3-trial `RandomSearch`.

    The tuner (seeded with `seed`) builds each trial's model with the
    hypermodel's `build(hp)` and trains it for one epoch through its
    `fit(hp, model, ...)` on `HYPERMODEL_EXAMPLES` digits, in a temporary
    directory. A callback counts each trial's batches. Returns (the search
    space, one line per hyperparameter as keras-tuner prints it; and a
    `(3, 6)` array with one row per trial: units, learning rate, batch size,
    batches trained, the built model's first `Dense` units and its
    optimizer's learning rate).
    """
    import tempfile

    import keras
    import keras_tuner

    from course_lib import data

    class CountBatches(keras.callbacks.Callback):
        counts: ClassVar[list[int]] = []  # on the class: each trial gets a deep copy

        def on_epoch_begin(self, epoch, logs=None):
            self.batches = 0

        def on_epoch_end(self, epoch, logs=None):
            self.counts.append(self.batches)

        def on_train_batch_end(self, batch, logs=None):
            self.batches += 1

    _seeded(seed)
    digits = data.load_digits(flat=True, seed=int(seed))
    x, y = (part[:HYPERMODEL_EXAMPLES] for part in digits.train)
    with tempfile.TemporaryDirectory() as directory:
        tuner = keras_tuner.RandomSearch(
            hypermodel_class(),
            objective="val_accuracy",
            max_trials=3,
            seed=int(seed),
            directory=directory,
            overwrite=True,
        )
        tuner.search(
            x, y, epochs=1, validation_data=digits.val, verbose=0, callbacks=[CountBatches()]
        )
        trials = sorted(tuner.oracle.trials.values(), key=lambda trial: int(trial.trial_id))
        space = tuple(str(hyperparameter) for hyperparameter in tuner.oracle.hyperparameters.space)
        if len(CountBatches.counts) != len(trials):
            raise ValueError(
                f"{len(trials)} trials trained {len(CountBatches.counts)} epochs, not one each: "
                "does fit pass everything the tuner gives it (epochs, callbacks) to model.fit?"
            )
        rows = []
        for trial, batches in zip(trials, CountBatches.counts, strict=True):
            hp = trial.hyperparameters
            model = tuner.hypermodel.build(hp)
            dense = next(layer for layer in model.layers if isinstance(layer, keras.layers.Dense))
            rows.append(
                [
                    hp.get("units"),
                    hp.get("learning_rate"),
                    hp.get("batch_size"),
                    batches,
                    dense.units,
                    float(_numpy(model.optimizer.learning_rate)),
                ]
            )
    return space, np.array(rows, dtype="float64")


def small_regression(learning_rate: float, seed: int) -> tuple:
    """(model, x, y): a `Dense(4)`-`Dense(1)` regression compiled with SGD; 64 rows from `seed`."""
    import keras

    rng = _seeded(seed)
    x, y = _linear_data(rng, 64, 3)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mse")
    return model, x, y


def batch_loss_training(callback_class: type, learning_rate: float, seed: int) -> np.ndarray:
    """A `Callback` subclass whose `losses` lists each training batch's own loss.

    Trains `small_regression` for 2 epochs of 8 unshuffled batches with the
    callback and returns the 16 losses it recorded.
    """
    model, x, y = small_regression(learning_rate, seed)
    callback = callback_class()
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=[callback])
    return np.asarray(callback.losses, dtype="float64")


def _flattened(losses: list[float], model) -> np.ndarray:
    weights = [w.ravel() for w in model.get_weights()]
    return np.concatenate([np.asarray(losses), *weights]).astype("float64")


def mirrored_training(replica_step: Callable, learning_rate: float, seed: int) -> np.ndarray:
    """A training step written for `strategy.run`, used for real on two replicas.

    `replica_step(model, optimizer, x_batch, y_batch, global_batch)` runs on each
    replica's share of a global batch and returns that replica's contribution to
    the batch's MSE. A `Dense(4)`-`Dense(1)` regression from `seed` trains for
    2 epochs of 4 global batches of 16 under `MirroredStrategy` over two logical
    CPU devices (`course_lib.distribute.split_cpu(2)` must have run first). Returns
    the 8 summed losses followed by the final weights, flattened.
    """
    import tensorflow as tf

    devices = [device.name for device in tf.config.list_logical_devices("CPU")]
    if len(devices) < 2:
        raise RuntimeError(
            "this check needs two logical CPU devices: restart the kernel and run "
            "course_lib.distribute.split_cpu(2) before any TensorFlow op (the set-up cell does)"
        )
    strategy = tf.distribute.MirroredStrategy(
        devices[:2], cross_device_ops=tf.distribute.ReductionToOneDevice()
    )
    global_batch = 16
    with strategy.scope():  # the model and its optimiser, mirrored on both replicas
        model, x, y = small_regression(learning_rate, seed)
    optimizer = model.optimizer
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(global_batch)

    def replica(*args):
        return tf.convert_to_tensor(replica_step(*args), dtype="float32")

    @tf.function
    def step(x_batch, y_batch):
        losses = strategy.run(replica, args=(model, optimizer, x_batch, y_batch, global_batch))
        return strategy.reduce(tf.distribute.ReduceOp.SUM, losses, axis=None)

    losses = [
        float(step(*batch))
        for _ in range(2)
        for batch in strategy.experimental_distribute_dataset(batches)
    ]
    return _flattened(losses, model)


def one_device_training(learning_rate: float, seed: int) -> np.ndarray:
    """What `mirrored_training` must give: the same model and batches, trained on one device
    with `train_on_batch` (the loss before each update, then the final weights)."""
    model, x, y = small_regression(learning_rate, seed)
    losses = [
        float(model.train_on_batch(x[start : start + 16], y[start : start + 16]))
        for _ in range(2)
        for start in range(0, 64, 16)
    ]
    return _flattened(losses, model)


def dense_batch_norm_blocks(seed: int, sizes: tuple[int, ...], examples: int = 5) -> tuple:
    """(blocks, x): seeded weights of Dense(no bias)-BatchNormalization-ReLU blocks of the
    given widths, each `(kernel, gamma, beta, moving_mean, moving_variance)` as nested lists,
    with moving statistics away from 0 and 1, and `examples` inputs. The arguments of
    chapter 10's `frozen_features`, for its public cases and its hidden probes alike."""
    import itertools

    rng = np.random.default_rng(seed)
    blocks = [
        (
            rng.normal(0.0, 0.6, (fan_in, fan_out)).tolist(),
            rng.uniform(0.5, 1.5, fan_out).tolist(),
            rng.normal(0.0, 0.4, fan_out).tolist(),
            rng.normal(0.0, 0.7, fan_out).tolist(),
            rng.uniform(0.2, 3.0, fan_out).tolist(),
        )
        for fan_in, fan_out in itertools.pairwise(sizes)
    ]
    return blocks, rng.normal(0.0, 1.0, (examples, sizes[0])).tolist()


def transfer_model(seed: int, freeze_batch_norm: bool = True) -> tuple:
    """(model, x, y): a pre-trained-looking base under a new head, and 48 labelled rows.

    The base is `Dense(6)`-`BatchNormalization`-ReLU on 4 inputs, with moving
    statistics set away from 0 and 1 so that inference mode shows; the head is
    `Dense(3, softmax)`. BatchNormalization is frozen unless told otherwise.
    Not compiled.
    """
    import keras

    from course_lib.transfer import freeze_batch_norm as freeze

    rng = _seeded(seed)
    x = rng.normal(size=(48, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 0.5).astype("int64")
    norm = keras.layers.BatchNormalization()
    base = keras.Sequential(
        [
            keras.Input((4,)),
            keras.layers.Dense(6, use_bias=False),
            norm,
            keras.layers.Activation("relu"),
        ],
        name="base",
    )
    norm.moving_mean.assign(rng.normal(0.0, 0.5, 6).astype("float32"))
    norm.moving_variance.assign(rng.uniform(0.5, 2.0, 6).astype("float32"))
    if freeze_batch_norm:
        freeze(base)
    model = keras.Sequential([base, keras.layers.Dense(3, activation="softmax")])
    return model, x, y


def two_rate_training(
    fine_tune_step: Callable, base_rate: float, head_rate: float, seed: int
) -> np.ndarray:
    """A `GradientTape` step that trains the base and the head at two learning rates.

    `fine_tune_step(model, base_optimizer, head_optimizer, x, y)` takes one step
    on `transfer_model(seed)` with SGD at `base_rate` for the base and
    `head_rate` for the head, and returns the batch's loss. Runs 2 epochs of
    3 batches of 16 and returns the 6 losses, then every weight (BatchNormalization's
    moving statistics included), flattened.
    """
    import keras

    model, x, y = transfer_model(seed)
    base_optimizer = keras.optimizers.SGD(base_rate)
    head_optimizer = keras.optimizers.SGD(head_rate)
    losses = [
        float(
            _numpy(
                fine_tune_step(model, base_optimizer, head_optimizer, x[i : i + 16], y[i : i + 16])
            )
        )
        for _ in range(2)
        for i in range(0, 48, 16)
    ]
    return _flattened(losses, model)


def one_rate_training(base_trainable: bool, learning_rate: float, seed: int) -> np.ndarray:
    """What `two_rate_training` gives when both rates are equal (`base_trainable`), or
    when the base's rate is 0 (not): `train_on_batch` with one SGD optimiser."""
    import keras

    model, x, y = transfer_model(seed)
    if not base_trainable:
        model.layers[0].trainable = False
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy"
    )
    losses = [
        float(model.train_on_batch(x[i : i + 16], y[i : i + 16]))
        for _ in range(2)
        for i in range(0, 48, 16)
    ]
    return _flattened(losses, model)


def _moving_means(model) -> np.ndarray:
    from course_lib.transfer import batch_norm_layers

    return np.concatenate([_numpy(layer.moving_mean).ravel() for layer in batch_norm_layers(model)])


def batch_norm_drift_training(callback_class: type, freeze: bool, seed: int) -> np.ndarray:
    """A `Callback` subclass whose `drift` lists, after every epoch, how far any
    BatchNormalization moving mean has moved since training began.

    Fits `transfer_model(seed)`, its BatchNormalization frozen or not, for 3
    epochs of 3 batches with the callback and returns what it recorded.
    """
    import keras

    model, x, y = transfer_model(seed, freeze_batch_norm=freeze)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    callback = callback_class()
    model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[callback])
    return np.asarray(callback.drift, dtype="float64")


def batch_norm_drift_reference(freeze: bool, seed: int) -> np.ndarray:
    """What `batch_norm_drift_training` must give: the same fit, one epoch at a time,
    with the moving means read off the layers directly."""
    import keras

    model, x, y = transfer_model(seed, freeze_batch_norm=freeze)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    start, drift = _moving_means(model), []
    for _ in range(3):
        model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
        drift.append(float(np.abs(_moving_means(model) - start).max()))
    return np.asarray(drift)


def _residual_dense_run(make_block: Callable, units: int, seed: int) -> tuple:
    """(model, losses): `Dense(units)`, the block, `Dense(3, softmax)` on 6 inputs,
    with seeded weights, trained by SGD for 2 epochs of 3 batches of 16."""
    import keras

    rng = _seeded(seed)
    x = rng.normal(size=(48, 6)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] + x[:, 2] > 0.5).astype("int64")
    inputs = keras.Input((6,))
    model = keras.Model(
        inputs,
        keras.layers.Dense(3, activation="softmax")(make_block(keras.layers.Dense(units)(inputs))),
    )
    model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.weights])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    losses = [
        float(model.train_on_batch(x[i : i + 16], y[i : i + 16]))
        for _ in range(2)
        for i in range(0, 48, 16)
    ]
    return model, losses


def residual_dense_training(layer_class: type, units: int, seed: int) -> np.ndarray:
    """A `Layer` subclass `layer_class(units)` computing relu(x + Dense(Dense(x, relu))).

    The layer sits between `Dense(units)` and a softmax head; every weight is
    set from the seed (the layer's in the order first kernel, first bias,
    second kernel, second bias) and the model trained for 6 SGD steps.
    Returns the 6 losses and every trained weight, flattened, then the
    difference between a config clone's output and the layer's own, with the
    weights copied over (zeros when `get_config` keeps `units`).
    """
    layer = layer_class(units)
    model, losses = _residual_dense_run(layer, units, seed)
    hidden = _seeded(seed).normal(size=(5, units)).astype("float32")
    clone = layer_class.from_config(layer.get_config())
    clone(hidden)  # builds it, sublayers included
    clone.set_weights(layer.get_weights())
    difference = _numpy(clone(hidden)) - _numpy(layer(hidden))
    return np.concatenate([_flattened(losses, model), difference.ravel()])


def residual_dense_reference(units: int, seed: int) -> np.ndarray:
    """What `residual_dense_training` must give: the same block made of Keras layers
    (Dense with ReLU, Dense, Add, ReLU) in a functional graph, and a clone that
    differs by nothing."""
    import keras

    def block(x):
        branch = keras.layers.Dense(units)(keras.layers.Dense(units, activation="relu")(x))
        return keras.layers.ReLU()(keras.layers.Add()([x, branch]))

    model, losses = _residual_dense_run(block, units, seed)
    return np.concatenate([_flattened(losses, model), np.zeros(5 * units)])


def tanh_rnn_parts(seed: int, units: int, steps: int, inputs: int = 2) -> tuple:
    """(x, kernel, recurrent_kernel, bias, states) of a seeded tanh recurrence,
    `h_t = tanh(x_t kernel + h_(t-1) recurrent_kernel + bias)` from `h_(-1) = 0`;
    `states` holds h_0 ... h_(steps-1), one row each."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0.0, 1.0, (steps, inputs))
    kernel = rng.normal(0.0, 0.8, (inputs, units))
    recurrent = rng.normal(0.0, 1.2 / np.sqrt(units), (units, units))
    bias = rng.normal(0.0, 0.1, units)
    state, states = np.zeros(units), []
    for step in x:
        state = np.tanh(step @ kernel + state @ recurrent + bias)
        states.append(state)
    return x, kernel, recurrent, bias, np.array(states)


def tanh_rnn_states(seed: int, units: int, steps: int) -> tuple:
    """(recurrent_kernel, states) of `tanh_rnn_parts(seed, units, steps)` as nested
    lists: the arguments of chapter 11's `state_jacobian_norms`, for its public cases
    and its hidden probes alike."""
    _, _, recurrent, _, states = tanh_rnn_parts(seed, units, steps)
    return recurrent.tolist(), states.tolist()


def _snapshot_setting(every: int, seed: int) -> tuple:
    """(model, batches): a small classifier compiled with a cyclical rate of cycle
    `every` steps, and 3 * `every` fixed batches of 16."""
    import keras

    from course_lib.schedules import CyclicalLR

    rng = _seeded(seed)
    x = rng.normal(size=(3 * every * 16, 5)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 0.5).astype("int64")
    model = keras.Sequential(
        [keras.Input((5,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(CyclicalLR(0.01, 0.3, step_size=every // 2)),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    batches = [(x[i : i + 16], y[i : i + 16]) for i in range(0, len(x), 16)]
    return model, batches


def snapshot_training(callback_class: type, every: int, seed: int) -> np.ndarray:
    """A `Callback` subclass `callback_class(every)` whose `snapshots` collects a copy of
    the model's weights after every `every`-th step.

    Fits a small model with a cyclical learning rate of cycle `every` for 3
    cycles (one epoch of fixed batches, no shuffling) and returns every
    snapshot's weights, flattened one after the other.
    """
    import tensorflow as tf

    model, batches = _snapshot_setting(every, seed)
    x = np.concatenate([xb for xb, _ in batches])
    y = np.concatenate([yb for _, yb in batches])
    callback = callback_class(every)
    model.fit(
        tf.data.Dataset.from_tensor_slices((x, y)).batch(16),
        epochs=1,
        shuffle=False,
        verbose=0,
        callbacks=[callback],
    )
    return np.concatenate([_numpy(w).ravel() for weights in callback.snapshots for w in weights])


def snapshot_reference(every: int, seed: int) -> np.ndarray:
    """What `snapshot_training` must give: the same batches through `train_on_batch`,
    with the weights copied after every `every`-th one."""
    model, batches = _snapshot_setting(every, seed)
    snapshots = []
    for step, (x, y) in enumerate(batches, start=1):
        model.train_on_batch(x, y)
        if step % every == 0:
            snapshots.append(model.get_weights())
    return np.concatenate([np.asarray(w, "float64").ravel() for ws in snapshots for w in ws])


def _masked_dense_setting(units: int, seed: int) -> tuple:
    """(x, y, kernel, bias, mask, head): 48 rows of 5 features, seeded weights of a
    `Dense(units)` layer with a mask that prunes about half its kernel, and a head."""
    rng = _seeded(seed)
    x = rng.normal(size=(48, 5)).astype("float32")
    y = (x[:, 0] > 0).astype("int64") + (x[:, 1] - x[:, 2] > 0.5).astype("int64")
    kernel = rng.normal(0.0, 0.6, (5, units)).astype("float32")
    bias = rng.normal(0.0, 0.1, units).astype("float32")
    mask = (rng.random((5, units)) < 0.5).astype("float32")
    head = [rng.normal(0.0, 0.5, (units, 3)).astype("float32"), np.zeros(3, "float32")]
    return x, y, kernel, bias, mask, head


def _masked_dense_fit(model, x, y, after_step: Callable) -> list[float]:
    import keras

    model.compile(
        optimizer=keras.optimizers.SGD(0.2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    losses = []
    for _ in range(2):
        for i in range(0, 48, 16):
            losses.append(float(model.train_on_batch(x[i : i + 16], y[i : i + 16])))
            after_step()
    return losses


def masked_dense_training(layer_class: type, units: int, seed: int) -> np.ndarray:
    """A `Layer` subclass `layer_class(units)`: Dense with a non-trainable pruning mask.

    Its weights, in order, are the kernel `(inputs, units)`, the bias and the
    mask (the shape of the kernel); it computes `inputs @ (kernel * mask) + bias`.
    The harness sets them from the seed, trains the layer under a `Dense(3)` head
    for 6 SGD steps, and returns the losses, the effective kernel
    (`kernel * mask`), the bias and the head, flattened, then the difference
    between a config clone's output and the layer's own.
    """
    import keras

    x, y, kernel, bias, mask, head = _masked_dense_setting(units, seed)
    layer = layer_class(units)
    layer.build((None, 5))  # directly: inside a model, Keras would swallow an error in build
    model = keras.Sequential([keras.Input((5,)), layer, keras.layers.Dense(3)])
    layer.set_weights([kernel, bias, mask])
    model.layers[-1].set_weights(head)
    losses = _masked_dense_fit(model, x, y, lambda: None)
    trained_kernel, trained_bias, trained_mask = (_numpy(w) for w in layer.get_weights())
    clone = layer_class.from_config(layer.get_config())
    clone(x[:4])
    clone.set_weights(layer.get_weights())
    difference = _numpy(clone(x[:4])) - _numpy(layer(x[:4]))
    parts = [losses, trained_kernel * trained_mask, trained_bias, *model.layers[-1].get_weights()]
    return np.concatenate([np.ravel(np.asarray(p, "float64")) for p in [*parts, difference]])


def masked_dense_reference(units: int, seed: int) -> np.ndarray:
    """What `masked_dense_training` must give: Keras's `Dense` with the masked kernel,
    the pruned weights set back to zero after every step (`compression.KeepPruned`'s
    rule), and a clone that differs by nothing."""
    import keras

    x, y, kernel, bias, mask, head = _masked_dense_setting(units, seed)
    dense = keras.layers.Dense(units)
    model = keras.Sequential([keras.Input((5,)), dense, keras.layers.Dense(3)])
    dense.set_weights([kernel * mask, bias])
    model.layers[-1].set_weights(head)
    losses = _masked_dense_fit(model, x, y, lambda: dense.kernel.assign(dense.kernel * mask))
    parts = [losses, *dense.get_weights(), *model.layers[-1].get_weights()]
    flat = [np.ravel(np.asarray(p, "float64")) for p in parts]
    return np.concatenate([*flat, np.zeros(4 * units)])
