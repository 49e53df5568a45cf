"""``chainrule.distributed``: data-parallel training on several processes or Ray actors.

``chainrule.train.fit(..., workers=N)`` uses it (seed 003, section 3.7.2): with
``synchronous=True`` each step's batch is split among the workers and their gradients are
averaged (the run one process gives, to rounding); with ``synchronous=False`` the driver is an
asynchronous parameter server applying each worker's gradient as it arrives. The pools here
compute the gradients: ``LocalPool`` (processes sharing memory) and ``RayPool`` (Ray actors).
"""

from chainrule.distributed.job import GradientJob
from chainrule.distributed.local import LocalPool
from chainrule.distributed.protocol import Reply, WorkerError

__all__ = ["GradientJob", "LocalPool", "Reply", "WorkerError"]
