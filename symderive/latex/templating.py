"""jinja2 for LaTeX: delimiters that do not collide with LaTeX, every value escaped unless it is
already LaTeX (:class:`markupsafe.Markup`), and numbers printed in math mode.

Templates live in symderive/templates/latex/ and use ``\\VAR{...}``, ``\\BLOCK{...}`` and
``\\#{...}``.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from symderive.latex.text import escape


def _finalize(value: object) -> Markup:
    """Every template value is escaped unless it is already LaTeX (Markup)."""
    return value if isinstance(value, Markup) else Markup(escape(str(value)))


def environment() -> jinja2.Environment:
    """jinja2 with delimiters that do not collide with LaTeX braces, percent signs or hashes."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("symderive", "templates/latex"),
        block_start_string=r"\BLOCK{", block_end_string="}",
        variable_start_string=r"\VAR{", variable_end_string="}",
        comment_start_string=r"\#{", comment_end_string="}",
        trim_blocks=True, lstrip_blocks=True, autoescape=True, finalize=_finalize,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
    )


def number(value: float | None) -> Markup:
    """A rounded error or tolerance in math mode: 5.45e-62 as 5.45×10⁻⁶², 1e-30 as 10⁻³⁰."""
    if value is None:
        return Markup(r"$\infty$")
    if value == 0:
        return Markup("$0$")
    mantissa, _, exponent = f"{value:.3g}".partition("e")
    if not exponent:
        return Markup(f"${mantissa}$")
    power = f"10^{{{int(exponent)}}}"
    return Markup(f"${power}$" if mantissa == "1" else rf"${mantissa}\times {power}$")
