"""``symderive latex [--pdf]``: write generated/latex/*.tex and optionally compile the PDF.

Exit status: 0 on success; 1 when a claim failed (the appendix is still written and says so) or
pdflatex is missing or fails.
"""

from __future__ import annotations

import argparse
import sys

from symderive.build import derive_all
from symderive.emit.outputs import write_outputs
from symderive.latex.document import emit
from symderive.latex.pdf import PDF_PATH, LatexError, write_pdf


def add_parser(subcommands: argparse._SubParsersAction) -> None:
    command = subcommands.add_parser(
        "latex", help="write the LaTeX appendix (generated/latex/); --pdf also compiles it")
    command.add_argument("--pdf", action="store_true",
                         help=f"compile with pdflatex to {PDF_PATH} "
                              "(reproducible on one TeX installation)")


def run(args: argparse.Namespace) -> int:
    results = derive_all(args.cache_dir)
    outputs = emit(results)
    written = write_outputs(args.root, outputs)
    print(f"{len(outputs)} LaTeX files, {len(written)} rewritten")
    status = 0
    failed = [claim.id for result in results.values() for claim in result.claims
              if not claim.verified]
    if failed:
        print(f"FAILED claims (the appendix says so): {', '.join(failed)}", file=sys.stderr)
        status = 1
    if args.pdf:
        try:
            compiled = write_pdf(args.root, outputs)
        except LatexError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"{PDF_PATH}: {compiled.pages} pages, {len(compiled.overfull_boxes)} overfull boxes, "
              f"{len(compiled.undefined_references)} undefined references, {compiled.runs} runs")
    return status
