"""Compiling generated/latex/appendix.tex with pdflatex, reproducibly.

The rendered .tex files are copied to a temporary folder (so no .aux or .log lands in generated/),
pdflatex runs until the cross-references settle (at most :data:`MAX_RUNS` times) and the PDF is
written atomically.  The PDF is byte-for-byte reproducible *for a given TeX installation*: the
appendix asks pdfTeX to omit dates, the trailer ID and its banner, and SOURCE_DATE_EPOCH and
FORCE_SOURCE_DATE pin any date a package might still read.  A different TeX Live release embeds
different fonts and so gives different bytes, which is why the PDF is not one of the build's outputs
that ``symderive check`` compares.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from symderive.emit.outputs import write_atomically
from symderive.latex.document import FOLDER

ENGINE = "pdflatex"
MAX_RUNS = 3
#: Any fixed date works; this one is the paper's arXiv submission month (arXiv:1703.00560).
SOURCE_DATE_EPOCH = "1488326400"
PDF_PATH = f"{FOLDER}/appendix.pdf"

_RERUN = re.compile(r"Rerun to get|There were undefined references|Label\(s\) may have changed")
_PAGES = re.compile(r"Output written on \S+ \((\d+) pages?")


class LatexError(RuntimeError):
    """pdflatex is missing or failed; the message quotes the first errors of its log."""


@dataclass(frozen=True)
class Compiled:
    """The compiled appendix and what its log says."""

    pdf: bytes
    log: str
    aux: str
    runs: int

    @property
    def pages(self) -> int:
        found = _PAGES.search(self.log)
        if not found:
            raise LatexError("the pdflatex log does not say how many pages were written")
        return int(found.group(1))

    def label_page(self, label: str) -> int:
        """The page a \\label was placed on (from the .aux file)."""
        found = re.search(r"\\newlabel\{" + re.escape(label) + r"\}\{\{[^{}]*\}\{(\d+)\}", self.aux)
        if not found:
            raise LatexError(f"label {label!r} is not in the .aux file")
        return int(found.group(1))

    @property
    def overfull_boxes(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("Overfull")]

    @property
    def undefined_references(self) -> list[str]:
        return [line for line in self.log.splitlines()
                if "undefined" in line and ("Reference" in line or "Citation" in line)]


def engine_path() -> str | None:
    """The pdflatex executable on PATH, or None."""
    return shutil.which(ENGINE)


def _environment() -> dict[str, str]:
    return {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "FORCE_SOURCE_DATE": "1"}


def _errors(log: str) -> str:
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("!")]
    return "\n".join("\n".join(lines[i:i + 3]) for i in starts[:3]) or "\n".join(lines[-15:])


def compile_outputs(outputs: Mapping[str, bytes]) -> Compiled:
    """Compile the appendix from rendered outputs ({relative path: bytes}, as the emitter gives)."""
    executable = engine_path()
    if executable is None:
        raise LatexError(f"{ENGINE} is not on PATH; install a LaTeX engine (Debian: apt-get "
                         "install texlive-latex-base texlive-latex-recommended)")
    prefix = FOLDER + "/"
    with tempfile.TemporaryDirectory(prefix="symderive-latex-") as folder:
        work = Path(folder)
        for relative, content in outputs.items():
            if relative.startswith(prefix) and relative.endswith(".tex"):
                target = work / relative[len(prefix):]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        if not (work / "appendix.tex").is_file():
            raise LatexError(f"the outputs hold no {prefix}appendix.tex")
        runs = 0
        while runs < MAX_RUNS:
            runs += 1
            process = subprocess.run(
                [executable, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
                 "appendix.tex"],
                cwd=work, env=_environment(), capture_output=True, check=False,
            )
            log = (work / "appendix.log").read_text(encoding="latin-1") \
                if (work / "appendix.log").is_file() else process.stdout.decode("latin-1")
            if process.returncode != 0:
                raise LatexError(f"{ENGINE} failed on appendix.tex (exit {process.returncode}):\n"
                                 f"{_errors(log)}")
            if not _RERUN.search(log):
                break
        return Compiled(pdf=(work / "appendix.pdf").read_bytes(), log=log,
                        aux=(work / "appendix.aux").read_text(encoding="latin-1"), runs=runs)


def write_pdf(root: Path, outputs: Mapping[str, bytes]) -> Compiled:
    """Compile and write generated/latex/appendix.pdf below root."""
    compiled = compile_outputs(outputs)
    write_atomically(root / PDF_PATH, compiled.pdf)
    return compiled
