"""Plain-data values and the one comparison `check` and the grader share.

Only numbers, strings and nested sequences cross between the grader and a
student's kernel, as JSON: never pickles (unpickling student data would run
student code in the grader) and never live objects (an object whose `__eq__`
always says True buys nothing once it has to become numbers). `check`
encodes a result the same way before comparing it, so a learner reads the
same message from `check` as in the grader's report.

Example:
    >>> compare_values(np.array([1.0, 2.5]), np.array([1.0, 2.0]))
    'result: largest difference 0.5 at index (1,) (expected 2, got 2.5)'
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: Relative and absolute tolerance of a comparison unless an exercise says otherwise.
DEFAULT_TOLERANCE = (1e-5, 1e-6)


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


def _numbers(value: Any) -> np.ndarray | None:
    """`value` as a float64 array when it is numbers (a tuple of numbers included)."""
    if isinstance(value, bool | str) or value is None:
        return None
    if isinstance(value, tuple) and not all(_numbers(item) is not None for item in value):
        return None
    try:
        return np.asarray(value, dtype="float64")
    except (TypeError, ValueError):
        return None


def _compare_numbers(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float, where: str):
    if got.shape != expected.shape:
        return f"{where}: expected shape {expected.shape}, got shape {got.shape}"
    if not np.all(np.isfinite(got)) and not np.array_equal(got, expected, equal_nan=True):
        return f"{where}: contains NaN or infinity where the expected value has none"
    if np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        return None
    gap = np.abs(got - expected)
    gap = np.where(np.isnan(gap), np.inf, gap)
    worst = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), gap.shape))
    at = f" at index {worst}" if worst else ""
    return (
        f"{where}: largest difference {float(gap[worst]):.4g}{at} "
        f"(expected {float(expected[worst]):.6g}, got {float(got[worst]):.6g})"
    )


def compare(
    got: Any,
    expected: Any,
    rtol: float = DEFAULT_TOLERANCE[0],
    atol: float = DEFAULT_TOLERANCE[1],
    where: str = "result",
) -> str | None:
    """None when two decoded values agree within tolerance, else what differs.

    The expected value sets the structure: a tuple is compared item by item,
    numbers (an array, or a tuple of numbers where an array is expected) as
    arrays. NaN agrees only with NaN in the same place.
    """
    if got is None and expected is not None:
        return f"{where}: the function returned None (is a `return` missing?)"
    if isinstance(expected, tuple) and isinstance(got, tuple):
        if len(got) != len(expected):
            return f"{where}: expected a tuple of {len(expected)}, got {describe(got)}"
        for index, (got_item, expected_item) in enumerate(zip(got, expected, strict=True)):
            problem = compare(got_item, expected_item, rtol, atol, f"{where}[{index}]")
            if problem:
                return problem
        return None
    expected_numbers = _numbers(expected)
    if expected_numbers is not None:
        got_numbers = _numbers(got)
        if got_numbers is None:
            return f"{where}: expected numbers, got {describe(got)}"
        return _compare_numbers(got_numbers, expected_numbers, rtol, atol, where)
    if isinstance(expected, tuple):
        return f"{where}: expected a tuple of {len(expected)}, got {describe(got)}"
    if got != expected:
        return f"{where}: expected {expected!r}, got {got!r}"
    return None


def within_band(got: Any, runs: list[Any], margin: float, where: str = "result") -> str | None:
    """None when `got` lies in the band the reference `runs` span, widened by `margin`.

    An experiment's result differs from seed to seed and from CPU to CPU, so
    it is graded against the range of the reference's runs over several seeds
    rather than one number: numbers must lie in [min - margin, max + margin],
    element by element; anything else (a decision such as a name) must be one
    of the values the runs gave.

    Example:
        >>> within_band(0.93, [0.91, 0.95, 0.96], margin=0.02) is None
        True
        >>> within_band(0.5, [0.91, 0.95, 0.96], margin=0.02)
        'result: 0.5 lies outside the band [0.89, 0.98] of the reference runs over seeds'
    """
    if got is None:
        return f"{where}: the function returned None (is a `return` missing?)"
    first = runs[0]
    if isinstance(first, tuple) and _numbers(first) is None:
        if not isinstance(got, tuple) or len(got) != len(first):
            return f"{where}: expected a tuple of {len(first)}, got {describe(got)}"
        for index, item in enumerate(got):
            problem = within_band(item, [run[index] for run in runs], margin, f"{where}[{index}]")
            if problem:
                return problem
        return None
    if _numbers(first) is None:
        if got in runs:
            return None
        seen = ", ".join(sorted(set(map(repr, runs))))
        return f"{where}: {got!r} is not what the reference runs gave ({seen})"
    got_numbers = _numbers(got)
    if got_numbers is None:
        return f"{where}: expected numbers, got {describe(got)}"
    stacked = np.stack([np.asarray(run, dtype="float64") for run in runs])
    low, high = stacked.min(axis=0) - margin, stacked.max(axis=0) + margin
    if got_numbers.shape != low.shape:
        return f"{where}: expected shape {low.shape}, got shape {got_numbers.shape}"
    outside = ~((got_numbers >= low) & (got_numbers <= high))
    if not outside.any():
        return None
    index = tuple(int(i) for i in np.argwhere(outside)[0])
    value, lo, hi = (float(np.asarray(a)[index]) for a in (got_numbers, low, high))
    at = f" at index {index}" if index else ""
    return (
        f"{where}: {value:.4g}{at} lies outside the band [{lo:.4g}, {hi:.4g}] "
        "of the reference runs over seeds"
    )


def as_plain(value: Any) -> Any:
    """`value` as the grader sees it: encoded, then decoded.

    Raises:
        NotGradable: the value is not numbers, strings or sequences of them.
    """
    return decode(encode(value))


def compare_values(
    got: Any,
    expected: Any,
    rtol: float = DEFAULT_TOLERANCE[0],
    atol: float = DEFAULT_TOLERANCE[1],
) -> str | None:
    """`compare` for live values (NumPy, TensorFlow, lists): both become plain data first."""
    try:
        got = as_plain(got)
    except NotGradable as error:
        return f"result: {error}"
    return compare(got, as_plain(expected), rtol, atol)
