"""Seeded, resumable mini-batches."""

import io
import json

import numpy as np
import pytest

from chainrule.data import BatchIterator


def epochs(it, count):
    return [[tuple(a.tolist() for a in batch) for batch in it] for _ in range(count)]


@pytest.mark.parametrize("batch_size", [1, 3, 7, 10, 25])
@pytest.mark.parametrize("shuffle", [True, False])
def test_every_sample_once_per_epoch(batch_size, shuffle):
    X, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    it = BatchIterator(X, y, batch_size=batch_size, shuffle=shuffle, seed=0)
    for _ in range(3):
        seen = []
        for xb, yb in it:
            assert len(yb) <= batch_size and np.array_equal(xb[:, 0] / 2, yb)
            seen.extend(yb.tolist())
        assert sorted(seen) == list(range(10))
    assert it.epoch == 3 and len(it) == -(-10 // min(batch_size, 10))


def test_batch_size_one_and_full_batch():
    X = np.arange(5)
    assert [b.tolist() for (b,) in BatchIterator(X, batch_size=1, shuffle=False)] == [
        [0], [1], [2], [3], [4]]
    full = list(BatchIterator(X, batch_size=100, shuffle=True, drop_last=True, seed=1))
    assert len(full) == 1 and sorted(full[0][0].tolist()) == [0, 1, 2, 3, 4]


def test_drop_last():
    it = BatchIterator(np.arange(10), batch_size=4, shuffle=True, drop_last=True, seed=2)
    batches = [b for (b,) in it]
    assert len(it) == 2 and [len(b) for b in batches] == [4, 4]
    assert len(set(np.concatenate(batches).tolist())) == 8


def test_reproducible_for_a_seed_and_new_order_each_epoch():
    X = np.arange(50)
    a = epochs(BatchIterator(X, batch_size=8, seed=42), 3)
    b = epochs(BatchIterator(X, batch_size=8, seed=42), 3)
    c = epochs(BatchIterator(X, batch_size=8, seed=43), 3)
    assert a == b and a != c
    assert a[0] != a[1] != a[2]
    it = BatchIterator(X, batch_size=8, seed=42)
    assert np.array_equal(np.concatenate([x for (x,) in it]), it.epoch_order(0))


def test_generator_seed_draws_a_recorded_base_seed():
    it = BatchIterator(np.arange(6), batch_size=2, seed=np.random.default_rng(0))
    again = BatchIterator(np.arange(6), batch_size=2, seed=np.random.default_rng(0))
    assert it.seed == again.seed and epochs(it, 2) == epochs(again, 2)


@pytest.mark.parametrize("stop_after", [0, 1, 3, 4])
def test_resume_mid_epoch_through_json(stop_after):
    X, y = np.arange(26.0).reshape(13, 2), np.arange(13)
    reference = BatchIterator(X, y, batch_size=3, seed=9)
    expected = [yb.tolist() for _ in range(3) for _, yb in reference]

    first = BatchIterator(X, y, batch_size=3, seed=9)
    got = [yb.tolist() for _, yb in first]  # one full epoch
    for k, (_, yb) in enumerate(first):  # then part of the next one
        got.append(yb.tolist())
        if k + 1 == stop_after:
            break
    saved = json.dumps(first.get_state())

    resumed = BatchIterator(X, y, batch_size=3, seed=None).set_state(json.loads(saved))
    while len(got) < len(expected):
        got.extend(yb.tolist() for _, yb in resumed)
    assert got == expected


def test_resume_through_npz_arrays():
    it = BatchIterator(np.arange(9), batch_size=2, seed=4)
    next(iter(it))
    buffer = io.BytesIO()
    np.savez(buffer, **it.get_state())
    buffer.seek(0)
    with np.load(buffer) as saved:
        resumed = BatchIterator(np.arange(9), batch_size=2, seed=0).set_state(dict(saved))
    assert resumed.get_state() == it.get_state()
    assert epochs(resumed, 2) == epochs(it, 2)


def test_state_mismatch_and_bad_arguments():
    it = BatchIterator(np.arange(9), batch_size=2, seed=4)
    state = it.get_state()
    with pytest.raises(ValueError, match="saved n_samples=9 but this iterator has n_samples=8"):
        BatchIterator(np.arange(8), batch_size=2).set_state(state)
    with pytest.raises(ValueError, match="saved batch_size=2 .* batch_size=3"):
        BatchIterator(np.arange(9), batch_size=3).set_state(state)
    with pytest.raises(ValueError, match="missing keys"):
        it.set_state({"seed": 1})
    with pytest.raises(ValueError, match="out of range"):
        it.set_state({**state, "position": 99})
    with pytest.raises(ValueError, match="same number of samples"):
        BatchIterator(np.arange(3), np.arange(4), batch_size=2)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        BatchIterator(np.arange(3), batch_size=0)
    with pytest.raises(ValueError, match="at least one array"):
        BatchIterator(batch_size=2)
