"""symderive: machine-derived, machine-verified population gradients of two-layer ReLU networks.

Y. Tian, "An Analytical Formula of Population Gradient for two-layered ReLU network and its
Applications in Convergence and Critical Point Analysis", ICML 2017 (arXiv:1703.00560).

The runtime API is imported lazily, so that ``symderive build`` (which regenerates the code the API
runs on) works even when that generated code is missing or stale.
"""

from importlib import import_module

__version__ = "0.1.0"

#: public name -> module that defines it
_API = {
    "expected_gating": "symderive.population",
    "population_loss": "symderive.population",
    "population_gradient": "symderive.population",
    "gradient_descent": "symderive.population",
    "population_hessian": "symderive.second_order.hessian",
    "refine_critical_point": "symderive.second_order.refine",
    "certify_critical_point": "symderive.second_order.certify",
    "normal_equation_matrices": "symderive.critical",
    "two_relu_L": "symderive.critical",
    "symmetric_fixed_point": "symderive.critical",
    "symmetric_jacobian_eigenvalues": "symderive.critical",
    "symmetric_weights": "symderive.critical",
    "symmetric_coordinates": "symderive.critical",
}

__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'symderive' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
