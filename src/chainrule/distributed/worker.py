"""The loop a local data-parallel worker process runs (``chainrule.distributed.local``).

The driver sends one setup message (the pickled model, loss, penalty and data, and the names
of the shared-memory blocks), then small commands over the pipe: ``("grad", n)`` asks for the
gradient on the ``n`` rows the driver wrote into the worker's block, at the parameters
published in the shared parameter block; the worker writes the gradient and outputs into its
block and answers ``("done", value, seconds, version)``. ``("stop",)`` or a closed pipe ends
it. Exceptions go back to the driver as ``("error", exception)``. The worker ignores Ctrl-C:
the driver, which gets it too, shuts the workers down.
"""

from __future__ import annotations

import pickle
import signal
import traceback
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from chainrule.distributed.job import GradientJob
from chainrule.distributed.shared import SharedArrays, Versioned


def sendable(error: BaseException) -> BaseException:
    """``error`` if it pickles, else a RuntimeError holding its traceback text."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        text = "".join(traceback.format_exception(error))
        return RuntimeError(f"a data-parallel worker failed:\n{text}")


def serve(conn: Connection) -> None:
    """Run the worker loop on ``conn`` until told to stop (see the module docstring)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    blocks: list[SharedArrays] = []
    try:
        _, payload, params_name, params_specs, own_name, own_specs = conn.recv()
        model, loss, penalty, X, y, want_output, compile = pickle.loads(payload)
        job = GradientJob(model, loss, penalty, X, y, want_output, compile)
        blocks = [SharedArrays(params_specs, params_name), SharedArrays(own_specs, own_name)]
        params, own = Versioned(blocks[0]), blocks[1].arrays
    except BaseException as error:  # the driver reports it
        conn.send(("error", sendable(error)))
        return
    conn.send(("ready",))
    try:
        _loop(conn, job, params, own)
    except (EOFError, BrokenPipeError):  # the driver is gone
        pass
    finally:
        for block in blocks:
            block.close()


def _loop(conn: Connection, job: GradientJob, params: Versioned, own: list[np.ndarray]) -> None:
    rows, out, grads = own[0], own[1], own[2:]
    while True:
        command: tuple[Any, ...] = conn.recv()
        if command[0] == "stop":
            return
        n = command[1]
        try:
            version, values = params.read()
            value, g, o, seconds = job.gradient(values, rows[:n])
            for target, source in zip(grads, g, strict=True):
                np.copyto(target, source)
            if o is not None:
                out[:n] = o
            conn.send(("done", value, seconds, version))
        except Exception as error:
            conn.send(("error", sendable(error)))
