import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import course_lib
from course_lib.environment import (
    QUIET_TENSORFLOW_ENV,
    SEED_OFFSET_VARIABLE,
    SEED_STRIDE,
    Environment,
    cpu_subprocess_environment,
)
from course_tools import verify


def test_setup_reports_and_returns_what_it_found(capsys):
    env = course_lib.setup(seed=7)
    line = capsys.readouterr().out.strip()
    assert isinstance(env, Environment)
    assert env.seed == 7 and env.deterministic
    assert env.keras_version == keras.__version__ and env.backend == "tensorflow"
    assert env.accelerator in {"CPU", "GPU", "TPU"}
    assert line == env.report()
    assert "TensorFlow" in line and "Keras 3." in line and "seed 7" in line
    assert len(line.splitlines()) == 1


def test_setup_makes_random_draws_repeat():
    course_lib.setup(seed=3, verbose=False)
    first = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    course_lib.setup(seed=3, verbose=False)
    second = (np.random.rand(3), keras.random.uniform((3,)).numpy())
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])


def test_setup_makes_training_bit_identical():
    def train_once():
        course_lib.setup(seed=11, verbose=False)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)]
        )
        model.compile(optimizer="adam", loss="mse")
        x = np.random.rand(64, 4).astype("float32")
        model.fit(x, x.sum(axis=1), epochs=2, batch_size=16, verbose=0)
        return model.get_weights()

    for a, b in zip(train_once(), train_once(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_setup_refuses_keras_2(monkeypatch):
    monkeypatch.setattr(keras, "__version__", "2.15.0")
    with pytest.raises(RuntimeError, match="needs Keras 3"):
        course_lib.setup(verbose=False)


def test_setup_sets_quiet_log_variables(monkeypatch):
    for name in QUIET_TENSORFLOW_ENV:  # conftest.py set them for the whole session
        monkeypatch.delenv(name, raising=False)
    course_lib.setup(verbose=False)
    assert {name: os.environ.get(name) for name in QUIET_TENSORFLOW_ENV} == QUIET_TENSORFLOW_ENV


def test_importing_course_lib_leaves_tensorflow_unloaded():
    # setup() can only quieten TensorFlow's C++ logs if TensorFlow is not yet imported.
    code = "import sys, course_lib; print('tensorflow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_setup_keeps_native_tensorflow_logs_off_stderr():
    code = "import course_lib; course_lib.setup(verbose=False); print('done')"
    env = {k: v for k, v in os.environ.items() if k not in QUIET_TENSORFLOW_ENV}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "done"
    assert result.stderr == ""


def test_seed_is_the_number_itself_without_an_offset(monkeypatch):
    monkeypatch.delenv(SEED_OFFSET_VARIABLE, raising=False)
    assert [course_lib.seed(n) for n in (0, 1, 42)] == [0, 1, 42]


def test_an_offset_moves_every_seed_apart_from_every_other_offset(monkeypatch):
    seen = set()
    for offset in range(4):
        monkeypatch.setenv(SEED_OFFSET_VARIABLE, str(offset))
        seeds = {course_lib.seed(n) for n in range(10)}
        assert len(seeds) == 10 and not seeds & seen
        seen |= seeds


def test_setup_moves_its_seed_with_the_offset_and_says_so(monkeypatch, capsys):
    monkeypatch.setenv(SEED_OFFSET_VARIABLE, "1")
    env = course_lib.setup(seed=5)
    moved = np.random.rand(3)
    monkeypatch.delenv(SEED_OFFSET_VARIABLE)
    course_lib.setup(seed=5 + SEED_STRIDE)
    same = np.random.rand(3)
    course_lib.setup(seed=5)
    default = np.random.rand(3)
    assert env.seed == 5 and env.seed_offset == 1
    np.testing.assert_array_equal(moved, same)
    assert not np.array_equal(moved, default)
    lines = capsys.readouterr().out.splitlines()
    assert "seed 5 (offset 1), deterministic" in lines[0]
    assert "seed 1005, deterministic" in lines[1] and "offset" not in lines[2]


def test_a_malformed_offset_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(SEED_OFFSET_VARIABLE, "one")
    with pytest.raises(ValueError, match="COURSE_SEED must be an integer"):
        course_lib.seed(0)


def _environment(**changes) -> Environment:
    fields = dict(
        seed=42,
        seed_offset=0,
        deterministic=True,
        tensorflow_version="2.21.0",
        keras_version="3.15.1",
        backend="tensorflow",
        accelerator="CPU",
        gpu_count=0,
        in_colab=False,
        logs_quiet=True,
    )
    return Environment(**{**fields, **changes})


def test_the_report_says_when_onednn_is_on_and_when_tf32_is_off():
    recorded = _environment()
    assert "oneDNN" not in recorded.report() and "TF32" not in recorded.report()
    assert "oneDNN on" in _environment(onednn=True).report()
    assert "device: GPU x1, TF32 off" in _environment(accelerator="GPU", gpu_count=1).report()


def test_nbval_compares_the_report_alike_whatever_the_device_and_onednn_state():
    def sanitized(line):
        for pattern, replacement in verify.sanitize_rules():
            line = pattern.sub(replacement, line)
        return line

    recorded = sanitized(_environment().report())
    for other in (
        _environment(onednn=True, seed_offset=1),
        _environment(accelerator="GPU", gpu_count=2, onednn=True),
        _environment(accelerator="TPU"),
    ):
        assert sanitized(other.report()) == recorded


@pytest.mark.slow
@pytest.mark.parametrize("value", ["0", "1"])
def test_the_onednn_state_is_what_tensorflow_was_imported_with(value):
    probe = "from course_lib.environment import onednn_enabled; print(onednn_enabled())"
    environment = dict(os.environ, TF_ENABLE_ONEDNN_OPTS=value, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", "import tensorflow; " + probe],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=120,
    )
    assert done.stdout.strip() == str(value == "1")


def test_training_subprocesses_do_not_see_the_gpu(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    environment = cpu_subprocess_environment(TF_CONFIG="{}")
    assert environment["CUDA_VISIBLE_DEVICES"] == "" and environment["TF_CONFIG"] == "{}"
    assert environment["PATH"] == os.environ["PATH"]
