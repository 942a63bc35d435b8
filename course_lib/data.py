"""Offline datasets with ready train / validation / test splits.

Introduced in chapter 00 ("The training loop"), used by every chapter.

Every loader returns a `Split`: seeded, stratified for classification, and by
default 70 % train, 15 % validation, 15 % test. Bundled data comes from
scikit-learn (no network); synthetic generators make data of any size.
Fashion-MNIST and CIFAR-10 are optional online extras: they download through
`keras.datasets` once and raise `DatasetUnavailable` with a clear message when
there is no network.

Example:
    >>> from course_lib import data
    >>> digits = data.load_digits()
    >>> digits.x_train.shape[1:], digits.sizes()
    ((8, 8, 1), (1257, 270, 270))
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

TRAIN_FRACTION = 0.70
VALIDATION_FRACTION = 0.15
TEST_FRACTION = 0.15


class DatasetUnavailable(RuntimeError):
    """An optional online dataset could not be downloaded or read."""


@dataclass(frozen=True)
class Split:
    """Train, validation and test arrays of one dataset.

    Iterating yields the three `(x, y)` pairs, so
    `(x_train, y_train), (x_val, y_val), (x_test, y_test) = split` works.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def train(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x_train, self.y_train

    @property
    def val(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x_val, self.y_val

    @property
    def test(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x_test, self.y_test

    def __iter__(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        return iter((self.train, self.val, self.test))

    def sizes(self) -> tuple[int, int, int]:
        """Number of examples in train, validation and test."""
        return len(self.y_train), len(self.y_val), len(self.y_test)


def split(
    x: np.ndarray,
    y: np.ndarray,
    validation_fraction: float = VALIDATION_FRACTION,
    test_fraction: float = TEST_FRACTION,
    stratify: bool = True,
    seed: int = 0,
) -> Split:
    """Shuffle and cut `(x, y)` into train, validation and test sets.

    With `stratify=True` every class keeps its proportion in all three parts
    (use it for classification labels, not for regression targets).

    Example:
        >>> import numpy as np
        >>> s = split(np.arange(100)[:, None], np.arange(100) % 2)
        >>> s.sizes(), float(s.y_test.mean())
        ((70, 15, 15), 0.4666666666666667)
    """
    from sklearn.model_selection import train_test_split

    if not 0 < validation_fraction + test_fraction < 1:
        raise ValueError("validation_fraction + test_fraction must lie in (0, 1)")
    n_test = round(len(y) * test_fraction)
    n_val = round(len(y) * validation_fraction)
    x_rest, x_test, y_rest, y_test = train_test_split(
        x, y, test_size=n_test, stratify=y if stratify else None, random_state=seed
    )
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=n_val, stratify=y_rest if stratify else None, random_state=seed
    )
    return Split(x_train, y_train, x_val, y_val, x_test, y_test)


def load_digits(flat: bool = False, seed: int = 0) -> Split:
    """The 8x8 handwritten digits bundled with scikit-learn (1,797 images).

    Pixels are scaled to [0, 1] (float32); labels are integers 0-9.

    Args:
        flat: return vectors of 64 pixels instead of (8, 8, 1) images.
        seed: seed of the stratified split.

    Shapes: x `(n, 8, 8, 1)` or `(n, 64)`; y `(n,)`; train/val/test
    1257/270/270.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = (bunch.images / 16.0).astype("float32")
    x = x.reshape(len(x), 64) if flat else x[..., None]
    return split(x, bunch.target.astype("int64"), seed=seed)


def load_breast_cancer(seed: int = 0) -> Split:
    """Wisconsin breast cancer, 569 tumours x 30 unscaled features.

    Labels: 1 = benign, 0 = malignant. Features are left unscaled on purpose:
    scaling them (with `keras.layers.Normalization` adapted on the training
    part only) is part of the lesson. Train/val/test 399/85/85.
    """
    from sklearn.datasets import load_breast_cancer as sklearn_cancer

    bunch = sklearn_cancer()
    return split(bunch.data.astype("float32"), bunch.target.astype("int64"), seed=seed)


def load_diabetes(seed: int = 0) -> Split:
    """Diabetes progression regression set, 442 patients x 10 features.

    Features come pre-scaled by scikit-learn; the target (disease progression
    after one year, roughly 25-346) is float32. Train/val/test 310/66/66.
    """
    from sklearn.datasets import load_diabetes as sklearn_diabetes

    bunch = sklearn_diabetes()
    return split(
        bunch.data.astype("float32"), bunch.target.astype("float32"), stratify=False, seed=seed
    )


def make_moons(n_samples: int = 1000, noise: float = 0.2, seed: int = 0) -> Split:
    """Two interleaving half circles in 2-D, binary labels.

    Shapes: x `(n, 2)` float32, y `(n,)` int64.
    """
    from sklearn.datasets import make_moons as sklearn_moons

    x, y = sklearn_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return split(x.astype("float32"), y.astype("int64"), seed=seed)


def make_spirals(
    n_classes: int = 3, n_per_class: int = 300, noise: float = 0.2, seed: int = 0
) -> Split:
    """Interleaved 2-D spirals, one arm per class: not linearly separable.

    Shapes: x `(n_classes * n_per_class, 2)` float32, y int64 in
    `[0, n_classes)`.
    """
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.05, 1.0, n_per_class), n_classes)
    arm = np.repeat(np.arange(n_classes), n_per_class)
    angle = arm * 2 * np.pi / n_classes + radius * 4.0 + rng.normal(0, noise, size=radius.shape)
    x = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    return split(x.astype("float32"), arm.astype("int64"), seed=seed)


def make_polynomial(
    n_samples: int = 60,
    coefficients: tuple[float, ...] = (0.5, -1.0, 0.0, 2.0),
    noise: float = 0.3,
    seed: int = 0,
) -> Split:
    """Noisy samples of a polynomial on [-1, 1], for bias-variance experiments.

    `y = sum(c_k * x**k) + N(0, noise**2)` with `coefficients` from the
    constant term upwards (the default is a cubic). Shapes: x `(n, 1)`,
    y `(n,)`, both float32.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=n_samples)
    y = np.polynomial.polynomial.polyval(x, coefficients) + rng.normal(0.0, noise, n_samples)
    return split(x[:, None].astype("float32"), y.astype("float32"), stratify=False, seed=seed)


def make_imbalanced(
    n_samples: int = 2000,
    positive_fraction: float = 0.05,
    n_features: int = 10,
    seed: int = 0,
) -> Split:
    """A binary problem where positives are rare (default 5 %).

    Shapes: x `(n, n_features)` float32, y `(n,)` int64 with
    `mean(y) ~= positive_fraction` in every part of the split.
    """
    from sklearn.datasets import make_classification

    x, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=max(2, n_features // 2),
        weights=[1.0 - positive_fraction],
        flip_y=0.0,
        random_state=seed,
    )
    return split(x.astype("float32"), y.astype("int64"), seed=seed)


def make_memory_task(n_samples: int = 3000, length: int = 50, seed: int = 0) -> Split:
    """Sequences of random numbers labelled by the sign of their *first* number.

    Everything after the first step is noise, so a recurrent network must
    carry one bit across `length` steps: a test of gradients through time.
    Introduced in chapter 11 ("Architectures").

    Shapes: x `(n, length, 1)` float32 from N(0, 1), y `(n,)` int64, 1 where
    `x[:, 0, 0] > 0`.

    Example:
        >>> task = make_memory_task(100, length=5)
        >>> task.x_train.shape, bool(((task.x_train[:, 0, 0] > 0) == task.y_train).all())
        ((70, 5, 1), True)
    """
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_samples, length, 1)).astype("float32")
    return split(x, (x[:, 0, 0] > 0).astype("int64"), seed=seed)


def few_per_class(y: np.ndarray, per_class: int, seed: int = 0) -> np.ndarray:
    """Indices of `per_class` examples of every class in `y`, drawn without replacement.

    The labelled set of a few-shot experiment: the same number of examples of
    each class, chosen at random (seeded), in class order.

    Introduced in chapter 10 ("Transfer learning").

    Args:
        y: integer labels.
        per_class: examples to draw from each class.
        seed: seed of the draw.

    Raises:
        ValueError: a class has fewer than `per_class` examples.

    Example:
        >>> y = np.array([0, 1, 0, 1, 0, 1, 2, 2])
        >>> np.bincount(y[few_per_class(y, 2, seed=0)])
        array([2, 2, 2])
    """
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        if len(members) < per_class:
            raise ValueError(f"class {label} has {len(members)} examples, fewer than {per_class}")
        chosen.append(rng.choice(members, per_class, replace=False))
    return np.concatenate(chosen)


def _from_keras_dataset(name: str, loader, size_mb: int, seed: int) -> Split:
    try:
        (x_train, y_train), (x_test, y_test) = loader()
    except Exception as error:  # keras raises a bare Exception on URL failures
        raise DatasetUnavailable(
            f"{name} could not be loaded ({error}). It is downloaded once "
            f"(about {size_mb} MB) into ~/.keras/datasets and needs a network "
            "connection the first time. Offline, use a bundled dataset such as "
            "course_lib.data.load_digits() instead."
        ) from error
    x = np.concatenate([x_train, x_test]).astype("float32") / 255.0
    if x.ndim == 3:
        x = x[..., None]
    y = np.concatenate([y_train, y_test]).reshape(-1).astype("int64")
    return split(x, y, seed=seed)


def load_fashion_mnist(seed: int = 0) -> Split:
    """Fashion-MNIST (70,000 28x28 greyscale clothes images), optional, online.

    Shapes: x `(n, 28, 28, 1)` float32 in [0, 1], y int64 0-9. The original
    train/test division is pooled and re-split 70/15/15 like every loader.

    Raises:
        DatasetUnavailable: offline and not yet in the Keras cache.
    """
    import keras

    return _from_keras_dataset("Fashion-MNIST", keras.datasets.fashion_mnist.load_data, 30, seed)


def load_cifar10(seed: int = 0) -> Split:
    """CIFAR-10 (60,000 32x32 colour images), optional, online.

    Shapes: x `(n, 32, 32, 3)` float32 in [0, 1], y int64 0-9.

    Raises:
        DatasetUnavailable: offline and not yet in the Keras cache.
    """
    import keras

    return _from_keras_dataset("CIFAR-10", keras.datasets.cifar10.load_data, 170, seed)
