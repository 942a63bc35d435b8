import keras
import matplotlib
import numpy as np
import pytest

from course_lib.callbacks import (
    ActivationStats,
    GradientStats,
    LRRangeTest,
    RangeTestResult,
    layer_activation_stats,
)

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


def test_steps_to_target_counts_the_same_steps_with_several_steps_per_execution():
    from course_lib.callbacks import StepsToTarget

    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 2)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    counted = []
    for steps_per_execution in (1, 5):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(
            optimizer=keras.optimizers.SGD(0.5),
            loss="sparse_categorical_crossentropy",
            steps_per_execution=steps_per_execution,
        )
        counter = StepsToTarget(x, y, target=0.95, every=5)
        model.fit(x, y, epochs=50, batch_size=20, verbose=0, callbacks=[counter])
        counted.append(counter.steps)
    assert counted[0] is not None and counted[0] == counted[1]


def range_test_fit(model, finder, epochs=10):
    x, y = data()
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0, callbacks=[finder])
    return finder.result


def test_range_test_recovers_each_batch_loss_from_kerass_running_mean():
    model, (x, y) = small_model(), data()
    # Rates too small to move the weights: each batch's loss is the untrained model's.
    expected = [
        float(model.compute_loss(x=x[i : i + 8], y=y[i : i + 8], y_pred=model(x[i : i + 8])))
        for i in range(0, 64, 8)
    ]
    result = range_test_fit(model, LRRangeTest(1e-12, 2e-12, steps=16), epochs=2)
    np.testing.assert_allclose(result.losses, expected * 2, rtol=1e-4)
    assert len(result.learning_rates) == 16 and not result.diverged


def test_range_test_sweeps_geometrically_and_puts_everything_back():
    model, (x, y) = small_model(), data()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)  # the optimizer has state to restore
    optimizer = model.optimizer
    before = [v.numpy().copy() for v in model.weights]
    state = [v.numpy().copy() for v in optimizer.variables]
    result = range_test_fit(model, LRRangeTest(1e-4, 1e-1, steps=31))
    np.testing.assert_allclose(result.learning_rates, np.geomspace(1e-4, 1e-1, 31), rtol=1e-6)
    for variable, value in zip(model.weights, before, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)
    for variable, value in zip(optimizer.variables, state, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)
    assert int(optimizer.iterations) == 8 and float(optimizer.learning_rate) == pytest.approx(0.05)


def test_range_test_stops_when_the_loss_diverges_and_brackets_below_it():
    result = range_test_fit(small_model(), LRRangeTest(1e-4, 1e3, steps=80), epochs=20)
    assert result.diverged and len(result.losses) < 80
    assert 1e-3 < result.lower < result.upper < result.learning_rates[-1]
    assert result.smoothed.min() < 0.6 * result.smoothed.max()


def test_range_test_refuses_a_schedule_and_says_what_to_do():
    model = small_model()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    model.compile(optimizer=keras.optimizers.SGD(schedule), loss="mse")
    with pytest.raises(TypeError, match="float learning rate; this one follows a ExponentialDecay"):
        range_test_fit(model, LRRangeTest())


def test_bracket_from_a_known_curve():
    rates = np.geomspace(1e-5, 1.0, 6)
    smoothed = [2.0, 2.1, 3.0, 1.2, 0.8, 1.5]
    result = RangeTestResult.from_sweep(rates, smoothed, smoothed, diverged=True)
    # The plateau is the median of the first two, 2.05 (the noisy 3.0 does not move it);
    # with minimum 0.8 the loss stays below 2.05 - 0.125 from the 4th rate on.
    # Between the 4th and 5th rates the only slope is the fall 1.2 -> 0.8.
    assert (result.lower, result.upper, result.steepest) == (rates[3], rates[4], rates[3])


def test_a_loss_that_never_falls_brackets_nothing():
    rates = np.geomspace(1e-3, 1.0, 4)
    result = RangeTestResult.from_sweep(rates, [1, 2, 3, 9], [1.0, 1.5, 2.0, 4.0], diverged=True)
    assert result.lower == result.upper == result.steepest == rates[0]
