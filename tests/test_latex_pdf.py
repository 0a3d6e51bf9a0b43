"""The appendix compiled by a real pdflatex (skipped, saying why, without one; CI installs it)."""

from __future__ import annotations

import pytest
from test_latex import empty_result, hostile_result

from symderive.cli import main
from symderive.latex import document
from symderive.latex.pdf import PDF_PATH, compile_outputs, engine_path

pytestmark = pytest.mark.skipif(
    engine_path() is None,
    reason="pdflatex not on PATH (Debian: apt-get install texlive-latex-base "
           "texlive-latex-recommended; .ci/run installs them)",
)

#: Overfull boxes the appendix may have: none today; a few points of slack for new derivations'
#: long identifiers in text would show up here first.
MAX_OVERFULL_BOXES = 2


@pytest.fixture(scope="module")
def compiled(results):
    return compile_outputs(document.emit(results))


def test_appendix_compiles_cleanly(compiled, results) -> None:
    assert compiled.pdf.startswith(b"%PDF")
    assert compiled.undefined_references == []
    assert "LaTeX Warning: Reference" not in compiled.log
    assert "Missing character" not in compiled.log
    assert len(compiled.overfull_boxes) <= MAX_OVERFULL_BOXES, compiled.overfull_boxes


def test_every_derivation_starts_on_a_page_of_its_own(compiled, results) -> None:
    pages = [compiled.label_page(f"symderive:{name}") for name in results]
    assert len(set(pages)) == len(results)
    assert compiled.pages >= len(results) + 1  # plus the title page with the overview


def test_pdf_is_byte_for_byte_reproducible(compiled, results) -> None:
    assert compile_outputs(document.emit(results)).pdf == compiled.pdf


def test_hostile_and_empty_derivations_compile() -> None:
    hostile = compile_outputs(document.emit({"hostile_case": hostile_result(),
                                             "empty_case": empty_result()}))
    assert hostile.pages >= 3
    assert "Missing character" not in hostile.log
    assert hostile.undefined_references == []


def test_cli_latex_pdf_writes_the_pdf(tmp_path, capsys) -> None:
    assert main(["--root", str(tmp_path), "-q", "latex", "--pdf"]) == 0
    assert (tmp_path / PDF_PATH).read_bytes().startswith(b"%PDF")
    assert (tmp_path / "generated/latex/appendix.tex").is_file()
    assert "0 undefined references" in capsys.readouterr().out
