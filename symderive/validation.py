"""Input validation for the runtime API: every bad input gets a ValueError that names the
problem."""

from __future__ import annotations

import numpy as np


def as_float_array(value, name: str, min_ndim: int, finite: bool = True) -> np.ndarray:
    """value as a float64 array with at least ``min_ndim`` dimensions, non-empty, and finite unless
    ``finite`` is False (the caller then checks it: see :func:`require_finite`)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of real numbers ({error})") from None
    if array.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, "
                         f"got shape {array.shape}")
    if array.size == 0 or 0 in array.shape[-min_ndim:]:
        raise ValueError(f"{name} is empty (shape {array.shape})")
    if finite:
        require_finite(array, name)
    return array


def require_finite(array: np.ndarray, name: str) -> None:
    if not np.all(np.isfinite(array)):
        raise not_finite_error(name)


def not_finite_error(name: str) -> ValueError:
    return ValueError(f"{name} contains NaN or infinite entries")


def norm_overflow_error(name: str) -> ValueError:
    return ValueError(f"{name} has a row whose norm overflows float64 (entries near 1e308); "
                      "rescale the weights")


def require_finite_norms(rows: np.ndarray, norms: np.ndarray, name: str) -> None:
    """ValueError unless the row norms are finite: naming non-finite entries, else the overflow."""
    if not np.all(np.isfinite(norms)):
        require_finite(rows, name)
        raise norm_overflow_error(name)


def weights_pair(W, W_star, finite: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Student and teacher weights, shapes (..., K, d) and (..., K*, d), with the same d (finite
    unless ``finite`` is False, as in :func:`as_float_array`)."""
    student = as_float_array(W, "W", 2, finite)
    teacher = as_float_array(W_star, "W_star", 2, finite)
    if student.shape[-1] != teacher.shape[-1]:
        raise ValueError(
            f"W and W_star must have the same input dimension d (last axis): "
            f"{student.shape[-1]} != {teacher.shape[-1]}"
        )
    try:
        np.broadcast_shapes(student.shape[:-2], teacher.shape[:-2])
    except ValueError:
        raise ValueError(
            f"leading (batch) shapes of W {student.shape[:-2]} and W_star {teacher.shape[:-2]} "
            "do not broadcast"
        ) from None
    return student, teacher


def check_option(name: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; expected one of {sorted(allowed)}")
