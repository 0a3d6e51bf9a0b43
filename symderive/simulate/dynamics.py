"""Gradient descent on the population loss, batched, with the iterates observed at checkpoints.

:func:`descend` is the single place that chooses the gradient-descent implementation; every
experiment goes through it.  The runtime API is looked up at call time
(``symderive.gradient_descent``), so that importing the experiments (which the command line does for
every sub-command) never imports the generated kernels.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

import symderive


def descend(W: np.ndarray, W_star: np.ndarray, lr: float, steps: int) -> np.ndarray:
    """``steps`` iterations of W ← W − lr·∇J(W) (J the population loss), batched over leading axes.

    W has shape (..., K, d) and W_star (..., K*, d) (rows are hidden units).  No early stop
    (tol = 0), so every network takes exactly ``steps`` steps.
    """
    return symderive.gradient_descent(W, W_star, lr, steps, tol=0.0).weights


def checkpoints(steps: int, count: int) -> list[int]:
    """About ``count`` iteration numbers from 0 to ``steps``, geometrically spaced (for log
    axes)."""
    spaced = np.unique(np.rint(np.geomspace(1, steps, max(count - 1, 1))).astype(int))
    return [0, *spaced.tolist()] if steps > 0 else [0]


def observe_descent(
    W: np.ndarray,
    W_star: np.ndarray,
    lr: float,
    at: Sequence[int],
    observe: Callable[[np.ndarray], np.ndarray],
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Descend to each iteration number in ``at`` (increasing, from 0) and record ``observe(W)``
    there.

    Returns the last iterate and the observations in order.
    """
    observations, done = [], 0
    for iteration in at:
        W = descend(W, W_star, lr, iteration - done)
        done = iteration
        observations.append(observe(W))
    return W, observations
