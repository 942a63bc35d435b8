"""Public cases of chapter 13's exercises ("Compression and deployment").

References are properties the right answer must have (the share pruned, and
no pruned weight larger than a kept one), small literal values, and Keras
itself (a `Dense` layer whose pruned weights are set back to zero after every
step); never a copy of the solution. The experiment's bands come from the
course's runs over seeds.
"""

from __future__ import annotations

import math

import numpy as np

from course_lib.checks import harness
from course_lib.checks.cases import Case, Exercise, in_band
from course_lib.checks.values import compare_values


def _kernels(seed: int, shapes) -> tuple:
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, 1.0 + i, shape).tolist() for i, shape in enumerate(shapes)]


def _global_mask_properties(result, args) -> str | None:
    kernels, target = args
    try:
        masks = [np.asarray(mask, dtype="float64") for mask in result]
    except (TypeError, ValueError):
        return "expected one mask per kernel"
    if [m.shape for m in masks] != [np.shape(k) for k in kernels]:
        return f"mask shapes {[m.shape for m in masks]}, expected {[np.shape(k) for k in kernels]}"
    weights = np.concatenate([np.abs(np.ravel(k)) for k in kernels])
    kept = np.concatenate([m.ravel() for m in masks])
    if not np.isin(kept, (0.0, 1.0)).all():
        return "masks must hold only 0 and 1"
    pruned = round(target * len(weights))
    if int((kept == 0).sum()) != pruned:
        return f"{int((kept == 0).sum())} weights pruned, expected {pruned}"
    if pruned and weights[kept == 0].max() > weights[kept == 1].min():
        return "a pruned weight is larger in magnitude than a kept one: prune the smallest"
    return None


GLOBAL_MAGNITUDE_MASKS = Exercise(
    id="global_magnitude_masks",
    hint="rank the magnitudes of all the kernels' weights together (concatenate the flattened "
    "absolute values), prune the round(sparsity * total) smallest, and cut the result back "
    "into one mask per kernel, in its shape",
    public_cases=(
        Case(
            "literal: two kernels, half pruned",
            lambda: ([[[0.1, -3.0], [2.0, 0.2]], [[-0.05, 1.0]]], 0.5),
            lambda result, args: compare_values(
                [np.asarray(m, dtype="float64").tolist() for m in result],
                [[[0.0, 1.0], [1.0, 0.0]], [[0.0, 1.0]]],
            ),
        ),
        Case(
            "the smallest 80 % of three kernels of different scales",
            lambda: (_kernels(1, [(4, 6), (6, 3), (3, 2)]), 0.8),
            _global_mask_properties,
        ),
        Case(
            "the smallest 30 %",
            lambda: (_kernels(2, [(5, 5), (5,)]), 0.3),
            _global_mask_properties,
        ),
    ),
)


POPULATION_STABILITY_INDEX = Exercise(
    id="population_stability_index",
    hint="inner edges: np.quantile(expected, [1/bins, ..., (bins-1)/bins]); the bin of a value "
    "is np.digitize(value, edges, right=True); shares per bin for both samples, floored at "
    "1e-6; then sum (actual - expected) * log(actual / expected) over the bins",
    public_cases=(
        Case(
            "literal: four values, two bins",
            lambda: ([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 3.0], 2),
            lambda result, args: compare_values(
                float(result), 0.25 * math.log(1.5) + 0.25 * math.log(2.0), rtol=1e-9
            ),
        ),
        Case(
            "the same sample twice: 0",
            lambda: (np.random.default_rng(1).normal(size=200).tolist(),) * 2 + (10,),
            lambda result, args: compare_values(float(result), 0.0, atol=1e-12),
        ),
        Case(
            "an empty bin counts as 1e-6",
            lambda: ([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0], 2),
            lambda result, args: compare_values(
                float(result), (1e-6 - 0.5) * math.log(1e-6 / 0.5) + 0.5 * math.log(2.0), rtol=1e-9
            ),
        ),
    ),
)


def _same_as_dense(result, args) -> str | None:
    return compare_values(result, harness.masked_dense_reference(*args), rtol=1e-4, atol=1e-6)


MASKED_DENSE = Exercise(
    id="MaskedDense",
    hint="in build, add the kernel and the bias as trainable weights and the mask, shaped like "
    "the kernel and initialised to ones, with trainable=False, in that order; call multiplies "
    "the kernel by the mask before the matrix product; get_config adds units",
    public_cases=(
        Case(
            "4 units, the same as Dense with pruned weights held at 0",
            lambda: (4, 0),
            _same_as_dense,
        ),
        Case(
            "7 units, the same as Dense with pruned weights held at 0",
            lambda: (7, 1),
            _same_as_dense,
        ),
    ),
    harness=harness.masked_dense_training,
)

PRUNING_BREAKPOINT = Exercise(
    id="pruning_breakpoint",
    hint="follow the recipe exactly: seed Keras with seed first, train with "
    "training.fit_steps(..., steps=400, batch_size=32, seed=seed), keep the trained weights, "
    "and for each sparsity in turn restore them before compression.prune; compare with "
    "training.accuracy on the validation split",
    public_cases=(
        # Bands: the course's runs over 10 seeds (tolerance 0.02: 0.5-0.8; tolerance 0.4:
        # 0.9-0.95); the sparsities are a fixed grid, so the bands are not widened.
        Case("a drop of more than 0.02", lambda: (0.02, 41), in_band(0.5, 0.8)),
        Case("a drop of more than 0.4", lambda: (0.4, 42), in_band(0.9, 0.95)),
    ),
)

EXERCISES = (GLOBAL_MAGNITUDE_MASKS, POPULATION_STABILITY_INDEX, MASKED_DENSE, PRUNING_BREAKPOINT)
