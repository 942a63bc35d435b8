import numpy as np
import psutil
import pytest

from course_lib import interruption
from course_lib.interruption import train_in_subprocess
from tests.helpers import child_environment


@pytest.mark.slow
def test_a_killed_run_resumes_from_its_last_epoch_and_ends_where_an_unbroken_one_does(tmp_path):
    unbroken = train_in_subprocess(tmp_path / "unbroken", epochs=3)
    crashed = train_in_subprocess(tmp_path / "crashed", epochs=3, kill_at_step=60)
    resumed = train_in_subprocess(tmp_path / "crashed", epochs=3)
    assert not unbroken.killed and unbroken.epochs_begun == [0, 1, 2] and unbroken.steps == 120
    # 40 steps an epoch: killed half-way through epoch 1, after epoch 0 was backed up.
    assert crashed.killed and crashed.epochs_begun == [0, 1] and crashed.steps == 60
    assert crashed.weights is None and crashed.optimizer_steps is None
    assert resumed.epochs_begun == [1, 2] and resumed.steps == 80
    assert resumed.optimizer_steps == unbroken.optimizer_steps == 120
    for got, expected in zip(resumed.weights, unbroken.weights, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert not psutil.Process().children(recursive=True)


def test_a_process_past_its_timeout_is_killed_and_reported(tmp_path):
    with pytest.raises(TimeoutError, match=r"past 0\.5 s"):
        train_in_subprocess(tmp_path, epochs=1, timeout=0.5)
    assert not psutil.Process().children(recursive=True)


def test_a_failing_process_raises_with_its_error(tmp_path):
    with pytest.raises(RuntimeError, match="ValueError"):
        train_in_subprocess(tmp_path, epochs=1, save_freq="every-step")


def test_the_training_process_runs_with_the_gpu_hidden(tmp_path, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    start = lambda: train_in_subprocess(tmp_path)  # noqa: E731
    assert child_environment(monkeypatch, interruption, "run", start)["CUDA_VISIBLE_DEVICES"] == ""
