"""Harnesses that need a process of their own: two logical CPUs are set up once per process."""

import pytest

from tests.helpers import run_python


@pytest.mark.slow
def test_mirrored_training_matches_one_device_only_with_the_global_batch_and_check_says_so():
    code = """
        import course_lib
        course_lib.setup(seed=0, verbose=False)
        from course_lib import distribute
        distribute.split_cpu(2)
        import keras, numpy as np, tensorflow as tf
        from course_lib.checks import harness

        def step(model, optimizer, x, y, global_batch, local=False):
            with tf.GradientTape() as tape:
                per_example = keras.losses.mean_squared_error(y, model(x, training=True))
                loss = (keras.ops.mean(per_example) if local else
                        tf.nn.compute_average_loss(per_example, global_batch_size=global_batch))
            gradients = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            return loss

        alone = harness.one_device_training(0.05, 3)
        right = harness.mirrored_training(step, 0.05, 3)
        local = harness.mirrored_training(lambda *a: step(*a, local=True), 0.05, 3)
        untrained = harness.mirrored_training(lambda *a: 0.123, 0.05, 3)
        print(np.abs(right - alone).max() < 1e-5, np.abs(local - alone).max() > 0.1,
              np.abs(untrained - alone).max() > 0.1)

        # The public check: the right step passes, a blank one is not attempted, a
        # constant is wrong (as tests/course_lib/checks/test_feedback.py does in-process).
        from course_lib.checks import evaluate
        def blank(*args):
            raise NotImplementedError()
        report = evaluate("replica_step", step)
        print(report.passed == report.total > 0, evaluate("replica_step", blank).not_attempted,
              evaluate("replica_step", lambda *a: 0.123).passed == 0)
    """
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"] * 6


@pytest.mark.slow
def test_mirrored_training_says_what_to_do_without_two_logical_cpus():
    code = """
        from course_lib.checks import harness
        harness.mirrored_training(lambda *a: 0.0, 0.05, 0)
    """
    done = run_python(code)
    assert "course_lib.distribute.split_cpu(2) before any TensorFlow op" in done.stderr
