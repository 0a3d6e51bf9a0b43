"""Taylor-plus-Cauchy-tail sign certificates for the critical-point-free region.

Where N = det(M_r) L_12 is a tiny difference of O(1) terms (the corners of the (α, β) domain at
α → 0 and α → π), interval enclosures of N itself lose everything to cancellation.  Instead write
N as an entire function of a small variable, keep its low Taylor terms exactly (SymPy) and bound the
rest by Cauchy's estimate: if |F| <= M on |x| <= R then the Taylor coefficients obey |c_k| <= M/R^k,
so for 0 <= x < R

    |Σ_{k >= D} c_k x^k| <= M (x/R)^D / (1 − x/R).

Two shapes are used, both ending in an IntervalCheck (outward-rounded mpmath.iv arithmetic):

* ``series_sign_check``: one small variable x (α or π − α), coefficients functions of the arc
  parameter τ ∈ [τ_0, τ_1] (real); M is a majorant over the complex disk |x| <= R times the real
  τ-range.
* ``wedge_sign_check``: two small variables u, v >= 0 (a corner of the domain); F = N/(u^a v^b) is
  entire when N vanishes to those orders on the axes (proved symbolically here), and on the torus
  |u| = |v| = R, |F| <= M/R^(a+b); the tail beyond total degree D is at most
  M/R^(a+b) ((u+v)/R)^D/(1 − (u+v)/R) because Σ_{i+j=m} x^i y^j <= (x + y)^m for x, y >= 0.  With
  u = rτ, v = r(1 − τ) the lowest homogeneous part (degree d) of F is divided out: the check
  certifies F_low/r^d minus the tail over r ∈ [0, r_max], τ ∈ [0, 1], a blow-up of the corner.
"""

from __future__ import annotations

from collections.abc import Mapping

import mpmath
import sympy

from symderive.engine.checks import IntervalCheck

TAU = sympy.Symbol("tau", real=True)
U, V = sympy.symbols("u v", positive=True)
_SCALE = sympy.Symbol("t", positive=True)


def taylor_coefficients(expr: sympy.Expr, variable: sympy.Symbol, order: int) -> list[sympy.Expr]:
    """The Taylor coefficients c_0, ..., c_order of expr in ``variable`` at 0, exactly.

    Truncated power-series arithmetic on the expression tree: sums and products of coefficient
    lists (terms beyond ``order`` dropped), integer powers by repeated products, and for sin/cos
    of an argument with series x_0 + x_1 (x_0 its value at 0): sin(x_0 + x_1) = sin x_0 cos x_1 +
    cos x_0 sin x_1, with cos x_1, sin x_1 from their Taylor series, exact up to ``order`` since
    x_1 = O(variable).  Much faster than sympy.series for these expressions.
    """
    zero, one = sympy.Integer(0), sympy.Integer(1)
    memo: dict = {}

    def constant(value) -> list:
        return [value] + [zero] * order

    def product(p: list, q: list) -> list:
        terms = [[] for _ in range(order + 1)]
        for i, a in enumerate(p):
            if a != 0:
                for j, b in enumerate(q[: order + 1 - i]):
                    if b != 0:
                        terms[i + j].append(a * b)
        return [sympy.expand(sympy.Add(*column)) for column in terms]

    def trig(x_0, x_1: list, function) -> list:
        sine, cosine, power = constant(zero), constant(one), constant(one)
        for k in range(1, order + 1):  # x_1^k = O(variable^k)
            power = product(power, x_1)
            target = sine if k % 2 else cosine
            for m in range(order + 1):
                target[m] += (-1) ** (k // 2) * power[m] / sympy.factorial(k)
        if function is sympy.sin:
            return [sympy.expand(sympy.sin(x_0) * c + sympy.cos(x_0) * s)
                    for c, s in zip(cosine, sine, strict=True)]
        return [sympy.expand(sympy.cos(x_0) * c - sympy.sin(x_0) * s)
                for c, s in zip(cosine, sine, strict=True)]

    def series(node: sympy.Expr) -> list:
        if node in memo:
            return memo[node]
        if variable not in node.free_symbols:
            result = constant(node)
        elif node == variable:
            result = [zero, one, *[zero] * (order - 1)][: order + 1]
        elif node.is_Add:
            columns = zip(*(series(a) for a in node.args), strict=True)
            result = [sympy.expand(sum(column, zero)) for column in columns]
        elif node.is_Mul:
            result = constant(one)
            for factor in node.args:
                result = product(result, series(factor))
        elif node.is_Pow and node.exp.is_Integer and node.exp >= 0:
            result, base = constant(one), series(node.base)
            for _ in range(int(node.exp)):
                result = product(result, base)
        elif isinstance(node, (sympy.sin, sympy.cos)):
            argument = series(node.args[0])
            result = trig(argument[0], [zero, *argument[1:]], type(node))
        else:
            raise ValueError(f"taylor_coefficients: unsupported term {node}")
        memo[node] = result
        return result

    return series(expr)


def low_order_terms(expr: sympy.Expr, variable: sympy.Symbol, order: int) -> sympy.Expr:
    """The terms of degree <= order in ``variable`` of expr (see taylor_coefficients)."""
    coefficients = taylor_coefficients(expr, variable, order)
    return sum((c * variable**m for m, c in enumerate(coefficients)), sympy.Integer(0))


def vanishes_identically(expr: sympy.Expr) -> bool:
    """Sound zero test: True only if SymPy reduces expr to 0 (expansion, then simplify)."""
    expanded = sympy.expand(sympy.expand_trig(expr))
    return expanded == 0 or sympy.simplify(expanded) == 0


def majorant(expr: sympy.Expr, radius, real: Mapping | None = None) -> mpmath.mpf:
    """An upper bound of |expr| for every symbol s complex with |s| <= radius, except the symbols
    of ``real``, which range over the given real intervals (lo, hi).

    Recursive: sums and products of bounds, |x^n| <= bound^n; |sin z|, |cos z| <= cosh(Im z) <=
    cosh|w| where z = x + w splits off the real part x (the terms without complex symbols).  Only
    integers, rationals and pi may appear as constants.  Computed with outward-rounded intervals.
    """
    iv = mpmath.iv
    real = real or {}
    if expr.is_Symbol:
        if expr in real:
            low, high = real[expr]
            # the ends as outward intervals: mpf("0.95") alone rounds below 0.95
            return iv.mpf(max(abs(iv.mpf(low)).b, abs(iv.mpf(high)).b))
        return iv.mpf(radius)
    if expr is sympy.pi:
        return iv.pi
    if expr.is_Rational:
        return abs(iv.mpf(expr.p) / expr.q)
    if expr.is_Add:
        return sum((majorant(a, radius, real) for a in expr.args), iv.mpf(0))
    if expr.is_Mul:
        result = iv.mpf(1)
        for factor in expr.args:
            result = result * majorant(factor, radius, real)
        return result
    if expr.is_Pow and expr.exp.is_Integer and expr.exp > 0:
        return majorant(expr.base, radius, real) ** int(expr.exp)
    if isinstance(expr, (sympy.sin, sympy.cos)):
        complex_symbols = expr.free_symbols - set(real)
        _, imaginary_capable = expr.args[0].as_independent(*complex_symbols, as_Add=True)
        bound = majorant(imaginary_capable, radius, real)
        return (iv.exp(bound) + iv.exp(-bound)) / 2
    raise ValueError(f"majorant: unsupported term {expr}")


_RATIO = sympy.Function("exact_ratio")


def interval_function(expr, variables: tuple):
    """expr (or a list of them) as a function of mpmath.iv intervals: pi as an interval and every
    non-integer rational p/q as iv.mpf(p)/q (lambdify alone would print the float p/q)."""
    iv = mpmath.iv

    def exact(e: sympy.Expr) -> sympy.Expr:
        return sympy.sympify(e).replace(lambda a: a.is_Rational and not a.is_Integer,
                                        lambda a: _RATIO(a.p, a.q))

    exprs = [exact(e) for e in expr] if isinstance(expr, list) else exact(expr)
    namespace = {"sin": iv.sin, "cos": iv.cos, "pi": iv.pi,
                 "exact_ratio": lambda p, q: iv.mpf(p) / q}
    return sympy.lambdify(variables, exprs, modules=[namespace], cse=True)


def mean_value_enclosure(expr: sympy.Expr, x: sympy.Symbol):
    """An interval function of (x, τ): expr(mid) + ∇expr(box)·(box − mid)."""
    iv = mpmath.iv
    value = interval_function(expr, (x, TAU))
    gradient = interval_function([sympy.diff(expr, x), sympy.diff(expr, TAU)], (x, TAU))

    def enclosure(a, t):
        a_mid, t_mid = iv.mpf(a.mid), iv.mpf(t.mid)
        d_a, d_t = gradient(a, t)
        return value(a_mid, t_mid) + d_a * (a - a_mid) + d_t * (t - t_mid)

    return enclosure


def series_sign_check(expr: sympy.Expr, x: sympy.Symbol, x_max: str, tau_range: tuple, *,
                      lowest: int, degree: int, sign: int, radius: int = 1, detail: str,
                      subdivisions: int = 4, refine: int = 4) -> IntervalCheck:
    """Certificate of sign·expr(x, τ) > 0 for 0 < x <= x_max, τ in tau_range.

    expr = Σ_k c_k(τ) x^k is entire in x; c_k ≡ 0 for k < lowest is proved (SymPy zero test, else
    ValueError).  The check certifies Σ_{lowest <= k < degree} c_k x^(k − lowest) − M x^(degree −
    lowest)/(R^degree (1 − x/R)) (with sign) over [0, x_max] × tau_range, M = majorant of expr on
    |x| <= R, τ real in tau_range; the subtracted term bounds the Cauchy tail divided by x^lowest.
    """
    coefficients = taylor_coefficients(expr, x, degree - 1)
    for k in range(lowest):
        if not vanishes_identically(coefficients[k]):
            raise ValueError(f"series_sign_check: coefficient of {x}^{k} is not identically 0")
    low = sum((c * x ** (k - lowest) for k, c in enumerate(coefficients) if k >= lowest),
              sympy.Integer(0))
    enclosure = mean_value_enclosure(low, x)
    iv = mpmath.iv
    tail = majorant(expr, radius, {TAU: tau_range}) / iv.mpf(radius) ** degree

    def bound(x_box, tau_box):
        margin = tail * x_box ** (degree - lowest) / (1 - x_box / radius)
        return enclosure(x_box, tau_box) - sign * margin

    return IntervalCheck(
        bound, [[("0", x_max), tau_range]], subdivisions=subdivisions, refine=refine, sign=sign,
        dps=20,
        detail=(f"{detail}: terms of degree {lowest}..{degree - 1} in {x} exactly, Cauchy tail "
                f"on |{x}| = {radius}"),
    )


def _quotient_name(a: int, b: int) -> str:
    """"N", "N/u", "N/(u v)", "N/u^4", ... for the divisor u^a v^b."""
    factors = [f"{name}^{power}" if power > 1 else name
               for name, power in (("u", a), ("v", b)) if power]
    if not factors:
        return "N"
    return f"N/{factors[0]}" if len(factors) == 1 else f"N/({' '.join(factors)})"


def wedge_sign_check(corner: tuple, *, divisor: tuple[int, int], degree: int, sign: int,
                     r_max: str, expression, radius: int = 1, detail: str,
                     subdivisions: int = 4, refine: int = 4) -> IntervalCheck:
    """Certificate of sign·N > 0 on the corner {u, v >= 0, 0 < u + v <= r_max}.

    ``corner`` = (α, θ_1, θ_2) as functions of u, v; ``expression(α, θ_1, θ_2)`` builds N.  N =
    u^a v^b F with F entire is proved (the Taylor coefficients of N in u of order < a, and in v of
    order < b, vanish identically, else ValueError); the lowest homogeneous part of F (degree d) is
    found exactly; the check certifies F_low(rτ, r(1 − τ))/r^d minus the Cauchy tail bound (see the
    module docstring) over r ∈ [0, r_max], τ ∈ [0, 1].  For u, v > 0 this gives sign·N > 0; on
    the axes N = 0 exactly when the divisor says so.
    """
    n = expression(*corner)
    a, b = divisor
    for variable, order in ((U, a), (V, b)):
        for k, c in enumerate(taylor_coefficients(n, variable, order - 1) if order else []):
            if not vanishes_identically(c):
                raise ValueError(f"wedge_sign_check: d^{k}N/d{variable}^{k} is not 0 on the axis")
    scaled = n.subs({U: _SCALE * U, V: _SCALE * V}, simultaneous=True)
    low = sum(taylor_coefficients(scaled, _SCALE, degree + a + b - 1))
    quotient = sympy.Poly(sympy.cancel(sympy.expand(low) / (U**a * V**b)), U, V)
    lowest = min(sum(monomial) for monomial in quotient.monoms())
    r = sympy.Symbol("r", nonnegative=True)
    scaled_quotient = quotient.as_expr().subs({U: r * TAU, V: r * (1 - TAU)}, simultaneous=True)
    scaled_quotient = sympy.expand(scaled_quotient / r**lowest)
    numerator, denominator = sympy.fraction(sympy.together(scaled_quotient))
    if not (denominator.is_Integer and denominator > 0):
        raise ValueError(f"wedge_sign_check: F_low/r^{lowest} is not a polynomial ({denominator})")
    polynomial = interval_function(sympy.expand(numerator), (r, TAU))
    iv = mpmath.iv
    tail = majorant(n, radius) * int(denominator) / iv.mpf(radius) ** (degree + a + b)

    def bound(r_box, tau_box):
        margin = tail * r_box ** (degree - lowest) / (1 - r_box / radius)
        return polynomial(r_box, tau_box) - sign * margin

    return IntervalCheck(
        bound, [[("0", r_max), ("0", "1")]], subdivisions=subdivisions, refine=refine, sign=sign,
        dps=20,
        detail=(f"{detail}: {_quotient_name(a, b)} by its exact terms of degree "
                f"{lowest}..{degree - 1}, "
                f"Cauchy tail on |u| = |v| = {radius}, u + v <= {r_max}"),
    )
