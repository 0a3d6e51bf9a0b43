"""The C backend's use of the cores: a pool of helper threads.

A batch is shared between the calling thread and helpers from the pool; that helps where the work
releases the GIL, as ctypes calls into the C kernel do.  The C kernel shares out the work itself
(run_batch in templates/c/population.c.j2): each thread claims chunks of networks until none is
left, so the calling thread never waits for a helper to wake up.  (The NumPy kernel's element-wise
passes measured no faster on two threads: BLAS's own threads keep spinning for a while after each
matrix product.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import TypeVar

Result = TypeVar("Result")


@cache
def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, cores() - 1), thread_name_prefix="symderive")


# a forked child has none of the parent's threads: it starts a pool of its own (the parent's would
# queue the helpers forever, keeping their arrays alive)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_pool.cache_clear)


def share(function: Callable[[bool], Result], helpers: int) -> tuple[Result, list[Future]]:
    """function(False) in up to ``helpers`` pool threads (at most one per other core), then
    function(True) in this thread; returns the latter's result and the helpers' futures.

    The futures may still be running: function(True) itself must return only once the shared work
    is done (the helpers then find nothing left to do).
    """
    others = [_pool().submit(function, False) for _ in range(min(helpers, cores() - 1))]
    return function(True), others
