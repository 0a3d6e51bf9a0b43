"""Wall time of the spurious-minima census per k, and per stage, measured in one run.

Goals (issue 7): k = 6..20 with 1000 runs each in <= 30 min, and k = 6..10 in <= 5 min, on the
project's 2-core machine.  Prints, per k, the time of the runs (symderive.second_order.census's
census_chunk: descent, refinement, classification) and of the certificates, the spurious fraction
and the families, then the totals against the goals.
OpenBLAS threads fight the C kernel's threads on a loaded machine: run with OPENBLAS_NUM_THREADS=1.

    OPENBLAS_NUM_THREADS=1 python benchmarks/spurious_census.py --k 6 7 8 9 10 --runs 1000
"""

from __future__ import annotations

import argparse
import time

from symderive.second_order import census

GOALS = {(6, 10): 300.0, (6, 20): 1800.0}


def timed_k(k: int, runs: int, extra_units: int, seed: int) -> dict:
    """One k through the census's own stages: census_chunk (descent, refinement, classification),
    then a certificate per family."""
    clock = time.perf_counter()
    chunk = census.census_chunk(k, k + extra_units, runs, 0.1, 1e-9, 1_000_000, (seed, k))
    descent = time.perf_counter() - clock
    certified = [census.certify_family(k, family["weights"])["certified"]
                 for family in chunk["families"]]
    return {"descent": descent, "certify": time.perf_counter() - clock - descent,
            "spurious": chunk["counts"]["spurious"] / runs,
            "families": [(round(family["loss"], 6), family["count"], proved)
                         for family, proved in zip(chunk["families"], certified, strict=True)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, nargs="+", default=list(range(6, 11)))
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--extra-units", type=int, default=0, choices=(0, 1))
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    total = 0.0
    for k in arguments.k:
        result = timed_k(k, arguments.runs, arguments.extra_units, arguments.seed)
        seconds = result["descent"] + result["certify"]
        total += seconds
        print(f"k = {k:2d}: {seconds:7.1f} s (descent, refinement and classification "
              f"{result['descent']:.1f}, certificates {result['certify']:.1f}); spurious fraction "
              f"{result['spurious']:.3f}; families (loss, count, certified) {result['families']}",
              flush=True)
    print(f"total for k = {arguments.k[0]}..{arguments.k[-1]}, {arguments.runs} runs each: "
          f"{total:.1f} s")
    for (low, high), goal in GOALS.items():
        if arguments.k == list(range(low, high + 1)) and arguments.runs == 1000:
            print(f"goal k = {low}..{high}: <= {goal:.0f} s, "
                  f"ratio measured/goal {total / goal:.2f}")


if __name__ == "__main__":
    main()
