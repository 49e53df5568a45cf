"""The schedule of one pipelined step: which stage ran which micro-batch's forward ("F") or
backward ("B") pass at which tick, shown as the classic GPipe picture (ticks as rows, stages as
columns, idle cells are the pipeline's *bubble*).

Ticks are logical, not clock readings: each stage reports the order in which it ran its passes,
and a pass takes one tick after both the stage's previous pass and the pass it waits for (the
forward of the same micro-batch on the stage before, or its backward on the stage after). With K
stages and M micro-batches, F(m) on stage s lands at tick m + s and B(m) at tick
(M + K - 1) + (M - 1 - m) + (K - 1 - s); each stage is idle for 2 (K - 1) of the 2 (M + K - 1)
ticks, a bubble fraction (K - 1) / (M + K - 1) that more micro-batches shrink.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PipelineSchedule:
    """``events``: (tick, stage, kind, micro-batch) of every pass, ``kind`` "F" or "B".

    Example:
        >>> s = PipelineSchedule.from_orders([[("F", 0), ("F", 1), ("B", 1), ("B", 0)],
        ...                                   [("F", 0), ("F", 1), ("B", 1), ("B", 0)]])
        >>> s.tick(1, "F", 0), s.tick(0, "B", 0), s.num_ticks, s.bubble_fraction
        (1, 5, 6, 0.3333333333333333)
        >>> print(s)
        tick | stage 0 | stage 1
           0 | F0      | .
           1 | F1      | F0
           2 | .       | F1
           3 | .       | B1
           4 | B1      | B0
           5 | B0      | .
        bubble: 4 of 12 stage-ticks idle (33%)
    """

    num_stages: int
    events: tuple[tuple[int, int, str, int], ...]

    @classmethod
    def from_orders(cls, orders: list[list[tuple[str, int]]]) -> PipelineSchedule:
        """Ticks from each stage's pass order (``orders[s]``: ("F" | "B", micro-batch) pairs
        in the order stage s ran them), by the dependency rule of the module docstring."""
        done: dict[tuple[int, str, int], int] = {}
        position = [0] * len(orders)
        last = [-1] * len(orders)
        remaining = sum(len(o) for o in orders)
        while remaining:
            progressed = False
            for s, order in enumerate(orders):
                if position[s] == len(order):
                    continue
                kind, m = order[position[s]]
                dep = (s - 1, "F", m) if kind == "F" else (s + 1, "B", m)
                if 0 <= dep[0] < len(orders) and dep not in done:
                    continue  # its input has not been produced yet
                tick = max(last[s], done.get(dep, -1)) + 1
                done[(s, kind, m)] = last[s] = tick
                position[s] += 1
                remaining -= 1
                progressed = True
            if not progressed:
                raise ValueError("PipelineSchedule: the stages' pass orders wait on each other "
                                 f"(a cycle): {orders}")
        events = sorted((t, s, k, m) for (s, k, m), t in done.items())
        return cls(len(orders), tuple(events))

    def tick(self, stage: int, kind: str, micro_batch: int) -> int:
        """The tick at which ``stage`` ran pass ``kind`` ("F" or "B") of ``micro_batch``."""
        for t, s, k, m in self.events:
            if (s, k, m) == (stage, kind, micro_batch):
                return t
        raise KeyError(f"PipelineSchedule: no {kind} pass of micro-batch {micro_batch} on "
                       f"stage {stage}")

    @property
    def num_ticks(self) -> int:
        """Ticks from the first forward to the last backward pass."""
        return 1 + max((t for t, *_ in self.events), default=-1)

    @property
    def bubble_fraction(self) -> float:
        """Idle stage-ticks over all stage-ticks: (K - 1) / (M + K - 1) for GPipe."""
        slots = self.num_ticks * self.num_stages
        return (slots - len(self.events)) / slots if slots else 0.0

    def to_text(self) -> str:
        """The schedule as a text table (ticks as rows, stages as columns, "." when idle)."""
        cells = [["."] * self.num_stages for _ in range(self.num_ticks)]
        for t, s, k, m in self.events:
            cells[t][s] = f"{k}{m}"
        heads = [f"stage {s}" for s in range(self.num_stages)]
        width = [max(len(h), *(len(row[s]) for row in cells)) for s, h in enumerate(heads)]
        tw = max(4, len(str(self.num_ticks - 1)))
        rows = [("tick", heads), *((str(t), row) for t, row in enumerate(cells))]
        lines = [t.rjust(tw) + " | "
                 + " | ".join(c.ljust(w) for c, w in zip(row, width, strict=True)).rstrip()
                 for t, row in rows]
        slots = self.num_ticks * self.num_stages
        idle = slots - len(self.events)
        lines.append(f"bubble: {idle} of {slots} stage-ticks idle ({self.bubble_fraction:.0%})")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()
