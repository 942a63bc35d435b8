import keras
import numpy as np
import pytest

from course_lib import monitoring


def small_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.01), "mse", metrics=["mae"])
    return model


def data(rows=64):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def test_throughput_times_every_step_and_splits_off_the_compiling_first_one():
    timer = monitoring.Throughput(batch_size=16)
    small_model().fit(*data(), batch_size=16, epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.step_seconds) == 3 * 4 and len(timer.epoch_seconds) == 3
    # Tracing the training function makes the first step many times slower than the rest.
    assert timer.step_seconds[0] > 5 * timer.steady_step_seconds()
    assert timer.compile_seconds() == pytest.approx(
        timer.step_seconds[0] - np.median(timer.step_seconds[1:])
    )
    assert timer.examples_per_second() == pytest.approx(16 / timer.steady_step_seconds())
    assert sum(timer.step_seconds) < sum(timer.epoch_seconds)


def test_throughput_refuses_to_guess_from_a_single_step():
    timer = monitoring.Throughput(batch_size=64)
    small_model().fit(*data(), batch_size=64, epochs=1, verbose=0, callbacks=[timer])
    with pytest.raises(ValueError, match="at least two"):
        timer.steady_step_seconds()


def test_live_plot_updates_one_display_in_a_kernel_and_draws_once_elsewhere(monkeypatch):
    import IPython.display

    shown, updates = [], []

    class Handle:
        def update(self, figure):
            updates.append(figure)

    def display(figure, display_id=False):
        assert display_id  # a handle, to update in place
        shown.append(figure)
        return Handle()

    monkeypatch.setattr(IPython.display, "display", display)
    x, y = data()
    live = monitoring.LiveHistoryPlot(metrics=("loss", "mae"), title="small", live=True)
    fit = small_model().fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[live])
    history = fit.history
    # Displayed once, then updated in place: the cell keeps one output.
    assert live.redraws == 3 and len(shown) == 1 and len(updates) == 2
    assert updates[-1] is live.figure and live.figure.get_suptitle() == "small"
    assert live.history == {key: pytest.approx(values) for key, values in history.items()}
    panels = live.figure.axes
    assert [ax.get_ylabel() for ax in panels] == ["loss", "mae"]
    assert [line.get_label() for line in panels[0].lines] == ["training", "validation"]
    assert list(panels[1].lines[1].get_ydata()) == pytest.approx(history["val_mae"])

    static = monitoring.LiveHistoryPlot(live=False)
    small_model().fit(x, y, epochs=3, verbose=0, callbacks=[static])
    assert static.redraws == 1 and len(shown) == 1


def test_live_plot_is_static_outside_a_kernel():
    assert monitoring.LiveHistoryPlot().live is False  # pytest runs no IPython kernel


def test_read_scalars_reads_back_what_keras_tensorboard_wrote(tmp_path):
    x, y = data()
    history = (
        small_model()
        .fit(
            x,
            y,
            epochs=3,
            verbose=0,
            validation_split=0.25,
            callbacks=[keras.callbacks.TensorBoard(tmp_path)],
        )
        .history
    )
    rows = monitoring.read_scalars(tmp_path)
    assert {(row.run, row.tag) for row in rows} >= {
        ("train", "epoch_loss"),
        ("train", "epoch_mae"),
        ("validation", "epoch_loss"),
        ("train", "epoch_learning_rate"),
    }
    steps, losses = monitoring.curve(rows, "train", "epoch_loss")
    np.testing.assert_array_equal(steps, [0, 1, 2])
    np.testing.assert_allclose(losses, history["loss"], rtol=1e-6)
    _, val_mae = monitoring.curve(rows, "validation", "epoch_mae")
    np.testing.assert_allclose(val_mae, history["val_mae"], rtol=1e-6)
    with pytest.raises(KeyError, match="epoch_accuracy"):
        monitoring.curve(rows, "train", "epoch_accuracy")
