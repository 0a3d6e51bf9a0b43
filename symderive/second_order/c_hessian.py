"""The generated C Hessian kernel (symderive/_generated/hessian.c), compiled at first use.

Compiled with the project's C compiler settings (symderive.kernels.c_backend) into the same cache
folder, under a name made from the hash of the source, flags and compiler.  ctypes releases the GIL,
but one call handles the whole batch: the Hessian is O(K (K + K*) d²) per network, cheap next to
what it is used for (Newton steps, eigenvalues).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from symderive.kernels.c_backend import (
    FLAGS,
    KernelUnavailableError,
    cache_directory,
    compile_shared,
    compiler,
)

SOURCE = "hessian.c"
_DOUBLES = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
_L = ctypes.c_long


@cache
def library() -> ctypes.CDLL:
    """The compiled Hessian kernel (compiled now if no cached build of this source exists)."""
    source = resources.files("symderive._generated").joinpath(SOURCE).read_text()
    identity = "\0".join((source, *FLAGS, compiler(), os.uname().machine))
    path = cache_directory() / f"hessian-{hashlib.sha256(identity.encode()).hexdigest()[:24]}.so"
    if not path.is_file():
        compile_shared(source, Path(path))
    try:
        handle = ctypes.CDLL(str(path))
    except OSError as error:
        raise KernelUnavailableError(f"loading {path} failed: {error}") from None
    handle.symderive_hessian.argtypes = (_L, _L, _L, _L, _DOUBLES, _DOUBLES, _L, _DOUBLES)
    handle.symderive_hessian.restype = ctypes.c_int
    return handle


def hessian(student: np.ndarray, teacher: np.ndarray) -> np.ndarray:
    """(B, K d, K d) Hessians for (B, K, d) students and (1 or B, K*, d) teachers (C-contiguous)."""
    networks, count, d = student.shape
    out = np.empty((networks, count * d, count * d))
    stride = 0 if teacher.shape[0] == 1 else teacher.shape[1] * d
    status = library().symderive_hessian(networks, count, teacher.shape[1], d, student, teacher,
                                         stride, out)
    if status == -2:
        raise ValueError("W has a zero row: the Hessian does not exist at a zero student unit")
    if status != 0:
        raise MemoryError("the C Hessian kernel could not allocate its workspace")
    return out
