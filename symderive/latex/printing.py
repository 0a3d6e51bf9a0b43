"""SymPy expressions printed as a mathematician writes them, and broken into display lines.

Conventions of the appendix (the paper's notation, Tian 2017):

* symbol names: ``theta`` is θ, ``n_w`` is ‖w‖ (any ``n_<letter>`` or ``n_<letter>star``), a name
  ending in ``star`` carries the teacher's asterisk (``wstar_1`` is w*_1), several subscripts are
  separated by commas (``w0_1`` is w_{0,1}); vectors
  (:class:`~symderive.latex.notation.VectorSymbol`) are bold;
* functions: ``acos`` is \\arccos, ``cos(θ)`` is \\cos\\theta, the Heaviside step is the indicator
  1[z > 0] (SymPy would print θ(z), which clashes with the angle);
* term order: a :class:`~symderive.latex.notation.Terms` keeps the author's order; a SymPy sum
  starts with its positive terms (π − θ, not −θ + π), otherwise in SymPy's order; a product puts the
  scalar coefficient before the vectors.

:func:`display` splits a long equation at the top-level terms of its sides so that each line
fits the text width (estimated from the printed length), for an ``align*`` environment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy
from sympy.functions.elementary.trigonometric import TrigonometricFunction
from sympy.printing.latex import LatexPrinter, translate

from symderive.latex.notation import Dot, Equation, Expectation, Terms, VectorSymbol, brackets
from symderive.latex.text import escape

_NORM_NAME = re.compile(r"^n_([A-Za-z])(star)?$")
_COMMAND = re.compile(r"\\[A-Za-z]+|[{}^_&]|\\[,;!]")

#: Estimated printed characters that fit on one display line of the appendix's text width (about
#: 4.6 pt each at 11 pt, so 80 leave a margin in a 440 pt list item).
LINE_WIDTH = 80
#: Estimated widths of "= " and of a \quad.
EQUALS = 3
QUAD = 4

#: A display longer than this many rows is not printed (the appendix says so instead).
MAX_ROWS = 12


_SAFE_NAME = re.compile(r"(?:\\[A-Za-z]+|[A-Za-z0-9'*.,()+=/ {}-]|[_^](?=[{A-Za-z0-9\\]))+")


#: Commands a symbol name may contain: those of the Greek letters and accents SymPy's translation
#: produces that amsmath/amssymb define, and a few a derivation may write deliberately.
_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
          "mu nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma "
          "Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega")
_COMMANDS = frozenset((_GREEK + " mathrm mathbf mathcal mathfrak mathbb mathit mathsf boldsymbol "
                       "hat bar tilde vec dot ddot dddot ddddot check breve acute grave mathring "
                       "overline widehat widetilde top prime star ast dagger nabla partial infty "
                       "ell hbar hslash aleph beth gimel daleth wp eth mho operatorname "
                       "langle rangle lvert rvert lVert rVert").split())


def _safe(piece: str) -> str:
    """A piece of a symbol's name as LaTeX: letters, digits, commands and sub/superscripts pass (θ
    from ``theta``, a deliberate ``\\mathbf{e}\\mathbf{e}^{\\top}``); anything else (``a%b``, an
    unbalanced brace, a dangling ``^``, an unknown command) prints as text."""
    depth = 0
    for char in piece:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    known = all(command in _COMMANDS for command in re.findall(r"\\([A-Za-z]+)", piece))
    if depth == 0 and known and _SAFE_NAME.fullmatch(piece):
        return piece
    return rf"\text{{{escape(piece)}}}"


def _base_and_star(base: str) -> tuple[str, bool]:
    if base.endswith("star") and len(base) > len("star"):
        return base[: -len("star")], True
    return base, False


class MathPrinter(LatexPrinter):
    """SymPy's LaTeX printer with the appendix's conventions (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__({"inv_trig_style": "full", "mul_symbol": None})

    def _deal_with_super_sub(self, string: str, style: str = "plain") -> str:
        name, supers, subs = self._split_super_sub(string)
        name, star = _base_and_star(name)
        name = _safe(translate(name))
        supers, subs = [_safe(piece) for piece in supers], [_safe(piece) for piece in subs]
        if style == "bold":
            name = rf"\boldsymbol{{{name}}}" if name.startswith("\\") else rf"\mathbf{{{name}}}"
        if star:
            supers = ["*", *supers]
        if supers:
            name += f"^{{{','.join(supers)}}}"
        if subs:
            name += f"_{{{','.join(subs)}}}"
        return name

    def _print_Symbol(self, expr: sympy.Symbol, style: str = "plain") -> str:
        norm = _NORM_NAME.match(expr.name)
        if norm:
            vector = self._deal_with_super_sub(norm.group(1) + (norm.group(2) or ""), style="bold")
            return rf"\|{vector}\|"
        return self._deal_with_super_sub(expr.name, style=style)

    def _print_Pow(self, expr: sympy.Pow) -> str:
        """‖w‖² rather than SymPy's (‖w‖)² for a norm symbol raised to a positive integer."""
        base, exponent = expr.args
        if (isinstance(base, sympy.Symbol) and _NORM_NAME.match(base.name)
                and exponent.is_Integer and exponent > 0):
            return f"{self._print(base)}^{{{exponent}}}"
        return super()._print_Pow(expr)

    def _print_Heaviside(self, expr: sympy.Heaviside, exp: str | None = None) -> str:
        tex = r"\mathbf{1}" + brackets(f"{self._print(expr.args[0])} > 0", "[", "]")
        return tex if exp is None else f"{tex}^{{{exp}}}"

    def ordered_terms(self, expr: sympy.Add | Terms) -> list[sympy.Expr]:
        """The terms of a :class:`Terms` as written; of a sum, positive ones first (a stable
        reordering of SymPy's order)."""
        if isinstance(expr, Terms):
            return list(expr.args)
        terms = self._as_ordered_terms(expr, order=None)
        return sorted(terms, key=lambda term: term.could_extract_minus_sign())

    def signed_terms(self, terms: list[sympy.Expr]) -> list[tuple[str, str]]:
        """Each term as (sign, LaTeX of its magnitude), sign "+" or "-"."""
        pieces = []
        for term in terms:
            sign = "-" if term.could_extract_minus_sign() else "+"
            magnitude = -term if sign == "-" else term
            tex = self._print(magnitude)
            if self._needs_add_brackets(magnitude):
                tex = rf"\left({tex}\right)"
            pieces.append((sign, tex))
        return pieces

    def joined_terms(self, terms: list[sympy.Expr], leading: bool = True) -> str:
        """The terms printed with their signs; leading=False starts with an explicit + or −."""
        return join_signed(self.signed_terms(terms), leading)

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> str:
        return self.joined_terms(self.ordered_terms(expr))

    def _print_Function(self, expr: sympy.Function, exp: str | None = None) -> str:
        """sin θ without brackets when the argument is a single symbol; otherwise SymPy's form."""
        if isinstance(expr, TrigonometricFunction) and isinstance(expr.args[0], sympy.Symbol):
            name = rf"\{type(expr).__name__}"
            power = "" if exp is None else f"^{{{exp}}}"
            return f"{name}{power} {self._print(expr.args[0])}"
        return super()._print_Function(expr, exp)

    def _print_MatrixBase(self, expr: sympy.MatrixBase) -> str:
        """A matrix in parentheses with its entries in display style (fractions stay readable)."""
        rows = [" & ".join(rf"\displaystyle {self._print(entry)}" for entry in row)
                for row in expr.tolist()]
        return r"\begin{pmatrix}" + r" \\[1ex] ".join(rows) + r"\end{pmatrix}"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Terms(self, expr: Terms) -> str:
        return self.joined_terms(self.ordered_terms(expr))

    def _print_Mul(self, expr: sympy.Mul) -> str:
        coefficient, rest = expr.as_coeff_Mul()
        if (coefficient.is_Rational and coefficient not in (1, -1)
                and rest.has(sympy.Sum, Expectation)):
            sign = "- " if coefficient < 0 else ""
            fraction = abs(coefficient)
            return sign + rf"\frac{{{fraction.p}}}{{{fraction.q}}} {self._print(rest)}"
        scalars, vectors = _split_vectors(expr)
        scalar = sympy.Mul(*scalars)
        if not vectors and not any(isinstance(f, Dot) for f in sympy.Mul.make_args(scalar)):
            return self._print_product(expr)
        sign, magnitude = ("- ", -scalar) if scalar.could_extract_minus_sign() else ("", scalar)
        vectors_tex = " ".join(self._print(v) for v in vectors)
        numerator, denominator = magnitude.as_numer_denom()
        if vectors and numerator == 1 and denominator != 1:
            return sign + rf"\frac{{{vectors_tex}}}{{{self._print(denominator)}}}"
        if magnitude == 1:
            return sign + vectors_tex
        scalar_tex = self._scalar_latex(magnitude, alone=not vectors)
        return sign + (rf"{scalar_tex} \, {vectors_tex}" if vectors else scalar_tex)

    def _print_product(self, expr: sympy.Mul) -> str:
        """SymPy's product; an unevaluated one keeps its factors in the order written."""
        if sympy.Mul(*expr.args).args == expr.args:
            return super()._print_Mul(expr)
        order = self._settings["order"]
        self._settings["order"] = "none"
        try:
            return super()._print_Mul(expr)
        finally:
            self._settings["order"] = order

    def _scalar_latex(self, scalar: sympy.Expr, alone: bool) -> str:
        """A scalar coefficient; inner products in it are parenthesised unless they stand alone."""
        if isinstance(scalar, sympy.Add):
            return brackets(self._print(scalar))
        factors = sympy.Mul.make_args(scalar)
        dots = [f for f in factors if isinstance(f, Dot)]
        rest = sympy.Mul(*(f for f in factors if not isinstance(f, Dot)))
        if not dots:
            return self._print(scalar)
        if alone and rest == 1 and len(dots) == 1:
            return self._print(dots[0])
        pieces = [] if rest == 1 else [self._scalar_latex(rest, alone=False)]
        return " ".join(pieces + [brackets(self._print(d)) for d in dots])


def _split_vectors(expr: sympy.Mul) -> tuple[list[sympy.Expr], list[VectorSymbol]]:
    """The scalar and the vector factors of a product (nested unevaluated products included)."""
    scalars: list[sympy.Expr] = []
    vectors: list[VectorSymbol] = []
    for factor in expr.args:
        if isinstance(factor, VectorSymbol):
            vectors.append(factor)
        elif isinstance(factor, sympy.Mul) and factor.atoms(VectorSymbol):
            inner_scalars, inner_vectors = _split_vectors(factor)
            scalars.extend(inner_scalars)
            vectors.extend(inner_vectors)
        else:
            scalars.append(factor)
    return scalars, vectors


def to_latex(expr: sympy.Basic) -> str:
    """expr in the appendix's notation (math mode, no delimiters)."""
    return MathPrinter().doprint(expr)


#: Commands that print no glyph of their own (sizing, spacing, fonts wrap their argument).
_INVISIBLE = frozenset("left right big Big bigg Bigg mathrm mathbf mathit mathsf mathcal "
                       "boldsymbol operatorname displaystyle textstyle".split())


def _command_glyphs(match: re.Match) -> str:
    """What a command prints, for width estimates: a named operator (cos, arccos) its name,
    \\quad two characters, a symbol (θ, π, ‖, ·) one, a sizing or font command nothing."""
    name = match.group(0)[1:]
    if name in _INVISIBLE or not name.isalpha():
        return ""
    if name == "quad" or name == "qquad":
        return "xx" if name == "quad" else "xxxx"
    if name in {"sin", "cos", "tan", "exp", "log", "ln", "arccos", "arcsin", "arctan", "det",
                "sgn"}:
        return "x" * len(name)
    return "x"


def printed_width(tex: str) -> int:
    """A rough count of the characters a printed formula occupies (a symbol command counts one, an
    operator name its length, braces and sizing commands nothing, fractions their longer part, a
    binary operator with its spacing three)."""
    fractions = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                       lambda m: "x" * max(len(m.group(1)), len(m.group(2))), tex)
    glyphs = re.sub(r"\\[A-Za-z]+", _command_glyphs, fractions)
    stripped = _COMMAND.sub("", glyphs).replace(" ", "")
    return len(stripped) + 2 * sum(stripped.count(op) for op in "+-=<>")


def _width(printer: MathPrinter, expr: sympy.Basic, tex: str) -> int:
    """Estimated printed width; a matrix is as wide as its widest row of entries."""
    if isinstance(expr, sympy.MatrixBase):
        return max((sum(_width(printer, entry, printer._print(entry)) + 2 for entry in row)
                    for row in expr.tolist()), default=0)
    return printed_width(tex)


def join_signed(pieces: list[tuple[str, str]], leading: bool = True) -> str:
    """Signed pieces as a sum: "a - b + c"; leading=False writes the first sign too ("+ a - b")."""
    tex = ""
    for index, (sign, piece) in enumerate(pieces):
        if index or not leading:
            tex += f" {sign} "
        elif sign == "-":
            tex += "- "
        tex += piece
    return tex.strip()


def _side_chunks(printer: MathPrinter, side: sympy.Basic, first_budget: int,
                 budget: int) -> list[tuple[str, int]]:
    """A side of an equation as (LaTeX, width) pieces, split between the top-level terms of a sum
    so that the first piece fits first_budget and the others budget (a single term never splits)."""
    tex = printer._print(side)
    width = _width(printer, side, tex)
    if not isinstance(side, (sympy.Add, Terms)) or width <= first_budget:
        return [(tex, width)]
    chunks: list[tuple[str, int]] = []
    current: list[tuple[str, str]] = []
    for piece in printer.signed_terms(printer.ordered_terms(side)):
        trial = join_signed(current + [piece], leading=not chunks)
        if current and printed_width(trial) > (budget if chunks else first_budget):
            done = join_signed(current, leading=not chunks)
            chunks.append((done, printed_width(done)))
            current = [piece]
        else:
            current = current + [piece]
    done = join_signed(current, leading=not chunks)
    chunks.append((done, printed_width(done)))
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
    """expr as rows of an ``align*``: ``lhs &= rhs``, a long sum continued on rows ``&\\quad + ...``
    (all aligned after the left-hand side; a wide left-hand side moves into the aligned column), a
    wide column vector one component per row; anything else is the single row ``&expr``."""
    printer = MathPrinter()
    whole = printer._print(expr)
    if printed_width(whole) > MAX_ROWS * LINE_WIDTH:  # cannot fit however it is broken
        return Display(rows=(whole,), widest=printed_width(whole))
    if isinstance(expr, Equation):
        sides = list(expr.sides)
    elif isinstance(expr, sympy.Equality):
        sides = [expr.lhs, expr.rhs]
    else:
        sides = [expr]
    rows: list[str] = []
    widths: list[int] = []

    def add(prefix: str, side: sympy.Basic, offset: int, first_width: int) -> None:
        """Rows for one side: after ``prefix`` (first_width wide), continued at ``offset``."""
        chunks = _side_chunks(printer, side, LINE_WIDTH - offset - first_width,
                              LINE_WIDTH - offset - QUAD)
        rows.append(prefix + chunks[0][0])
        widths.append(offset + first_width + chunks[0][1])
        for tex, width in chunks[1:]:
            rows.append(rf"&\quad {tex}")
            widths.append(offset + QUAD + width)

    if len(sides) == 1:
        column = sides[0]
        if _is_wide_column(printer, column):
            for index, entry in enumerate(column, start=1):
                label = rf"\text{{component {index}:}}\;"
                add(f"{label} &", entry, printed_width(label), 0)
        else:
            add("&", column, 0, 0)
        return Display(rows=tuple(rows), widest=max(widths))
    lhs = printer._print(sides[0])
    lhs_width = _width(printer, sides[0], lhs)
    if len(sides) == 2 and _is_wide_column(printer, sides[1]):
        for index, entry in enumerate(sides[1], start=1):
            label = rf"\left({lhs}\right)_{{{index}}}"
            add(f"{label} &= ", entry, lhs_width + 3, EQUALS)
    elif lhs_width <= LINE_WIDTH // 3:
        for index, side in enumerate(sides[1:]):
            add(f"{lhs} &= " if index == 0 else "&= ", side, lhs_width, EQUALS)
    else:
        for index, side in enumerate(sides[1:]):
            add(f"&{lhs} = " if index == 0 else "&\\quad = ", side, 0,
                lhs_width + EQUALS if index == 0 else QUAD + EQUALS)
    return Display(rows=tuple(rows), widest=max(widths))
