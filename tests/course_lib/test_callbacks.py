import keras
import matplotlib
import numpy as np

from course_lib.callbacks import ActivationStats, GradientStats, layer_activation_stats

matplotlib.use("Agg")


def small_model(activation="tanh"):
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((5,)),
            keras.layers.Dense(8, activation=activation),
            keras.layers.Dense(8, activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_activation_stats_match_a_direct_computation():
    model = small_model()
    x, _ = data()
    stats = layer_activation_stats(model, x)
    hidden = keras.Model(model.inputs[0], model.layers[0].output)(x).numpy()
    first = stats[model.layers[0].name]
    assert first["mean"] == np.float32(hidden.mean())
    np.testing.assert_allclose(first["std"], hidden.std(), rtol=1e-6)
    np.testing.assert_allclose(first["saturated"], (np.abs(hidden) > 0.99).mean())
    assert np.isnan(stats[model.layers[1].name]["saturated"])  # relu does not saturate


def test_saturation_is_detected_for_huge_weights():
    model = small_model("sigmoid")
    model.layers[0].kernel.assign(model.layers[0].kernel * 100.0)
    x, _ = data()
    assert layer_activation_stats(model, x)[model.layers[0].name]["saturated"] > 0.8


def test_callbacks_record_before_training_and_every_epoch():
    model = small_model()
    x, y = data()
    activations, gradients = ActivationStats(x), GradientStats(x, y)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[activations, gradients])
    assert activations.history["epoch"] == [0, 1, 2, 3]
    assert len(activations.history["layers"]) == 3
    norms = gradients.history["layers"][model.layers[0].name]["gradient_norm"]
    assert len(norms) == 4 and all(n > 0 for n in norms)
    rows = activations.rows()
    assert len(rows) == 12 and set(rows[0]) == {"epoch", "layer", "mean", "std", "saturated"}


def test_plot_layer_stats_accepts_both_shapes():
    from course_lib.plots import plot_layer_stats

    model = small_model()
    x, y = data()
    recorder = GradientStats(x, y)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[recorder])
    ax = plot_layer_stats(layer_activation_stats(model, x), "std", label="now")
    ax = plot_layer_stats(
        recorder.history, "gradient_norm", ax=ax, label="gradients", log_scale=True
    )
    assert ax.get_xlabel() == "layer (depth)" and len(ax.get_lines()) == 2


def test_steps_to_target_counts_and_stops():
    from course_lib.callbacks import StepsToTarget

    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    reached = StepsToTarget(x, y, target=0.95, every=5)
    model.fit(x, y, epochs=50, batch_size=20, verbose=0, callbacks=[reached])
    assert reached.steps is not None and reached.steps % 5 == 0
    assert reached.step == reached.steps  # training stopped at that step's epoch end or sooner
    never = StepsToTarget(x, y, target=1.01, every=5)
    model.fit(x, y, epochs=1, batch_size=20, verbose=0, callbacks=[never])
    assert never.steps is None and never.step == 10
