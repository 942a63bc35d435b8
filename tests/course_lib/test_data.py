import gzip
import os
import subprocess
import sys

import numpy as np
import pytest

from course_lib import data


@pytest.mark.parametrize(
    ("loader", "x_shape", "sizes"),
    [
        (lambda: data.load_digits(), (8, 8, 1), (1257, 270, 270)),
        (lambda: data.load_digits(flat=True), (64,), (1257, 270, 270)),
        (data.load_breast_cancer, (30,), (399, 85, 85)),
        (data.load_diabetes, (10,), (310, 66, 66)),
        (lambda: data.make_moons(1000), (2,), (700, 150, 150)),
        (lambda: data.make_spirals(3, 300), (2,), (630, 135, 135)),
        (lambda: data.make_polynomial(200), (1,), (140, 30, 30)),
        (lambda: data.make_imbalanced(2000), (10,), (1400, 300, 300)),
    ],
)
def test_loaders_return_documented_shapes_and_70_15_15_split(loader, x_shape, sizes):
    split = loader()
    assert split.sizes() == sizes
    for x, y in split:
        assert x.shape[1:] == x_shape
        assert x.dtype == np.float32
        assert len(x) == len(y)
        assert np.all(np.isfinite(x))


def test_splits_are_stratified():
    digits = data.load_digits()
    shares = [np.bincount(y, minlength=10) / len(y) for _, y in digits]
    np.testing.assert_allclose(shares[0], shares[1], atol=0.01)
    np.testing.assert_allclose(shares[0], shares[2], atol=0.01)
    rare = data.make_imbalanced(2000, positive_fraction=0.05)
    for _, y in rare:
        assert y.mean() == pytest.approx(0.05, abs=0.005)


def test_split_is_seeded_and_disjoint():
    a, b = data.load_breast_cancer(seed=1), data.load_breast_cancer(seed=1)
    c = data.load_breast_cancer(seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.x_train, c.x_train)
    rows = [tuple(row) for x, _ in a for row in x]
    assert len(set(rows)) == len(rows) == 569


def test_digits_are_scaled_to_unit_range():
    digits = data.load_digits()
    assert digits.x_train.min() == 0.0 and digits.x_train.max() == 1.0
    assert set(np.unique(digits.y_train)) == set(range(10))


def test_polynomial_follows_its_coefficients_when_noise_free():
    split = data.make_polynomial(50, coefficients=(1.0, 0.0, -2.0), noise=0.0)
    x, y = split.train
    np.testing.assert_allclose(y, 1.0 - 2.0 * x[:, 0] ** 2, rtol=1e-5, atol=1e-5)


def test_spirals_have_one_arm_per_class():
    split = data.make_spirals(n_classes=4, n_per_class=100)
    assert set(np.unique(split.y_train)) == {0, 1, 2, 3}


def test_split_rejects_impossible_fractions():
    with pytest.raises(ValueError):
        data.split(np.zeros((10, 1)), np.zeros(10), validation_fraction=0.6, test_fraction=0.5)


def _write_idx(path, array, magic):
    with gzip.open(path, "wb") as handle:
        header = b"\x00" * (16 if magic == "images" else 8)
        handle.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_loading_code_on_small_files(tmp_path):
    # Keras reads ~/.keras/datasets (KERAS_HOME) before downloading: small files
    # in the original format there exercise the real loading path, offline.
    folder = tmp_path / "datasets" / "fashion-mnist"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 70), ("t10k", 30)):
        _write_idx(
            folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)), "images"
        )
        _write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10, "labels")
    code = (
        "from course_lib import data; s = data.load_fashion_mnist(); "
        "print(s.sizes(), s.x_train.shape[1:], float(s.x_train.max()) <= 1.0)"
    )
    env = {**os.environ, "KERAS_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(70, 15, 15) (28, 28, 1) True"


def test_online_datasets_explain_what_to_do_offline(monkeypatch):
    import keras

    def offline():
        raise Exception("URL fetch failure on https://example.invalid: None -- no network")

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", offline)
    with pytest.raises(data.DatasetUnavailable, match="needs a network connection") as error:
        data.load_cifar10()
    assert "load_digits" in str(error.value)


def test_cifar10_arrays_are_converted(monkeypatch):
    import keras

    rng = np.random.default_rng(0)
    fake = (
        (rng.integers(0, 256, (70, 32, 32, 3)), (np.arange(70) % 10)[:, None]),
        (rng.integers(0, 256, (30, 32, 32, 3)), (np.arange(30) % 10)[:, None]),
    )
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", lambda: fake)
    split = data.load_cifar10()
    assert split.sizes() == (70, 15, 15)
    assert split.x_train.shape[1:] == (32, 32, 3) and split.y_train.ndim == 1


def test_few_per_class_draws_the_same_number_of_each_class_seeded():
    y = np.repeat(np.arange(4), [5, 9, 3, 7])
    chosen = data.few_per_class(y, 3, seed=7)
    assert np.bincount(y[chosen]).tolist() == [3, 3, 3, 3]
    assert len(set(chosen.tolist())) == 12
    np.testing.assert_array_equal(chosen, data.few_per_class(y, 3, seed=7))
    assert not np.array_equal(chosen, data.few_per_class(y, 3, seed=8))
    with pytest.raises(ValueError, match="class 2 has 3 examples, fewer than 4"):
        data.few_per_class(y, 4)
