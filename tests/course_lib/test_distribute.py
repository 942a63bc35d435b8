import pytest

from course_lib import distribute
from tests.helpers import run_python


@pytest.mark.parametrize(
    ("tpu", "gpus", "cpu_devices", "kind", "replicas"),
    [
        (True, 8, 4, "tpu", 0),  # a TPU wins; TPUStrategy counts its own cores
        (False, 4, 2, "multi-gpu", 4),
        (False, 1, 4, "one-gpu", 1),  # one real GPU beats CPU replicas sharing cores
        (False, 0, 4, "cpu-replicas", 4),
        (False, 0, 1, "cpu", 1),
    ],
)
def test_the_choice_prefers_a_tpu_then_gpus_then_cpu_replicas(
    tpu, gpus, cpu_devices, kind, replicas
):
    choice = distribute.choose_strategy(tpu, gpus, cpu_devices)
    assert (choice.kind, choice.replicas) == (kind, replicas)
    assert choice.reason


def test_precision_policy_is_mixed_only_where_it_pays(monkeypatch):
    assert distribute.precision_policy("multi-gpu") == "mixed_float16"
    # float16 pays only with tensor cores: Volta (7.0) on, the T4 (7.5) included; not a P100.
    assert distribute.precision_policy("one-gpu", compute_capability=(6, 0)) == "float32"
    assert distribute.precision_policy("one-gpu", compute_capability=(7, 5)) == "mixed_float16"
    assert distribute.precision_policy("multi-gpu", compute_capability=(8, 0)) == "mixed_float16"
    assert distribute.precision_policy("tpu") == "mixed_bfloat16"
    assert distribute.precision_policy("cpu-replicas", native_bfloat16=False) == "float32"
    assert distribute.precision_policy("cpu", native_bfloat16=True) == "mixed_bfloat16"
    # The course's notebooks turn oneDNN off, and without it bfloat16 does not pay on a CPU.
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "0")
    assert not distribute.native_bfloat16_cpu()
    assert distribute.precision_policy("cpu") == "float32"


@pytest.mark.slow
def test_split_cpu_after_setup_gives_a_mirrored_strategy_whose_replicas_agree():
    done = run_python(
        """
        import course_lib
        from course_lib import distribute
        # course_lib.setup (importing Keras, seeding, detecting accelerators, op
        # determinism) leaves TensorFlow's devices unset
        course_lib.setup(seed=0, verbose=False)
        import keras
        names = distribute.split_cpu(3)
        assert distribute.split_cpu(3) == names, "a second identical call changes nothing"
        strategy, choice = distribute.get_strategy()
        with strategy.scope():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
            model.compile(optimizer="sgd", loss="mse")
        import numpy as np
        model.fit(np.ones((12, 4)), np.ones(12), batch_size=6, epochs=2, verbose=0)
        copies = strategy.experimental_local_results(model.weights[0].value)
        same = all(np.array_equal(copies[0], other) for other in copies[1:])
        print(len(names), choice.kind, strategy.num_replicas_in_sync, len(copies), same)
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["3", "cpu-replicas", "3", "3", "True"]


@pytest.mark.slow
def test_split_cpu_after_the_first_op_says_to_restart_the_kernel():
    done = run_python(
        """
        import tensorflow as tf
        from course_lib import distribute
        tf.constant(1.0) + 1.0
        distribute.split_cpu(2)
        """
    )
    assert done.returncode == 1
    assert "Restart the kernel and call split_cpu(2) before anything runs" in done.stderr
