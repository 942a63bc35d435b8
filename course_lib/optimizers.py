"""Optimisers written from their update equations, as Keras optimisers.

Introduced in chapter 05 ("Optimisers"). Each is a subclass of
`keras.optimizers.Optimizer` that creates its slots in `build` with
`add_variable_from_reference` and writes its update in `update_step` through
`self.assign`, `assign_add` and `assign_sub`, and so runs inside `fit`,
saves with a `.keras` file, and tracks its Keras built-in to about 1e-7 over
a hundred steps (`max_weight_difference` measures it).

The base class does everything that is not the update itself, in this order:
undo the loss scale, clip the gradients (`clipnorm`, `clipvalue`,
`global_clipnorm`), apply decoupled weight decay
(`w -= learning_rate * weight_decay * w`), call `update_step`, update the
weights' moving average (`use_ema`), and add one to `iterations`. That is
why `AdamW` below adds nothing to `Adam` but a default `weight_decay`: a
from-scratch AdamW that decayed the weights again would decay them twice.

| class   | update (g the gradient, lr the learning rate)                           |
|---------|-------------------------------------------------------------------------|
| SGD     | v = mu v - lr g; w += v (Nesterov: w += mu v - lr g)                    |
| Adagrad | a += g^2; w -= lr g / sqrt(a + eps)                                     |
| RMSprop | s = rho s + (1 - rho) g^2; w -= lr g / sqrt(s + eps)                    |
| Adam    | m, v moving averages of g, g^2; w -= alpha m / (sqrt(v) + eps)          |
|         | with alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)                     |

Adam's textbook form divides bias-corrected moments,
`m_hat / (sqrt(v_hat) + eps)`; Keras folds the corrections into `alpha`,
which moves epsilon by a factor sqrt(1 - beta_2^t). Both are Adam, but after
a hundred steps their weights differ by 1.0e-5 to 5.3e-5 (chapter 05, three seed
offsets), so the classes here use Keras's form. RMSprop likewise puts epsilon
inside the square root.

Example:
    >>> import keras
    >>> round(max_weight_difference(Adam(0.01), keras.optimizers.Adam(0.01)), 5)
    0.0
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "RMSprop",
    "max_weight_difference",
    "train_regression",
]


class _SlotOptimizer(keras.optimizers.Optimizer):
    """An optimizer with named per-weight slots and hyperparameters in its config."""

    #: Hyperparameters this optimiser adds to the base class's, in order.
    hyperparameters: tuple[str, ...] = ()

    def slot_names(self) -> tuple[str, ...]:
        """Names of the slots (one variable per model weight each) this optimizer keeps."""
        return ()

    def slot_initializer(self, name: str) -> str | keras.initializers.Initializer:
        return "zeros"

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._slots = {
            name: [
                self.add_variable_from_reference(v, name, self.slot_initializer(name))
                for v in variables
            ]
            for name in self.slot_names()
        }

    def slot(self, name: str, variable) -> keras.Variable:
        """The `name` slot of one model `variable`."""
        return self._slots[name][self._get_variable_index(variable)]

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({name: getattr(self, name) for name in self.hyperparameters})
        return config


@keras.saving.register_keras_serializable(package="course_lib")
class SGD(_SlotOptimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Plain: `w -= lr * g`. With momentum `mu`, a velocity remembers past steps,
    `v = mu * v - lr * g; w += v`. Nesterov looks ahead along the velocity:
    `w += mu * v - lr * g` with the new `v`. Matches `keras.optimizers.SGD`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        momentum: `mu` in [0, 1); 0 keeps no velocity.
        nesterov: whether to use Nesterov momentum.
        **kwargs: the base optimizer's arguments (`weight_decay`, `clipnorm`,
            `global_clipnorm`, `use_ema`, ...).

    Example:
        >>> import keras
        >>> w = keras.Variable([1.0, -2.0])
        >>> SGD(0.1).apply([keras.ops.convert_to_tensor([0.5, 0.5])], [w])
        >>> [round(float(x), 2) for x in w.numpy()]
        [0.95, -2.05]
    """

    hyperparameters = ("momentum", "nesterov")

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, name=kwargs.pop("name", "sgd"), **kwargs)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1); got {momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def slot_names(self):
        return ("velocity",) if self.momentum else ()

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        step = ops.multiply(lr, gradient)
        if not self.momentum:
            self.assign_sub(variable, step)
            return
        velocity = self.slot("velocity", variable)
        self.assign(velocity, ops.subtract(ops.multiply(self.momentum, velocity), step))
        if self.nesterov:
            self.assign_add(variable, ops.subtract(ops.multiply(self.momentum, velocity), step))
        else:
            self.assign_add(variable, velocity)


@keras.saving.register_keras_serializable(package="course_lib")
class Adagrad(_SlotOptimizer):
    """AdaGrad: each weight's step shrinks with the sum of its squared gradients.

    `a += g**2; w -= lr * g / sqrt(a + eps)`. The sum only grows, so the steps
    only shrink: RMSprop replaces it with a moving average. Matches
    `keras.optimizers.Adagrad`, which starts the sum at 0.1.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        initial_accumulator_value: the starting value of the sum `a`.
        epsilon: added inside the square root.
        **kwargs: the base optimizer's arguments.

    Example:
        >>> import keras
        >>> w = keras.Variable([1.0])
        >>> Adagrad(0.1, initial_accumulator_value=0.0).apply(
        ...     [keras.ops.convert_to_tensor([3.0])], [w])
        >>> round(float(w.numpy()[0]), 4)  # a first step is lr * sign(g)
        0.9
    """

    hyperparameters = ("initial_accumulator_value", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float = 1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=kwargs.pop("name", "adagrad"), **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = float(epsilon)

    def slot_names(self):
        return ("accumulator",)

    def slot_initializer(self, name):
        return keras.initializers.Constant(self.initial_accumulator_value)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self.slot("accumulator", variable)
        self.assign_add(accumulator, ops.square(gradient))
        root = ops.sqrt(ops.add(accumulator, self.epsilon))
        self.assign_sub(variable, ops.divide(ops.multiply(lr, gradient), root))


@keras.saving.register_keras_serializable(package="course_lib")
class RMSprop(_SlotOptimizer):
    """RMSprop: divide each step by a moving root mean square of the gradient.

    `s = rho * s + (1 - rho) * g**2; w -= lr * g / sqrt(s + eps)`. Centred,
    it also keeps the mean gradient `a` and divides by an estimate of the
    gradient's standard deviation, `sqrt(s - a**2 + eps)`. With `momentum`
    the step itself is smoothed: `m = momentum * m + step; w -= m`.

    Epsilon sits *inside* the square root, as in `keras.optimizers.RMSprop`;
    outside it, the weights differ by 3.6e-4 to 1.4e-2 after a hundred steps
    (chapter 05, three seed offsets).

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        rho: the decay of the moving averages.
        momentum: momentum on the step, 0 for none.
        epsilon: added inside the square root.
        centered: whether to divide by the gradient's variance, not its mean square.
        **kwargs: the base optimizer's arguments.

    Example:
        >>> import keras
        >>> w = keras.Variable([1.0])
        >>> RMSprop(0.01, rho=0.0).apply([keras.ops.convert_to_tensor([-4.0])], [w])
        >>> round(float(w.numpy()[0]), 4)  # with rho = 0 a step is lr * sign(g)
        1.01
    """

    hyperparameters = ("rho", "momentum", "epsilon", "centered")

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-7,
        centered: bool = False,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=kwargs.pop("name", "rmsprop"), **kwargs)
        self.rho = float(rho)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.centered = bool(centered)

    def slot_names(self):
        return (
            ("mean_square",)
            + (("mean_gradient",) if self.centered else ())
            + (("momentum",) if self.momentum else ())
        )

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        rho = self.rho
        mean_square = self.slot("mean_square", variable)
        self.assign(mean_square, rho * mean_square + (1 - rho) * ops.square(gradient))
        denominator = mean_square + self.epsilon
        if self.centered:
            mean_gradient = self.slot("mean_gradient", variable)
            self.assign(mean_gradient, rho * mean_gradient + (1 - rho) * gradient)
            denominator = denominator - ops.square(mean_gradient)
        step = ops.divide(lr * gradient, ops.sqrt(denominator))
        if self.momentum:
            smoothed = self.slot("momentum", variable)
            self.assign(smoothed, self.momentum * smoothed + step)
            step = smoothed
        self.assign_sub(variable, step)


@keras.saving.register_keras_serializable(package="course_lib")
class Adam(_SlotOptimizer):
    """Adam: momentum on the gradient, divided by a moving root mean square.

    `m = b1 * m + (1 - b1) * g` and `v = b2 * v + (1 - b2) * g**2` start at
    zero and so underestimate early on; dividing by `1 - b1**t` and
    `1 - b2**t` corrects the bias. Keras, and this class, fold both
    corrections into the step size: `alpha = lr * sqrt(1 - b2**t) / (1 - b1**t)`,
    `w -= alpha * m / (sqrt(v) + eps)`. Matches `keras.optimizers.Adam`.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        beta_1: decay of the gradient's moving average (the momentum).
        beta_2: decay of the squared gradient's moving average.
        epsilon: added to `sqrt(v)`.
        **kwargs: the base optimizer's arguments; `weight_decay` is decoupled,
            as in AdamW.

    Example:
        >>> import keras
        >>> w = keras.Variable([1.0, 1.0])
        >>> Adam(0.1).apply([keras.ops.convert_to_tensor([1e-3, 5.0])], [w])
        >>> [round(float(x), 3) for x in w.numpy()]  # a first step is lr * sign(g)
        [0.9, 0.9]
    """

    hyperparameters = ("beta_1", "beta_2", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, name=kwargs.pop("name", "adam"), **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def slot_names(self):
        return ("m", "v")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        t = ops.cast(self.iterations + 1, variable.dtype)
        alpha = lr * ops.sqrt(1 - ops.power(self.beta_2, t)) / (1 - ops.power(self.beta_1, t))
        m, v = self.slot("m", variable), self.slot("v", variable)
        self.assign(m, self.beta_1 * m + (1 - self.beta_1) * gradient)
        self.assign(v, self.beta_2 * v + (1 - self.beta_2) * ops.square(gradient))
        self.assign_sub(variable, ops.divide(alpha * m, ops.sqrt(v) + self.epsilon))


@keras.saving.register_keras_serializable(package="course_lib")
class AdamW(Adam):
    """Adam with decoupled weight decay, `w -= lr * weight_decay * w` each step.

    The base optimizer already applies `weight_decay` that way, before
    `update_step`, for every Keras optimizer: so AdamW is Adam with a
    default decay, and `Adam(weight_decay=0.1)` gives the same weights.
    Decay coupled through the loss (an L2 penalty) is different: Adam divides
    its gradient by `sqrt(v)` like any other, so weights with large gradients
    are barely pulled to zero.

    Args:
        learning_rate: a float or a `LearningRateSchedule`.
        weight_decay: the decay per step, multiplied by the learning rate.
        **kwargs: `Adam`'s arguments.

    Example:
        >>> import keras
        >>> w = keras.Variable([1.0])
        >>> AdamW(0.1, weight_decay=0.5).apply([keras.ops.convert_to_tensor([0.0])], [w])
        >>> round(float(w.numpy()[0]), 3)  # decayed by lr * wd = 5%; no gradient step
        0.95
    """

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, **kwargs):
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            name=kwargs.pop("name", "adamw"),
            **kwargs,
        )


def _compiled_step(model: keras.Model, optimizer: keras.optimizers.Optimizer):
    """A compiled MSE training step of `model` with `optimizer`, as `fit` would run it."""
    import tensorflow as tf

    variables = model.trainable_variables
    optimizer.build(variables)

    @tf.function
    def train_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            loss = ops.mean(ops.square(model(x_batch, training=True) - y_batch))
        optimizer.apply(tape.gradient(loss, variables), variables)

    return train_step


def train_regression(
    optimizer: keras.optimizers.Optimizer, steps: int = 100, seed: int = 0
) -> list[np.ndarray]:
    """The weights of a small regression network after `steps` steps with `optimizer`.

    The network (8 inputs, 16 tanh units, 1 output) and its data (batches of
    32 examples, target sin(x_1) + x_2^2 / 2) come from `seed`, so two
    optimizers see the same start and the same batches. Each step is a
    compiled `GradientTape` step that calls `optimizer.apply`, as `fit` does;
    at the end a moving average, if any, is swapped in, as at the end of `fit`.

    Args:
        optimizer: a fresh Keras optimizer, not yet built.
        steps: the number of mini-batches.
        seed: seeds the data and the initial weights.

    Returns:
        The model's weights, as `model.get_weights()` gives them.
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(steps, 32, 8)).astype("float32")
    y = (np.sin(x[..., :1]) + 0.5 * x[..., 1:2] ** 2).astype("float32")
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(16, activation="tanh"), keras.layers.Dense(1)]
    )
    train_step = _compiled_step(model, optimizer)
    for x_batch, y_batch in zip(x, y, strict=True):
        train_step(x_batch, y_batch)
    optimizer.finalize_variable_values(model.trainable_variables)
    return model.get_weights()


def max_weight_difference(
    first: keras.optimizers.Optimizer,
    second: keras.optimizers.Optimizer,
    steps: int = 100,
    seed: int = 0,
) -> float:
    """Largest weight difference after training one network with each optimizer.

    `train_regression` trains two copies of the same network from the same
    weights on the same `steps` batches, one with each optimizer.

    Args:
        first, second: the optimizers to compare; fresh, not yet built.
        steps: the number of mini-batches of 32 examples.
        seed: seeds the data and the initial weights.

    Returns:
        The maximum absolute weight difference, a float.
    """
    trained = [train_regression(optimizer, steps, seed) for optimizer in (first, second)]
    return max(float(np.abs(a - b).max()) for a, b in zip(*trained, strict=True))
