"""The LaTeX appendix: SymPy printing in the paper's notation, safe text, templates and pdflatex.

* :mod:`~symderive.latex.notation`: display-only SymPy objects for step statements (E[·], 1[·],
  ∇, bold vectors, unevaluated equations);
* :mod:`~symderive.latex.printing`: the printer and the line breaking of long displays;
* :mod:`~symderive.latex.text`: escaping of plain text;
* :mod:`~symderive.latex.document`: the emitter (generated/latex/*.tex);
* :mod:`~symderive.latex.pdf`: compiling appendix.tex with pdflatex, reproducibly.
"""

from symderive.latex.document import emit

__all__ = ["emit"]
