"""generated/latex/: the LaTeX appendix, one file per derivation, rendered from verified results.

* ``generated/latex/derivations/<name>.tex``: one section per derivation (usable with ``\\input``):
  the claims in a theorem environment with the paper's numbering and their assumptions, the stated
  and derived expressions, the steps (SymPy statements in the paper's notation, see
  :mod:`symderive.latex.printing`, with their justifications) and a verification table per claim;
* ``generated/latex/preamble.tex``: the packages and environments those files need;
* ``generated/latex/census.tex`` and ``census_table.tex``: the spurious-minima census with its
  certificates (:mod:`symderive.latex.census`), when ``results/spurious/spurious.json`` is
  committed;
* ``generated/latex/appendix.tex``: a complete document that inputs all of them.

The verification tables are built from :func:`symderive.emit.verification.verification_document`,
the same records (and the same rounding) as generated/verification.json, so what the appendix says
was verified is exactly what ran.  Templates (symderive/templates/latex/) use LaTeX-safe jinja2
delimiters (``\\VAR{...}``, ``\\BLOCK{...}``) and escape every value unless it is marked as LaTeX
(:class:`markupsafe.Markup`), so text from a derivation can never break the document.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import sympy
from markupsafe import Markup
from sympy.logic.boolalg import BooleanAtom

from symderive.emit.verification import verification_document
from symderive.engine.model import DerivationResult
from symderive.latex import census
from symderive.latex.printing import display
from symderive.latex.templating import environment, number
from symderive.latex.text import escape
from symderive.project import CENSUS_RECORD, project_root

FOLDER = "generated/latex"
TITLE = "Machine-verified derivations for Tian (2017)"


@dataclass(frozen=True)
class Shown:
    """An expression as display rows (LaTeX), or the reason it is not shown."""

    caption: str
    rows: Markup | None
    omitted: str


def shown(expr: sympy.Basic, caption: str = "") -> Shown:
    """expr as align* rows when it fits the page; otherwise a note saying why it is not shown."""
    if not isinstance(expr, (sympy.Basic, sympy.MatrixBase)):
        return Shown(caption, None, f"not a SymPy expression: {expr!r}")
    if isinstance(expr, BooleanAtom):
        return Shown(caption, None,
                     f"the statement was evaluated by SymPy to {expr}; an unevaluated Equation "
                     f"(symderive's notation module) keeps both sides")
    rendered = display(expr)
    if rendered.fits:
        return Shown(caption, Markup(" \\\\\n".join(rendered.rows)), "")
    return Shown(caption, None,
                 f"not printed: its LaTeX form has {rendered.latex_length} characters, too long "
                 f"for a page")


def _check_row(method: Mapping) -> dict:
    return {
        "method": method["method"],
        "detail": method["detail"],
        "points": Markup("---") if method["points"] is None else method["points"],
        "max_error": number(method["max_error"]),
        "tolerance": number(method["tolerance"]),
        "error_unit": method["error_unit"],
        "result": "passed" if method["passed"] else Markup(r"\textbf{FAILED}"),
    }


def _verdict(methods: Sequence[Mapping]) -> Markup:
    failed = sum(not method["passed"] for method in methods)
    if failed:
        return Markup(rf"\textbf{{{failed} of {len(methods)} checks FAILED}}.")
    return Markup(f"all {len(methods)} checks passed.")


def _name(result: DerivationResult) -> Markup:
    """The derivation's module name, an ASCII identifier and so safe in \\label and \\input."""
    if not (result.name.isascii() and result.name.isidentifier()):
        raise ValueError(f"derivation name {result.name!r} is not an ASCII Python identifier")
    return Markup(result.name)


def _label(result: DerivationResult, suffix: str = "") -> Markup:
    return Markup(f"symderive:{_name(result)}{suffix}")


def derivation_context(result: DerivationResult,
                       records: Mapping[tuple[str, str], Mapping]) -> dict:
    """What derivation.tex needs, with every mathematical value already printed as LaTeX."""
    labels = {claim.id: _label(result, f":claim{index}")
              for index, claim in enumerate(result.claims, start=1)}
    claims = []
    for claim in result.claims:
        methods = records[(result.name, claim.id)]["methods"]
        expressions = []
        if claim.stated is not None:
            expressions.append(shown(claim.stated, "As stated:"))
        if claim.derived is not None:
            expressions.append(shown(claim.derived, "As derived by the engine:"))
        claims.append({
            "id": claim.id,
            "label": labels[claim.id],
            "statement": claim.statement,
            "assumptions": "; ".join(claim.assumptions),
            "expressions": expressions,
            "verdict": _verdict(methods),
            "checks": [_check_row(method) for method in methods],
        })
    steps = [
        {
            "justification": step.justification,
            "expression": shown(step.statement),
            "claims": Markup(", ".join(
                rf"Claim~\ref{{{labels[claim_id]}}}" if claim_id in labels else escape(claim_id)
                for claim_id in step.claims
            )),
        }
        for step in result.steps
    ]
    return {
        "name": _name(result),
        "label": _label(result),
        "title": result.title,
        "paper_reference": result.paper_reference,
        "summary": result.summary,
        "claims": claims,
        "steps": steps,
    }


def _overview_row(result: DerivationResult, records: Mapping[tuple[str, str], Mapping]) -> dict:
    checks = [m for claim in result.claims for m in records[(result.name, claim.id)]["methods"]]
    failed = sum(not m["passed"] for m in checks)
    return {
        "title": result.title,
        "label": _label(result),
        "claims": len(result.claims),
        "checks": len(checks),
        "status": "verified" if not failed else Markup(rf"\textbf{{{failed} FAILED}}"),
    }


def census_outputs(record_path: Path) -> dict[str, bytes]:
    """census.tex (the appendix section) and census_table.tex from the committed census record, or
    nothing when there is no record (the appendix then has no census section)."""
    if not record_path.exists():
        return {}
    record = census.load_record(record_path)
    return {
        f"{FOLDER}/census.tex": census.appendix_section(record, CENSUS_RECORD.as_posix()).encode(),
        f"{FOLDER}/census_table.tex": census.census_table(record["data"]).encode(),
    }


def emit(results: Mapping[str, DerivationResult]) -> dict[str, bytes]:
    """{relative path: bytes} of the appendix, its preamble, one file per derivation and, when the
    census record is committed, the census section."""
    document = verification_document(results)
    records = {(claim["derivation"], claim["id"]): claim for claim in document["claims"]}
    env = environment()
    template = env.get_template("derivation.tex")
    outputs = {
        f"{FOLDER}/derivations/{name}.tex": template.render(
            derivation_context(result, records)).encode()
        for name, result in results.items()
    }
    summary = document["summary"]
    introduction = (
        f"Y. Tian, An analytical formula of population gradient for two-layered ReLU network and "
        f"its applications in convergence and critical point analysis, ICML 2017 "
        f"(arXiv:1703.00560). "
        f"Each section below is rendered by symderive from one derivation module: the claims, the "
        f"derivation steps as the engine obtained them, and a table of the independent checks that "
        f"ran. The tables hold exactly the records of generated/verification.json. "
        f"{summary['verified']} of {summary['claims']} claims are verified."
    )
    census_files = census_outputs(project_root() / CENSUS_RECORD)
    outputs.update(census_files)
    if census_files:
        introduction += (" The last section is the census of spurious local minima of Safran and "
                         "Shamir (ICML 2018), each family with an interval-arithmetic certificate.")
    outputs[f"{FOLDER}/appendix.tex"] = env.get_template("appendix.tex").render(
        title=TITLE, introduction=introduction,
        overview=[_overview_row(result, records) for result in results.values()],
        inputs=[_name(result) for result in results.values()],
        census=bool(census_files),
    ).encode()
    outputs[f"{FOLDER}/preamble.tex"] = env.get_template("preamble.tex").render().encode()
    return outputs
