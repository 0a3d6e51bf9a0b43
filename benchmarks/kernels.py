"""Kernel benchmarks of issue 4, printing ratios measured in one run (no timing asserts anywhere).

(a) K = d = 1024: NumPy-backend gradient time / time of the unavoidable matrix products
    (the Gram matrix W [W; W*]ᵀ and the (K × 2K) coefficient matrix times [W; W*]); goal <= 1.25.
(b) K = d = 6, B = 4096 networks: C-backend gradients per second against (i) a per-network NumPy
    evaluation with arccos of a clipped cosine broadcast over pairs (as the paper's own code does),
    goal >= 100x, and (ii) the batched NumPy backend (Gram matrices, atan2, batched matmul), goal >= 6x.
(c) gradient descent, K = d = 10, 1000 networks, 10^4 steps: C loop against the batched NumPy loop.

Usage: python benchmarks/kernels.py [a] [b] [c]   (default: all).  Also prints the peak RSS of (a).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from symderive.kernels import c_backend
from symderive.population import gradient_descent, population_gradient


def best_time(function, repeats: int = 3) -> float:
    """The fastest of ``repeats`` runs (seconds)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def benchmark_a(size: int = 1024) -> None:
    rng = np.random.default_rng(0)
    W, W_star = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    units = np.concatenate([W, W_star])
    coefficients = rng.standard_normal((size, 2 * size))
    rss_before = peak_rss_mib()
    population_gradient(W, W_star, backend="numpy")
    rss_after = peak_rss_mib()
    products = best_time(lambda: (W @ units.T, coefficients @ units))
    kernel = best_time(lambda: population_gradient(W, W_star, backend="numpy"))
    print(f"(a) K = d = {size}: NumPy gradient {kernel * 1e3:.0f} ms, matrix products "
          f"{products * 1e3:.0f} ms, ratio {kernel / products:.2f} (goal <= 1.25)")
    print(f"    peak RSS {rss_after:.0f} MiB (before the first gradient {rss_before:.0f} MiB; "
          f"inputs {2 * W.nbytes / 2**20:.0f} MiB)")


def paper_style_gradient(W: np.ndarray, W_star: np.ndarray) -> np.ndarray:
    """One network the way the paper's script does it: arccos of a clipped cosine, broadcast over pairs."""
    units = np.concatenate([W, W_star])
    signs = np.concatenate([np.ones(len(W)), -np.ones(len(W_star))])
    norms = np.linalg.norm(units, axis=1)
    e = W / norms[: len(W), None]
    cosine = np.clip(e @ (units / norms[:, None]).T, -1.0, 1.0)
    theta = np.arccos(cosine)
    u_part = (((np.pi - theta) * signs)[:, :, None] * units[None, :, :]).sum(axis=1)
    e_part = (np.sin(theta) * signs * norms).sum(axis=1)[:, None] * e
    return (u_part + e_part) / (2 * np.pi)


def benchmark_b(networks: int = 4096, size: int = 6) -> None:
    rng = np.random.default_rng(1)
    W, W_star = rng.standard_normal((networks, size, size)), rng.standard_normal((networks, size, size))
    c_backend.library()
    c_time = best_time(lambda: population_gradient(W, W_star, backend="c"), 5)
    batched = best_time(lambda: population_gradient(W, W_star, backend="numpy"))
    loop = best_time(lambda: [paper_style_gradient(w, t) for w, t in zip(W, W_star)], 1)
    print(f"(b) K = d = {size}, B = {networks}: C {networks / c_time:,.0f} gradients/s; "
          f"per-network NumPy (arccos) {networks / loop:,.0f}/s -> {loop / c_time:.0f}x (goal >= 100x); "
          f"batched NumPy {networks / batched:,.0f}/s -> {batched / c_time:.1f}x (goal >= 6x)")


def benchmark_c(networks: int = 1000, size: int = 10, steps: int = 10_000) -> None:
    rng = np.random.default_rng(2)
    W_star = np.eye(size)
    W0 = W_star + 0.3 * rng.standard_normal((networks, size, size)) / np.sqrt(size)
    c_backend.library()
    start = time.perf_counter()
    c_result = gradient_descent(W0, W_star, lr=0.5, steps=steps, tol=0.0, backend="c")
    c_time = time.perf_counter() - start
    start = time.perf_counter()
    np_result = gradient_descent(W0, W_star, lr=0.5, steps=steps, tol=0.0,
                                           backend="numpy")
    np_time = time.perf_counter() - start
    difference = np.max(np.abs(c_result.weights - np_result.weights))
    print(f"(c) descent K = d = {size}, {networks} networks, {steps} steps: C {c_time:.2f} s, "
          f"batched NumPy {np_time:.2f} s -> {np_time / c_time:.1f}x; max |W_C − W_NumPy| "
          f"{difference:.1e}, median final loss {np.median(c_result.loss):.2e}")


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["a", "b", "c"]
    for name in chosen:
        {"a": benchmark_a, "b": benchmark_b, "c": benchmark_c}[name]()
