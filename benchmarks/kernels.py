"""Kernel benchmarks of issue 4, printing ratios measured in one run (no timing asserts anywhere).

(a) K = d = 1024: NumPy-backend gradient time / time of the unavoidable matrix products
    (the Gram matrix W [W; W*]ᵀ and the (K × 2K) coefficient matrix times [W; W*]); goal <= 1.25.
    The ratio of the best of 15 interleaved runs each, and the spread of the run-by-run ratios.
(b) K = d = 6, B = 4096 networks: C-backend gradients per second against (i) a per-network NumPy
    evaluation with arccos of a clipped cosine broadcast over pairs (as the paper's own code does),
    goal >= 100x, and (ii) the batched NumPy backend (Gram matrices, atan2, batched matmul),
    goal >= 6x.
(c) gradient descent, K = d = 10, 1000 networks, 10^4 steps: C loop against the batched NumPy loop
    (per step; the NumPy loop runs 10^3 steps unless --full).
(d) the census workload of issue 7 (symderive.second_order.census): K = d = 20, W* = I, 250 Xavier
    starts (entries N(0, 1)/√20), lr 0.1, tol 1e-9, 2000 steps in C: time per step per network, and
    the C loop against the batched NumPy loop (per step; NumPy runs 100 steps).

Usage: python benchmarks/kernels.py [a] [b] [c] [d] [--full]   (default: all).  Also prints the peak
RSS of (a).
"""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

from symderive.kernels import c_backend
from symderive.population import gradient_descent, population_gradient


def run_times(functions: dict, repeats: int) -> dict:
    """Every run's time (seconds) of each function, ``repeats`` runs each, interleaved so that a
    change of machine load affects all of them alike (in reversed order every other time, so that
    none always runs right after the same one)."""
    times = {name: [] for name in functions}
    for repeat in range(repeats):
        order = list(functions.items())
        for name, function in order if repeat % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return times


def best_times(functions: dict, repeats: int = 3) -> dict:
    """The fastest of ``repeats`` interleaved runs of each function (seconds)."""
    return {name: min(runs) for name, runs in run_times(functions, repeats).items()}


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
    runs = run_times({"products": lambda: (W @ units.T, coefficients @ units),
                      "kernel": lambda: population_gradient(W, W_star, backend="numpy")}, 15)
    products, kernel = min(runs["products"]), min(runs["kernel"])
    # each run's ratio to the products' run next to it: the spread shows the machine's noise
    ratios = np.array(runs["kernel"]) / np.array(runs["products"])
    low, median, high = np.percentile(ratios, [10, 50, 90])
    print(f"(a) K = d = {size}: NumPy gradient {kernel * 1e3:.0f} ms, matrix products "
          f"{products * 1e3:.0f} ms, ratio {kernel / products:.2f} (goal <= 1.25); ratio run by "
          f"run: median {median:.2f}, 10th-90th percentile {low:.2f}-{high:.2f} over "
          f"{ratios.size} runs")
    print(f"    peak RSS {rss_after:.0f} MiB (before the first gradient {rss_before:.0f} MiB; "
          f"inputs {2 * W.nbytes / 2**20:.0f} MiB)")


def paper_style_gradient(W: np.ndarray, W_star: np.ndarray) -> np.ndarray:
    """One network the way the paper's script does it: arccos of a clipped cosine, broadcast over
    pairs."""
    units = np.concatenate([W, W_star])
    signs = np.concatenate([np.ones(len(W)), -np.ones(len(W_star))])
    norms = np.linalg.norm(units, axis=1)
    e = W / norms[: len(W), None]
    cosine = np.clip(e @ (units / norms[:, None]).T, -1.0, 1.0)
    theta = np.arccos(cosine)
    u_part = (((np.pi - theta) * signs)[:, :, None] * units[None, :, :]).sum(axis=1)
    e_part = (np.sin(theta) * signs * norms).sum(axis=1)[:, None] * e
    return (u_part + e_part) / (2 * np.pi)


C_CALLS = 20


def benchmark_b(networks: int = 4096, size: int = 6) -> None:
    rng = np.random.default_rng(1)
    W = rng.standard_normal((networks, size, size))
    W_star = rng.standard_normal((networks, size, size))
    c_backend.library()

    def c_calls():
        # One call takes about 1 ms: time a sustained run of C_CALLS calls (as in a sweep) and
        # report the time per call.
        for _ in range(C_CALLS):
            population_gradient(W, W_star, backend="c")

    times = best_times({
        "c": c_calls,
        "batched": lambda: population_gradient(W, W_star, backend="numpy"),
        "loop": lambda: [paper_style_gradient(w, t) for w, t in zip(W, W_star, strict=True)],
    }, 5)
    c_time, batched, loop = times["c"] / C_CALLS, times["batched"], times["loop"]
    print(f"(b) K = d = {size}, B = {networks}: C {networks / c_time:,.0f} gradients/s; "
          f"per-network NumPy (arccos) {networks / loop:,.0f}/s -> {loop / c_time:.0f}x "
          f"(goal >= 100x); "
          f"batched NumPy {networks / batched:,.0f}/s -> {batched / c_time:.1f}x (goal >= 6x)")


def benchmark_c(networks: int = 1000, size: int = 10, steps: int = 10_000,
                numpy_steps: int = 1000) -> None:
    """The C loop runs all ``steps``; the NumPy loop, slower, runs ``numpy_steps`` (all with --full)
    and the ratio is of the times per step, both measured here."""
    rng = np.random.default_rng(2)
    W_star = np.eye(size)
    W0 = W_star + 0.3 * rng.standard_normal((networks, size, size)) / np.sqrt(size)
    c_backend.library()

    def timed(backend: str, count: int):
        start = time.perf_counter()
        result = gradient_descent(W0, W_star, lr=0.5, steps=count, tol=0.0, backend=backend)
        return result, time.perf_counter() - start

    c_result, c_time = timed("c", steps)
    c_short, _ = timed("c", numpy_steps)
    np_result, np_time = timed("numpy", numpy_steps)
    difference = np.max(np.abs(c_short.weights - np_result.weights))
    ratio = (np_time / numpy_steps) / (c_time / steps)
    print(f"(c) descent K = d = {size}, {networks} networks: C {steps} steps {c_time:.1f} s "
          f"({networks * steps / c_time:,.0f} network-steps/s); batched NumPy {numpy_steps} steps "
          f"{np_time:.1f} s ({networks * numpy_steps / np_time:,.0f}/s) -> C {ratio:.1f}x "
          f"per step; "
          f"after {numpy_steps} steps max |W_C - W_NumPy| {difference:.1e}; "
          f"median loss after {steps} steps {np.median(c_result.loss):.2e}")


def benchmark_d(networks: int = 250, size: int = 20, steps: int = 2000,
                numpy_steps: int = 100) -> None:
    rng = np.random.default_rng(3)
    W0 = rng.standard_normal((networks, size, size)) / np.sqrt(size)
    W_star = np.eye(size)
    c_backend.library()

    def timed(backend: str, count: int) -> float:
        start = time.perf_counter()
        gradient_descent(W0, W_star, lr=0.1, steps=count, tol=1e-9, backend=backend)
        return (time.perf_counter() - start) / (networks * count)

    c_step, np_step = timed("c", steps), timed("numpy", numpy_steps)
    print(f"(d) census descent K = d = {size}, {networks} Xavier starts, {steps} steps: C "
          f"{c_step * 1e6:.2f} us per step per network ({1 / c_step:,.0f} network-steps/s); "
          f"batched NumPy ({numpy_steps} steps) {np_step * 1e6:.1f} us -> C "
          f"{np_step / c_step:.1f}x per step")


if __name__ == "__main__":
    full = "--full" in sys.argv
    chosen = [name for name in sys.argv[1:] if name != "--full"] or ["a", "b", "c", "d"]
    for name in chosen:
        if name == "c":
            benchmark_c(numpy_steps=10_000 if full else 1000)
        else:
            {"a": benchmark_a, "b": benchmark_b, "d": benchmark_d}[name]()
