"""SymPy expressions printed as a mathematician writes them, and broken into display lines.

Conventions of the appendix (the paper's notation, Tian 2017):

* symbol names: ``theta`` is θ, ``n_w`` is ‖w‖ (any ``n_<letter>`` or ``n_<letter>star``), a name
  ending in ``star`` carries the teacher's asterisk (``wstar_1`` is w*_1), several subscripts are
  separated by commas (``w0_1`` is w_{0,1}); vectors (:class:`~symderive.latex.notation.VectorSymbol`)
  are bold;
* functions: ``acos`` is \\arccos, ``cos(θ)`` is \\cos\\theta, the Heaviside step is the indicator
  1[z > 0] (SymPy would print θ(z), which clashes with the angle);
* term order: a sum starts with its positive terms (π − θ, not −θ + π), otherwise in SymPy's order;
  a product puts the scalar coefficient before the vectors.

:func:`display` splits a long equation at the top-level terms of its sides so that each line
fits the text width (estimated from the printed length), for an ``align*`` environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy.printing.latex import LatexPrinter, translate

from symderive.latex.notation import Equation, VectorSymbol

#: Names whose LaTeX form no rule below gives.
SYMBOL_NAMES: dict[str, str] = {}

_NORM_NAME = re.compile(r"^n_([A-Za-z])(star)?$")
_COMMAND = re.compile(r"\\[A-Za-z]+|[{}^_&]|\\[,;!]")

#: Estimated printed characters that fit on one display line of the appendix's text width.
LINE_WIDTH = 64

#: A display longer than this many rows is not printed (the appendix says so instead).
MAX_ROWS = 8


def _base_and_star(base: str) -> tuple[str, bool]:
    if base.endswith("star") and len(base) > len("star"):
        return base[: -len("star")], True
    return base, False


class MathPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the appendix's conventions (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__({"inv_trig_style": "full", "fold_func_brackets": True,
                          "mat_delim": "(", "mul_symbol": None})

    def _deal_with_super_sub(self, string: str, style: str = "plain") -> str:
        name, supers, subs = self._split_super_sub(string)
        name, star = _base_and_star(name)
        name = translate(name)
        if style == "bold":
            name = (r"\boldsymbol{%s}" if name.startswith("\\") else r"\mathbf{%s}") % name
        if star:
            supers = ["*", *supers]
        if supers:
            name += "^{%s}" % ",".join(supers)
        if subs:
            name += "_{%s}" % ",".join(subs)
        return name

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        if expr.name in SYMBOL_NAMES:
            return SYMBOL_NAMES[expr.name]
        norm = _NORM_NAME.match(expr.name)
        if norm:
            vector = self._deal_with_super_sub(norm.group(1) + (norm.group(2) or ""), style="bold")
            return r"\|%s\|" % vector
        return self._deal_with_super_sub(expr.name, style=style)

    def _print_Heaviside(self, expr: sympy.Heaviside, exp: str | None = None) -> str:
        tex = r"\mathbf{1}\left[%s > 0\right]" % self._print(expr.args[0])
        return tex if exp is None else r"%s^{%s}" % (tex, exp)

    def ordered_terms(self, expr: sympy.Add) -> list[sympy.Expr]:
        """The terms of a sum, positive ones first (a stable reordering of SymPy's order)."""
        terms = self._as_ordered_terms(expr, order=None)
        return sorted(terms, key=lambda term: term.could_extract_minus_sign())

    def joined_terms(self, terms: list[sympy.Expr], leading: bool = True) -> str:
        """The terms printed with their signs; leading=False starts with an explicit + or −."""
        tex = ""
        for index, term in enumerate(terms):
            if term.could_extract_minus_sign():
                tex += " - " if (index or not leading) else "- "
                term = -term
            elif index or not leading:
                tex += " + "
            term_tex = self._print(term)
            if self._needs_add_brackets(term):
                term_tex = r"\left(%s\right)" % term_tex
            tex += term_tex
        return tex.strip()

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        return self.joined_terms(self.ordered_terms(expr))

    def _print_Mul(self, expr: sympy.Mul) -> str:
        vector_factors = [f for f in expr.args if isinstance(f, VectorSymbol)]
        if not vector_factors:
            return super()._print_Mul(expr)
        scalar = sympy.Mul(*(f for f in expr.args if not isinstance(f, VectorSymbol)))
        vectors_tex = " ".join(self._print(v) for v in vector_factors)
        if scalar == 1:
            return vectors_tex
        if scalar == -1:
            return "- " + vectors_tex
        scalar_tex = self._print(scalar)
        if isinstance(scalar, sympy.Add):
            scalar_tex = r"\left(%s\right)" % scalar_tex
        return f"{scalar_tex} {vectors_tex}"


def to_latex(expr: sympy.Basic) -> str:
    """expr in the appendix's notation (math mode, no delimiters)."""
    return MathPrinter().doprint(expr)


def printed_width(tex: str) -> int:
    """A rough count of the characters a printed formula occupies (commands and braces dropped;
    fractions count their longer part)."""
    fractions = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                       lambda m: "x" * max(len(m.group(1)), len(m.group(2))), tex)
    return len(_COMMAND.sub("", fractions).replace(" ", "")) + tex.count(r"\\") // 2


def _width(printer: MathPrinter, expr: sympy.Basic, tex: str) -> int:
    """Estimated printed width; a matrix is as wide as its widest row of entries."""
    if isinstance(expr, sympy.MatrixBase):
        return max((sum(_width(printer, entry, printer._print(entry)) + 2 for entry in row)
                    for row in expr.tolist()), default=0)
    return printed_width(tex)


def _side_chunks(printer: MathPrinter, side: sympy.Basic) -> list[tuple[str, int]]:
    """A side of an equation as (LaTeX, width) pieces, split between top-level terms of a sum."""
    tex = printer._print(side)
    width = _width(printer, side, tex)
    if not isinstance(side, sympy.Add) or width <= LINE_WIDTH:
        return [(tex, width)]
    chunks: list[tuple[str, int]] = []
    current: list[sympy.Expr] = []
    for term in printer.ordered_terms(side):
        trial = printer.joined_terms(current + [term], leading=not chunks)
        if current and printed_width(trial) > LINE_WIDTH:
            piece = printer.joined_terms(current, leading=not chunks)
            chunks.append((piece, printed_width(piece)))
            current = [term]
        else:
            current = current + [term]
    piece = printer.joined_terms(current, leading=not chunks)
    chunks.append((piece, printed_width(piece)))
    return chunks


def _is_wide_column(printer: MathPrinter, side: sympy.Basic) -> bool:
    """A column vector too wide for one line: it is then shown one component per row."""
    return (isinstance(side, sympy.MatrixBase) and side.shape[1] == 1 and side.shape[0] > 1
            and _width(printer, side, "") > LINE_WIDTH)


@dataclass(frozen=True)
class Display:
    """The rows of an ``align*`` display and the estimated width of the widest row."""

    rows: tuple[str, ...]
    widest: int

    @property
    def fits(self) -> bool:
        return self.widest <= LINE_WIDTH and len(self.rows) <= MAX_ROWS

    @property
    def latex_length(self) -> int:
        return sum(len(row) for row in self.rows)


def display(expr: sympy.Basic) -> Display:
    """expr as ``lhs &= rhs`` rows, long sums continued on further rows (``&\\quad + ...``); an
    expression that is not an equation is the single row ``&expr`` (continued likewise)."""
    printer = MathPrinter()
    if isinstance(expr, Equation):
        sides = list(expr.sides)
    elif isinstance(expr, sympy.Equality):
        sides = [expr.lhs, expr.rhs]
    else:
        sides = [expr]
    if len(sides) == 1:
        lead, lead_width, rest = "&", 0, sides
    else:
        lead_tex = printer._print(sides[0])
        lead, lead_width, rest = f"{lead_tex} &= ", _width(printer, sides[0], lead_tex) + 2, sides[1:]
    rows: list[str] = []
    widest = 0
    if len(rest) == 1 and _is_wide_column(printer, rest[0]):
        name = r"\left(%s\right)" % printer._print(sides[0]) if len(sides) == 2 else None
        for index, entry in enumerate(rest[0], start=1):
            label = f"{name}_{{{index}}}" if name else rf"\text{{component {index}:}}\;"
            chunks = _side_chunks(printer, entry)
            rows.append(f"{label} &{'= ' if name else ''}{chunks[0][0]}")
            rows.extend(rf"&\quad {tex}" for tex, _ in chunks[1:])
            widest = max([widest, chunks[0][1] + printed_width(label) + 2]
                         + [width + 2 for _, width in chunks[1:]])
        return Display(rows=tuple(rows), widest=widest)
    for index, side in enumerate(rest):
        chunks = _side_chunks(printer, side)
        rows.append((lead if index == 0 else "&= ") + chunks[0][0])
        widest = max(widest, chunks[0][1] + (lead_width if index == 0 else 2))
        for tex, width in chunks[1:]:
            rows.append(rf"&\quad {tex}")
            widest = max(widest, width + 2)
    return Display(rows=tuple(rows), widest=widest)
