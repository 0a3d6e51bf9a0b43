"""Figures in one house style, saved as PNG and PDF that are byte-identical when regenerated.

matplotlib is an optional extra (``pip install 'symderive[figures]'``) and is imported only here,
only when a figure is drawn.  No pyplot: figures are plain :class:`matplotlib.figure.Figure`
objects, so no global state or GUI backend is involved (PNG goes through Agg, PDF through
matplotlib's PDF backend).
Reproducibility: fixed font (DejaVu Sans, shipped with matplotlib), fixed size and dpi, and the
metadata that would change between runs dropped (PNG ``Software``, PDF ``CreationDate``).  The bytes
depend on the matplotlib (and FreeType) version, which is why ``symderive check`` does not compare
the figures; the JSON next to each figure holds the numbers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "legend.fontsize": 7,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.2,
    "savefig.dpi": 150,
    "image.interpolation": "nearest",
}
FORMATS = {"png": {"Software": None}, "pdf": {"CreationDate": None}}


class MissingFiguresExtra(RuntimeError):
    """matplotlib is not installed."""


def require_matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise MissingFiguresExtra(
            "figures need matplotlib: pip install 'symderive[figures]' (or pass --no-figures)"
        ) from None


def new_figure(width: float, height: float) -> Any:
    """An empty figure of width × height inches with constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def render_figures(
    name: str,
    plot: Callable[[Mapping[str, Any], Callable], Mapping[str, Any]],
    data: Mapping[str, Any],
) -> dict[str, bytes]:
    """{file name: bytes} for every figure ``plot(data, new_figure)`` draws, as PNG and PDF."""
    require_matplotlib()
    import matplotlib

    files = {}
    with matplotlib.rc_context(STYLE):
        for suffix, figure in plot(data, new_figure).items():
            stem = f"{name}-{suffix}" if suffix else name
            for file_format, metadata in FORMATS.items():
                buffer = io.BytesIO()
                figure.savefig(buffer, format=file_format, metadata=metadata)
                files[f"{stem}.{file_format}"] = buffer.getvalue()
    return files
