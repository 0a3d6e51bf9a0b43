"""The spurious-minima census as LaTeX: a table (per k, every family of minima with its certificate)
and the appendix section around it.

The census is the data of ``symderive simulate spurious`` (symderive.second_order.census): per k its
student width n, the number of runs, the fraction that ended in a spurious minimum, and the families
of spurious minima (loss, count, and the interval certificate of one representative: radius of the
ball, lower bound of the smallest Hessian eigenvalue, enclosure of the loss).  The table is a
booktabs ``longtable`` so it may run over pages.  The appendix section is rendered from the
committed record ``results/spurious/spurious.json`` (symderive.project.CENSUS_RECORD), which
also holds the options and the seed the caption reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup

from symderive.latex.templating import environment, number

EXPERIMENT = "spurious"


def _family_row(family: Mapping) -> dict:
    certificate = family.get("certificate") or {}
    eigenvalue = certificate.get("hessian_min_eigenvalue_lower_bound")
    radius = certificate.get("radius")
    return {
        "loss": Markup(f"${family['loss']:.6f}$"),
        "count": family["count"],
        "eigenvalue": number(eigenvalue) if eigenvalue is not None else Markup("---"),
        "radius": number(radius) if radius is not None else Markup("---"),
        "certified": "yes" if family["certified"] else Markup(r"\textbf{no}"),
    }


def table_rows(census: Mapping) -> list[dict]:
    """One entry per k: k, n, runs, the spurious fraction and the family rows (sorted by loss)."""
    try:
        entries = census["k"]
        return [
            {
                "k": int(k),
                "n": int(entry["n"]),
                "runs": int(entry["runs"]),
                "fraction": Markup(f"${entry['spurious_fraction']:.3f}$"),
                "families": [_family_row(family)
                             for family in sorted(entry["families"], key=lambda f: f["loss"])],
            }
            for k, entry in entries.items()
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a census (symderive simulate spurious data): {error!r}") from None


def census_table(census: Mapping) -> str:
    """The census as a booktabs longtable (needs \\usepackage{booktabs,longtable})."""
    return environment().get_template("census_table.tex").render(rows=table_rows(census))


def load_record(path: Path) -> dict:
    """The JSON record symderive simulate spurious wrote (options, seed, data); ValueError if it is
    not one."""
    try:
        record = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read the census record {path}: {error}") from None
    if not isinstance(record, dict) or record.get("experiment") != EXPERIMENT:
        raise ValueError(f"{path} is not a record of symderive simulate {EXPERIMENT}")
    return record


def appendix_section(record: Mapping, source: str) -> str:
    """The appendix section of a census record (it inputs census_table.tex, rendered by
    census_table); ``source`` names the file the record came from."""
    families = [family for entry in record["data"]["k"].values() for family in entry["families"]]
    return environment().get_template("census.tex").render(
        options=record["options"], tol=number(record["options"]["tol"]), seed=record["seed"],
        source=source,
        generator=record["generator"], families=len(families),
        certified=sum(bool(family["certified"]) for family in families),
    )
