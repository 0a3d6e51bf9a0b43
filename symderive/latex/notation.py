"""Display-only SymPy objects for the statements of derivation steps.

A step's statement is shown in the appendix, never computed with, so it may use notation SymPy
has no object for: an expectation E[·], an indicator 1[·], a gradient ∇_w, a bold vector, an
equation that must stay unevaluated.  Each class here carries its own LaTeX form (SymPy calls
``_latex``) and survives pickling in the derivation cache unchanged (a SymPy ``Eq`` of two
different-looking sides may be re-evaluated to ``False`` when unpickled; :class:`Equation` never
is).

Example (Theorem 1 of Tian 2017)::

    e, w, x = vectors("e w x")
    Equation(Expectation(Function("F")(e, w)), ...)
"""

from __future__ import annotations

import sympy
from sympy.printing.latex import LatexPrinter

_TALL = ("\\frac", "\\sum", "\\int", "\\begin", "\\prod")


def brackets(tex: str, opening: str = "(", closing: str = ")") -> str:
    """tex between brackets that grow (\\left, \\right) only around tall content."""
    if any(command in tex for command in _TALL):
        return rf"\left{opening}{tex}\right{closing}"
    return f"{opening}{tex}{closing}"


class VectorSymbol(sympy.Symbol):
    """A vector, printed bold (``w`` as \\mathbf{w}, ``wstar_k`` as \\mathbf{w}^*_k).

    It is a commutative scalar symbol to SymPy, which is enough for display: products put the
    vector after its scalar coefficient (see :mod:`symderive.latex.printing`).
    """

    def _latex(self, printer: LatexPrinter) -> str:
        return printer._deal_with_super_sub(self.name, style="bold")


def vectors(names: str) -> tuple[VectorSymbol, ...]:
    """Bold vector symbols from a space-separated list of names."""
    return tuple(VectorSymbol(name) for name in names.split())


def _tree(expr: sympy.Basic) -> object:
    """expr as nested (class, children) pairs; atoms (symbols, numbers) stay as they are."""
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return expr
    return (type(expr), tuple(_tree(arg) for arg in expr.args))


_ARITHMETIC = (sympy.Add, sympy.Mul, sympy.Pow, sympy.core.relational.Relational)


def _rebuild(tree: object) -> sympy.Basic:
    """The expression of :func:`_tree`, with sums, products, powers and relations unevaluated (other
    classes, such as Sum, would pick up factors of 1 if built unevaluated)."""
    if not isinstance(tree, tuple):
        return tree
    cls, children = tree
    args = [_rebuild(child) for child in children]
    if issubclass(cls, _ARITHMETIC):
        with sympy.evaluate(False):
            return cls(*args)
    return cls(*args)


class Equation(sympy.Basic):
    """lhs = rhs (= more ...), never evaluated; the sides may be scalars, vectors or matrices.

    Build the sides inside ``with sympy.evaluate(False):`` to keep them as written (undistributed
    factors; use :class:`Terms` for the order of a sum): pickling (the derivation cache) rebuilds
    them the same way.
    """

    def __new__(cls, *sides: sympy.Basic) -> Equation:
        if len(sides) < 2:
            raise ValueError(f"an equation needs at least two sides, got {len(sides)}")
        return super().__new__(cls, *(sympy.sympify(side) for side in sides))

    def __reduce__(self) -> tuple:
        return _rebuild, (_tree(self),)

    @property
    def sides(self) -> tuple[sympy.Basic, ...]:
        return self.args

    def _latex(self, printer: LatexPrinter) -> str:
        return " = ".join(printer._print(side) for side in self.args)


class Terms(sympy.Expr):
    """A sum printed with its terms in the order given (SymPy would sort them)."""

    def __new__(cls, *terms: sympy.Basic) -> Terms:
        if not terms:
            raise ValueError("Terms needs at least one term")
        return super().__new__(cls, *(sympy.sympify(term) for term in terms))


class Expectation(sympy.Function):
    """E[argument] over x ~ N(0, I_d)."""

    nargs = 1

    def _latex(self, printer: LatexPrinter) -> str:
        return r"\mathbb{E}" + brackets(printer._print(self.args[0]), "[", "]")


class Indicator(sympy.Function):
    """1[condition]: 1 where the condition holds, else 0."""

    nargs = 1

    def _latex(self, printer: LatexPrinter) -> str:
        return r"\mathbf{1}" + brackets(printer._print(self.args[0]), "[", "]")


class Gradient(sympy.Function):
    """∇_variable of expression."""

    nargs = 2

    def _latex(self, printer: LatexPrinter) -> str:
        expression, variable = self.args
        return rf"\nabla_{{{printer._print(variable)}}} {printer._print(expression)}"


class Dot(sympy.Function):
    """uᵀv, the inner product of two vectors."""

    nargs = 2

    def _latex(self, printer: LatexPrinter) -> str:
        left, right = self.args
        return rf"{printer._print(left)}^{{\top}} {printer._print(right)}"


class Norm(sympy.Function):
    """‖v‖, the Euclidean norm."""

    nargs = 1

    def _latex(self, printer: LatexPrinter) -> str:
        return brackets(printer._print(self.args[0]), r"\|", r"\|")


class Relu(sympy.Function):
    """σ(z) = max(z, 0), the paper's ReLU."""

    nargs = 1

    def _latex(self, printer: LatexPrinter) -> str:
        return r"\sigma" + brackets(printer._print(self.args[0]))
