"""Executors (issue 14): trials run in this process, a local process pool or Ray give the same
search for the same seed (what a trial sees is fixed by its number, not by timing), crashed
trials are recorded, and bad settings are refused clearly."""

import sys
import time

import pytest

from chainrule.cli.tune_objective import TrainObjective
from chainrule.distributed.ray_session import RayUnavailable, probe
from chainrule.tune import LogUniform, SearchSpace, random_search
from chainrule.tune.bayes import bayesian_search
from chainrule.tune.executors import Inline, LocalPool, make_executor
from chainrule.tune.pruning import SuccessiveHalvingPruner
from chainrule.tune.schedule import run_trials
from tests.tune.objectives import crash_on_big_lr, learning_curve

SPACE = SearchSpace({"lr": LogUniform(1e-4, 1.0)})
IRIS = TrainObjective({"data": "iris", "epochs": 15, "hidden": [8], "batch_size": 16})


@pytest.fixture(scope="module")
def pool():
    executor = LocalPool(2)
    yield executor
    executor.close()


class Window(Inline):
    """Runs at once, but lets the scheduler keep ``workers`` trials in flight."""

    def __init__(self, workers):
        self.workers = workers


class Seen:
    """A pruner that never prunes and records which trials each trial was shown."""

    def __init__(self):
        self.shown = {}

    def prune(self, step, value, history, direction):
        self.shown.setdefault(step, []).append([t.number for t in history])
        return False


@pytest.mark.parametrize("workers", [1, 3])
def test_trial_k_sees_exactly_the_trials_up_to_k_minus_workers(workers):
    seen = Seen()
    run_trials(learning_curve, range(6), lambda k: {"lr": 0.01}, executor=Window(workers),
               pruner=seen)
    assert seen.shown[1] == [list(range(max(0, k - workers + 1))) for k in range(6)]


def test_a_pool_gives_the_trials_of_one_process(pool):
    assert random_search(IRIS, SPACE, 4, seed=3, executor=pool) == \
        random_search(IRIS, SPACE, 4, seed=3)


def test_a_crashed_trial_in_a_pool_is_recorded_and_the_search_goes_on(pool):
    space = SearchSpace({"lr": LogUniform(1e-3, 10.0)})
    trials = random_search(crash_on_big_lr, space, 6, seed=0, executor=pool)
    failed = [t for t in trials if t.failed]
    assert failed and all(t.error == "RuntimeError: diverged" for t in failed)
    assert all(t.value > 0 for t in trials if not t.failed)


def test_executor_settings_are_checked():
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        make_executor(0)
    with pytest.raises(ValueError, match="backend='dask'; use one of local, ray"):
        make_executor(2, "dask")
    with pytest.raises(ValueError, match="give backend='ray'"):
        make_executor(2, "local", "10.0.0.1:6379")


def test_the_ray_backend_without_ray_names_the_install_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(RayUnavailable, match=r"pip install 'chainrule\[ray\]'"):
        make_executor(2, "ray")


def test_a_cluster_that_does_not_answer_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(ConnectionError, match="tune: no Ray cluster answers"):
        probe("tune", "127.0.0.1:1", timeout=5.0)
    with pytest.raises(ValueError, match="expected host:port"):
        probe("tune", "nowhere", timeout=5.0)
    assert time.perf_counter() - start < 10


@pytest.fixture(scope="module")
def ray_session():
    ray = pytest.importorskip("ray", reason="Ray is the optional ray extra")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="WARNING")
    yield ray
    ray.shutdown()


def test_ray_and_the_pool_give_the_same_pruned_bayesian_search(ray_session, pool):
    pytest.importorskip("optuna", reason="Bayesian search is the optional tune extra")
    ray_pool = make_executor(2, "ray")
    pruner = SuccessiveHalvingPruner(1, 3, 2)
    on_ray = bayesian_search(learning_curve, SPACE, 10, seed=4, executor=ray_pool,
                             pruner=pruner)
    ray_pool.close()
    assert ray_session.is_initialized()  # a session it did not start is left running
    assert on_ray == bayesian_search(learning_curve, SPACE, 10, seed=4, executor=pool,
                                     pruner=pruner)
    assert any(t.pruned for t in on_ray)


def test_ray_trains_the_trials_of_one_process(ray_session):
    ray_pool = make_executor(2, "ray")
    try:
        assert random_search(IRIS, SPACE, 2, seed=5, executor=ray_pool) == \
            random_search(IRIS, SPACE, 2, seed=5)
    finally:
        ray_pool.close()
