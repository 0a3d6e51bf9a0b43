"""symderive simulate: registry, options, sweeps and executors, output files, command line."""

from __future__ import annotations

import argparse
import dataclasses
import io
import itertools
import json
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from symderive import cli
from symderive.simulate import ALL, Sweep, make_executor, registered, run
from symderive.simulate.execute import json_bytes
from symderive.simulate.experiments import multi_relu, single_relu, ssb, two_relu_l
from symderive.simulate.matching import distance_up_to_permutation, min_cost_assignment
from symderive.simulate.progress import ProgressBar

TINY_SINGLE = single_relu.Options(dim=4, radii=3, samples=20, steps=50)


def test_registry_holds_the_papers_experiments():
    known = registered()
    assert {"single-relu", "ssb", "two-relu-L", "multi-relu"} <= set(known)
    assert ALL not in known
    for name, experiment in known.items():
        assert experiment.name == name and experiment.summary
        experiment.options()  # the defaults are valid


@pytest.mark.parametrize("make", [
    lambda: multi_relu.Options(units=0),
    lambda: multi_relu.Options(dim=0),
    lambda: ssb.Options(units=(2, 1)),
    lambda: ssb.Options(units=()),
    lambda: single_relu.Options(radius_max=-1.0),
    lambda: single_relu.Options(lr=float("nan")),
    lambda: two_relu_l.Options(student_angles=(1.5,)),
])
def test_invalid_options_raise_value_error(make):
    with pytest.raises(ValueError, match="must"):
        make()


def test_run_rejects_unknown_experiments_and_foreign_options():
    with pytest.raises(ValueError, match="unknown experiment 'nope'"):
        run("nope")
    with pytest.raises(TypeError, match="options for 'ssb'"):
        run("ssb", TINY_SINGLE, figures=False)
    with pytest.raises(ValueError, match="workers"):
        make_executor(0)


@pytest.mark.parametrize("arguments, message", [
    (["nope"], "invalid choice"),
    (["multi-relu", "-K", "0"], "K (units) must be an integer >= 1, got 0"),
    (["single-relu", "--radius-max", "-0.5"], "radius_max must be a positive"),
    (["ssb", "--units", "1"], "K must be an integer >= 2"),
    (["all", "--workers", "0"], "--workers must be an integer >= 1"),
    (["ssb", "--steps", "many"], "invalid int value"),
])
def test_bad_command_line_options_exit_with_status_2(arguments, message, capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["simulate", *arguments])
    assert raised.value.code == 2
    assert message in capsys.readouterr().err


def test_command_line_writes_json_and_figures(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    status = cli.main(["--quiet", "simulate", "ssb", "--units", "2", "--steps", "40",
                       "--out", str(tmp_path)])
    assert status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ssb-errors.pdf", "ssb-errors.png", "ssb-paths.pdf", "ssb-paths.png", "ssb.json"]
    record = json.loads((tmp_path / "ssb.json").read_text())
    assert record["experiment"] == "ssb" and record["options"]["units"] == [2]
    assert (tmp_path / "ssb-paths.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "ssb-paths.pdf").read_bytes().startswith(b"%PDF")


def test_results_do_not_depend_on_the_executor_and_depend_on_the_seed():
    serial = run("single-relu", TINY_SINGLE, sweep=Sweep(progress=False), figures=False)
    with ProcessPoolExecutor(2) as pool:
        pooled = run("single-relu", TINY_SINGLE, sweep=Sweep(pool, progress=False), figures=False)
    assert serial == pooled
    reseeded = run("single-relu", TINY_SINGLE, sweep=Sweep(seed=1, progress=False), figures=False)
    assert reseeded != serial


def test_figures_are_byte_reproducible_across_processes(tmp_path):
    pytest.importorskip("matplotlib")
    here = run("two-relu-L", two_relu_l.Options(points=50, resolution=12),
               sweep=Sweep(progress=False))
    script = ("import sys, pathlib; from symderive.simulate import run, Sweep; "
              "from symderive.simulate.experiments.two_relu_l import Options; "
              "files = run('two-relu-L', Options(points=50, resolution=12), "
              "sweep=Sweep(progress=False)); "
              "[pathlib.Path(sys.argv[1], n).write_bytes(b) for n, b in files.items()]")
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True,
                   env={"PYTHONHASHSEED": "123", "PATH": "/usr/bin:/bin"})
    there = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(here) == set(there) and any(name.endswith(".pdf") for name in here)
    assert all(here[name] == there[name] for name in here)


def test_building_the_parser_imports_neither_the_runtime_api_nor_matplotlib():
    script = ("import sys; sys.modules['symderive.population'] = None; "
              "sys.modules['symderive._generated'] = None; sys.modules['matplotlib'] = None; "
              "from symderive.cli import parser; "
              "print(parser().parse_args(['simulate', 'multi-relu', '-K', '3']).units)")
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True,
                          text=True)
    # an experiment module importing the runtime at module level shows up in this traceback
    assert done.returncode == 0, done.stderr[-1200:]
    assert done.stdout.strip() == "3"


def test_json_never_holds_nan():
    with pytest.raises(ValueError):
        json_bytes({"value": float("nan")})
    assert json.loads(json_bytes({"array": np.arange(3.0), "scalar": np.int64(2)})) == {
        "array": [0.0, 1.0, 2.0], "scalar": 2}


def test_progress_bar_off_a_terminal_writes_one_summary_line():
    stream = io.StringIO()
    bar = ProgressBar("work", 3, stream=stream)
    for _ in range(3):
        bar.advance()
    bar.close()
    assert stream.getvalue().count("\n") == 1 and "work [" in stream.getvalue()
    assert "3/3" in stream.getvalue()


def test_assignment_matches_brute_force():
    rng = np.random.default_rng(5)
    for n in range(1, 7):
        for _ in range(10):
            cost = rng.standard_normal((n, n))
            permutation = min_cost_assignment(cost)
            assert sorted(permutation) == list(range(n))
            best = min(sum(cost[i, p[i]] for i in range(n))
                       for p in itertools.permutations(range(n)))
            assert cost[np.arange(n), permutation].sum() == pytest.approx(best, abs=1e-12)


def test_distance_up_to_permutation_ignores_the_order_of_units():
    rng = np.random.default_rng(6)
    teacher = rng.standard_normal((5, 3))
    shuffled = teacher[[3, 0, 4, 1, 2]]
    assert distance_up_to_permutation(shuffled, teacher) == 0.0
    moved = shuffled + np.array([0.0, 0.0, 0.3])
    assert distance_up_to_permutation(moved, teacher) == pytest.approx(0.3 * np.sqrt(5))


def test_all_runs_every_experiment_except_those_that_opt_out(monkeypatch):
    from symderive.simulate import cli as simulate_cli
    from symderive.simulate import registry

    known = dict(registry.registered())
    known["slow-study"] = dataclasses.replace(known["ssb"], name="slow-study", in_all=False)
    monkeypatch.setattr(registry, "registered", lambda: known)
    chosen = simulate_cli._chosen_options(argparse.Namespace(experiment=ALL))
    # not spurious, slow-study
    assert set(chosen) == {"single-relu", "ssb", "two-relu-L", "multi-relu"}
    assert "except slow-study" in simulate_cli._all_help()
