"""course_lib.drift: a KS test per feature, corrected for the number of features."""

import numpy as np
import pytest

from course_lib import drift


def test_no_alarm_on_the_same_distribution_and_an_alarm_on_the_moved_feature():
    rng = np.random.default_rng(0)
    reference = rng.normal(size=(800, 20))
    clean = drift.ks_drift(reference, rng.normal(size=(300, 20)))
    assert not clean.drifted and clean.threshold == pytest.approx(0.01 / 20)
    moved = rng.normal(size=(300, 20))
    moved[:, 7] *= 2.0  # same mean, wider
    report = drift.ks_drift(reference, moved)
    assert report.flagged == [7]
    assert report.text().startswith("1 of 20 features drifted") and "feature 7" in report.text()


def test_images_are_flattened_and_constant_features_never_flagged():
    rng = np.random.default_rng(1)
    reference = rng.random((200, 4, 4, 1))
    reference[:, 0, 0, 0] = 0.0
    incoming = rng.random((100, 4, 4, 1))
    incoming[:, 0, 0, 0] = 0.0
    report = drift.ks_drift(reference, incoming)
    assert len(report.statistics) == 16 and 0 not in report.flagged
    with pytest.raises(ValueError, match="16 reference features, 4 incoming"):
        drift.ks_drift(reference, rng.random((10, 4)))
