"""Measure the communication constants of this machine between two processes: the latency of a
small message and the bandwidth of moving an array of P float64, through a ``multiprocessing``
pipe and through shared memory. ``chainrule.distributed.projection`` turns them (with a measured
compute time) into projected data-parallel throughput.

Method: one spawned echo process. Latency is half the median round trip of a 1-byte message.
A pipe transfer is the time from sending the array's bytes until the receiver, holding them,
acknowledges; a shared-memory transfer is the time from copying the array into a block shared
with the receiver, telling it, until it has copied the block out and acknowledged. Both include
one small round trip; bandwidth is bytes over the median transfer time.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.shared_memory import SharedMemory

import numpy as np


@dataclass(frozen=True)
class CommunicationCosts:
    """Measured constants: ``latency`` (s per message, one way), ``round_trip`` (s),
    ``pipe_bandwidth`` and ``shared_memory_bandwidth`` (bytes/s) for ``parameters`` float64
    (``nbytes`` bytes)."""

    latency: float
    round_trip: float
    pipe_bandwidth: float
    shared_memory_bandwidth: float
    parameters: int
    nbytes: int


def _echo(conn: Connection) -> None:
    """The receiving process: answer pings, acknowledge arrays, copy shared blocks out."""
    while True:
        message = conn.recv_bytes()
        tag = message[:1]
        if tag == b"q":
            return
        if tag == b"d":
            np.frombuffer(message, dtype=np.uint8, offset=1)  # the array, as a receiver gets it
        elif tag == b"s":
            size, name = message[1:].decode().split(":", 1)
            block = SharedMemory(name=name)
            try:
                bytes(block.buf[:int(size)])  # copied out of the shared block
            finally:
                block.close()
        conn.send_bytes(tag)


def _median_seconds(run: Callable[[], None], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_communication(parameters: int = 1_000_000, repeats: int = 5,
                          pings: int = 200) -> CommunicationCosts:
    """Measure latency and bandwidths between this process and a spawned one (module
    docstring); about 0.3 s to start the process plus the transfers.

    Example:
        >>> c = measure_communication(parameters=10_000, repeats=2, pings=20)
        >>> c.nbytes, 0 < c.latency < c.round_trip, c.pipe_bandwidth > 0
        (80000, True, True)
    """
    for name, v in (("parameters", parameters), ("repeats", repeats), ("pings", pings)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"measure_communication: {name} must be a positive integer, "
                             f"got {v!r}")
    array = np.random.default_rng(0).random(parameters)
    ctx = multiprocessing.get_context("spawn")
    mine, theirs = ctx.Pipe()
    process = ctx.Process(target=_echo, args=(theirs,), daemon=True,
                          name="chainrule-measure-communication")
    block = SharedMemory(create=True, size=array.nbytes)
    try:
        process.start()
        theirs.close()

        def exchange(message: bytes | memoryview) -> None:
            mine.send_bytes(message)
            mine.recv_bytes()

        exchange(b"p")  # the first message waits for the process to start
        round_trip = _median_seconds(lambda: exchange(b"p"), pings)
        payload = b"d" + array.tobytes()
        pipe = _median_seconds(lambda: exchange(payload), repeats)
        name = f"s{array.nbytes}:{block.name}".encode()
        flat = memoryview(array).cast("B")

        def through_shared_memory() -> None:
            block.buf[:array.nbytes] = flat  # copied in (no view of the block outlives this)
            exchange(name)

        shm = _median_seconds(through_shared_memory, repeats)
    finally:
        if process.is_alive():
            try:
                mine.send_bytes(b"q")
            except OSError:
                pass  # it is exiting already
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        mine.close()
        block.close()
        block.unlink()
    return CommunicationCosts(round_trip / 2, round_trip, array.nbytes / pipe,
                              array.nbytes / shm, parameters, array.nbytes)
