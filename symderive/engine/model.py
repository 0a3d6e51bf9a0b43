"""The data model of a derivation: steps, claims and the records of their checks.

A :class:`Derivation` is the paper, as code: an ordered list of :class:`Step` (a SymPy statement
with a short justification), the :class:`Claim` objects it makes (each with the assumptions under
which it holds and the independent checks that test it) and the SymPy expressions it exports for
later derivations.

Running the checks turns a derivation into a :class:`DerivationResult`, which holds only data (no
callables), so it can be cached on disk and rendered into generated/.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import sympy


@dataclass(frozen=True)
class CheckRecord:
    """What one check of one claim measured.

    ``max_error`` is the worst discrepancy the check saw, in the unit named by ``error_unit`` (for
    example a relative error, or a number of standard errors); the check passed when it is at most
    ``tolerance``. ``points`` is the number of evaluation points (``None`` for a symbolic proof).
    """

    method: str
    points: int | None
    max_error: float
    tolerance: float
    error_unit: str
    detail: str
    passed: bool
    seconds: float


class Check(Protocol):
    """An independent test of a claim; ``run`` performs it and reports what it measured."""

    method: str

    def run(self) -> CheckRecord: ...


@dataclass(frozen=True)
class Claim:
    """A statement that can be true or false, with the assumptions it needs and its checks.

    ``derived`` is what the engine obtained, ``stated`` what the paper (or we) assert; either may be
    ``None`` for claims that are not an equation of two expressions.
    """

    id: str
    statement: str
    assumptions: tuple[str, ...]
    checks: tuple[Check, ...]
    derived: sympy.Basic | None = None
    stated: sympy.Basic | None = None


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a SymPy statement and why it holds."""

    statement: sympy.Basic
    justification: str
    claims: tuple[str, ...] = ()


@dataclass(frozen=True)
class Derivation:
    """A result of the paper as the engine derives it.

    ``exports`` are the SymPy expressions later derivations (and the code generators) consume.
    """

    title: str
    paper_reference: str
    summary: str
    steps: tuple[Step, ...]
    claims: tuple[Claim, ...]
    exports: Mapping[str, sympy.Basic] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = [claim.id for claim in self.claims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate claim ids in derivation {self.title!r}: {ids}")
        for claim in self.claims:
            if not claim.checks:
                raise ValueError(f"claim {claim.id!r} has no checks")


@dataclass(frozen=True)
class ClaimResult:
    """A claim after its checks ran: the claim's data without the check callables."""

    id: str
    derivation: str
    statement: str
    assumptions: tuple[str, ...]
    records: tuple[CheckRecord, ...]
    derived: sympy.Basic | None
    stated: sympy.Basic | None

    @property
    def verified(self) -> bool:
        return all(record.passed for record in self.records)

    @property
    def status(self) -> str:
        return "verified" if self.verified else "failed"


@dataclass(frozen=True)
class DerivationResult:
    """A derivation with every claim checked; plain data, safe to pickle."""

    name: str
    title: str
    paper_reference: str
    summary: str
    steps: tuple[Step, ...]
    claims: tuple[ClaimResult, ...]
    exports: Mapping[str, sympy.Basic]
    seconds: float

    @property
    def verified(self) -> bool:
        return all(claim.verified for claim in self.claims)


def check_claims(name: str, claims: Sequence[Claim]) -> tuple[ClaimResult, ...]:
    """Run every check of every claim (none is skipped when an earlier one fails)."""
    return tuple(
        ClaimResult(
            id=claim.id,
            derivation=name,
            statement=claim.statement,
            assumptions=claim.assumptions,
            records=tuple(check.run() for check in claim.checks),
            derived=claim.derived,
            stated=claim.stated,
        )
        for claim in claims
    )
