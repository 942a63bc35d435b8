"""The one comparison `check` and the grader share, and the plain data it compares."""

import numpy as np
import pytest

from course_lib.checks.values import (
    NotGradable,
    compare,
    compare_values,
    decode,
    encode,
    within_band,
)


def test_equal_values_agree_and_differences_are_located():
    assert compare_values([1.0, 2.0], np.array([1.0, 2.0])) is None
    message = compare_values(np.array([[1.0, 2.0], [3.0, 4.5]]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert message == "result: largest difference 0.5 at index (1, 1) (expected 4, got 4.5)"


def test_shapes_none_and_non_numbers_are_explained():
    assert "expected shape (2,), got shape (1,)" in compare_values([1.0], np.array([1.0, 2.0]))
    assert "returned None" in compare_values(None, 1.0)
    assert "expected numbers, got str" in compare_values("abc", np.array([1.0]))
    assert "cannot be graded" in compare_values(object(), 1.0)


def test_nan_agrees_only_with_nan_in_the_same_place():
    assert compare_values(np.array([1.0, np.nan]), np.array([1.0, np.nan])) is None
    assert "NaN or infinity" in compare_values(np.array([np.nan, 1.0]), np.array([1.0, np.nan]))
    assert "NaN or infinity" in compare_values(np.array([np.nan]), np.array([1.0]))


def test_tuples_are_compared_item_by_item():
    expected = (np.ones(3), 2.0)
    assert compare_values((np.ones(3), 2.0), expected) is None
    assert compare_values((np.ones(3), 2.5), expected).startswith("result[1]: ")
    assert "expected a tuple of 2" in compare_values(np.ones(3), expected)


def test_check_and_grader_read_the_same_message():
    got, expected = (np.arange(3.0), 1.0), (np.arange(3.0) + 1, 1.0)
    through_the_grader = compare(decode(encode(got)), decode(encode(expected)))
    assert compare_values(got, expected) == through_the_grader


def test_encoding_keeps_ints_floats_strings_and_refuses_objects():
    value = (3, 2.5, "relu", None, np.arange(4.0).reshape(2, 2))
    decoded = decode(encode(value))
    assert decoded[:4] == (3, 2.5, "relu", None) and decoded[4].shape == (2, 2)
    assert isinstance(decoded[0], int)
    with pytest.raises(NotGradable):
        encode({"a": 1})


def test_a_result_inside_the_band_of_the_runs_passes_and_outside_it_is_located():
    runs = [np.array([0.1, 0.9]), np.array([0.12, 0.95])]
    assert within_band(np.array([0.13, 0.88]), runs, margin=0.02) is None
    problem = within_band(np.array([0.11, 0.5]), runs, margin=0.02)
    assert "0.5 at index (1,)" in problem and "[0.88, 0.97]" in problem
    assert "shape" in within_band(np.array([0.1]), runs, margin=0.02)
    assert "None" in within_band(None, runs, margin=0.02)


def test_a_decision_must_be_one_the_runs_made_and_tuples_go_item_by_item():
    runs = [("glorot", 0.93), ("glorot", 0.95)]
    assert within_band(("glorot", 0.97), runs, margin=0.05) is None
    assert "'he' is not what the reference runs gave" in within_band(("he", 0.94), runs, 0.05)
    assert within_band(("glorot", 0.5), runs, 0.05).startswith("result[1]:")
