import keras
import numpy as np
import pytest

from course_lib.training import fit_steps, train_loop


def _twin_models(regularizer=None):
    keras.utils.set_random_seed(0)

    def build():
        return keras.Sequential(
            [
                keras.Input((5,)),
                keras.layers.Dense(8, activation="tanh", kernel_regularizer=regularizer),
                keras.layers.Dense(1),
            ]
        )

    reference, ours = build(), build()
    ours.set_weights(reference.get_weights())
    return reference, ours


@pytest.mark.parametrize("regularizer", [None, keras.regularizers.L2(0.01)])
@pytest.mark.parametrize(
    "optimizer", [lambda: keras.optimizers.SGD(0.05), lambda: keras.optimizers.Adam(0.01)]
)
def test_train_loop_matches_model_fit(regularizer, optimizer):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(70, 5)).astype("float32")  # 70 = 4 full batches + one of 6
    y = (x @ rng.normal(size=(5, 1))).astype("float32")
    x_val, y_val = x[:20], y[:20]
    reference, ours = _twin_models(regularizer)
    reference.compile(optimizer=optimizer(), loss="mse")
    history = reference.fit(
        x, y, epochs=4, batch_size=16, shuffle=False, verbose=0, validation_data=(x_val, y_val)
    )
    logs = train_loop(
        ours,
        x,
        y,
        epochs=4,
        batch_size=16,
        loss=keras.losses.MeanSquaredError(),
        optimizer=optimizer(),
        validation_data=(x_val, y_val),
    )
    for a, b in zip(reference.get_weights(), ours.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(history.history["loss"], logs["loss"], rtol=1e-5)
    np.testing.assert_allclose(history.history["val_loss"], logs["val_loss"], rtol=1e-5)


def test_train_loop_shuffles_reproducibly_and_still_learns():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    runs = []
    for _ in range(2):
        _, model = _twin_models()
        runs.append(
            train_loop(
                model,
                x,
                y,
                epochs=30,
                batch_size=8,
                shuffle=True,
                seed=3,
                loss=keras.losses.MeanSquaredError(),
                optimizer=keras.optimizers.SGD(0.05),
            )
        )
    assert runs[0]["loss"] == runs[1]["loss"]
    assert runs[0]["loss"][-1] < 0.1 * runs[0]["loss"][0]


def test_fit_steps_takes_exactly_the_steps_asked_on_a_set_smaller_than_a_batch():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "float32")
    y = np.array([[1.0], [2.0], [3.0]], "float32")
    fit_steps(model, x, y, steps=200, batch_size=16)
    assert int(model.optimizer.iterations) == 200
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=0.1)


def test_a_restarted_model_trains_exactly_like_a_freshly_compiled_one():
    from course_lib.training import restart

    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(40, 5)).astype("float32"), rng.integers(0, 3, 40)

    def compiled(seed):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential(
            [
                keras.Input((5,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.BatchNormalization(),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy")
        return model

    reused = compiled(0)
    fit_steps(reused, x, y, steps=7, seed=0)
    fresh = compiled(1)
    restart(reused, fresh.get_weights())
    assert int(reused.optimizer.iterations) == 0
    for model in (reused, fresh):
        fit_steps(model, x, y, steps=7, seed=1)
    for ours, theirs in zip(reused.get_weights(), fresh.get_weights(), strict=True):
        np.testing.assert_array_equal(ours, theirs)
