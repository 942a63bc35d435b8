import functools

import keras
import numpy as np
import pytest

from course_lib.checks import cases, feedback
from course_lib.checks.forbid import ForbiddenBuiltin, Tripwire, delegation, message, resolve
from course_lib.checks.status import Status


def notebook_code(source: str, **names) -> dict:
    """Run `source` as a notebook cell would be compiled (ipykernel's file names)."""
    namespace = dict(names)
    exec(compile(source, "/tmp/ipykernel_1/4242.py", "exec"), namespace)
    return namespace


def test_resolve_finds_objects_by_every_dotted_path():
    assert resolve("keras.optimizers.Lion") is keras.optimizers.Lion
    assert resolve("keras.src.optimizers.lion.Lion") is keras.optimizers.Lion
    with pytest.raises(ImportError, match="no attribute"):
        resolve("keras.optimizers.NoSuchOptimizer")


def test_delegation_sees_an_alias_a_subclass_and_a_partial():
    names = ["keras.optimizers.Lion", "keras.losses.huber"]
    subclass = type("Lion", (keras.optimizers.Lion,), {})
    assert delegation(keras.optimizers.Lion, names) == "keras.optimizers.Lion"
    assert delegation(subclass, names) == "keras.optimizers.Lion"
    assert delegation(functools.partial(keras.losses.huber, delta=2.0), names) == names[1]
    assert delegation(type("Own", (keras.optimizers.Optimizer,), {}), names) is None


def test_the_tripwire_stops_learner_code_through_any_path_and_records_it():
    from keras.src.losses.losses import huber as defining_module_huber

    cell = notebook_code(
        "def direct(y, p):\n    return keras.losses.huber(y, p)\n"
        "def via_class(y, p):\n    return keras.losses.Huber()(y, p)\n"
        "def swallowed(y, p):\n"
        "    try:\n        return keras.losses.huber(y, p)\n"
        "    except Exception:\n        return 0.0\n",
        keras=keras,
    )
    y, p = np.zeros((2, 3)), np.ones((2, 3))
    with Tripwire(["keras.losses.huber", "keras.losses.Huber"], cell) as wire:
        for answer in (cell["direct"], cell["via_class"]):
            with pytest.raises(ForbiddenBuiltin, match="asks you to write yourself"):
                answer(y, p)
        assert cell["swallowed"](y, p) == 0.0  # it went on, but the wire saw the call
        library = float(keras.ops.mean(keras.losses.Huber()(y, p)))  # no learner code: allowed
    assert wire.used == ["keras.losses.huber", "keras.losses.Huber", "keras.losses.huber"]
    assert library == pytest.approx(0.5)
    # Everything is put back.
    assert keras.losses.huber is defining_module_huber and "__call__" not in vars(
        keras.losses.Huber
    )
    assert float(keras.ops.mean(cell["direct"](y, p))) == pytest.approx(0.5)


def test_check_gives_no_credit_for_the_built_in(monkeypatch):
    exercise = cases.Exercise(
        "own_huber",
        "write it yourself",
        (cases.Case("any", lambda: (np.zeros((2, 3)), np.ones((2, 3))), lambda r, a: None),),
        forbid=("keras.losses.huber",),
    )
    monkeypatch.setitem(cases._REGISTERED, exercise.id, exercise)
    aliased = feedback.evaluate("own_huber", keras.losses.huber)
    calling = feedback.evaluate(
        "own_huber",
        notebook_code("def f(y, p):\n    return keras.losses.huber(y, p)\n", keras=keras)["f"],
    )
    for report in (aliased, calling):
        assert report.passed == 0 and report.outcomes[0].status == Status.FORBIDDEN
        assert message("keras.losses.huber") in report.text()
