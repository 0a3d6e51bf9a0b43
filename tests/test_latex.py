"""The LaTeX appendix without a TeX engine: notation, escaping, layout, verification tables."""

from __future__ import annotations

import math
import pickle
import re

import pytest
import sympy

from symderive.cli import main
from symderive.emit.verification import verification_document
from symderive.engine.model import CheckRecord, ClaimResult, DerivationResult, Step
from symderive.latex import document, pdf, templating
from symderive.latex.notation import Equation, Expectation, Indicator, Terms, vectors
from symderive.latex.printing import LINE_WIDTH, display, to_latex
from symderive.latex.text import escape

THETA = sympy.Symbol("theta", real=True)
W, E, W_STAR = vectors("w e wstar")

#: Every character LaTeX treats specially, and Unicode the derivations write in prose.
HOSTILE = "[x] _ % & # $ { } ~ ^ \\ < > | \" θ π ‖w‖ · − ≤ ≥ ½ ∫ ² ᵀ ∃ \u2603 \t end"


def hostile_result(name: str = "hostile_case") -> DerivationResult:
    """A derivation whose every text field is hostile, with a failed and an unclosed check."""
    records = (
        CheckRecord("symbolic", None, math.inf, 0.0, "exact", HOSTILE, False, 0.1),
        CheckRecord("quadrature", 7, 1.234e-40, 1e-30, "relative to ||w||", "60 % digits", True,
                    0.2),
        CheckRecord("monte-carlo", 3, 6.5, 5.0, "standard errors", "seed #1 & #2", False, 0.3),
    )
    claim = ClaimResult(
        id="hostile-claim_1", derivation=name, statement=HOSTILE, assumptions=(HOSTILE, "0 <= t"),
        records=records, derived=sympy.acos(THETA) - THETA, stated=sympy.pi - THETA,
    )
    steps = (
        Step(Equation(Expectation(sympy.Function("F")(E, W)), sympy.Matrix([THETA, sympy.pi])),
             HOSTILE, claims=("hostile-claim_1", "unknown_claim")),
        Step(sympy.Eq(sympy.Symbol("a"), sympy.Matrix([1, 2])), HOSTILE),  # SymPy evaluates: False
        Step(sum(sympy.Symbol(f"x_{i}") ** i for i in range(400)), HOSTILE),  # too long to print
        Step(Equation(sympy.Symbol("a%b_c&"), sympy.Function("F#")(sympy.Symbol("x$")),
                      sympy.Symbol("{")), HOSTILE),  # hostile names inside mathematics
        Step("a plain string % $", HOSTILE),  # not a SymPy expression at all
    )
    return DerivationResult(
        name=name, title=HOSTILE, paper_reference=HOSTILE, summary=HOSTILE, steps=steps,
        claims=(claim,), exports={}, seconds=0.0,
    )


def _balanced(tex: str) -> bool:
    depth = 0
    for previous, char in zip(" " + tex, tex, strict=False):
        if previous == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("char", list("_%&#${}~^\\<>|"))
def test_escape_replaces_every_special_character(char) -> None:
    escaped = escape(char)
    assert escaped.startswith("\\") and _balanced(escaped), escaped


def test_escape_maps_unicode_and_keeps_braces_balanced() -> None:
    assert _balanced(escape(HOSTILE))
    assert escape("ab_c%d&e") == r"ab\_c\%d\&e"
    assert escape("w*_k, θ_jk") == r"\ensuremath{w^{*}_{k}}, \ensuremath{\theta_{jk}}"
    assert escape("w_j in R^3, d^2J") == (r"\ensuremath{w_{j}} in \ensuremath{R^{3}}, "
                                          r"d\textasciicircum{}2J")
    assert escape("θ ≤ π") == r"\ensuremath{\theta} \ensuremath{\le} \ensuremath{\pi}"
    assert escape("||w||") == r"\ensuremath{\|}w\ensuremath{\|}"


def test_escape_shows_unmapped_characters_as_code_points() -> None:
    assert escape("\u2603") == r"\textsf{[U+2603]}"
    assert escape("a\tb\nc") == "a b c"


def test_printer_follows_the_paper_notation() -> None:
    n_w, n_wstar = sympy.symbols("n_w n_wstar", positive=True)
    assert to_latex(n_w) == r"\|\mathbf{w}\|"
    assert to_latex(n_wstar) == r"\|\mathbf{w}^{*}\|"
    assert to_latex(sympy.Symbol("wstar_1")) == r"w^{*}_{1}"
    assert to_latex(sympy.Symbol("w0_1")) == r"w_{0,1}"
    assert to_latex(THETA) == r"\theta"
    assert to_latex(W) == r"\mathbf{w}"
    assert to_latex(sympy.acos(sympy.Symbol("z"))) == r"\arccos{\left(z \right)}"
    assert to_latex(sympy.sin(THETA)) == r"\sin \theta"
    assert to_latex(sympy.pi - THETA) == r"\pi - \theta"  # SymPy alone prints -θ + π
    assert to_latex(sympy.Heaviside(sympy.Symbol("z"))) == r"\mathbf{1}[z > 0]"
    coefficient = (sympy.pi - THETA) / (2 * sympy.pi)
    assert to_latex(coefficient * W) == r"\frac{\pi - \theta}{2 \pi} \, \mathbf{w}"
    assert to_latex(n_wstar**2) == r"\|\mathbf{w}^{*}\|^{2}"
    assert to_latex(W / n_w) == r"\frac{\mathbf{w}}{\|\mathbf{w}\|}"
    assert to_latex(Terms(W, -E)) == r"\mathbf{w} - \mathbf{e}"  # SymPy would sort e first
    assert to_latex(Indicator(sympy.Symbol("z") > 0)) == r"\mathbf{1}[z > 0]"
    assert to_latex(sympy.Symbol("a%b")) == r"\text{a\%b}"  # names are escaped when not LaTeX
    assert to_latex(sympy.Symbol(r"\mathbf{e}\mathbf{n}^{\top}")) == r"\mathbf{e}\mathbf{n}^{\top}"
    assert to_latex(sympy.Symbol("M_{(j,j'),k}")) == "M_{(j,j'),k}"
    assert to_latex(sympy.Symbol("{x^}")) == r"\text{\{x\textasciicircum{}\}}"
    assert to_latex(sympy.Symbol(r"\undefined{x}")) == r"\text{\textbackslash{}undefined\{x\}}"
    assert to_latex(sympy.Symbol("xscr")) == r"\text{\textbackslash{}mathscr\{x\}}"  # no mathrsfs


def test_equation_keeps_its_sides_through_the_cache() -> None:
    with sympy.evaluate(False):
        equation = Equation(Expectation(sympy.Function("F")(E, W)),
                            Terms((sympy.pi - THETA) * W, sympy.sin(THETA) * E),
                            sympy.Matrix([1, 2]))
    assert sympy.Eq(equation.sides[0], equation.sides[2]) == sympy.false  # what Eq would have kept
    restored = pickle.loads(pickle.dumps(equation))
    assert to_latex(restored) == to_latex(equation)
    assert to_latex(equation).count("=") == 2


def test_equation_needs_two_sides() -> None:
    with pytest.raises(ValueError, match="two sides"):
        Equation(THETA)


def test_long_sums_are_broken_into_rows_that_fit() -> None:
    terms = sum(sympy.Symbol(f"r_{i}") * sympy.Symbol(f"rstar_{i}") for i in range(1, 13))
    shown = display(Equation(sympy.Symbol("J"), terms))
    assert len(shown.rows) > 1 and shown.fits
    assert shown.widest <= LINE_WIDTH
    assert shown.rows[0].startswith("J &= ")
    assert all(row.startswith(r"&\quad ") for row in shown.rows[1:])


def test_expressions_too_long_for_a_page_are_replaced_by_a_note() -> None:
    huge = sympy.Matrix([sympy.sqrt(sum(sympy.Symbol(f"a_{i}") ** 2 for i in range(40)))] * 3)
    shown = document.shown(huge, "As derived:")
    assert shown.rows is None and "too long" in shown.omitted


@pytest.mark.parametrize("value, expected", [
    (None, r"$\infty$"), (0.0, "$0$"), (1e-30, "$10^{-30}$"), (5.45e-62, r"$5.45\times 10^{-62}$"),
    (1.3, "$1.3$"), (5.0, "$5$"),
])
def test_numbers_are_printed_in_math_mode(value, expected) -> None:
    assert templating.number(value) == expected


def empty_result(name: str = "empty_case") -> DerivationResult:
    """A derivation with no steps and no claims (still a section of its own)."""
    return DerivationResult(name=name, title="Nothing", paper_reference="none", summary="",
                            steps=(), claims=(), exports={}, seconds=0.0)


def _table_rows(tex: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.rstrip(" \\").split(" & ")]
            for line in tex.splitlines() if line.startswith(r"\symderivecheck{")]


def _parse_number(cell: str) -> float:
    """Inverse of the table's number format ($m\\times 10^{e}$, $10^{e}$, $m$, $\\infty$)."""
    body = cell.strip("$")
    if body == r"\infty":
        return math.inf
    match = re.fullmatch(r"(?:([\d.]+)\\times )?10\^\{(-?\d+)\}", body)
    if match:
        return float(match.group(1) or 1) * 10.0 ** int(match.group(2))
    return float(body)


def test_verification_tables_are_the_records_that_ran(results) -> None:
    outputs = document.emit(results)
    for name, result in results.items():
        rows = _table_rows(outputs[f"generated/latex/derivations/{name}.tex"].decode())
        records = [record for claim in result.claims for record in claim.records]
        assert len(rows) == len(records), name
        for row, record in zip(rows, records, strict=True):
            assert row[0].startswith(rf"\symderivecheck{{{escape(record.method)}}}")
            assert row[1] == ("---" if record.points is None else str(record.points))
            worst = _parse_number(row[2])
            if math.isfinite(record.max_error) and record.max_error != 0:
                assert worst == pytest.approx(record.max_error, rel=5e-3)
            else:
                assert worst == (record.max_error if math.isfinite(record.max_error) else math.inf)
            assert _parse_number(row[3]) == pytest.approx(record.tolerance, rel=5e-3)
            assert row[5] == ("passed" if record.passed else r"\textbf{FAILED}")


def test_appendix_inputs_every_derivation_once(results) -> None:
    outputs = document.emit(results)
    appendix = outputs["generated/latex/appendix.tex"].decode()
    assert sorted(re.findall(r"\\input\{derivations/(\w+)\}", appendix)) == sorted(results)
    summary = verification_document(results)["summary"]
    assert f"{summary['verified']} of {summary['claims']} claims are verified" in appendix
    assert document.emit(results) == outputs  # byte-for-byte reproducible


def test_hostile_derivation_renders_escaped() -> None:
    outputs = document.emit({"hostile_case": hostile_result()})
    tex = outputs["generated/latex/derivations/hostile_case.tex"].decode()
    assert r"\textbf{FAILED}" in tex and r"$\infty$" in tex
    assert "evaluated by SymPy to False" in tex and "too long for a page" in tex
    assert r"unknown\_claim" in tex  # a step naming a claim the derivation lacks: text, no \ref
    assert r"\section{" + escape(HOSTILE) + "}" in tex
    assert r"\text{a\%b}_{\text{c\&}} &= \text{F\#}" in tex and r"\text{\{}" in tex
    assert r"not a SymPy expression: 'a plain string \% \$'" in tex


def test_derivation_names_must_be_identifiers() -> None:
    for name in ("bad name", "θ_case"):
        with pytest.raises(ValueError, match="not an ASCII Python identifier"):
            document.emit({name: hostile_result(name)})


def test_missing_engine_is_a_clear_error(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(pdf, "engine_path", lambda: None)
    with pytest.raises(pdf.LatexError, match="pdflatex is not on PATH"):
        pdf.compile_outputs({"generated/latex/appendix.tex": b""})
    assert main(["--root", str(tmp_path), "-q", "latex", "--pdf"]) == 1
    assert "not on PATH" in capsys.readouterr().err
    assert (tmp_path / "generated/latex/appendix.tex").is_file()  # the .tex is still written
    assert not (tmp_path / pdf.PDF_PATH).exists()
