"""Objectives importable by pool processes and Ray workers (a test's local function is not)."""

import math


def learning_curve(config, report=None):
    """A validation accuracy that climbs over 9 epochs towards a ceiling set by lr (best at
    1e-2.5); reports each epoch when given ``report``."""
    ceiling = 1.0 - 0.1 * (math.log10(config["lr"]) + 2.5) ** 2
    value = 0.0
    for epoch in range(1, 10):
        value = ceiling * (1.0 - 0.5 ** epoch)
        if report is not None:
            report(epoch, value)
    return value


def crash_on_big_lr(config, report=None):
    if config["lr"] > 0.1:
        raise RuntimeError("diverged")
    return learning_curve(config, report)
