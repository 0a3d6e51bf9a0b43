"""Sound zero-testing of expressions with radicals and inverse trigonometric functions.

``simplify`` often fails on identities such as ∇_a of the arc-cosine kernel = the expected gating,
because SymPy rewrites sin(acos z) as sqrt(1 − z²) and then cannot match radicals that arose on
different routes.  :func:`reduce_modulo_radicals` decides such identities algebraically:

1. every square-root power R^(p/2) becomes s^p for a fresh symbol s with the relation s² = R
   (innermost radicals first; equal radicands, compared after ``cancel``, share one symbol);
2. every inverse trigonometric function acos(z), atan2(y, x), ... becomes a fresh symbol t, and so
   does every constant such as π and every other function application (|x|, sin x, ...) or
   non-integer power (no relation: they are treated as independent, so an identity proved for a
   generic t holds in particular for the true value);
3. the result is put over a common denominator and its numerator reduced modulo a Gröbner basis of
   the relations (each relation with its denominators cleared).

A zero remainder proves the identity wherever the denominators do not vanish and the radicals are
the chosen roots (sound: membership in the ideal implies vanishing on the variety).  A non-zero
remainder only means "not proved"; the returned expression is then non-zero and the check fails.
"""

from __future__ import annotations

import sympy

_INVERSE_TRIG = (sympy.acos, sympy.asin, sympy.atan, sympy.atan2)


class _RadicalRewriter:
    def __init__(self) -> None:
        self.radicals: dict[sympy.Expr, tuple[sympy.Symbol, sympy.Expr]] = {}
        self.angles: dict[sympy.Expr, sympy.Symbol] = {}

    def rewrite(self, expr: sympy.Basic) -> sympy.Basic:
        if isinstance(expr, sympy.NumberSymbol):
            return self._angle_symbol(expr)
        if expr.is_Atom:
            return expr
        args = [self.rewrite(arg) for arg in expr.args]
        if isinstance(expr, sympy.Pow) and expr.exp.is_Rational and expr.exp.q == 2:
            return self._radical_symbol(expr.base, args[0]) ** expr.exp.p
        if isinstance(expr, _INVERSE_TRIG):
            return self._angle_symbol(expr)
        rebuilt = expr.func(*args)
        if isinstance(rebuilt, sympy.Function) or (
            isinstance(rebuilt, sympy.Pow) and not rebuilt.exp.is_Integer
        ):
            return self._angle_symbol(rebuilt)  # any other function or power: an opaque generator
        return rebuilt

    def _angle_symbol(self, expr: sympy.Expr) -> sympy.Symbol:
        key = sympy.cancel(expr)
        if key not in self.angles:
            self.angles[key] = sympy.Dummy(f"t{len(self.angles)}", real=True)
        return self.angles[key]

    def _radical_symbol(self, original_base: sympy.Expr,
                        rewritten_base: sympy.Expr) -> sympy.Symbol:
        key = sympy.cancel(original_base)
        if key not in self.radicals:
            symbol = sympy.Dummy(f"s{len(self.radicals)}", positive=True)
            self.radicals[key] = (symbol, rewritten_base)
        return self.radicals[key][0]

    def relations(self) -> list[sympy.Expr]:
        relations = []
        for symbol, base in self.radicals.values():
            numerator, denominator = sympy.fraction(sympy.together(base))
            relations.append(sympy.expand(symbol**2 * denominator - numerator))
        return relations


def reduce_modulo_radicals(expr: sympy.Basic) -> sympy.Expr:
    """The remainder of expr's numerator modulo its radical relations; 0 proves expr == 0."""
    rewriter = _RadicalRewriter()
    rewritten = rewriter.rewrite(sympy.sympify(expr))
    numerator, _ = sympy.fraction(sympy.together(rewritten))
    numerator = sympy.expand(numerator)
    if numerator == 0:
        return sympy.Integer(0)
    relations = rewriter.relations()
    if not relations:
        return numerator
    generators = sorted(
        numerator.free_symbols.union(*(r.free_symbols for r in relations)), key=str
    )
    basis = sympy.groebner(relations, *generators, order="grevlex")
    _, remainder = basis.reduce(numerator)
    return remainder
