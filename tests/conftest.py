"""Hypothesis settings: no per-example deadline (timings vary on shared 2-core machines); in CI
(CI=true) the examples are derandomized so that a submission's result does not depend on luck,
while local runs keep exploring new examples."""

import os

from hypothesis import settings

settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
