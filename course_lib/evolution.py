"""A gradient-free optimiser: a simple evolution strategy.

Introduced in chapter 05 ("Optimisers") as the contrast to gradient descent.
Each step perturbs the parameters with `population` random directions, in
pairs `theta + sigma * eps` and `theta - sigma * eps` (antithetic sampling),
evaluates the loss at each, and moves against the loss-weighted average
direction:

    g = sum_i (f(theta + sigma eps_i) - f(theta - sigma eps_i)) eps_i / (2 sigma population)
    theta -= learning_rate * g

`g` estimates the gradient of the loss smoothed over a Gaussian of width
sigma (Salimans et al. 2017, "Evolution strategies as a scalable alternative
to reinforcement learning"). It needs no derivative, only `2 * population`
loss evaluations a step, and its estimate grows noisier with the number of
parameters: that is the cost chapter 05 measures.

Example:
    >>> result = evolution_strategy(lambda p: float(np.sum(p**2)), np.ones(3), steps=50, seed=0)
    >>> result.evaluations, bool(result.losses[-1] < 0.1 * result.losses[0])
    (1000, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class SearchResult:
    """What `evolution_strategy` found.

    Attributes:
        parameters: the final parameter vector.
        losses: the loss at the current parameters before each step and after the last.
        evaluations: the number of loss evaluations spent, not counting `losses`.
    """

    parameters: np.ndarray
    losses: list[float]
    evaluations: int


def evolution_strategy(
    loss: Callable[[np.ndarray], float],
    start: np.ndarray,
    steps: int = 100,
    population: int = 10,
    sigma: float = 0.1,
    learning_rate: float = 0.05,
    seed: int = 0,
) -> SearchResult:
    """Minimise `loss` with an antithetic evolution strategy.

    Args:
        loss: a function of a 1-D parameter vector returning a float.
        start: the starting parameters (1-D).
        steps: the number of updates.
        population: the number of random directions per step; each costs two
            evaluations.
        sigma: the size of the perturbations.
        learning_rate: the step along the estimated gradient.
        seed: seeds the random directions.

    Returns:
        A `SearchResult`.
    """
    rng = np.random.default_rng(seed)
    theta = np.array(start, dtype="float64").ravel()
    losses = [float(loss(theta))]
    for _ in range(steps):
        directions = rng.normal(size=(population, theta.size))
        differences = np.array(
            [loss(theta + sigma * eps) - loss(theta - sigma * eps) for eps in directions]
        )
        theta = theta - learning_rate * differences @ directions / (2 * sigma * population)
        losses.append(float(loss(theta)))
    return SearchResult(theta, losses, evaluations=2 * population * steps)
