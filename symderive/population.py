"""The runtime API: expected gating, population loss and gradient, gradient descent.

Conventions (see the README): weights are arrays of shape (..., K, d) whose *rows* are hidden units
(the paper stacks them as columns); the teacher W* has shape (..., K*, d) with K* possibly ≠ K;
leading batch dimensions broadcast.  Everything is per sample: the paper's factor N is dropped.

With signed units u_a (student rows, s = +1; teacher rows, s = −1) and the derived pairwise terms
(κ = k/(‖a‖‖b‖), c_u, c_e; printed into :mod:`symderive._generated.terms` for expected_gating and
into the generated kernels for the rest):

* J(W) = ½ Σ_a Σ_b s_a s_b ‖u_a‖‖u_b‖ κ(θ_ab)                         (claim population-loss);
* ∇_{w_j} J = Σ_a s_a E[F(e_j, u_a)],  E[F(e, u)] = c_u(θ) u + ‖u‖ c_e(θ) e  (multi-relu-gradient).

Near the teacher the gradient is a small difference of large sums; both kernels pair each student
row with its nearest teacher row (within a quarter of its norm) and evaluate the differences of the
pair's terms directly (see the kernels): with every unit paired, each row's error is then below
2ε Σ_k ‖w_k − w*_π(k)‖ in tests/test_population_accuracy.py (ε = 2⁻⁵², π(k) the teacher row paired
with w_k), a fraction of ε times the distance to the teacher; relative to the gradient, up to about
2√K ε/λ_min(H) with H the Hessian at the teacher (see the README).

Zero rows: a zero student row has no direction.  It contributes nothing to g (relu(0·x) = 0) and we
define its gradient to be zero, which is what automatic differentiation of sampled losses returns
(relu′(0) = 0).  Consequently a zero row stays zero under gradient descent: re-initialise it if that
is not wanted.  Zero teacher rows contribute nothing.

Backends: ``"numpy"`` evaluates the generated NumPy kernel (Gram matrices, BLAS, blocks of pairs);
``"c"`` the generated C kernel, compiled at first use
(:mod:`symderive.kernels.c_backend`), the batch split over the cores, small networks eight at a
time (one per vector lane), others one at a time; ``"auto"`` takes C for small networks
(K·(K+K*)·d ≤ C_WORK_LIMIT, where per-call overhead dominates NumPy) and NumPy otherwise, and falls
back to NumPy, saying so once, when no C compiler is available.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from symderive._generated import population_kernel, terms
from symderive.geometry import pairwise_angles, row_norms, teacher_pairs, unit_rows
from symderive.kernels import c_backend
from symderive.validation import (
    as_float_array,
    check_option,
    require_finite_norms,
    weights_pair,
)

BACKENDS = ("auto", "numpy", "c")
#: "auto" uses C when K·(K + K*)·d is at most this (single networks: C is faster up to K = d ≈ 100)
C_WORK_LIMIT = 1 << 20
_fallback_reported = False


def _choose_backend(backend: str, K: int, teacher_count: int, d: int) -> str:
    """"numpy" or "c" for the requested backend; see the module doc."""
    global _fallback_reported
    check_option("backend", backend, BACKENDS)
    if backend == "numpy" or (backend == "auto" and K * (K + teacher_count) * d > C_WORK_LIMIT):
        return "numpy"
    try:
        c_backend.library()
    except c_backend.KernelUnavailableError as error:
        if backend == "c":
            raise c_backend.KernelUnavailableError(f"backend='c' is unavailable: {error}") from None
        if not _fallback_reported:
            _fallback_reported = True
            warnings.warn(f"symderive: C kernel unavailable, using the NumPy backend ({error})",
                          RuntimeWarning, stacklevel=3)
        return "numpy"
    return "c"


def _sizes(student: np.ndarray, teacher: np.ndarray) -> tuple[int, int, int]:
    """K, K*, d of flattened weights."""
    return student.shape[1], teacher.shape[1], student.shape[2]


def _flat_pair(W, W_star, finite: bool = True):
    """Validated weights as (B, K, d) students and (1 or B, K*, d) teachers, plus the batch shape
    (``finite``: see :func:`symderive.validation.weights_pair`)."""
    student, teacher = weights_pair(W, W_star, finite)
    batch = np.broadcast_shapes(student.shape[:-2], teacher.shape[:-2])

    def flat(weights: np.ndarray) -> np.ndarray:
        if weights.shape[:-2] != batch:
            weights = np.broadcast_to(weights, batch + weights.shape[-2:])
        return np.ascontiguousarray(weights).reshape((-1,) + weights.shape[-2:])

    if teacher.ndim == 2 or all(size == 1 for size in teacher.shape[:-2]):
        flat_teacher = np.ascontiguousarray(teacher.reshape((1,) + teacher.shape[-2:]))
    else:
        flat_teacher = flat(teacher)
    return batch, flat(student), flat_teacher


def _unit_norms(student: np.ndarray, teacher: np.ndarray, validate: bool) -> np.ndarray:
    """The norms (B, K + K*) of the units [W; W*] (teacher (1 or B, K*, d) broadcast).

    If ``validate``, the weights are checked here, from these norms (a pass over the weights
    saved): row_norms is NaN or inf for a row with a NaN or inf, and inf for a row whose norm
    overflows (ValueError naming W or W_star).
    """
    student_norms, teacher_norms = row_norms(student), row_norms(teacher)
    if validate:
        require_finite_norms(student, student_norms, "W")
        require_finite_norms(teacher, teacher_norms, "W_star")
    teacher_norms = np.broadcast_to(teacher_norms, (student.shape[0], teacher.shape[-2]))
    return np.concatenate([student_norms, teacher_norms], axis=-1)


def _numpy_units(student: np.ndarray, teacher: np.ndarray, norms: np.ndarray):
    """U = [W; W*] (B, K+K*, d), its norms (from :func:`_unit_norms`), unit rows and signs (+1
    students, −1 teachers)."""
    teacher = np.broadcast_to(teacher, (student.shape[0],) + teacher.shape[1:])
    units = np.concatenate([student, teacher], axis=-2)
    return units, norms, unit_rows(units, norms), _signs(student, teacher)


def _signs(student: np.ndarray, teacher: np.ndarray) -> np.ndarray:
    """s_a of the units [W; W*]: +1 for the K students, −1 for the K* teachers."""
    return np.concatenate([np.ones(student.shape[-2]), -np.ones(teacher.shape[-2])])


def _loss(student: np.ndarray, teacher: np.ndarray, backend: str,
          validate: bool = True) -> np.ndarray:
    """The loss on either backend; ``validate`` as in :func:`_gradient`."""
    if backend == "c":
        loss = np.empty(student.shape[0])
        c_backend.run_batched("symderive_loss", student, teacher, [loss])
        return loss
    norms = _unit_norms(student, teacher, validate)
    return population_kernel.population_loss(*_numpy_units(student, teacher, norms))


def _gradient(student: np.ndarray, teacher: np.ndarray, backend: str,
              validate: bool = True) -> np.ndarray:
    """The gradient on either backend; weights that are not finite, or whose row norms overflow,
    raise ValueError (the C kernel checks them itself, the NumPy path from the row norms, unless
    not ``validate``: the descent loop, which reports diverging networks itself)."""
    if backend == "c":
        gradient = np.empty_like(student)
        c_backend.run_batched("symderive_gradient", student, teacher, [gradient])
        return gradient
    return _numpy_gradient(student, teacher, validate)


def _numpy_gradient(student: np.ndarray, teacher: np.ndarray, validate: bool) -> np.ndarray:
    """The NumPy kernel's unpaired gradient, or its paired one when a student is paired with a
    teacher (:func:`symderive.geometry.teacher_pairs`); ``validate`` as in :func:`_unit_norms`."""
    K = student.shape[-2]
    norms = _unit_norms(student, teacher, validate)
    teacher = np.broadcast_to(teacher, (student.shape[0],) + teacher.shape[1:])
    pairs = teacher_pairs(student, teacher, norms[:, :K])
    if pairs is None:
        gradient = _unpaired_gradient(student, teacher, norms)
    else:
        gradient = np.empty_like(student)
        paired = np.any(pairs >= 0, axis=1)
        if not paired.all():
            gradient[~paired] = _unpaired_gradient(student[~paired], teacher[~paired],
                                                   norms[~paired])
        gradient[paired] = population_kernel.paired_gradient(
            *_numpy_units(student[paired], teacher[paired], norms[paired]), K, pairs[paired])
    gradient[norms[:, :K] == 0] = 0.0
    return gradient


def _unpaired_gradient(student: np.ndarray, teacher: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """The NumPy kernel's gradient for networks without paired students (teacher (B, K*, d))."""
    K = student.shape[-2]
    directions = np.empty(norms.shape + student.shape[-1:])
    for rows, part in ((slice(0, K), student), (slice(K, None), teacher)):
        unit_rows(part, norms[:, rows], out=directions[:, rows])
    return population_kernel.unpaired_gradient(student, teacher, norms, directions,
                                               _signs(student, teacher))


def population_loss(W, W_star, backend: str = "auto") -> np.ndarray | float:
    """J(W) = ½ E[(g(x; W) − g(x; W*))²] for x ~ N(0, I_d), shape W.shape[:-2] (broadcast).

    Closed form: the double sum of the arc-cosine kernel over signed units (see the module doc).
    Its error is bounded relative to the sum of the terms' magnitudes, ½ Σ_ab ‖u_a‖‖u_b‖ |κ(θ_ab)|
    (below 1e-13 of it in tests/test_population_accuracy.py), not relative to J: at or very near
    the teacher, where J is far below that sum, the value is rounding noise and may be negative.
    """
    batch, student, teacher = _flat_pair(W, W_star, finite=False)
    loss = _loss(student, teacher, _choose_backend(backend, *_sizes(student, teacher)))
    loss = loss.reshape(batch)
    return loss[()] if loss.ndim == 0 else loss


def population_gradient(W, W_star, backend: str = "auto") -> np.ndarray:
    """dJ/dW, the same shape as W broadcast against W_star's batch shape (gradient descent
    subtracts it).

    Row j: Σ_a s_a (c_u(θ_ja) u_a + ‖u_a‖ c_e(θ_ja) e_j) (Theorem 1 summed over units); zero for a
    zero row of W (see the module doc).
    """
    batch, student, teacher = _flat_pair(W, W_star, finite=False)
    gradient = _gradient(student, teacher, _choose_backend(backend, *_sizes(student, teacher)))
    return gradient.reshape(batch + student.shape[1:])


class DescentResult(NamedTuple):
    """Final weights (shape of W0 broadcast), and per network: loss, updates done, gradient norm."""

    weights: np.ndarray
    loss: np.ndarray | float
    steps: np.ndarray | int
    gradient_norm: np.ndarray | float


def _positive_number(value, name: str, allow_zero: bool) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return number


def _numpy_descent(student, teacher, lr, steps, tol):
    """The batched NumPy loop: one gradient per step for the networks that have not stopped."""
    weights = student.copy()
    taken = np.zeros(weights.shape[0], dtype=np.int64)
    gradient_norm = np.empty(weights.shape[0])
    active = np.arange(weights.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging network is reported below
        for step in range(steps + 1):
            shared = teacher if teacher.shape[0] == 1 else teacher[active]
            gradient = _gradient(weights[active], shared, "numpy", validate=False)
            norms = row_norms(gradient.reshape(active.size, -1))
            gradient_norm[active] = norms
            moving = (norms > tol) & (step < steps) & np.isfinite(norms)
            active = active[moving]
            if active.size == 0:
                break
            weights[active] -= lr * gradient[moving]
            taken[active] += 1
        return weights, _loss(weights, teacher, "numpy", validate=False), taken, gradient_norm


def gradient_descent(W0, W_star, lr: float, steps: int, tol: float = 0.0,
                     backend: str = "auto") -> DescentResult:
    """Fixed-step gradient descent W ← W − lr·∂J/∂W from W0, for every network of the batch.

    A network stops when its gradient norm (Frobenius, over all its rows) is ≤ tol, or after
    ``steps`` updates.  Returns the final weights and, at them, the loss, the number of updates done
    and the gradient norm.  Raises ValueError if a network diverges (non-finite weights): reduce lr.
    """
    lr = _positive_number(lr, "lr", allow_zero=False)
    tol = _positive_number(tol, "tol", allow_zero=True)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    batch, student, teacher = _flat_pair(W0, W_star)
    chosen = _choose_backend(backend, *_sizes(student, teacher))
    if chosen == "c":
        weights = student.copy()
        loss, gradient_norm = np.empty(weights.shape[0]), np.empty(weights.shape[0])
        taken = np.empty(weights.shape[0], dtype=np.int64)
        c_backend.run_batched("symderive_descent", weights, teacher, [loss, taken, gradient_norm],
                              lr, int(steps), tol)
    else:
        weights, loss, taken, gradient_norm = _numpy_descent(student, teacher, lr, int(steps), tol)
    diverged = ~(np.isfinite(loss) & np.isfinite(gradient_norm)
                 & np.all(np.isfinite(weights), (1, 2)))
    if np.any(diverged):
        raise ValueError(f"gradient descent diverged (non-finite weights or loss) in "
                         f"{int(diverged.sum())} network(s); reduce lr")

    def shaped(values):
        values = values.reshape(batch)
        return values[()] if values.ndim == 0 else values

    return DescentResult(weights.reshape(batch + student.shape[1:]), shaped(loss), shaped(taken),
                         shaped(gradient_norm))


def expected_gating(e, w) -> np.ndarray:
    """E[F(e, w)] = ((π − θ) w + ‖w‖ sin θ ê) / (2π) per sample (Theorem 1), θ = angle(e, w).

    Only the direction of e matters (the paper takes e a unit vector); e must be non-zero.  e and w
    have shape (..., d) and broadcast.  A zero w gives zero.
    """
    e = as_float_array(e, "e", 1)
    w = as_float_array(w, "w", 1)
    if e.shape[-1] != w.shape[-1]:
        raise ValueError(f"e and w must have the same dimension: {e.shape[-1]} != {w.shape[-1]}")
    e_norm = row_norms(e)
    if np.any(e_norm == 0):
        raise ValueError("e must be non-zero: the gating needs a direction")
    batch = np.broadcast_shapes(e.shape[:-1], w.shape[:-1])
    e_hat = np.broadcast_to(unit_rows(e, e_norm), batch + e.shape[-1:])[..., None, :]
    w = np.broadcast_to(w, batch + w.shape[-1:])[..., None, :]
    w_norm = row_norms(w)
    theta, cosine, sine = pairwise_angles(e_hat, unit_rows(w, w_norm))
    gating = (terms.gating_u_coefficient(theta, cosine, sine) * w
              + (w_norm[..., None] * terms.gating_e_coefficient(theta, cosine, sine)) * e_hat)
    return gating[..., 0, :]
