"""IntervalCheck: certifies true strict inequalities and refuses false or borderline ones."""

from __future__ import annotations

import mpmath

from symderive.engine.checks import IntervalCheck

iv = mpmath.iv


def test_certifies_a_true_inequality_over_a_union_of_boxes():
    # sin t + t cos t > 0 on (0, 1.5]: certified away from t = 0, where it vanishes.
    record = IntervalCheck(lambda t: iv.sin(t) + t * iv.cos(t),
                           [[("0.01", "0.7")], [("0.7", "1.5")]], subdivisions=4).run()
    assert record.passed and record.method == "interval" and record.max_error == 0.0
    assert record.points >= 8


def test_refuses_a_box_containing_a_zero():
    # (t - 1)^2 + u^2 vanishes at (1, 0): no refinement can certify the cell that contains it.
    record = IntervalCheck(lambda t, u: (t - 1) ** 2 + u**2, [[("0", "2"), ("-1", "1")]],
                           subdivisions=4, refine=3).run()
    assert not record.passed and record.max_error >= 1


def test_negative_sign_and_false_claims():
    assert IntervalCheck(lambda t: t - 3, [[("0", "2")]], sign=-1).run().passed
    assert not IntervalCheck(lambda t: t - 1, [[("0", "2")]], sign=-1).run().passed


def test_cells_end_exactly_at_the_box_end():
    # 0.05 + (0.95 - 0.05) * 6 / 6 misses mpf("0.95") by an ulp at 20 digits; the cells must not,
    # or boxes that meet at 0.95 would leave a gap (or overlap) there.
    upper_ends = []

    def record(t):
        upper_ends.append(t.b)
        return t + 1

    IntervalCheck(record, [[("0.05", "0.95")]], subdivisions=6, dps=20).run()
    with mpmath.workdps(20):
        assert max(upper_ends) == mpmath.mpf("0.95")


def test_interval_precision_is_restored():
    before = iv.dps
    IntervalCheck(lambda t: t + 1, [[("0", "1")]], dps=40).run()
    assert iv.dps == before
