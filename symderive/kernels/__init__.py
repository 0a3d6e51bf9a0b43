"""Population loss and gradient kernels generated from the derived pairwise terms.

:mod:`symderive.kernels.codegen` prints the terms (SymPy printers, common subexpressions eliminated)
into the jinja2 templates of ``symderive/templates/<backend>/``; :mod:`symderive.kernels.c_backend`
compiles the C kernel at first use and calls it through ctypes.
"""
