"""Wall time of `symderive build`, cold (empty cache) and warm, measured in one run.

Goals (issue 2): cold <= 60 s, warm <= 3 s on the project's 2-core machine.  Writes into a temporary
project root and cache, so the checkout's generated/ and cache are untouched.

    python benchmarks/build_time.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def timed_build(root: str, cache: str) -> float:
    environment = dict(os.environ, SYMDERIVE_CACHE_DIR=cache)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "symderive.cli", "--quiet", "--root", root, "build"],
                   check=True, env=environment, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as root, tempfile.TemporaryDirectory() as cache:
        cold = timed_build(root, cache)
        warm = timed_build(root, cache)
    print(f"cold build: {cold:6.1f} s   (goal <= 60 s, ratio to goal {cold / 60:.2f})")
    print(f"warm build: {warm:6.1f} s   (goal <=  3 s, ratio to goal {warm / 3:.2f})")
    print(f"cold / warm: {cold / warm:.1f}")


if __name__ == "__main__":
    main()
