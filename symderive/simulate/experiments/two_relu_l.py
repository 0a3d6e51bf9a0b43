"""two-relu-L: where two ReLU students can have a critical point (PAPER.md item 4).

Students e₁ = (1, 0) and e₂ = (cos α, sin α), one unit teacher (cos β, sin β).  The in-plane normal
equations, projected on the student directions, read M·‖w‖ = M*·‖w*‖; eliminating ‖w‖ through the
diagonal rows leaves L·‖w*‖ = 0 with L = M*_off − M_off·M_r⁻¹·M*_r.  For several teachers
L·‖w*‖ = Σ_k L_k ‖w*_k‖, so if every teacher direction lies where L_12 has one strict sign, no
critical point has these student directions.  The experiment draws L_12 and L_21 against β for the
paper's student angles (3π/8 and 7π/8) and the signs of L_12 and L_21 over (β, α).  L comes from
``symderive.critical.two_relu_L`` (derived and verified in derivations/separable_l.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from symderive.simulate.options import option, require_integer_at_least, require_positive
from symderive.simulate.registry import Experiment
from symderive.simulate.sweep import Sweep

NAME = "two-relu-L"
ROWS_PER_TASK = 30


@dataclass(frozen=True)
class Options:
    student_angles: tuple[float, ...] = option(
        (0.375, 0.875), "student angles α/π of the curves (0 < α/π ≤ 1)")
    points: int = option(721, "teacher angles β on [0, 2π] per curve")
    resolution: int = option(180, "sign map: α values on (0, π); β gets twice as many on (0, 2π)")

    def __post_init__(self) -> None:
        if not self.student_angles:
            raise ValueError("student_angles must list at least one angle")
        for angle in self.student_angles:
            require_positive("student angle α/π", angle)
            if angle > 1:
                raise ValueError(f"student angle α/π must be at most 1, got {angle!r}")
        require_integer_at_least("points", self.points, 2)
        require_integer_at_least("resolution", self.resolution, 1)


SIGN_CHARACTERS = "-0+"  # sign −1, 0, +1 (one character per grid point keeps the JSON small)


def sign_rows(alphas: list[float], betas: list[float]) -> list[list[str]]:
    """Signs of L_12 and L_21 on the grid alphas × betas, one string per α:
    [L_12 rows, L_21 rows]."""
    from symderive.critical import two_relu_L

    return [["".join(SIGN_CHARACTERS[int(v) + 1] for v in row) for row in np.sign(L)]
            for L in two_relu_L(np.asarray(alphas)[:, None], np.asarray(betas)[None, :])]


def decode_signs(rows: list[str]) -> np.ndarray:
    """The sign rows back as an integer array (α along axis 0, β along axis 1)."""
    return np.array([[SIGN_CHARACTERS.index(c) - 1 for c in row] for row in rows])


def run(options: Options, sweep: Sweep) -> dict:
    n = options.resolution
    alphas = (math.pi * (np.arange(n) + 0.5) / n).tolist()
    betas = (math.pi * (np.arange(2 * n) + 0.5) / n).tolist()
    chunks = sweep.map(NAME, sign_rows, [
        {"alphas": alphas[begin:begin + ROWS_PER_TASK], "betas": betas}
        for begin in range(0, n, ROWS_PER_TASK)
    ])
    from symderive.critical import two_relu_L

    beta_curve = np.linspace(0.0, 2 * math.pi, options.points)
    curves = []
    for angle in options.student_angles:
        L12, L21 = two_relu_L(angle * math.pi, beta_curve)
        curves.append({"alpha_over_pi": angle, "L12": L12.tolist(), "L21": L21.tolist()})
    return {
        "curve_beta": beta_curve.tolist(),
        "curves": curves,
        "map_alpha": alphas,
        "map_beta": betas,
        "sign_L12": [row for chunk in chunks for row in chunk[0]],
        "sign_L21": [row for chunk in chunks for row in chunk[1]],
    }


def plot(data: dict, new_figure) -> dict:
    curves = new_figure(3.2 * len(data["curves"]), 2.8)
    beta = np.asarray(data["curve_beta"]) / math.pi
    for index, curve in enumerate(data["curves"]):
        axes = curves.add_subplot(1, len(data["curves"]), index + 1)
        axes.plot(beta, curve["L12"], label="L₁₂")
        axes.plot(beta, curve["L21"], label="L₂₁")
        axes.axhline(0.0, color="k", lw=0.6)
        for student in (0.0, curve["alpha_over_pi"]):
            axes.axvline(student, color="grey", ls=":", lw=0.8)
        axes.set_xlabel("teacher angle β/π")
        axes.set_ylabel("L (unit teacher)")
        axes.set_title(f"students at 0 and α = {curve['alpha_over_pi']:g}π")
        axes.legend()
    signs = new_figure(7.0, 2.8)
    extent = (0.0, 2.0, 0.0, 1.0)
    for index, key in enumerate(("sign_L12", "sign_L21")):
        axes = signs.add_subplot(1, 2, index + 1)
        image = axes.imshow(decode_signs(data[key]), origin="lower", extent=extent, aspect="auto",
                            cmap="coolwarm", vmin=-1, vmax=1)
        axes.plot([0, 1], [0, 1], "k:", lw=0.8)
        axes.set_xlabel("teacher angle β/π")
        axes.set_ylabel("student angle α/π")
        axes.set_title(f"sign of {'L₁₂' if key == 'sign_L12' else 'L₂₁'}")
        axes.grid(False)
    signs.colorbar(image, ax=signs.axes, ticks=[-1, 0, 1], shrink=0.8)
    return {"curves": curves, "signs": signs}


EXPERIMENT = Experiment(
    name=NAME,
    summary="two ReLUs: L_12 and L_21 against the teacher angle, and their sign maps",
    options=Options,
    run=run,
    plot=plot,
)
