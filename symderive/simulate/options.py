"""Experiment options: one frozen dataclass per experiment, validated in ``__post_init__``.

The same dataclass serves the Python API (``Options(units=10)``; bad values raise ValueError) and
the command line: :func:`add_arguments` turns each field into an option (``--radius-max``, or the
flags given to :func:`option`), and the CLI builds the dataclass from the parsed values, so
validation lives in one place.  Supported field types: int, float, and
tuple[int, ...] / tuple[float, ...] (one or more values on the command line).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import typing
from typing import Any


def option(default: Any, help: str, *flags: str) -> Any:
    """A dataclass field with its command-line help (and flags; default ``--field-name``)."""
    return dataclasses.field(default=default, metadata={"help": help, "flags": flags})


def require_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")


def require_nonnegative(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a non-negative finite number, got {value!r}")


def require_integer_at_least(name: str, value: int, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")


def add_arguments(parser: argparse.ArgumentParser, options_type: type) -> None:
    """One command-line option per field of the options dataclass, defaulting to the field's
    default."""
    hints = typing.get_type_hints(options_type)
    for field in dataclasses.fields(options_type):
        flags = field.metadata["flags"] or ("--" + field.name.replace("_", "-"),)
        hint = hints[field.name]
        if typing.get_origin(hint) is tuple:
            kind, nargs = typing.get_args(hint)[0], "+"
            shown = " ".join(map(str, field.default))
        else:
            kind, nargs, shown = hint, None, str(field.default)
        parser.add_argument(*flags, dest=field.name, type=kind, nargs=nargs, default=field.default,
                            metavar=field.name.upper(),
                            help=f"{field.metadata['help']} (default: {shown})")


def from_namespace(options_type: type, namespace: argparse.Namespace) -> Any:
    """The options dataclass from parsed arguments (ValueError for invalid values)."""
    values = {}
    for field in dataclasses.fields(options_type):
        value = getattr(namespace, field.name)
        values[field.name] = tuple(value) if isinstance(value, list) else value
    return options_type(**values)
