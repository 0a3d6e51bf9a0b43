"""The generated kernels: C and NumPy population loss/gradient, rendered by
symderive.kernels.codegen.

The user-facing copies live in generated/kernels/<backend>/.  The runtime needs the same files
inside the installed package (generated/ is not part of it), so they are also written,
byte-identical, to symderive/_generated/: population.c is what the C backend compiles at first use,
and population_kernel.py is what the NumPy backend imports.
"""

from __future__ import annotations

from collections.abc import Mapping

from symderive.engine.model import DerivationResult
from symderive.kernels.codegen import render_kernels

FILES = {
    "c": ("generated/kernels/c/population.c", "symderive/_generated/population.c"),
    "numpy": ("generated/kernels/numpy/population_kernel.py",
              "symderive/_generated/population_kernel.py"),
}


def emit(results: Mapping[str, DerivationResult]) -> dict[str, bytes]:
    rendered = render_kernels(results)
    return {path: rendered[backend].encode() for backend, paths in FILES.items() for path in paths}
