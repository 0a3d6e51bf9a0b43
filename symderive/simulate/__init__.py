"""The paper's experiments and figures: ``symderive simulate EXPERIMENT`` (or ``all``).

Each experiment runs gradient descent (or evaluates closed forms) on the population loss of
Tian (2017) and writes, into ``--out`` (default ``generated/figures/``), a JSON record of its
options, seed and data plus figures as PNG and PDF (matplotlib: the ``figures`` extra).

Adding an experiment = adding one module to :mod:`symderive.simulate.experiments` that defines

    EXPERIMENT = Experiment(name="my-experiment", summary="one line for --help",
                            options=MyOptions, run=run, plot=plot)

with ``MyOptions`` a frozen dataclass whose fields use :func:`symderive.simulate.options.option`
(they become command-line options; validate in ``__post_init__``, raising ValueError),
``run(options, sweep) -> data`` (JSON-serialisable; parallel work through
``sweep.map(label, function, tasks)`` with module-level task functions and seeds from
``sweep.seeds(stream, count)``) and ``plot(data, new_figure) -> {suffix: Figure}``.  See
:class:`symderive.simulate.registry.Experiment`; the experiments already there (``single_relu.py``
is the shortest) are the templates.  The registry, ``symderive simulate all``, the command line and
the tests pick the module up by itself.  The command line imports every experiment module to build
its options, for every sub-command (``symderive build`` included, which must work while the
generated kernels are missing or stale), so an experiment module must not import the runtime API,
the generated code or matplotlib at module level: import them inside the functions that use them, or
write ``import symderive`` and call ``symderive.gradient_descent``.

Parallel sweeps: ``--workers N`` runs tasks in a process pool; from Python, any
``concurrent.futures``-style executor works, for example a Dask cluster::

    from dask.distributed import Client
    from symderive.simulate import Sweep, run
    with Client("tcp://scheduler:8786") as client:      # or Client() for a local cluster
        run("multi-relu", sweep=Sweep(client.get_executor(), seed=0), out="results/")

The task split and the seeds never depend on the executor, so every executor gives the same bytes.
"""

from symderive.simulate.execute import run
from symderive.simulate.registry import ALL, Experiment, registered
from symderive.simulate.sweep import SerialExecutor, Sweep, make_executor

__all__ = ["ALL", "Experiment", "SerialExecutor", "Sweep", "make_executor", "registered", "run"]
