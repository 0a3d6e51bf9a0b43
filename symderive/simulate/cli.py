"""``symderive simulate EXPERIMENT [--out DIR] [--workers N] [--seed S] [--no-figures] [options]``.

Each registered experiment is a sub-command with its own options (``symderive simulate multi-relu
--help``); ``all`` runs every experiment with its defaults.  Invalid options exit with status 2 and
a message naming the problem (argparse's convention, as for the other sub-commands).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from symderive.simulate import registry
from symderive.simulate.execute import run
from symderive.simulate.figures import MissingFiguresExtra, require_matplotlib
from symderive.simulate.options import add_arguments, from_namespace, require_integer_at_least
from symderive.simulate.sweep import Sweep, make_executor

FIGURES_FOLDER = Path("generated") / "figures"


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--out", type=Path, default=None,
                        help=f"output folder (default: ROOT/{FIGURES_FOLDER.as_posix()})")
    common.add_argument("--workers", type=int, default=1,
                        help="worker processes for the sweeps (default: 1, in this process)")
    common.add_argument("--seed", type=int, default=0, help="base random seed (default: 0)")
    common.add_argument("--no-figures", action="store_true",
                        help="write the JSON only (no matplotlib needed)")
    return common


def _all_help() -> str:
    skipped = sorted(name for name, e in registry.registered().items() if not e.in_all)
    exception = f", except {', '.join(skipped)} (run those by name)" if skipped else ""
    return f"every experiment above with its default options{exception}"


def add_parser(subcommands: argparse._SubParsersAction) -> None:
    """Register ``simulate`` and one sub-command per experiment (plus ``all``)."""
    simulate = subcommands.add_parser(
        "simulate", help="run the paper's experiments; write JSON results and PNG/PDF figures",
        description="Run the paper's experiments; write JSON results and PNG/PDF figures.",
    )
    names = simulate.add_subparsers(dest="experiment", required=True, metavar="EXPERIMENT")
    common = _common_options()
    for name, experiment in registry.registered().items():
        sub = names.add_parser(name, parents=[common], help=experiment.summary,
                               description=experiment.summary)
        add_arguments(sub, experiment.options)
        sub.set_defaults(usage_error=sub.error)
    sub = names.add_parser(registry.ALL, parents=[common], help=_all_help())
    sub.set_defaults(usage_error=sub.error)


def _chosen_options(args: argparse.Namespace) -> dict:
    if args.experiment == registry.ALL:
        return {name: experiment.options() for name, experiment in registry.registered().items()
                if experiment.in_all}
    return {args.experiment: from_namespace(registry.get(args.experiment).options, args)}


def command(args: argparse.Namespace) -> int:
    """Validate everything first (exit 2 on a bad option), then run and write the files."""
    try:
        require_integer_at_least("--workers", args.workers, 1)
        require_integer_at_least("--seed", args.seed, 0)
        chosen = _chosen_options(args)
        if not args.no_figures:
            require_matplotlib()
    except (ValueError, MissingFiguresExtra) as error:
        args.usage_error(str(error))  # prints usage and the message, exits with status 2
    out = args.out if args.out is not None else args.root / FIGURES_FOLDER
    with make_executor(args.workers) as executor:
        sweep = Sweep(executor, seed=args.seed, progress=not args.quiet)
        for name, options in chosen.items():
            start = time.perf_counter()
            files = run(name, options, sweep=sweep, out=out, figures=not args.no_figures)
            print(f"{name}: {', '.join(sorted(files))} ({time.perf_counter() - start:.1f} s)",
                  file=sys.stderr)
    print(f"wrote {out}")
    return 0
