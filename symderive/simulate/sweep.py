"""Running the independent tasks of an experiment on any ``concurrent.futures``-style executor.

An experiment splits its work into tasks whose split does *not* depend on the executor (fixed chunk
sizes, one seed per task), so the results are identical whether the tasks run in this process, in a
process pool (``--workers N``) or on a Dask cluster.  Any object with
``submit(fn, *args, **kwargs)`` returning a :class:`concurrent.futures.Future` works, for example
``dask.distributed.Client(...).get_executor()``; task functions must be module-level (picklable)
functions.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from symderive.simulate.progress import ProgressBar


class SerialExecutor(Executor):
    """Runs each task at submission, in this process (what ``--workers 1`` uses)."""

    def submit(self, fn: Callable, /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # noqa: BLE001 (re-raised by future.result(), as in a pool)
            future.set_exception(error)
        return future


def make_executor(workers: int) -> Executor:
    """An in-process executor for one worker, a process pool for more."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    return SerialExecutor() if workers == 1 else ProcessPoolExecutor(max_workers=workers)


@dataclass
class Sweep:
    """An executor, the base seed of the run and whether to draw progress bars."""

    executor: Executor = field(default_factory=SerialExecutor)
    seed: int = 0
    progress: bool = True

    def seeds(self, stream: str, count: int) -> list[tuple[int, int, int]]:
        """One seed per task for ``numpy.random.default_rng``: (base seed, stream id, task index).

        Different streams (e.g. two kinds of initialisation) never share random numbers.
        """
        stream_id = zlib.crc32(stream.encode())
        return [(self.seed, stream_id, index) for index in range(count)]

    def map(self, label: str, function: Callable, tasks: Sequence[Mapping[str, Any]]) -> list:
        """[function(**task) for task in tasks], run on the executor; results in task order."""
        bar = ProgressBar(label, len(tasks)) if self.progress else None
        futures = []
        for task in tasks:
            future = self.executor.submit(function, **task)
            if bar is not None:
                future.add_done_callback(lambda _: bar.advance())
            futures.append(future)
        try:
            return [future.result() for future in futures]
        finally:
            if bar is not None:
                bar.close()
