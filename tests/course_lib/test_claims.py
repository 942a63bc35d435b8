import pytest

from course_lib import claim
from course_lib.claims import HOLDS


def test_a_claim_that_holds_is_printed(capsys):
    claim("two exceeds one", 2 > 1)
    assert capsys.readouterr().out == f"{HOLDS}two exceeds one\n"


def test_a_claim_that_fails_raises_with_its_statement(capsys):
    with pytest.raises(AssertionError, match="claim does not hold: one exceeds two"):
        claim("one exceeds two", 1 > 2)
    assert capsys.readouterr().out == ""


def test_numpy_booleans_are_claims_too(capsys):
    import numpy as np

    claim("all positive", np.all(np.array([1, 2]) > 0))
    with pytest.raises(AssertionError):
        claim("all negative", np.all(np.array([1, 2]) < 0))
