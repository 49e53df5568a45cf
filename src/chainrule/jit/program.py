"""The straight-line program a ``cr.jit`` trace becomes, and the code that runs it.

After staging (``chainrule.jit.staging``) the recorded instructions are simplified: an
instruction whose result no output needs is dropped (a Hessian-vector product never computes
the gradient's own products), operations on constants alone run once, when the program is
built (``chainrule.jit.folding``), elementwise operations read a ``broadcast_to``'s source
(``chainrule.jit.broadcasts``), each value is released right after its last use, as the eager
one-shot backward sweep does, and an elementwise operation writes its result into an operand
that dies there (``chainrule.jit.reuse``), so memory peaks no higher than eager. The program is
then written out as Python source, one assignment per operation, and compiled once: a call runs
plain backend functions on plain arrays, with no tracers, dispatch or tape.
``Program.show()`` prints it as numbered lines, backpropagation as plain code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.describe import describe
from chainrule.jit.broadcasts import elide_broadcasts
from chainrule.jit.errors import JitError
from chainrule.jit.folding import fold_constants
from chainrule.jit.reuse import reused_operands
from chainrule.jit.staging import JitTrace, Staged
from chainrule.jit.tracer import JitTracer
from chainrule.tracer import Tracer


def _describe(value: Any) -> str:
    """A constant as the program listing shows it: small ones by value."""
    if isinstance(value, bool | int | float | complex) or (
            isinstance(value, np.ndarray | np.generic) and value.size <= 4):
        return repr(value.tolist() if isinstance(value, np.ndarray | np.generic) else value)
    text = describe(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Program:
    """One compiled signature: ``run(*input_arrays) -> output leaves``.

    ``instructions`` are ``(name, impl, params, refs, slot, op)`` after dead-code removal;
    ``outputs`` are refs (``("slot", k)`` or ``("const", k)``); ``layouts[slot]`` is
    ``(a NumPy array?, shape, dtype)`` of each slot; ``in_place`` maps an instruction's index
    to the dying operand slot it writes into; ``source`` is the generated Python code.
    """

    def __init__(self, trace: JitTrace, n_inputs: int, outputs: Sequence[Any],
                 donated: bool = False) -> None:
        self.n_inputs, self.constants = n_inputs, trace.constants
        self.outputs = [self._output_ref(trace, o) for o in outputs]
        recorded, folded = fold_constants(trace.instructions, trace.constants, trace.checks)
        self.outputs = [("const", folded[k]) if kind == "slot" and k in folded else (kind, k)
                        for kind, k in self.outputs]
        recorded = elide_broadcasts(recorded, trace.layouts, trace.constants)
        kept = self._live(recorded, self.outputs, trace.checks)
        self.instructions = [recorded[i] for i in kept]
        self.origins = [trace.origins[i] for i in kept]
        self.recorded = len(trace.instructions)
        self.layouts = trace.layouts
        self.in_place = reused_operands(self.instructions, self.layouts, self.outputs, n_inputs,
                                        donated)
        # the caller's arrays the program writes into (donated ones only)
        self.written_inputs = sorted({k for k in self.in_place.values() if k < n_inputs})
        self.source, namespace = self._write()
        code = compile(self.source, "<chainrule.jit program>", "exec")
        exec(code, namespace)  # noqa: S102  (our own generated straight-line code)
        self.run = namespace["program"]
        if self.written_inputs:
            self.run = _donating(self.run, self.written_inputs)

    @staticmethod
    def _output_ref(trace: JitTrace, out: Any) -> tuple[str, int]:
        while isinstance(out, Tracer) and out._trace is not trace and not out._trace.alive:
            out = out._value  # a tracer of a transformation that has ended: its value
        if out.__class__ is Staged:  # a result without derivative, computed from the inputs
            out = out.tracer
        if out.__class__ is JitTracer and out._trace is trace:
            if out._slot in trace.lifted:  # a constant: copied on return, as below
                return ("const", trace.lifted[out._slot])
            return ("slot", out._slot)
        if isinstance(out, Tracer):
            raise JitError("cr.jit: the function returned a value traced by a transformation "
                           "that ended inside it; return plain results")
        trace.constants.append(out)
        return ("const", len(trace.constants) - 1)

    @staticmethod
    def _live(instructions: list[tuple], outputs: list[tuple], checks: set[int]) -> list[int]:
        """Indices of the instructions an output or a check needs, in order (dead code
        removed; checks on the data always run)."""
        needed = {k for kind, k in outputs if kind == "slot"} | checks
        kept = []
        for i in range(len(instructions) - 1, -1, -1):
            _, _, _, refs, slot, _ = instructions[i]
            if slot in needed:
                kept.append(i)
                needed.update(k for kind, k in refs if kind == "slot")
        return kept[::-1]

    def _write(self) -> tuple[str, dict[str, Any]]:
        """The program as Python source, and the globals it runs with."""
        namespace: dict[str, Any] = {f"c{k}": c for k, c in enumerate(self.constants)}
        last: dict[int, int] = {}
        for i, (_, _, _, refs, _, _) in enumerate(self.instructions):
            for kind, k in refs:
                if kind == "slot":
                    last[k] = i
        keep = {k for kind, k in self.outputs if kind == "slot"}
        lines = [f"def program({', '.join(f's{k}' for k in range(self.n_inputs))}):"]
        namespace["_reshaped"] = self._reshaped
        for i, (_, impl, params, refs, slot, op) in enumerate(self.instructions):
            namespace[f"f{i}"] = impl
            args = [("s" if kind == "slot" else "c") + str(k) for kind, k in refs]
            for j, (key, value) in enumerate(params.items()):  # keywords, bound as globals
                if key.isidentifier():
                    namespace[f"p{i}_{j}"] = value
                    args.append(f"{key}=p{i}_{j}")
                else:
                    namespace[f"f{i}"] = functools.partial(impl, **params)
                    args = args[:len(refs)]
                    break
            if i in self.in_place:  # a dying temporary's memory takes the result
                args.append(f"out=s{self.in_place[i]}")
            lines.append(f"    s{slot} = f{i}({', '.join(args)})")
            shape = self.layouts[slot][1]
            if getattr(op, "staged_function", False) and shape is not None:
                # NumPy called on staged values (np.unique, np.flatnonzero...) may give another
                # shape for other data: the rest of the program was traced for this one
                namespace[f"q{i}"] = shape
                lines.append(f"    if s{slot}.shape != q{i}: _reshaped({i}, s{slot}.shape)")
            dead = [f"s{k}" for kind, k in dict.fromkeys(refs)
                    if kind == "slot" and last.get(k) == i and k not in keep]
            if dead:
                lines.append(f"    del {', '.join(dead)}")
        # a constant output is copied, as eager code makes a new array each call: changing
        # the result in place must not change the next call's
        namespace["_copy"] = _copy
        outs = ", ".join(f"s{k}" if kind == "slot" else f"_copy(c{k})"
                         for kind, k in self.outputs)
        lines.append(f"    return ({outs},)" if len(self.outputs) == 1 else f"    return ({outs})")
        return "\n".join(lines) + "\n", namespace

    def _reshaped(self, i: int, shape: tuple) -> None:
        name, *_, slot, _ = self.instructions[i]
        origin = self.origins[i]
        where = "" if origin is None else f" at {origin[0]}:{origin[1]} ({origin[2]})"
        raise JitError(
            f"cr.jit: {name}{where} gave a result of shape {tuple(shape)} for these inputs, but "
            f"{self.layouts[slot][1]} when the program was traced: its shape depends on the "
            "data (as np.unique's or np.flatnonzero's do), and the rest of the program was "
            "recorded for the traced shape. Call the function without cr.jit, or express the "
            "selection with np.where(mask, x, 0).")

    def replay(self, inputs: Sequence[Any]) -> list[Any]:
        """Run the program through the primitives themselves (``op(*values, **params)``), so
        that an enclosing transformation (``cr.grad(cr.jit(f))``) differentiates it."""
        env: dict[int, Any] = dict(enumerate(inputs))

        def value(ref: tuple[str, int]) -> Any:
            kind, k = ref
            return env[k] if kind == "slot" else self.constants[k]

        for _, _, params, refs, slot, op in self.instructions:
            env[slot] = op(*[value(r) for r in refs], **params)
        return [value(r) for r in self.outputs]

    def show(self) -> str:
        """The program as numbered lines: inputs, then one operation per line (its name, its
        operands and parameters), then the outputs; constants are listed at the end."""
        lines = [f"inputs: {', '.join(f's{k}' for k in range(self.n_inputs))}"]
        for i, (name, _, params, refs, slot, _) in enumerate(self.instructions, start=1):
            args = [("s" if kind == "slot" else "c") + str(k) for kind, k in refs]
            args += [f"{key}={_param(v)}" for key, v in params.items()]
            into = self.in_place.get(i - 1)
            note = "" if into is None else f"  (into s{into}'s memory)"
            lines.append(f"{i:4d}  s{slot} = {name}({', '.join(args)}){note}")
        outs = ", ".join(("s" if kind == "slot" else "c") + str(k) for kind, k in self.outputs)
        lines.append(f"return {outs}")
        used = sorted({k for *_, refs, _, _ in self.instructions for kind, k in refs
                       if kind == "const"} | {k for kind, k in self.outputs if kind == "const"})
        lines += [f"  c{k} = {_describe(self.constants[k])}" for k in used]
        dropped = self.recorded - len(self.instructions)
        lines.append(f"({len(self.instructions)} operations; {dropped} recorded operations "
                     f"no output needs were dropped; {len(self.in_place)} write into a dying "
                     "operand's memory)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Program({len(self.instructions)} operations, {self.n_inputs} inputs)"


def _donating(run: Callable, written: list[int]) -> Callable:
    """``run``, refusing a call whose donated arrays it would write into are read-only or
    share memory with another argument (writing would change that argument mid-program).
    Arrays over different root buffers cannot share memory: only those over the same root are
    compared, so a call costs one pass over the arguments."""
    def checked(*inputs: Any) -> Any:
        roots: dict[int, list[int]] = {}
        for j, x in enumerate(inputs):
            if x.__class__ is np.ndarray:
                roots.setdefault(id(_root(x)), []).append(j)
        for w in written:
            x = inputs[w]
            if not x.flags.writeable:
                raise JitError(f"cr.jit(donate=True): argument leaf {w} is read-only, but the "
                               "program writes into it; pass a writeable array or donate=False")
            for j in roots[id(_root(x))]:
                if j != w and np.may_share_memory(x, inputs[j]):
                    raise JitError(f"cr.jit(donate=True): argument leaves {w} and {j} share "
                                   f"memory, and the program writes into leaf {w}; pass "
                                   "separate arrays (a copy) or donate=False")
        return run(*inputs)

    return checked


def _root(x: np.ndarray) -> Any:
    """The object that owns ``x``'s memory (the end of its chain of bases)."""
    while isinstance(x.base, np.ndarray):
        x = x.base
    return x if x.base is None else x.base


def _copy(value: Any) -> Any:
    return value.copy() if hasattr(value, "copy") and hasattr(value, "shape") else value


def _param(value: Any) -> str:
    text = repr(value) if not hasattr(value, "shape") else _describe(value)
    return text if len(text) <= 40 else text[:37] + "..."
