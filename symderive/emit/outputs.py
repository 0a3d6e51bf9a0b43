"""Writing and comparing rendered outputs.

An emitter returns ``{relative path: bytes}``.  :func:`write_outputs` writes each file atomically
(a temporary file in the same folder, then ``os.replace``), so an interrupted build never leaves a
half-written file; :func:`stale_outputs` compares a render with what is on disk.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

Outputs = Mapping[str, bytes]


def _default_file_mode() -> int:
    """0o666 less the process umask: the mode an ordinary open() would give a new file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomically(path: Path, content: bytes) -> None:
    """Write content to path through a temporary file renamed into place (never half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                             suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        # mkstemp creates files readable by the owner only
        os.chmod(temporary, _default_file_mode())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(root: Path, outputs: Outputs) -> list[Path]:
    """Write every output below root, skipping files whose content is already identical."""
    written = []
    for relative, content in sorted(outputs.items()):
        path = root / relative
        if path.is_file() and path.read_bytes() == content:
            continue
        write_atomically(path, content)
        written.append(path)
    return written


def stale_outputs(root: Path, outputs: Outputs) -> dict[str, str]:
    """For each output that differs from the file below root: a readable unified diff (or a
    note)."""
    problems = {}
    for relative, content in sorted(outputs.items()):
        path = root / relative
        if not path.is_file():
            problems[relative] = "missing"
            continue
        current = path.read_bytes()
        if current == content:
            continue
        try:
            diff = difflib.unified_diff(
                current.decode().splitlines(keepends=True),
                content.decode().splitlines(keepends=True),
                fromfile=f"{relative} (on disk)",
                tofile=f"{relative} (regenerated)",
                n=2,
            )
            problems[relative] = "".join(list(diff)[:60])
        except UnicodeDecodeError:
            problems[relative] = "binary content differs"
    return problems
