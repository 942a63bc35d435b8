"""Monitoring a deployed model's inputs for data drift, one feature at a time.

Introduced in chapter 13 ("Compression and deployment"). A model is only as
good as the match between the data it meets and the data it learned from.
`ks_drift` compares each feature of a batch of incoming inputs with the same
feature in reference data (the training set) by a two-sample
Kolmogorov-Smirnov test, and flags the features whose p-value falls below
`alpha` divided by the number of features (a Bonferroni correction: with 64
features and no correction, about 3 would be flagged at 0.05 by chance alone).

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> reference = rng.normal(size=(500, 3))
    >>> incoming = rng.normal(size=(200, 3)) + [0.0, 0.0, 1.0]  # the third feature moved
    >>> ks_drift(reference, incoming).flagged
    [2]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class DriftReport:
    """Per-feature KS statistics and p-values, the threshold used and the features flagged."""

    statistics: np.ndarray
    p_values: np.ndarray
    threshold: float
    flagged: list[int]

    @property
    def drifted(self) -> bool:
        """Whether any feature was flagged."""
        return bool(self.flagged)

    def text(self, top: int = 3) -> str:
        """A short report: how many features drifted, and the largest statistics."""
        order = np.argsort(-self.statistics)[:top]
        largest = ", ".join(
            f"feature {i}: KS {self.statistics[i]:.2f} (p {self.p_values[i]:.1e})" for i in order
        )
        return (
            f"{len(self.flagged)} of {len(self.statistics)} features drifted "
            f"(p < {self.threshold:.1e}); largest: {largest}"
        )


def ks_drift(reference: np.ndarray, incoming: np.ndarray, alpha: float = 0.01) -> DriftReport:
    """Two-sample Kolmogorov-Smirnov test on every feature (columns after flattening).

    Args:
        reference: `(examples, ...)` inputs the model was trained on.
        incoming: `(examples, ...)` inputs met in deployment, same feature shape.
        alpha: the family-wise false-alarm rate; each feature is tested at
            `alpha / features`. Features constant in both sets are never flagged.

    Returns:
        A `DriftReport`.
    """
    from scipy.stats import ks_2samp

    reference = np.asarray(reference, "float64").reshape(len(reference), -1)
    incoming = np.asarray(incoming, "float64").reshape(len(incoming), -1)
    if reference.shape[1] != incoming.shape[1]:
        raise ValueError(f"{reference.shape[1]} reference features, {incoming.shape[1]} incoming")
    result = ks_2samp(reference, incoming, axis=0)
    statistics = np.nan_to_num(np.asarray(result.statistic, "float64"))
    p_values = np.nan_to_num(np.asarray(result.pvalue, "float64"), nan=1.0)
    threshold = alpha / reference.shape[1]
    return DriftReport(
        statistics, p_values, threshold, np.flatnonzero(p_values < threshold).tolist()
    )
