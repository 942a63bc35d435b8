import math

import keras
import numpy as np
import pytest

from course_lib import schedules

STEPS = [0, 1, 9, 10, 11, 19, 20, 37, 99, 100, 150]


def cyclical_formula(step, base, peak, size, mode, gamma):
    """Smith (2017), written out in plain Python."""
    cycle = math.floor(1 + step / (2 * size))
    x = abs(step / size - 2 * cycle + 1)
    scale = {"triangular": 1.0, "triangular2": 1 / 2 ** (cycle - 1), "exp_range": gamma**step}
    return base + (peak - base) * max(0.0, 1 - x) * scale[mode]


def one_cycle_formula(step, peak, total, fraction, div, final_div):
    """PyTorch's OneCycleLR (cosine annealing), written out in plain Python."""
    start, end, top = peak / div, peak / div / final_div, fraction * total
    step = min(step, total)
    if step < top:
        return peak + (start - peak) * (1 + math.cos(math.pi * step / top)) / 2
    return end + (peak - end) * (1 + math.cos(math.pi * (step - top) / (total - top))) / 2


def test_step_decay_is_keras_staircase_exponential_decay():
    ours = schedules.StepDecay(0.2, drop=0.3, steps_per_drop=7)
    keras_ = keras.optimizers.schedules.ExponentialDecay(0.2, 7, 0.3, staircase=True)
    np.testing.assert_allclose(schedules.values(ours, 60), schedules.values(keras_, 60), rtol=1e-6)


@pytest.mark.parametrize("mode", schedules.CYCLICAL_MODES)
def test_cyclical_matches_smiths_formula(mode):
    schedule = schedules.CyclicalLR(0.001, 0.1, step_size=10, mode=mode, gamma=0.99)
    for step in STEPS:
        expected = cyclical_formula(step, 0.001, 0.1, 10, mode, 0.99)
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5), step


def test_triangular2_halves_each_cycle_and_every_mode_starts_cycles_at_the_base():
    rates = schedules.values(schedules.CyclicalLR(0.0, 1.0, 5, "triangular2"), 40)
    assert [rates[5], rates[15], rates[25], rates[35]] == pytest.approx([1, 0.5, 0.25, 0.125])
    assert rates[0] == rates[10] == rates[20] == 0.0


def test_cyclical_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="triangular2"):
        schedules.CyclicalLR(0.1, 1.0, 5, mode="sawtooth")


def test_one_cycle_matches_the_formula_and_its_landmarks():
    schedule = schedules.OneCycle(0.1, total_steps=100, warmup_fraction=0.25)
    for step in STEPS:
        expected = one_cycle_formula(step, 0.1, 100, 0.25, 25.0, 1e4)
        # float32: near the end the cosine cancels, so the tolerance is on the peak's scale.
        assert float(schedule(step)) == pytest.approx(expected, rel=1e-5, abs=1e-8), step
    rates = schedules.values(schedule, 101)
    assert rates[0] == pytest.approx(0.004) and max(rates) == pytest.approx(0.1)
    assert int(np.argmax(rates)) == 25 and rates[100] == pytest.approx(0.004 / 1e4)


def test_one_cycle_refuses_a_warmup_fraction_outside_zero_one():
    with pytest.raises(ValueError, match="warmup_fraction"):
        schedules.OneCycle(0.1, 100, warmup_fraction=1.0)


SCHEDULES = [
    schedules.StepDecay(0.1, 0.5, 3),
    schedules.CyclicalLR(0.01, 0.1, 4, "exp_range", gamma=0.9),
    schedules.OneCycle(0.1, 12, warmup_fraction=0.4),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_drives_fit_and_survives_a_keras_file(schedule, tmp_path):
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(schedule), "mse")
    model.fit(x, x.sum(1), batch_size=8, epochs=1, verbose=0)
    # Eight steps ran inside the compiled step; the rate now is the schedule's at step 8.
    assert float(model.optimizer.learning_rate) == pytest.approx(float(schedule(8)), rel=1e-6)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    restored = loaded.optimizer._learning_rate
    assert type(restored) is type(schedule) and restored.get_config() == schedule.get_config()
    assert schedules.values(restored, 20) == schedules.values(schedule, 20)
