"""Compile the generated C kernel at first use, cache it by source hash, call it through ctypes.

The source is ``symderive/_generated/population.c`` (rendered by ``symderive build`` from
templates/c/).  It is compiled with the system C compiler ($CC, else ``cc``) and
``-O3 -Wall -Werror`` into ``$XDG_CACHE_HOME/symderive`` (default ``~/.cache/symderive``), under a
name made from the hash of the source, the flags, the compiler and the processor (the build is tuned
with -march=native), so an edited kernel is never confused with a stale build.
Nothing is compiled at import time: the first call to :func:`library` does it.

Batches are shared over the available cores: the calling thread and helper threads each make one
ctypes call (ctypes releases the GIL) on the whole batch, and the kernel shares it out in chunks of
networks through a progress array (run_batch in the C source).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from symderive.threads import cores, share
from symderive.validation import norm_overflow_error, not_finite_error

#: -fno-math-errno lets sqrt be one instruction (errno is never read), -fno-trapping-math lets the
#: branch-free loops vectorize; neither changes a result.  -ffp-contract=off keeps a·b − p from
#: becoming an fma, which Dekker's exact product (and the C/NumPy agreement) relies on.
FLAGS = ("-O3", "-Wall", "-Werror", "-std=c11", "-ffp-contract=off", "-fno-math-errno",
         "-fno-trapping-math", "-fPIC", "-shared")
#: tried first; the build is cached per machine (see _library_path), dropped if the compiler refuses
TUNING = ("-march=native",)
SOURCE = "population.c"
#: do not share batches of fewer pair evaluations than this with helper threads
THREAD_THRESHOLD = 20_000
#: the kernel evaluates small networks this many at a time (LANES in templates/c/population.c.j2);
#: chunks of the gradient's and the descent's batches are multiples of it so that only the last has
#: networks left over
LANES = 8
#: a chunk of a batch is about this many pair evaluations: small enough that the thread waiting for
#: the others' last chunks waits briefly, large enough that claiming one costs nothing
CHUNK_PAIRS = 4096
#: the fields of a batch's progress array (int64): next network to claim, networks finished, and
#: the status bits of the chunks
PROGRESS_NEXT, PROGRESS_FINISHED, PROGRESS_STATUS = 0, 1, 2
PROGRESS_LONGS = 3
#: statuses (rendered into the C source): an entry point's return value when it could not allocate
#: its workspace, and the bits of progress[PROGRESS_STATUS] (nothing computed in that chunk) when an
#: entry of W / W* is NaN or infinite, or a row's norm overflows
NO_MEMORY, NOT_FINITE_W, NOT_FINITE_W_STAR, NORM_OVERFLOW_W, NORM_OVERFLOW_W_STAR = -1, 1, 2, 4, 8


class KernelUnavailableError(RuntimeError):
    """The C kernel cannot be built here (no compiler, or the compiler failed)."""


def kernel_source() -> str:
    return resources.files("symderive._generated").joinpath(SOURCE).read_text()


def cache_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "symderive"


def compiler() -> str:
    name = os.environ.get("CC", "cc")
    path = shutil.which(name)
    if path is None:
        raise KernelUnavailableError(f"no C compiler found ({name!r} is not on PATH; set $CC)")
    return path


def compile_shared(source: str, target: Path, flags: tuple[str, ...] = FLAGS) -> None:
    """Compile source into the shared library target (written atomically)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        source_path = Path(work) / SOURCE
        source_path.write_text(source)
        output = Path(work) / target.name
        command = [compiler(), *flags, str(source_path), "-o", str(output), "-lm"]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise KernelUnavailableError(f"running the C compiler failed: {error}") from None
        if run.returncode != 0:
            raise KernelUnavailableError(
                f"compiling the C kernel failed ({' '.join(command)}):\n{run.stderr.strip()}"
            )
        os.replace(output, target)


def _machine() -> str:
    """The CPU model and features (a -march=native build must not run on another processor)."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or platform.machine()
    return "\n".join(sorted({line for line in lines if line.startswith(("model name", "flags"))}))


def _library_path(source: str) -> Path:
    identity = "\0".join((source, *FLAGS, *TUNING, compiler(), os.uname().machine, _machine()))
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    return cache_directory() / f"population-{digest}.so"


# arrays are passed as addresses (run_batched checks their type and layout: _address), numbers as
# C long and double
_P, _L, _D = ctypes.c_void_p, ctypes.c_long, ctypes.c_double
_SHARING = (_L, _P, ctypes.c_int)  # chunk, progress, wait
_SIGNATURES = {
    "symderive_loss": (_L, _L, _L, _L, _P, _P, _L, _P, *_SHARING),
    "symderive_gradient": (_L, _L, _L, _L, _P, _P, _L, _P, *_SHARING),
    "symderive_descent": (_L, _L, _L, _L, _P, _P, _L, _D, _L, _D, _P, _P, _P, *_SHARING),
}


@cache
def library() -> ctypes.CDLL:
    """The compiled kernel (compiled now if no cached build of this source exists)."""
    source = kernel_source()
    path = _library_path(source)
    if not path.is_file():
        try:
            compile_shared(source, path, FLAGS + TUNING)
        except KernelUnavailableError:
            compile_shared(source, path, FLAGS)
    try:
        handle = ctypes.CDLL(str(path))
    except OSError as error:
        raise KernelUnavailableError(f"loading {path} failed: {error}") from None
    for name, arguments in _SIGNATURES.items():
        function = getattr(handle, name)
        function.argtypes = arguments
        function.restype = ctypes.c_int
    return handle


def _address(array: np.ndarray) -> int:
    """The address of a C-contiguous float64 or int64 array, the layouts the kernel reads."""
    if array.dtype not in (np.float64, np.int64) or not array.flags.c_contiguous:
        raise TypeError(f"the C kernel needs C-contiguous float64 or int64 arrays, got "
                        f"{array.dtype} with strides {array.strides}")
    return array.ctypes.data


def chunk_size(work_per_network: int, lanes: bool) -> int:
    """Networks per chunk: about CHUNK_PAIRS pair evaluations, a multiple of LANES if ``lanes``."""
    networks = max(1, CHUNK_PAIRS // work_per_network)
    return -(-networks // LANES) * LANES if lanes else networks


def run_batched(name: str, student: np.ndarray, teacher: np.ndarray, outputs: list[np.ndarray],
                *options) -> None:
    """Call entry point name on (B, K, d) students and (B or 1, K*, d) teachers, on all the cores.

    ``outputs`` are C-contiguous arrays with the networks on the first axis (filled in place); for
    ``symderive_descent`` the student array itself is updated in place as well.  The kernel checks
    that the weights are finite, with finite row norms (ValueError naming W or W_star otherwise).
    """
    function = getattr(library(), name)
    networks, K, d = student.shape
    Ks = teacher.shape[1]
    teacher_stride = 0 if teacher.shape[0] == 1 else Ks * d
    steps = options[1] if name == "symderive_descent" else 0
    work = K * (K + Ks) * (steps + 1)
    chunk = chunk_size(work, lanes=name != "symderive_loss")
    progress = np.zeros(PROGRESS_LONGS, dtype=np.int64)
    arrays = (student, teacher, *outputs, progress)
    student_at, teacher_at, *outputs_at, progress_at = (_address(array) for array in arrays)
    arguments = (networks, K, Ks, d, student_at, teacher_at, teacher_stride, *options, *outputs_at,
                 chunk, progress_at)
    chunks = -(-networks // chunk)
    helpers = min(cores() - 1, chunks - 1) if networks * work >= THREAD_THRESHOLD else 0

    def call(wait: bool, arrays: tuple = arrays) -> int:
        # a helper may start after the batch is done, and then only looks at progress: the default
        # argument keeps the arrays alive for as long as a helper may run this function
        return function(*arguments, wait)

    status, others = share(call, helpers)
    if status == NO_MEMORY:
        for other in others:
            other.result()
        raise MemoryError("the C kernel could not allocate its workspace")
    status = int(progress[PROGRESS_STATUS])
    for bit, error, array in ((NOT_FINITE_W, not_finite_error, "W"),
                              (NOT_FINITE_W_STAR, not_finite_error, "W_star"),
                              (NORM_OVERFLOW_W, norm_overflow_error, "W"),
                              (NORM_OVERFLOW_W_STAR, norm_overflow_error, "W_star")):
        if status & bit:
            raise error(array)
