"""The C kernel's batches shared over threads in chunks of networks (run_batch in
templates/c/population.c.j2, kernels/c_backend.run_batched).

Every network is evaluated alone or in its lane group whichever thread claims it, so sharing a batch
in small chunks among helper threads must give the results of one thread, bit for bit, and a bad
entry in any chunk must still be reported by name.
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
import pytest
from test_kernels_lanes import mixed_batch

from symderive import threads
from symderive.kernels import c_backend
from symderive.population import gradient_descent, population_gradient, population_loss


def results(W, W_star):
    descent = gradient_descent(W, W_star, lr=0.05, steps=30, backend="c")
    return (population_gradient(W, W_star, backend="c"), population_loss(W, W_star, backend="c"),
            descent.weights, descent.loss, descent.steps)


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of one lane group (gradient) or one network (loss, descent), shared with helpers even
    for small batches, as if there were three cores."""
    monkeypatch.setattr(c_backend, "CHUNK_PAIRS", 1)
    monkeypatch.setattr(c_backend, "THREAD_THRESHOLD", 0)
    monkeypatch.setattr(c_backend, "cores", lambda: 3)
    monkeypatch.setattr(threads, "cores", lambda: 3)


def test_chunk_sizes():
    for pairs in (1, 18, 72, 4096, 10**6):
        lanes = c_backend.chunk_size(pairs, lanes=True)
        networks = c_backend.chunk_size(pairs, lanes=False)
        assert lanes % c_backend.LANES == 0 and lanes >= networks >= 1
        assert networks * pairs <= max(c_backend.CHUNK_PAIRS, pairs)


@pytest.mark.parametrize("shared_teacher", [False, True])
def test_shared_batch_equals_one_thread(monkeypatch, small_chunks, shared_teacher):
    W, W_star = mixed_batch(5 * c_backend.LANES + 3, 4, 3, 5, seed=3)
    if shared_teacher:
        W_star = W_star[0]
    shared = results(W, W_star)
    with monkeypatch.context() as alone:
        alone.setattr(c_backend, "CHUNK_PAIRS", 10**9)
        alone.setattr(c_backend, "THREAD_THRESHOLD", 10**18)
        expected = results(W, W_star)
    for got, want in zip(shared, expected, strict=True):
        assert np.array_equal(got, want)


@pytest.mark.parametrize("array, value, name", [("W", np.inf, "W"), ("W_star", np.nan, "W_star"),
                                                ("W_star", 1e308, "W_star")])
def test_bad_entry_in_the_last_chunk_is_named(small_chunks, array, value, name):
    W, W_star = mixed_batch(3 * c_backend.LANES + 1, 4, 3, 5, seed=4)
    {"W": W, "W_star": W_star}[array][-1] = value
    for evaluate in (population_gradient, population_loss):
        with pytest.raises(ValueError, match=rf"^{name} "):
            evaluate(W, W_star, backend="c")


def _calls_in_child(queue) -> None:
    W, W_star = mixed_batch(4 * c_backend.LANES, 4, 3, 5, seed=5)
    for _ in range(3):
        population_gradient(W, W_star, backend="c")
    pool = threads._pool()
    pool.submit(lambda: None).result(timeout=30)  # the child's own pool runs what it is given
    queue.put(pool._work_queue.qsize())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_child_gets_a_pool_of_its_own(small_chunks):
    """After a fork the parent's pool has no threads in the child: helpers submitted there would
    never run and would keep their arrays alive (one batch's worth per call)."""
    W, W_star = mixed_batch(4 * c_backend.LANES, 4, 3, 5, seed=5)
    population_gradient(W, W_star, backend="c")  # the parent's pool now has threads
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_calls_in_child, args=(queue,))
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == 0
