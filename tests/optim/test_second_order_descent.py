"""The iteration the second-order methods share (second_order/descent.py): restarts on
uphill directions, the end of a run from a direction, and what each hook sees."""

import numpy as np

from chainrule.optim.second_order import Objective, SolverRun
from chainrule.optim.second_order.descent import Directions, RunEnded, descend
from chainrule.optim.second_order.line_search import strong_wolfe


def quadratic(x):  # minimum at (1, -2), Hessian diag(2, 20)
    return (x[0] - 1.0) ** 2 + 10.0 * (x[1] + 2.0) ** 2


class Recorder(Directions):
    """Goes uphill (``+g``) until told to restart, then steepest descent; records the calls."""

    def __init__(self):
        self.calls, self.restarted, self.learnt = [], 0, []

    def direction(self, at):
        self.calls.append(("direction", at.f))
        return -at.g if self.restarted else at.g

    def restart(self):
        self.restarted += 1

    def trial_step(self, at, d, slope, last):
        self.calls.append(("trial_step", slope, last is None))
        return 0.05, None

    def learn(self, step):
        self.learnt.append(step)


def _run(directions, maxiter=100, tol=1e-8):
    obj = Objective(quadratic, np.zeros(2))
    return obj, descend(obj, SolverRun(obj, "demo", tol, maxiter, None), directions,
                        strong_wolfe, 1e-4, 0.1)


def test_an_uphill_direction_restarts_the_method_and_the_search_goes_along_minus_g():
    rec = Recorder()
    obj, res = _run(rec)
    assert res.success and np.allclose(res.x, [1.0, -2.0])
    assert rec.restarted == 1  # only the first direction pointed uphill
    g0 = np.array([-2.0, 40.0])  # the gradient at 0
    assert rec.calls[1] == ("trial_step", -float(g0 @ g0), True)
    first = rec.learnt[0]
    assert np.array_equal(first.d, -g0) and first.slope == -float(g0 @ g0)
    assert np.allclose(first.s, first.alpha * first.d) and first.end.f < first.start.f


def test_learn_sees_every_step_but_the_last_and_counts_are_the_objectives():
    rec = Recorder()
    obj, res = _run(rec)
    assert len(rec.learnt) == res.nit - 1  # the step that ended the run is not learnt from
    assert res.nfev == obj.nfev and res.nfev >= res.nit + 1
    for a, b in zip(rec.learnt, rec.learnt[1:], strict=False):
        assert b.start is a.end  # each step starts where the last one ended


def test_a_direction_can_end_the_run_with_its_own_result():
    class Fails(Recorder):
        def direction(self, at):
            raise RunEnded(self.run.failed(at.x, at.f, at.g, "no direction here"))

    rec = Fails()
    obj = Objective(quadratic, np.zeros(2))
    rec.run = SolverRun(obj, "demo", 1e-8, 100, None)
    res = descend(obj, rec.run, rec, strong_wolfe, 1e-4, 0.1)
    assert not res.success and res.status == 2 and "no direction here" in res.message
    assert res.nit == 0 and obj.nfev == 1


def test_a_converged_start_takes_no_iteration():
    rec = Recorder()
    obj = Objective(quadratic, np.array([1.0, -2.0]))
    res = descend(obj, SolverRun(obj, "demo", 1e-8, 100, None), rec, strong_wolfe, 1e-4, 0.1)
    assert res.success and res.nit == 0 and rec.calls == []
