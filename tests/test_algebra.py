"""reduce_modulo_radicals proves true radical identities and refuses false ones."""

from __future__ import annotations

import sympy
from sympy import acos, cos, pi, sin, sqrt

from symderive.engine.algebra import reduce_modulo_radicals

x, y = sympy.symbols("x y", real=True)


def test_sin_of_acos_identity():
    z = x / sqrt(x**2 + y**2)
    assert reduce_modulo_radicals(sin(acos(z)) - sqrt(1 - z**2)) == 0


def test_derivative_of_acos_against_the_textbook_form():
    z = x / sqrt(x**2 + y**2)
    lhs = sympy.diff(acos(z), x)
    rhs = -sympy.diff(z, x) / sqrt(1 - z**2)
    assert reduce_modulo_radicals(lhs - rhs) == 0


def test_false_identities_are_not_proved():
    z = x / sqrt(x**2 + y**2)
    assert reduce_modulo_radicals(sin(acos(z)) - sqrt(1 - z**2) - 1 / sqrt(x**2 + 1)) != 0
    assert reduce_modulo_radicals(pi * acos(z) - acos(z)) != 0  # π is treated as transcendental
    assert reduce_modulo_radicals(cos(acos(z)) - sqrt(x**2) / sqrt(x**2 + y**2)) != 0


def test_polynomial_identities_reduce_without_relations():
    assert reduce_modulo_radicals((x + y) ** 2 - x**2 - 2 * x * y - y**2) == 0
