"""The ``symderive`` command line: build, check.

Exit status: 0 on success, 1 when a claim fails or generated/ is stale, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from symderive.build import derive_all, render
from symderive.emit.outputs import stale_outputs, write_outputs
from symderive.engine.model import DerivationResult
from symderive.latex import command as latex_command
from symderive.project import project_root
from symderive.simulate import cli as simulate_command


def _method_summary(records) -> list[str]:
    """One entry per method, in first-use order: "quadrature:3.0e-40", "interval x8"."""
    by_method: dict[str, list] = {}
    for record in records:
        by_method.setdefault(record.method, []).append(record)
    entries = []
    for method, group in by_method.items():
        count = f" x{len(group)}" if len(group) > 1 else ""
        numeric = [r.max_error for r in group if r.points is not None]
        worst = f":{max(numeric):.1e}" if numeric else ""
        entries.append(f"{method}{count}{worst}")
    return entries


def _claim_table(results: Mapping[str, DerivationResult]) -> str:
    rows = [("claim", "status", "methods", "worst error", "seconds")]
    for result in results.values():
        for claim in result.claims:
            methods = ", ".join(_method_summary(claim.records))
            worst = max((r.max_error for r in claim.records if r.error_unit.startswith("relative")),
                        default=0.0)
            seconds = sum(r.seconds for r in claim.records)
            rows.append((claim.id, claim.status, methods, f"{worst:.1e}", f"{seconds:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     for row in rows)


def _progress(result: DerivationResult, from_cache: bool) -> None:
    source = "cached" if from_cache else f"{result.seconds:.1f} s"
    print(f"  {result.name:<28} {source}", file=sys.stderr)


def _derive(args: argparse.Namespace) -> dict[str, DerivationResult]:
    return derive_all(args.cache_dir, on_result=None if args.quiet else _progress)


def _failed_claims(results: Mapping[str, DerivationResult]) -> list[str]:
    return [claim.id for result in results.values() for claim in result.claims
            if not claim.verified]


def command_build(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    results = _derive(args)
    outputs = render(results)
    written = write_outputs(args.root, outputs)
    print(_claim_table(results))
    print(f"\n{len(outputs)} outputs, {len(written)} rewritten, "
          f"{time.perf_counter() - start:.1f} s")
    failed = _failed_claims(results)
    if failed:
        print(f"FAILED claims: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def command_check(args: argparse.Namespace) -> int:
    results = _derive(args)
    problems = stale_outputs(args.root, render(results))
    for relative, diff in problems.items():
        print(f"stale: {relative}\n{diff}")
    failed = _failed_claims(results)
    if failed:
        print(f"FAILED claims: {', '.join(failed)}", file=sys.stderr)
    if problems:
        print("generated outputs are stale: run `symderive build` and commit the result",
              file=sys.stderr)
    if problems or failed:
        return 1
    print("generated outputs are up to date and every claim is verified")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="symderive",
        description=("Derive and verify Tian (2017)'s population gradient; emit kernels and "
                     "reports."),
    )
    top.add_argument("--root", type=Path, default=None,
                     help="project checkout to write into (default: the one holding derivations/)")
    top.add_argument("--cache-dir", type=Path, default=None,
                     help="derivation cache (default: $SYMDERIVE_CACHE_DIR or .symderive-cache/)")
    top.add_argument("-q", "--quiet", action="store_true", help="no per-derivation progress")
    sub = top.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="run and verify every derivation and write generated/")
    sub.add_parser("check", help="fail with a diff if generated/ is stale or a claim fails")
    latex_command.add_parser(sub)
    simulate_command.add_parser(sub)
    return top


COMMANDS = {"build": command_build, "check": command_check, "latex": latex_command.run,
            "simulate": simulate_command.command}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.root = (args.root or project_root()).resolve()
    return COMMANDS[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
