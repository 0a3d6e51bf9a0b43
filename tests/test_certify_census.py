"""The spurious-minima census (experiment 'spurious'): shape, bookkeeping, families,
certificates."""

from __future__ import annotations

import json

import numpy as np
import pytest

from symderive.latex.census import appendix_section, census_table
from symderive.second_order.census import add_to_families
from symderive.simulate import Sweep, run
from symderive.simulate.experiments.spurious import Options
from symderive.simulate.registry import registered


@pytest.fixture(scope="module")
def census_files() -> dict:
    return run("spurious", Options(k=(6,), runs=200), sweep=Sweep(progress=False), figures=False)


@pytest.fixture(scope="module")
def census(census_files) -> dict:
    return json.loads(census_files["census.json"])


def test_registered_by_name_only():
    assert "spurious" in registered()
    assert not registered()["spurious"].in_all  # the defaults take most of an hour


def test_census_json_is_the_record_data_and_the_table_is_written(census_files, census):
    assert json.loads(census_files["spurious.json"])["data"] == census
    assert list(census) == ["k"]
    assert census_files["census.tex"].decode() == census_table(census)


def test_census_shape_and_bookkeeping(census):
    entry = census["k"]["6"]
    assert entry["n"] == 6 and entry["runs"] == 200
    assert sum(entry["outcomes"].values()) == 200
    spurious = entry["outcomes"]["spurious"]
    assert entry["spurious_fraction"] == spurious / 200
    assert sum(family["count"] for family in entry["families"]) == spurious
    for family in entry["families"]:
        assert isinstance(family["loss"], float) and family["loss"] >= 1e-3
        assert isinstance(family["certified"], bool)


def test_every_family_found_is_certified_with_its_loss(census):
    families = census["k"]["6"]["families"]
    assert families, "seed 0 has a spurious run among the first 200 k = 6 starts"
    for family in families:
        assert family["certified"]
        # The float64 loss of the representative carries rounding (sums of O(1) terms): 1e-14.
        low, high = family["certificate"]["loss_interval"]
        assert low - 1e-14 <= family["loss"] <= high + 1e-14
        assert high - low <= 1e-12


def test_families_are_up_to_row_and_column_permutations():
    rng = np.random.default_rng(4)
    weights = rng.standard_normal((4, 4))
    rows, columns = rng.permutation(4), rng.permutation(4)
    families: list[dict] = []
    add_to_families(families, 0.5, weights)
    add_to_families(families, 0.5, weights[rows][:, columns])
    add_to_families(families, 0.5, weights + 1e-3)
    assert [family["count"] for family in families] == [2, 1]


def test_latex_table_lists_every_family(census):
    table = census_table(census)
    assert "\\begin{longtable}" in table and table.rstrip().endswith("\\end{longtable}")
    for family in census["k"]["6"]["families"]:
        certificate = family["certificate"]
        assert f"${family['loss']:.6f}$ & {family['count']} &" in table
        assert f"{certificate['hessian_min_eigenvalue_lower_bound']:.3g}".split("e")[0] in table


def test_appendix_section_reports_options_seed_and_certified_families(census_files, census):
    record = json.loads(census_files["spurious.json"])
    section = appendix_section(record, "results/spurious/spurious.json")
    families = census["k"]["6"]["families"]
    assert f"{len(families)} of {len(families)} families are certified" in section
    assert "seed 0" in section and "\\input{census_table}" in section
    assert "results/spurious/spurious.json" in section


def test_a_record_that_is_not_a_census_is_refused(tmp_path):
    from symderive.latex.census import load_record

    path = tmp_path / "other.json"
    path.write_text(json.dumps({"experiment": "ssb", "data": {}}))
    with pytest.raises(ValueError, match="not a record of symderive simulate spurious"):
        load_record(path)
    path.write_text("{not json")
    with pytest.raises(ValueError, match="cannot read the census record"):
        load_record(path)
    with pytest.raises(ValueError, match="not a census"):
        census_table({"k": {"6": {"n": 6}}})


def test_an_extra_unit_ends_global_runs_by_their_loss_not_by_the_slow_gradient():
    # With n = k + 1 two units share a teacher direction at a global minimum, where J has a theta^3
    # cusp: the gradient decays sublinearly, so runs stop once J <= GLOBAL_LOSS instead.
    from symderive.population import population_gradient, population_loss
    from symderive.second_order import census as census_module

    teacher = np.eye(6)
    starts = census_module.xavier_starts(np.random.default_rng(5), 12, 7, 6)
    ends, gradient_norms, lr = census_module.descend(starts, teacher, 0.1, 1e-9, 10**6)
    losses = np.array([float(population_loss(end, teacher)) for end in ends])
    stopped_by_loss = gradient_norms > 1e-9
    assert lr == 0.1 and np.any(stopped_by_loss)
    assert np.all(losses[stopped_by_loss] <= census_module.GLOBAL_LOSS)
    for end, norm in zip(ends, gradient_norms, strict=True):
        assert np.linalg.norm(population_gradient(end, teacher)) == pytest.approx(norm, rel=1e-6)
    outcomes = [census_module.classify(end, teacher, 1e-9)["kind"] for end in ends[stopped_by_loss]]
    assert outcomes == ["global"] * int(stopped_by_loss.sum())


@pytest.mark.parametrize("options, message", [
    ({"extra_units": 2}, "extra_units"),
    ({"k": ()}, "at least one"),
    ({"k": (6, 6)}, "repeated"),
    ({"runs": 0}, "runs"),
    ({"lr": -0.1}, "lr"),
])
def test_bad_options_raise(options, message):
    with pytest.raises(ValueError, match=message):
        Options(**options)
