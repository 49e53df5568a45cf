"""cr.detect_anomaly: the first NaN/Inf is reported with its primitive, phase and user line."""

import inspect
import threading

import numpy as np
import pytest

import chainrule as cr

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _line_of(func, text):
    lines, start = inspect.getsourcelines(func)
    return start + next(i for i, line in enumerate(lines) if text in line)


def log_loss(w, x):
    z = x @ w
    p = np.exp(z) / np.sum(np.exp(z))  # overflows for large z
    return -np.log(p[0])


def root_sum(x):
    r = np.sqrt(x)  # infinite derivative at 0
    return np.sum(r)


def test_forward_overflow_names_exp_and_the_line():
    w, x = np.array([1.0, 800.0]), np.array([[1.0, 1.0], [0.0, 1.0]])
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError) as info:
        cr.grad(log_loss)(w, x)
    e = info.value
    assert (e.primitive, e.phase) == ("exp", "forward")
    assert e.filename == __file__ and e.lineno == _line_of(log_loss, "overflows")
    assert e.source.startswith("p = np.exp(z)")
    assert "inf (2 of 2 entries)" in str(e) and "min 800, max 801" in str(e)
    assert isinstance(e, FloatingPointError)


def test_backward_infinity_names_the_recording_line():
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError) as info:
        cr.grad(root_sum)(np.array([4.0, 0.0]))
    e = info.value
    assert (e.primitive, e.phase) == ("sqrt", "backward")
    assert e.lineno == _line_of(root_sum, "infinite derivative")
    assert "inf (1 of 2 entries)" in str(e) and "argument 0" in str(e)
    assert "its output: float64 array of shape (2,) [min 0, max 2]" in str(e)


def test_vjp_fn_checks_each_sweep():
    with cr.detect_anomaly():
        _, back = cr.vjp(root_sum, np.array([0.0, 1.0]))
        with pytest.raises(cr.AnomalyError, match="backward pass of sqrt"):
            back(np.float64(1.0))


def test_forward_mode_tangent():
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError) as info:
        cr.jvp(np.sqrt, (np.array([0.0, 1.0]),), (np.ones(2),))
    assert (info.value.primitive, info.value.phase) == ("sqrt", "forward-mode tangent")


def test_forward_mode_primal():
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError, match="log produced -inf"):
        cr.jvp(np.log, (np.array([0.0, 1.0]),), (np.ones(2),))


def test_non_finite_constant_is_named_as_the_cause():
    data = np.array([1.0, np.nan])
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError, match="already non-finite"):
        cr.grad(lambda w: np.sum(w * data))(np.ones(2))


def test_off_outside_the_context_and_results_unchanged():
    g = cr.grad(root_sum)(np.array([4.0, 0.0]))  # no context: inf, no error
    assert g[0] == 0.25 and np.isinf(g[1])
    w, x = np.array([0.3, -0.2]), np.array([[1.0, 2.0], [0.5, 1.0]])
    with cr.detect_anomaly():
        checked = cr.grad(log_loss)(w, x)
        hess = cr.hessian(lambda v: np.sum(v ** 3))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(checked, cr.grad(log_loss)(w, x))
    np.testing.assert_allclose(hess, np.diag([6.0, 12.0]))


def test_nesting_and_decorator():
    @cr.detect_anomaly()
    def checked_grad(x):
        return cr.grad(root_sum)(x)

    with cr.detect_anomaly():
        with cr.detect_anomaly():
            pass
        with pytest.raises(cr.AnomalyError):  # still on after the inner context ended
            cr.grad(root_sum)(np.array([0.0]))
    with pytest.raises(cr.AnomalyError):
        checked_grad(np.array([0.0]))
    assert np.isinf(cr.grad(root_sum)(np.array([0.0]))[0])  # off again


def test_other_threads_are_not_checked():
    results = []
    with cr.detect_anomaly():
        worker = threading.Thread(
            target=lambda: results.append(cr.grad(root_sum)(np.array([0.0]))))
        worker.start()
        worker.join()
    assert len(results) == 1 and np.isinf(results[0][0])


def bad_loss(out, y):
    return np.mean(np.log(out - out.max()) * y)  # log(0) on the largest output


def test_inside_fit_points_at_the_loss_line():
    from chainrule import nn, optim
    from chainrule.train import fit

    X, y = np.array([[1.0], [2.0]]), np.array([[1.0], [0.0]])
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError) as info:
        fit(nn.Linear(1, 1, rng=0), bad_loss, (X, y), optim.sgd(0.1), epochs=1, metrics=())
    e = info.value
    assert (e.primitive, e.phase) == ("log", "forward")
    assert e.lineno == _line_of(bad_loss, "log(0)")


def test_anomalies_in_another_librarys_arrays_are_found_where_they_are():
    """detect_anomaly checks array-api-strict values on a non-default device in their own
    library (converting them would raise there) and names the operation."""
    xp = pytest.importorskip("array_api_strict", reason="array-api-strict not installed")
    from tests.strict_device import on_device

    def f(x):
        ns = x.__array_namespace__()
        return ns.sum(ns.log(x))

    x = on_device([1.0, -1.0])
    assert cr.grad(f)(on_device([1.0, 2.0])).device == xp.Device("device1")
    with cr.detect_anomaly(), pytest.raises(cr.AnomalyError, match="log produced nan"):
        cr.grad(f)(x)
