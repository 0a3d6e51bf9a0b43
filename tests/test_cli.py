"""The command line: build writes generated/, check catches staleness, failing claims exit 1."""

from __future__ import annotations

import json
import subprocess
import sys

import sympy

from symderive import cli
from symderive.build import derive_all
from symderive.engine.checks import SymbolicCheck
from symderive.engine.model import Claim, ClaimResult, DerivationResult, check_claims


def _run(*args: str) -> int:
    return cli.main(["--quiet", *args])


def test_build_then_check_is_clean_and_staleness_is_caught(tmp_path, capsys):
    assert _run("--root", str(tmp_path), "build") == 0
    document = json.loads((tmp_path / "generated" / "verification.json").read_text())
    assert document["claims"] and all(c["status"] == "verified" for c in document["claims"])
    assert {"id", "derivation", "status", "methods"} <= set(document["claims"][0])
    assert _run("--root", str(tmp_path), "check") == 0

    (tmp_path / "generated" / "verification.json").write_text("{}\n")
    capsys.readouterr()
    assert _run("--root", str(tmp_path), "check") == 1
    out = capsys.readouterr().out
    assert "stale: generated/verification.json" in out and "+++" in out


def test_build_is_byte_for_byte_reproducible(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert _run("--root", str(first), "build") == 0
    assert _run("--root", str(second), "build") == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files
    for relative in files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def _failing_results(*args, **kwargs):
    x = sympy.Symbol("x")
    claim = Claim("always-false", "x = x + 1", (), (SymbolicCheck(x, x + 1),))
    real = derive_all(*args, **kwargs)
    broken = DerivationResult("broken", "Broken", "none", "a false claim", (),
                              check_claims("broken", [claim]), {}, 0.0)
    return {**real, "broken": broken}


def test_failing_claim_makes_build_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "derive_all", _failing_results)
    assert _run("--root", str(tmp_path), "build") == 1
    assert "always-false" in capsys.readouterr().err
    document = json.loads((tmp_path / "generated" / "verification.json").read_text())
    assert {c["id"]: c["status"] for c in document["claims"]}["always-false"] == "failed"


def test_console_script_usage_error_exits_2():
    completed = subprocess.run([sys.executable, "-m", "symderive.cli", "no-such-command"],
                               capture_output=True, text=True)
    assert completed.returncode == 2 and "invalid choice" in completed.stderr


def test_claim_table_lists_every_claim(results):
    table = cli._claim_table(results)
    for result in results.values():
        for claim in result.claims:
            assert claim.id in table
    assert isinstance(next(iter(results.values())).claims[0], ClaimResult)


def test_generated_files_get_ordinary_permissions(tmp_path):
    import os

    from symderive.emit.outputs import write_atomically

    umask = os.umask(0o022)
    try:
        write_atomically(tmp_path / "sub" / "file.txt", b"content")
    finally:
        os.umask(umask)
    assert (tmp_path / "sub" / "file.txt").stat().st_mode & 0o777 == 0o644
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["file.txt"]  # no temporary left
