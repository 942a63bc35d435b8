import numpy as np
import psutil
import pytest

from course_lib import multiworker
from tests.helpers import child_environment


def test_free_ports_are_distinct_loopback_ports():
    ports = multiworker.free_ports(3)
    assert len(set(ports)) == 3 and all(1024 <= port < 65536 for port in ports)


@pytest.mark.slow
def test_two_workers_end_identical_and_equal_to_one_device(tmp_path):
    runs = multiworker.launch_workers(2, tmp_path, steps=8, seed=3)
    assert [run.index for run in runs] == [0, 1]
    for first, second in zip(runs[0].weights, runs[1].weights, strict=True):
        np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(runs[0].losses, runs[1].losses)
    assert len(runs[0].losses) == 8 and runs[0].losses[-1] < runs[0].losses[0]
    # Each worker averages its half of the batch over the global batch; summed, that is
    # the one-device step.
    for worker, alone in zip(
        runs[0].weights, multiworker.single_device_weights(steps=8, seed=3), strict=True
    ):
        np.testing.assert_allclose(worker, alone, atol=1e-6)
    assert not psutil.Process().children(recursive=True)


@pytest.mark.slow
def test_a_dead_worker_stops_the_cluster_and_a_relaunch_resumes_from_the_chiefs_checkpoint(
    tmp_path,
):
    # Worker 1 dies before step 7; worker 0 would wait for it in an all-reduce forever.
    with pytest.raises(multiworker.WorkerFailed, match="worker 1: dying before step 7") as failed:
        multiworker.launch_workers(
            2, tmp_path / "crashed", steps=10, seed=3, crash_at=7, save_every=3
        )
    assert failed.value.index == 1
    assert not psutil.Process().children(recursive=True)
    # Only the chief's checkpoint is kept; the relaunch goes on from its step.
    assert sorted(p.name for p in (tmp_path / "crashed").iterdir() if p.is_dir()) == ["checkpoints"]
    resumed = multiworker.launch_workers(2, tmp_path / "crashed", steps=10, seed=3)
    assert [run.resumed_from for run in resumed] == [6, 6]
    assert [len(run.losses) for run in resumed] == [4, 4]
    for worker, alone in zip(
        resumed[0].weights, multiworker.single_device_weights(steps=10, seed=3), strict=True
    ):
        np.testing.assert_allclose(worker, alone, atol=1e-6)


def test_a_cluster_past_its_timeout_is_killed(tmp_path):
    with pytest.raises(TimeoutError, match=r"past 0\.5 s"):
        multiworker.launch_workers(2, tmp_path, steps=5, timeout=0.5)
    assert not psutil.Process().children(recursive=True)


def test_the_workers_run_with_the_gpu_hidden(tmp_path, monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0")
    start = lambda: multiworker.launch_workers(2, tmp_path)  # noqa: E731
    environment = child_environment(monkeypatch, multiworker, "Popen", start)
    assert environment["CUDA_VISIBLE_DEVICES"] == "" and "TF_CONFIG" in environment
