"""``chainrule.distributed``: training on several processes or Ray actors (seed 003, section
3.7.2).

- Data parallelism: ``chainrule.train.fit(..., workers=N)`` uses the pools here. With
  ``synchronous=True`` each step's batch is split among the workers and their gradients are
  averaged (the run one process gives, to rounding); with ``synchronous=False`` the driver is an
  asynchronous parameter server applying each worker's gradient as it arrives. ``LocalPool``
  (processes sharing memory) and ``RayPool`` (Ray actors) compute the gradients.
- Model parallelism, shown small: ``PipelineModel`` splits a ``Sequential`` into stages, one
  process each, with micro-batches pipelined (GPipe), and prints its schedule.
- Scale: ``measure_communication`` measures this machine's latency and bandwidth between
  processes, and ``project`` projects data-parallel throughput to more workers from measured
  costs (a stated cost model).
"""

from chainrule.distributed.communication import CommunicationCosts, measure_communication
from chainrule.distributed.job import GradientJob
from chainrule.distributed.local import LocalPool
from chainrule.distributed.pipeline import PipelineError, PipelineModel, train_pipelined
from chainrule.distributed.projection import Projection, project
from chainrule.distributed.protocol import Reply, WorkerError
from chainrule.distributed.ray_session import RayUnavailable

__all__ = ["CommunicationCosts", "GradientJob", "LocalPool", "PipelineError", "PipelineModel",
           "Projection", "RayUnavailable", "Reply", "WorkerError", "measure_communication",
           "project", "train_pipelined"]
