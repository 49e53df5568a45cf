"""Joining or starting Ray, the one way for data-parallel training and for search trials.

Ray is the optional ``ray`` extra, imported only here and only when asked for. An ``address``
is checked to accept a connection first, so a cluster that does not answer is reported within
seconds instead of after Ray's own retries; without one a local Ray is started with one CPU per
worker. Whoever started Ray shuts it down; a Ray already running (a notebook's, a test
session's) is used and left running.
"""

from __future__ import annotations

import socket
from typing import Any

INSTALL = "pip install 'chainrule[ray]' (or pip install ray)"
ONE_THREAD = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                     "MKL_NUM_THREADS")}


class RayUnavailable(ImportError):
    """``backend="ray"`` without Ray installed; the message has the install line."""


def import_ray(op: str) -> Any:
    """The ``ray`` module, or ``RayUnavailable`` naming ``op`` and the install line.

    Example:
        >>> import sys
        >>> saved = sys.modules.pop("ray", None)
        >>> sys.modules["ray"] = None  # as if Ray were not installed
        >>> try:
        ...     import_ray("fit")
        ... except RayUnavailable as error:
        ...     print(str(error)[:52])
        fit: backend='ray' needs Ray, which is not installed
        >>> del sys.modules["ray"]
        >>> if saved is not None:
        ...     sys.modules["ray"] = saved
    """
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"{op}: backend='ray' needs Ray, which is not installed: "
                             f"{INSTALL}") from None
    return ray


def probe(op: str, address: str, timeout: float = 10.0) -> None:
    """``ConnectionError`` unless something accepts a connection at ``address`` (``host:port``
    or ``ray://host:port``) within ``timeout`` seconds; ``ValueError`` for another form than
    those and ``auto`` (the cluster this machine belongs to, left to Ray).

    Example:
        >>> try:
        ...     probe("fit", "127.0.0.1:1")
        ... except ConnectionError as error:
        ...     print(str(error)[:44])
        fit: no Ray cluster answers at '127.0.0.1:1'
    """
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{op}: address {address!r}: expected host:port (the head node, e.g. "
                         "10.0.0.5:6379), ray://host:port, or auto")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as error:
        raise ConnectionError(
            f"{op}: no Ray cluster answers at {address!r} ({error}); start one there (ray "
            "start --head) or leave out the address to run a local Ray") from None


def connect(op: str, workers: int, address: str | None, timeout: float = 10.0) -> tuple[Any, bool]:
    """``(ray, started)``: Ray joined at ``address``, or a local Ray of ``workers`` CPUs whose
    workers run NumPy with one BLAS thread; ``started`` says whether this call started it (and
    so must shut it down)."""
    ray = import_ray(op)
    if address is not None:
        probe(op, address, timeout)
    if ray.is_initialized():
        return ray, False
    options = dict(num_cpus=workers) if address is None else dict(address=address)
    ray.init(include_dashboard=False, log_to_driver=False, logging_level="WARNING",
             runtime_env={"env_vars": ONE_THREAD}, **options)
    return ray, True
