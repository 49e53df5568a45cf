"""The loss surfaces of two variables that the optimizer figures descend. Each takes one
2-vector ``w = (x, y)`` and is plain NumPy, so ``cr.grad`` differentiates it and a grid
``np.stack([X, Y])`` evaluates it for the contour lines.
"""

from __future__ import annotations

from typing import Any

from chainrule.nn.activations import sigmoid

# Cliff parameters: plateau height, steepness of the drop, where it drops, where the floor is.
CLIFF_HEIGHT = 4.0
CLIFF_STEEPNESS = 16.0
CLIFF_EDGE = 1.0
CLIFF_MINIMUM = (4.0, 0.0)


def circular_bowl(w: Any) -> Any:
    """L = x^2 + y^2 (seed 003, section 3.4.1, Figure 3.9(a)): the gradient points straight at
    the minimum (0, 0).

    Example:
        >>> import numpy as np
        >>> circular_bowl(np.array([3.0, 4.0]))
        np.float64(25.0)
    """
    return w[0] ** 2 + w[1] ** 2


def elliptical_bowl(w: Any) -> Any:
    """L = x^2 + 4 y^2 (seed 003, section 3.4.1, Figure 3.9(b)): curvature 2 along x and 8
    along y, so the gradient does not point at the minimum (0, 0).

    Example:
        >>> import numpy as np
        >>> elliptical_bowl(np.array([1.0, 1.0]))
        np.float64(5.0)
    """
    return w[0] ** 2 + 4 * w[1] ** 2


def rosenbrock(w: Any) -> Any:
    """The 2-D Rosenbrock function (1 - x)^2 + 100 (y - x^2)^2: a curved, narrow valley with
    its minimum 0 at (1, 1), the usual hard case for first-order methods (seed 003, section
    3.5.6, "the curvature effect in valleys", Figure 3.15).

    Example:
        >>> import numpy as np
        >>> float(rosenbrock(np.array([1.0, 1.0]))), float(rosenbrock(np.array([0.0, 0.0])))
        (0.0, 1.0)
    """
    return (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2


def cliff(w: Any) -> Any:
    """A gently sloping plateau that drops down a cliff (seed 003, section 3.5.4, Figure 3.13):

        L(x, y) = 0.02 (x - 4)^2 + 0.1 y^2 + 4 sigmoid(-16 (x - 1))

    For x < 1 the sigmoid term is a plateau of height 4 on which the slope (from the gentle
    bowl) is only about 0.1-0.25; around x = 1 the loss drops by 4 within about 0.3, a slope of
    up to 4 * 16 / 4 = 16. The floor is the bowl 0.02 (x - 4)^2 + 0.1 y^2, minimum (4, 0)
    (the sigmoid term there is 4 sigmoid(-48) ~ 6e-21). A fixed learning rate that is right
    for the plateau turns the cliff's slope into one huge step: the overshoot the seed warns of,
    which gradient clipping (section 3.5.5) prevents.

    Example:
        >>> import numpy as np
        >>> round(float(cliff(np.array([-2.0, 0.0]))), 3)
        4.72
        >>> float(cliff(np.array([4.0, 0.0]))) < 1e-20
        True
    """
    x, y = w[0], w[1]
    return (0.02 * (x - CLIFF_MINIMUM[0]) ** 2 + 0.1 * y ** 2
            + CLIFF_HEIGHT * sigmoid(-CLIFF_STEEPNESS * (x - CLIFF_EDGE)))


def saddle(w: Any) -> Any:
    """g(x, y) = x^2 - y^2 (seed 003, section 3.5.6.3, Figure 3.17(b)): a saddle point at
    (0, 0), a minimum along x and a maximum along y.

    Example:
        >>> import numpy as np
        >>> float(saddle(np.array([1.0, 2.0])))
        -3.0
    """
    return w[0] ** 2 - w[1] ** 2
