"""The C backend's use of the cores: a pool of worker threads.

Work split into parts runs the first part in the calling thread and the others in the pool; that
helps where the work releases the GIL, as ctypes calls into the C kernel do.  (The NumPy kernel's
element-wise passes measured no faster on two threads: BLAS's own threads keep spinning for a
while after each matrix product.)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache


@cache
def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, cores() - 1), thread_name_prefix="symderive")


def run_parts(function: Callable, parts: Sequence) -> list:
    """[function(part) for part in parts], the first part in this thread, the others in the pool."""
    others = [_pool().submit(function, part) for part in parts[1:]]
    return [function(parts[0])] + [other.result() for other in others] if parts else []
