"""Gradient checking (seed 003, section 3.2.10): ratios, reports, failures."""

import numpy as np
import pytest

import chainrule as cr


def test_numerical_grad_of_a_black_box():
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(cr.numerical_grad(lambda x: np.sum(np.sin(x) * x), x),
                               np.cos(x) * x + np.sin(x), atol=1e-8)
    gx, gy = cr.numerical_grad(lambda x, y: np.sum(x * y), x, 2 * x, argnums=(0, 1))
    np.testing.assert_allclose(gx, 2 * x, atol=1e-8)
    np.testing.assert_allclose(gy, x, atol=1e-8)


def test_report_passes_for_correct_rules_with_all_rows():
    report = cr.check_grad(lambda x, y: np.tanh(x * y), np.ones(3), np.full(3, 0.5), order=2)
    assert report.ok
    # 2 arguments x 2 modes at order 1, then each mode's derivative checked again at order 2
    assert len(report.rows) == 8
    assert {r.order for r in report.rows} == {1, 2}
    assert all(r.ratio < 1e-6 for r in report.rows)
    assert "relative ratio" in str(report)


def test_a_wrong_rule_is_caught_with_a_readable_report():
    bad = cr.Primitive("bad_sin", np.sin)
    bad.defvjp(lambda g, ans, x: g * np.cos(x) * 1.01)  # 1% off
    bad.defjvp(lambda t, ans, x: t * np.cos(x))
    with pytest.raises(cr.GradientCheckError, match=r"(?s)rev.*FAIL"):
        cr.check_grad(bad, np.array([0.3, 0.4]), order=1)
    report = cr.check_grad(bad, np.array([0.3, 0.4]), order=1, raise_on_failure=False)
    failing = [r for r in report.rows if not r.ok]
    assert [r.mode for r in failing] == ["rev"]
    assert 1e-3 < failing[0].ratio < 1e-2  # |1.01 - 1| / |1.01 + 1|


def test_kink_tolerance_is_the_seeds_1e_3():
    report = cr.check_grad(np.sin, np.ones(2), kink=True)
    assert all(r.tolerance == 1e-3 for r in report.rows)


def test_unknown_mode():
    with pytest.raises(ValueError, match="unknown mode"):
        cr.check_grad(np.sin, np.ones(2), modes=("sideways",))


def test_tiny_derivative_on_a_large_value_is_not_a_false_alarm():
    # f = 1 + 1e-7 sum(x): the central difference of a value near 1 carries ~1e-11 of rounding
    # noise, which is 1e-4 of the derivative: the relative ratio alone would fail.
    def f(x):
        return 1.0 + 1e-7 * np.sum(x)

    report = cr.check_grad(f, np.array([0.3, -0.2]), order=1)
    assert all(r.ok for r in report.rows) and max(r.ratio for r in report.rows) > 1e-6
    assert "below rounding noise" in str(report)

    wrong = cr.primitive(lambda x: 1.0 + 1e-7 * np.sum(x))
    wrong.defvjp(lambda g, ans, x: g * 1.01e-7 * np.ones_like(x))  # 1 % off: far above noise
    with pytest.raises(cr.GradientCheckError, match="FAIL"):
        cr.check_grad(wrong, np.array([0.3, -0.2]), modes=("rev",), order=1)
