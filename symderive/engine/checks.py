"""Independent checkers of claims.

Each checker compares two things obtained independently and returns a :class:`CheckRecord`:

* :class:`SymbolicCheck`: SymPy reduces ``derived − stated`` to zero (after an optional reduction,
  for example modulo the algebraic relations of radicals, see :mod:`symderive.algebra`);
* :class:`QuadratureCheck`: the *defining* integral, evaluated by mpmath quadrature at ≥ 30 digits,
  against the closed form at seeded random points;
* :class:`MonteCarloCheck`: a sample mean (fixed seed) within a number of standard errors of the
  closed form;
* :class:`FiniteDifferenceCheck`: a derivative claim against central differences at high precision;
* :class:`IntervalCheck`: a strict inequality certified over boxes by mpmath interval arithmetic.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import sympy

from symderive.engine.model import CheckRecord

Vector = Sequence[mpmath.mpf]


def _worst(errors) -> float:
    """The largest error, with any NaN or infinity counted as infinite (``max`` would order a NaN
    away and let a broken evaluation pass)."""
    worst = 0.0
    for error in errors:
        error = float(error)
        if not math.isfinite(error):
            return math.inf
        worst = max(worst, error)
    return worst


def measured_record(method: str, points: int, errors, tolerance: float, error_unit: str,
                    detail: str, start: float) -> CheckRecord:
    """The record of a check that measured one error per point: it passes when the worst error
    (NaN or infinity counted as infinite, see :func:`_worst`) is at most the tolerance."""
    worst = _worst(errors)
    return CheckRecord(
        method=method,
        points=points,
        max_error=worst,
        tolerance=tolerance,
        error_unit=error_unit,
        detail=detail,
        passed=worst <= tolerance,
        seconds=time.perf_counter() - start,
    )


def _relative_error(value: Vector, reference: Vector, scale=None) -> float:
    """max_k |value_k − reference_k| / scale, by default scale = max_k |reference_k| (∞-norm)."""
    scale = _worst(abs(r) for r in reference) if scale is None else float(scale)
    worst = _worst(abs(v - r) for v, r in zip(value, reference, strict=True))
    return worst / scale if scale else worst


@dataclass(frozen=True)
class SymbolicCheck:
    """Proves ``derived == stated`` by reducing their difference to zero.

    ``reduce`` maps the difference to a canonical form that is zero when the identity holds
    (default: ``sympy.simplify``); it must be sound, i.e. never turn a non-zero expression into
    zero.
    """

    derived: sympy.Basic
    stated: sympy.Basic
    reduce: Callable[[sympy.Basic], sympy.Basic] = sympy.simplify
    detail: str = "derived − stated simplifies to 0"
    method: str = "symbolic"

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        difference = sympy.Matrix([self.derived]) - sympy.Matrix([self.stated])
        residual = [self.reduce(entry) for entry in difference]
        passed = all(entry == 0 for entry in residual)
        return CheckRecord(
            method=self.method,
            points=None,
            max_error=0.0 if passed else math.inf,
            tolerance=0.0,
            error_unit="exact",
            detail=self.detail,
            passed=passed,
            seconds=time.perf_counter() - start,
        )


@dataclass(frozen=True)
class QuadratureCheck:
    """The defining integral by mpmath quadrature against the closed form, at ``dps`` digits.

    ``defining(point)`` and ``closed_form(point)`` each return the value (a sequence of numbers) at
    one point; ``points`` are the seeded random points.  The error is the ∞-norm error divided by
    ``scale(point)``, the natural size of the integrand (for example ‖a‖‖b‖ for the kernel), or by
    the ∞-norm of the closed form when no scale is given.  A natural scale keeps the measure
    meaningful where the integral itself vanishes to high order (θ → π), and ``scale_name`` says
    which it is.
    """

    defining: Callable[[dict], Vector]
    closed_form: Callable[[dict], Vector]
    points: Sequence[dict]
    dps: int = 40
    tolerance: float = 1e-30
    scale: Callable[[dict], mpmath.mpf] | None = None
    scale_name: str = "the closed form"
    detail: str = "defining integral by mpmath quadrature vs closed form"
    method: str = "quadrature"

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        with mpmath.workdps(self.dps):
            errors = [
                _relative_error(self.defining(point), self.closed_form(point),
                                None if self.scale is None else self.scale(point))
                for point in self.points
            ]
        return measured_record(self.method, len(self.points), errors, self.tolerance,
                               f"relative to {self.scale_name}",
                               f"{self.detail} ({self.dps} digits)", start)


@dataclass(frozen=True)
class FiniteDifferenceCheck:
    """A gradient claim against central differences of a scalar function, in mpmath at ``dps``
    digits.

    ``function(point, coordinates)`` evaluates the scalar at a flat list of coordinates,
    ``gradient(point)`` is the claimed gradient, ``coordinates(point)`` the expansion point.  With
    step h the central difference has error O(h²); h = 10^(−dps/3) keeps both it and rounding below
    the tolerance.
    """

    function: Callable[[dict, list], mpmath.mpf]
    gradient: Callable[[dict], Vector]
    coordinates: Callable[[dict], list]
    points: Sequence[dict]
    dps: int = 50
    tolerance: float = 1e-25
    detail: str = "central differences vs claimed gradient"
    method: str = "finite-difference"

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        errors = []
        with mpmath.workdps(self.dps):
            step = mpmath.mpf(10) ** (-(self.dps // 3))
            for point in self.points:
                base = list(self.coordinates(point))
                numeric = []
                for i in range(len(base)):
                    plus, minus = list(base), list(base)
                    plus[i] += step
                    minus[i] -= step
                    numeric.append(
                        (self.function(point, plus) - self.function(point, minus)) / (2 * step)
                    )
                errors.append(_relative_error(numeric, self.gradient(point)))
        return measured_record(self.method, len(self.points), errors, self.tolerance, "relative",
                               f"{self.detail} ({self.dps} digits)", start)


@dataclass(frozen=True)
class MonteCarloCheck:
    """Sample means of the integrand against the closed form, within ``tolerance`` standard errors.

    ``cases`` is a sequence of (sampler, exact): ``sampler(rng, n)`` returns n samples of the
    integrand as an (n, m) array, ``exact`` the m closed-form values.  The error is the worst
    |z|-score.
    """

    cases: Sequence[tuple[Callable[[np.random.Generator, int], np.ndarray], Sequence[float]]]
    samples: int = 400_000
    seed: int = 20170301
    tolerance: float = 5.0
    detail: str = "sample mean vs closed form"
    method: str = "monte-carlo"
    chunk: int = 100_000

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        rng = np.random.default_rng(self.seed)
        z_scores = []
        for sampler, exact in self.cases:
            total = total_sq = 0.0
            for begin in range(0, self.samples, self.chunk):
                values = np.asarray(sampler(rng, min(self.chunk, self.samples - begin)),
                                    dtype=float)
                values = values.reshape(values.shape[0], -1)
                total = total + values.sum(axis=0)
                total_sq = total_sq + (values**2).sum(axis=0)
            mean = total / self.samples
            variance = np.maximum(total_sq / self.samples - mean**2, 0.0)
            standard_error = np.sqrt(variance / (self.samples - 1))
            deviation = np.abs(mean - np.asarray(exact, dtype=float))
            # A component with zero sample variance must match exactly (z = 0) or fails (z = inf).
            z = np.divide(
                deviation,
                standard_error,
                out=np.where(deviation == 0, 0.0, np.inf),
                where=standard_error > 0,
            )
            z_scores.extend(z.tolist())
        return measured_record(
            self.method, len(self.cases), z_scores, self.tolerance, "standard errors",
            f"{self.detail} ({self.samples} samples per point, seed {self.seed})", start,
        )


@dataclass(frozen=True)
class IntervalCheck:
    """Certifies a strict inequality ``sign · f > 0`` over a union of boxes with mpmath interval
    arithmetic.

    ``function(*intervals)`` evaluates f on ``mpmath.iv`` intervals (one per variable) and returns
    an interval enclosing f over that box.  Each box of ``boxes`` (a sequence of (lo, hi) per
    variable, numbers or strings) is cut into ``subdivisions`` equal cells per axis; a cell is
    certified when the enclosure has the required strict sign, otherwise it is bisected along every
    axis, up to ``refine`` times.  Interval arithmetic is rigorous (outward rounding), so a passing
    check is a proof over the boxes as represented at ``dps`` digits (an end point such as π is
    rounded once), provided ``function`` returns a true enclosure (only interval operations and
    exact constants inside); ``max_error`` is the number of cells that could not be certified.
    """

    function: Callable[..., object]
    boxes: Sequence[Sequence[tuple]]
    subdivisions: int = 8
    sign: int = 1
    refine: int = 4
    dps: int = 20
    detail: str = "strict sign certified by interval arithmetic"
    method: str = "interval"

    def _certify(self, cell: list, depth: int, tally: dict) -> None:
        iv = mpmath.iv
        tally["cells"] += 1
        value = self.function(*(iv.mpf([lo, hi]) for lo, hi in cell))
        bound = value.a if self.sign > 0 else -value.b
        if bound > 0:
            tally["margin"] = bound if tally["margin"] is None else min(tally["margin"], bound)
            return
        if depth >= self.refine:
            tally["failed"] += 1
            return
        halves = [((lo, (lo + hi) / 2), ((lo + hi) / 2, hi)) for lo, hi in cell]
        for choice in range(2 ** len(cell)):
            sub = [halves[axis][(choice >> axis) & 1] for axis in range(len(cell))]
            self._certify(sub, depth + 1, tally)

    def run(self) -> CheckRecord:
        start = time.perf_counter()
        iv = mpmath.iv
        saved, iv.dps = iv.dps, self.dps
        tally = {"cells": 0, "failed": 0, "margin": None}
        try:
            with mpmath.workdps(self.dps):
                for box in self.boxes:
                    # The last edge is hi itself (lo + (hi - lo)·n/n may miss it by an ulp), so
                    # the cells tile the box exactly and adjacent boxes leave no gap.
                    edges = [
                        [mpmath.mpf(lo) + (mpmath.mpf(hi) - mpmath.mpf(lo)) * i / self.subdivisions
                         for i in range(self.subdivisions)] + [mpmath.mpf(hi)]
                        for lo, hi in box
                    ]
                    for index in np.ndindex(*(self.subdivisions,) * len(box)):
                        cell = [(edges[axis][i], edges[axis][i + 1])
                                for axis, i in enumerate(index)]
                        self._certify(cell, 0, tally)
        finally:
            iv.dps = saved
        margin = "none" if tally["margin"] is None else f"{float(tally['margin']):.3g}"
        relation = "> 0" if self.sign > 0 else "< 0"
        return CheckRecord(
            method=self.method,
            points=tally["cells"],
            max_error=float(tally["failed"]),
            tolerance=0.0,
            error_unit="cells not certified",
            detail=(f"{self.detail}: f {relation} on {len(self.boxes)} box(es), "
                    f"{self.subdivisions} cells per axis, up to {self.refine} bisections; "
                    f"smallest certified margin {margin}"),
            passed=tally["failed"] == 0,
            seconds=time.perf_counter() - start,
        )
