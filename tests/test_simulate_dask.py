"""A sweep on a local Dask cluster gives the same bytes as the serial run (needs the dask extra)."""

from __future__ import annotations

import pytest

from symderive.simulate import Sweep, run
from symderive.simulate.experiments.single_relu import Options

distributed = pytest.importorskip("dask.distributed")

TINY = Options(dim=4, radii=3, samples=20, steps=50)


def test_local_dask_cluster_runs_a_sweep_like_the_serial_executor():
    serial = run("single-relu", TINY, sweep=Sweep(progress=False), figures=False)
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        on_dask = run("single-relu", TINY, sweep=Sweep(client.get_executor(), progress=False),
                      figures=False)
    assert on_dask == serial
