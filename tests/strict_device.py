"""array-api-strict arrays on a device other than that library's default: where the strict
tests put their inputs. A constant that an implementation creates on the default device then
fails (arrays of two devices do not combine), as does any hidden conversion to NumPy
(array-api-strict refuses ``np.asarray`` of such an array), so neither can pass unseen.

Import it after ``pytest.importorskip("array_api_strict")``.
"""

from __future__ import annotations

from typing import Any

import array_api_strict as xp
import numpy as np

DEVICE = xp.Device("device1")
OTHER = xp.Device("device2")
_HOST = xp.Device("CPU_DEVICE")


def on_device(a: Any, **kwargs: Any) -> Any:
    """``a`` (a NumPy array or Python values) as an array-api-strict array on ``DEVICE``."""
    return xp.asarray(a, device=DEVICE, **kwargs)


def to_numpy(a: Any) -> np.ndarray:
    """A NumPy copy of the array-api-strict result ``a``, checked to be still on ``DEVICE``."""
    assert a.device == DEVICE, f"a result left {DEVICE} for {a.device}"
    return np.asarray(a.to_device(_HOST))
