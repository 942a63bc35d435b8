"""Plain-data encoding of exercise inputs and results, and their comparison.

Only numbers, strings and nested sequences cross between the grader and a
student's kernel, as JSON: never pickles (unpickling student data would run
student code in the grader) and never live objects (an object whose `__eq__`
always says True buys nothing once it has to become numbers).

Example:
    >>> value = (np.arange(3.0), 2.5)
    >>> compare(decode(encode(value)), decode(encode(value)), rtol=1e-6, atol=0.0) is None
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np


class NotGradable(TypeError):
    """A value that cannot be turned into plain data."""


def encode(value: Any) -> Any:
    """Turn numbers, arrays (NumPy, TensorFlow), strings and tuples/lists into JSON data.

    Integers stay integers and floats stay floats (an `epochs` argument must
    still work with `range`); anything with `__array__` becomes float64.
    """
    if isinstance(value, str):
        return {"str": str(value)}
    if isinstance(value, tuple | list):
        return {"seq": [encode(item) for item in value]}
    if value is None:
        return {"none": True}
    if isinstance(value, bool | int | np.integer | np.bool_):
        return {"int": int(value)}
    if isinstance(value, float | np.floating):
        return {"float": float(value)}
    if hasattr(value, "__array__"):
        try:
            array = np.array(value, dtype="float64", copy=True)
        except (TypeError, ValueError) as error:
            raise NotGradable(f"not numeric: {type(value).__name__}") from error
        return {"array": array.tolist(), "shape": list(array.shape)}
    raise NotGradable(
        f"a value of type {type(value).__name__} cannot be graded; return numbers or arrays"
    )


def decode(data: Any) -> Any:
    """The inverse of `encode`: ints, floats, float64 arrays, strings, tuples, None."""
    if not isinstance(data, dict) or len(data) not in (1, 2):
        raise ValueError("malformed encoded value")
    if "str" in data:
        return str(data["str"])
    if "seq" in data:
        return tuple(decode(item) for item in data["seq"])
    if "none" in data:
        return None
    if "int" in data:
        return int(data["int"])
    if "float" in data:
        return float(data["float"])
    if "array" in data:
        shape = tuple(int(n) for n in data["shape"])
        array = np.array(data["array"], dtype="float64")
        if array.shape != shape:
            raise ValueError("encoded array does not have its stated shape")
        return array
    raise ValueError("malformed encoded value")


def describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    if isinstance(value, tuple):
        return f"tuple of {len(value)}"
    return type(value).__name__


def compare(got: Any, expected: Any, rtol: float, atol: float, where: str = "result") -> str | None:
    """None when two decoded values agree within tolerance, else what differs."""
    if isinstance(expected, tuple):
        if not isinstance(got, tuple) or len(got) != len(expected):
            return f"{where}: expected a tuple of {len(expected)}, got {describe(got)}"
        for index, (got_item, expected_item) in enumerate(zip(got, expected, strict=True)):
            problem = compare(got_item, expected_item, rtol, atol, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if isinstance(expected, int | float | np.ndarray):
        if not isinstance(got, int | float | np.ndarray):
            return f"{where}: expected numbers, got {describe(got)}"
        got, expected = np.asarray(got, "float64"), np.asarray(expected, "float64")
        if got.shape != expected.shape:
            return f"{where}: expected shape {expected.shape}, got {got.shape}"
        if not np.all(np.isfinite(got)) and not np.array_equal(got, expected, equal_nan=True):
            return f"{where}: contains NaN or infinity"
        if np.allclose(got, expected, rtol=rtol, atol=atol):
            return None
        gap = np.abs(got - expected)
        worst = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
        return (
            f"{where}: largest difference {float(gap[worst]):.4g} "
            f"(expected {float(expected[worst]):.6g}, got {float(got[worst]):.6g})"
        )
    if got != expected:
        return f"{where}: expected {expected!r}, got {got!r}"
    return None
