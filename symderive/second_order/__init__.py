"""Second order: the population Hessian, Newton refinement and interval certificates of critical
points (hessian, refine, certify; exact holds the mpmath/interval evaluations they share), and the
spurious-minima census (census)."""
