import keras
import numpy as np
import pytest

from course_lib.momentum import (
    MomentumScheduler,
    OneCycleMomentum,
    VariableMomentumSGD,
    momentum_variable,
)
from course_lib.optimizers import max_weight_difference


@pytest.mark.parametrize("nesterov", [False, True])
def test_at_a_constant_momentum_it_is_keras_sgd_bit_for_bit(nesterov):
    ours = VariableMomentumSGD(0.05, momentum=0.9, nesterov=nesterov)
    theirs = keras.optimizers.SGD(0.05, momentum=0.9, nesterov=nesterov)
    assert max_weight_difference(ours, theirs, steps=30) == 0.0


def test_keras_sgd_refuses_a_variable_momentum_which_is_why_the_subclass_exists():
    with pytest.raises(ValueError, match="momentum"):
        keras.optimizers.SGD(0.1, momentum=keras.Variable(0.9))


def test_the_one_cycle_momentum_falls_to_its_base_at_the_peak_and_comes_back():
    schedule = OneCycleMomentum(total_steps=100, base_momentum=0.8, max_momentum=0.9)
    values = [schedule(step) for step in range(101)]
    assert values[0] == pytest.approx(0.9) and values[30] == pytest.approx(0.8)
    assert values[100] == pytest.approx(0.9) and schedule(500) == pytest.approx(0.9)
    assert np.all(np.diff(values[:31]) < 0) and np.all(np.diff(values[30:]) > 0)
    assert OneCycleMomentum.from_config(schedule.get_config()).get_config() == schedule.get_config()


def _digits_like(seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(64, 8)).astype("float32"), rng.integers(0, 3, 64)


def _trained(optimizer, callbacks=()):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3)])
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    x, y = _digits_like()
    history = model.fit(
        x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, callbacks=list(callbacks)
    )
    return model, history


@pytest.mark.parametrize(
    "make",
    [
        lambda: VariableMomentumSGD(0.1, momentum=0.95),
        lambda: keras.optimizers.Adam(0.01, beta_1=keras.Variable(0.95)),
    ],
    ids=["sgd", "adam-beta-1"],
)
def test_a_scheduled_momentum_changes_during_fit_and_changes_the_training(make):
    schedule = OneCycleMomentum(total_steps=16)
    scheduled, history = _trained(make(), [MomentumScheduler(schedule)])
    constant, _ = _trained(make())
    # Before the last of the 16 batches the callback set the schedule's value at step 15.
    assert float(momentum_variable(scheduled.optimizer).numpy()) == pytest.approx(schedule(15))
    assert history.history["momentum"] == pytest.approx([schedule(7), schedule(15)])
    gap = max(
        float(np.abs(a - b).max())
        for a, b in zip(scheduled.get_weights(), constant.get_weights(), strict=True)
    )
    assert gap > 1e-4


def test_a_float_momentum_is_refused_with_what_to_use_instead():
    with pytest.raises(ValueError, match=r"VariableMomentumSGD.*beta_1=keras\.Variable"):
        _trained(keras.optimizers.SGD(0.1, momentum=0.9), [MomentumScheduler(lambda step: 0.5)])


def test_its_momentum_is_saved_and_loaded_with_the_model(tmp_path):
    model, _ = _trained(
        VariableMomentumSGD(0.1, momentum=0.95),
        [MomentumScheduler(OneCycleMomentum(total_steps=16))],
    )
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.optimizer, VariableMomentumSGD)
    assert float(loaded.optimizer.momentum_variable.numpy()) == pytest.approx(
        float(model.optimizer.momentum_variable.numpy())
    )
