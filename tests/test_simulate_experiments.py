"""The experiments at small sizes, each checked against something computed independently of it."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from symderive import population_gradient
from symderive.critical import two_relu_L
from symderive.simulate import Sweep, run
from symderive.simulate.experiments import multi_relu, single_relu, ssb, two_relu_l


def _data(name: str, options) -> dict:
    files = run(name, options, sweep=Sweep(progress=False), figures=False)
    return json.loads(files[f"{name}.json"])["data"]


def test_single_relu_starts_in_omega_converge_monotonically_and_match_the_exact_probability():
    options = single_relu.Options(dim=6, radii=4, samples=400, steps=400)
    data = _data("single-relu", options)
    assert data["theorem_holds"]  # every start in Ω reached w*, with V = ½‖w − w*‖² never rising
    assert data["converged"] == [options.samples] * options.radii
    # Monte Carlo (the descent's own starts) against the derivation's closed form, within 5 SE
    exact = np.asarray(data["exact_probability"])
    standard_error = np.sqrt(exact * (1 - exact) / options.samples)
    assert np.all(np.abs(np.asarray(data["in_omega_fraction"]) - exact) <= 5 * standard_error)
    assert np.all(exact >= np.asarray(data["bound"]))  # P ≥ (1 − ε)/2


def test_ssb_symmetric_start_ends_at_the_papers_symmetric_fixed_point():
    data = _data("ssb", ssb.Options(units=(2, 5), steps=1500))
    for result in data["by_units"]:
        K = result["K"]
        # Tian (2017), PAPER.md item 6: x_s = (√(K−1) − arccos(1/√K) + π)/(πK)
        stated = (math.sqrt(K - 1) - math.acos(1 / math.sqrt(K)) + math.pi) / (math.pi * K)
        assert result["symmetric_end_point"] == pytest.approx(stated, abs=1e-10)
        symmetric = result["runs"]["symmetric"]
        np.testing.assert_allclose(symmetric["x"], symmetric["y"], rtol=1e-13)  # stays on x = y
        for start in ("perturbed", "paper"):
            assert result["runs"][start]["error"][-1] < 1e-12  # symmetry broken: W* reached
        for run_data in result["runs"].values():
            assert run_data["max_family_deviation"] < 1e-12  # the family is invariant


@pytest.mark.parametrize("alpha", [0.3, 3 * math.pi / 8, 2.0, 7 * math.pi / 8])
def test_two_relu_L_vanishes_when_the_teacher_is_a_student_and_mirrors(alpha):
    L12, L21 = two_relu_L(alpha, np.array([0.0, alpha]))
    assert np.max(np.abs(np.concatenate([L12, L21]))) < 1e-12
    beta = np.linspace(-math.pi, math.pi, 37)
    # reflecting the plane across the students' bisector swaps e₁ and e₂ and maps β to α − β
    L12, L21 = two_relu_L(alpha, beta)
    M12, M21 = two_relu_L(alpha, alpha - beta)
    np.testing.assert_allclose(L12, M21, atol=1e-12)
    np.testing.assert_allclose(L21, M12, atol=1e-12)


@pytest.mark.parametrize("alpha, beta", [(2.0, 1.0), (3 * math.pi / 8, 0.2), (2.5, 0.6)])
def test_two_relu_L_is_the_off_diagonal_residual_of_the_population_gradient(alpha, beta):
    """Independent route: the runtime gradient at W = diag(n)·[e₁; e₂] is affine in the norms n.

    Choose n so that e_j·∇_{w_j}J = 0 (the diagonal rows); then e_{j′}·∇_{w_j}J = −L_{jj′}/(2π) for
    a unit teacher (M·n − M*·‖w*‖ = 2π·(projected gradient)).
    """
    students = np.array([[1.0, 0.0], [math.cos(alpha), math.sin(alpha)]])
    teacher = np.array([[math.cos(beta), math.sin(beta)]])

    def projections(n: np.ndarray) -> np.ndarray:
        gradient = population_gradient(n[:, None] * students, teacher)
        return gradient @ students.T  # [j, j′] = e_j′·∇_{w_j}J

    base = projections(np.ones(2))
    slopes = np.stack([projections(np.ones(2) + np.eye(2)[k]) - base for k in range(2)], axis=-1)
    diagonal = np.array([0, 1]), np.array([0, 1])
    n = np.ones(2) + np.linalg.solve(slopes[diagonal], -base[diagonal])
    assert np.all(n > 0)  # a genuine network (the affine extension is only valid for n > 0)
    residual = projections(n)
    L12, L21 = two_relu_L(alpha, beta)
    np.testing.assert_allclose(np.diag(residual), 0.0, atol=1e-13)
    np.testing.assert_allclose([residual[0, 1], residual[1, 0]],
                               [-L12 / (2 * math.pi), -L21 / (2 * math.pi)], atol=1e-12)


def test_multi_relu_near_starts_reach_W_star_up_to_permutation():
    options = multi_relu.Options(units=3, dim=5, runs=2, steps=3000, lr=0.1, records=20)
    data = _data("multi-relu", options)
    assert len(data["runs"]) == 2 * options.runs
    for run_data in data["runs"]:
        distance = run_data["relative_distance"]
        assert run_data["iterations"][0] == 0 and run_data["iterations"][-1] == options.steps
        if run_data["start"] == "near":
            assert 0.02 < distance[0] < 0.3  # noise of row norm about 0.1 on unit teacher rows
            assert distance[-1] < 1e-8
        assert all(math.isfinite(value) for value in distance)


def test_two_relu_L_sign_map_is_assembled_in_grid_order():
    data = _data("two-relu-L", two_relu_l.Options(points=9, resolution=40))  # two row chunks
    alpha, beta = np.asarray(data["map_alpha"]), np.asarray(data["map_beta"])
    assert alpha.shape == (40,) and beta.shape == (80,) and np.all(np.diff(alpha) > 0)
    for key, L in zip(("sign_L12", "sign_L21"), two_relu_L(alpha[:, None], beta[None, :]),
                      strict=True):
        np.testing.assert_array_equal(two_relu_l.decode_signs(data[key]), np.sign(L))
