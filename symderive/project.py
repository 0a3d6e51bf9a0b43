"""Where things live in a checkout: the project root and the committed results of long experiments.

``results/`` holds the output of experiments too long for ``symderive build`` to rerun (today the
spurious-minima census, ``symderive simulate spurious --out results/spurious --no-figures``).  The
build renders them (the census table of the LaTeX appendix) but never recomputes them, so
``generated/`` stays a pure function of the derivations and these committed files.
"""

from __future__ import annotations

from pathlib import Path

import derivations

RESULTS_FOLDER = Path("results")
#: the census record the appendix renders, relative to the project root
CENSUS_RECORD = RESULTS_FOLDER / "spurious" / "spurious.json"


def project_root() -> Path:
    """The checkout that holds derivations/ and generated/ (the parent of the derivations
    package)."""
    return Path(derivations.__file__).resolve().parent.parent
