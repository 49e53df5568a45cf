"""``chainrule check module:function --at NAME=VALUE,...``: gradient-check your own function.

Imports ``function`` from an importable module (``pkg.mod:f``) or a Python file
(``path/to/file.py:f``), reads its argument values from ``--at`` and runs ``cr.check_grad``:
chainrule's derivatives against central finite differences with the seed's relative ratio
(seed 003, section 3.2.10, eq. 3.34). Values are numbers or nested lists of numbers, read as
literals and never evaluated as code, or arrays from files: ``@x.npy``, ``@data.npz:key``.
Exit status 0 when every ratio is within its limit, 1 when one is not (the report says which),
2 on bad input (unknown module or function, a bad value, names that do not match the
function's parameters).
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.arrayfiles import read_arrays
from chainrule.check import check_grad
from chainrule.cli.data import UsageError
from chainrule.primitive import Primitive

EPILOG = """examples:
  chainrule check mymodel.py:loss --at "w=[0.5,-1.0],x=[[1,2],[3,4],[5,6]]"
  chainrule check mypkg.layers:forward --at W=@weights.npz:W,x=@x.npy --modes rev
  chainrule check mymodel.py:loss --at w=@w.npy,X=@X.npy,y=@y.npy --argnums w --order 1
quote --at when it holds brackets; arguments left out of --argnums keep an integer
dtype, so they can be class labels.
"""
DESCRIPTION = """\
Compare chainrule's forward- and reverse-mode derivatives of FUNCTION with central
finite differences along random directions, by the relative ratio |Ge - Ga| / |Ge + Ga|
(seed 003, section 3.2.10), which must be at most 1e-6 (1e-3 with --kink).
Exit status 0: passed; 1: failed (the report shows where); 2: bad input."""
MAX_VALUE_CHARS = 1_000_000  # a literal longer than this belongs in a .npy file


def add_parser(sub) -> None:
    """Register the ``check`` subcommand on argparse subparsers ``sub``.

    Example:
        >>> from chainrule.cli import build_parser
        >>> build_parser().parse_args(["check", "m.py:f", "--at", "x=1"]).order
        2
    """
    p = sub.add_parser(
        "check", help="gradient-check a function of yours against finite differences",
        description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("function", metavar="MODULE:FUNCTION",
                   help="an importable module or a .py file, a colon, and the function name")
    p.add_argument("--at", required=True, metavar="NAME=VALUE,...",
                   help="the value of every argument by parameter name: numbers, nested lists "
                   "such as [[1,2],[3,4]], or @file.npy / @file.npz:key")
    p.add_argument("--modes", default="fwd,rev", metavar="fwd,rev",
                   help="which modes to check (default: fwd,rev)")
    p.add_argument("--order", type=int, choices=(1, 2), default=2,
                   help="1: first derivatives; 2: also derivatives of derivatives (default 2)")
    p.add_argument("--argnums", metavar="NAMES",
                   help="the arguments to differentiate, by name or 0-based position among "
                   "the --at arguments in the function's parameter order (default: all)")
    p.add_argument("--seed", type=_seed, default=0,
                   help="seed of the random directions (default 0)")
    p.add_argument("--kink", action="store_true",
                   help="allow a ratio up to 1e-3, as the seed advises near kinks (ReLU)")


def _seed(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return int(text)


def split_assignments(text: str) -> list[tuple[str, str]]:
    """``"w=[1,2],x=3"`` as ``[("w", "[1,2]"), ("x", "3")]``: commas inside brackets stay.

    Example:
        >>> split_assignments("W=[[1, 2], [3, 4]], b=0.5")
        [('W', '[[1, 2], [3, 4]]'), ('b', '0.5')]
    """
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"[": 1, "(": 1, "]": -1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise UsageError(f"--at: unbalanced brackets in {_clip(text)}")
        if ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    if depth != 0:
        raise UsageError(f"--at: unbalanced brackets in {_clip(text)}")
    parts.append(text[start:])
    pairs: list[tuple[str, str]] = []
    for part in parts:
        name, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not name.isidentifier() or not value:
            raise UsageError(f"--at: expected NAME=VALUE pairs separated by commas, like "
                             f"w=[0.5,1],x=2; got {part.strip()!r}")
        if name in dict(pairs):
            raise UsageError(f"--at: {name} is given twice")
        pairs.append((name, value))
    return pairs


def _literal(name: str, text: str) -> Any:
    """A number or nested list/tuple of numbers, read with ``ast`` (literals only, no names,
    calls or operators other than a sign)."""
    if len(text) > MAX_VALUE_CHARS:
        raise UsageError(f"--at {name}: the value is {len(text)} characters long; save large "
                         "arrays with numpy.save and pass @file.npy")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        tree = None
    allowed = (ast.Expression, ast.List, ast.Tuple, ast.Constant, ast.UnaryOp, ast.UAdd,
               ast.USub, ast.Load)
    nodes = list(ast.walk(tree)) if tree is not None else []
    if not nodes or not all(isinstance(n, allowed) for n in nodes) or any(
            isinstance(n, ast.Constant) and (isinstance(n.value, bool | complex)
                                             or not isinstance(n.value, int | float))
            for n in nodes):
        raise UsageError(f"--at {name}={_clip(text)} is not a number or a (nested) list of "
                         "numbers; "
                         f"give e.g. {name}=1.5 or {name}=[[1,2],[3,4]], or {name}=@file.npy")
    return ast.literal_eval(tree)


def _from_file(name: str, ref: str) -> np.ndarray:
    path, key = ref, None
    head, sep, tail = ref.rpartition(":")
    if sep and head.lower().endswith(".npz"):
        path, key = head, tail
    try:
        loaded = read_arrays(path, npy=True, where=f"--at {name}=@{ref}: ",
                             advice="give a file written by numpy.save or numpy.savez")
    except OSError as error:
        raise UsageError(f"--at {name}=@{ref}: cannot read {path!r} "
                         f"({error.strerror or error}); give an existing .npy or .npz file"
                         ) from None
    if isinstance(loaded, np.ndarray):
        if key is not None:
            raise UsageError(f"--at {name}=@{ref}: {path!r} is a .npy file; drop ':{key}'")
        return loaded
    keys = list(loaded)
    if key is None and len(keys) == 1:
        key = keys[0]
    if key is None or key not in keys:
        want = "name the array" if key is None else f"it has no array {key!r}"
        raise UsageError(f"--at {name}=@{ref}: {want}; its arrays are {keys} "
                         f"(write @{path}:KEY)")
    return loaded[key]


def parse_value(name: str, text: str, integer_ok: bool = False) -> np.ndarray:
    """The array for ``NAME=text``: finite, float64 (integers kept when ``integer_ok``).

    Example:
        >>> parse_value("W", "[[1, 2], [3, -4.5]]").tolist()
        [[1.0, 2.0], [3.0, -4.5]]
        >>> parse_value("y", "[0, 2, 1]", integer_ok=True).dtype
        dtype('int64')
    """
    raw = _from_file(name, text[1:]) if text.startswith("@") else _literal(name, text)
    try:
        array = np.asarray(raw)
    except ValueError:
        raise UsageError(f"--at {name}: the nested lists do not form a rectangular array (rows "
                         "of different lengths, or more than 64 levels)") from None
    if array.dtype == object:
        raise UsageError(f"--at {name}: a number is too large for float64")
    if array.dtype.kind not in "iuf":
        raise UsageError(f"--at {name}: expected numbers, got an array of dtype {array.dtype}")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise UsageError(f"--at {name}: the value holds inf or nan; give finite numbers")
    if integer_ok and array.dtype.kind in "iu":
        return array.astype(np.int64)
    return array.astype(np.float64)


def load_function(spec: str) -> Callable[..., Any]:
    """The callable named by ``"module:function"`` or ``"path/to/file.py:function"``.

    Example:
        >>> load_function("chainrule.examples.seed_examples:seed004_loss").__name__
        'seed004_loss'
    """
    where, sep, attr = spec.rpartition(":")
    if not sep or not where or not attr:
        raise UsageError(f"expected MODULE:FUNCTION (e.g. mymodel.py:loss or mypkg.mod:f), "
                         f"got {spec!r}")
    if where.endswith(".py") or os.sep in where or "/" in where:
        module = _load_file(where)
    else:
        here = os.getcwd()
        sys.path.insert(0, here)  # as `python -m` does: modules in this folder import
        try:
            module = importlib.import_module(where)
        except ImportError as error:
            raise UsageError(f"cannot import module {where!r} ({error}); give an importable "
                             "module name or the path of a .py file") from None
        except Exception as error:
            raise UsageError(f"importing {where!r} failed: {type(error).__name__}: "
                             f"{error}") from None
        finally:
            sys.path.remove(here)
    obj: Any = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            names = sorted(n for n, v in vars(module).items()
                           if callable(v) and not n.startswith("_"))
            raise UsageError(f"{where!r} has no function {attr!r}; its functions are "
                             f"{names[:20]}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise UsageError(f"{spec!r} is a {type(obj).__name__}, not a function")
    return obj


def _load_file(path: str) -> Any:
    if not os.path.isfile(path):
        raise UsageError(f"no such file {path!r}; give the path of a .py file "
                         "(or an importable module name)")
    name = "_chainrule_check_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise UsageError(f"cannot load {path!r} as Python; give a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # registered, as imports are (dataclasses and pickle look here)
    folder = os.path.dirname(os.path.abspath(path))
    sys.path.insert(0, folder)  # as `python file.py` does, so its sibling imports work
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        del sys.modules[name]
        raise UsageError(f"running {path!r} failed: {type(error).__name__}: {error}") from None
    finally:
        sys.path.remove(folder)
    return module


def _plan(f: Callable[..., Any], names: list[str], label: str) -> tuple[list[str], int]:
    """``names`` in the order of ``f``'s parameters, and how many of them lead positionally.

    The leading parameters given in ``--at`` are passed by position, the rest by keyword, so
    positional-only parameters and user primitives (``cr.primitive``) work too.
    """
    target = f.impl if isinstance(f, Primitive) else f
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return names, 0
    params = sig.parameters
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params.values())
    unknown = [n for n in names if n not in params and not takes_kwargs]
    if unknown:
        raise UsageError(f"{label}{sig} has no parameter {', '.join(map(repr, unknown))}; "
                         f"name its parameters in --at: {', '.join(params)}")
    missing = [n for n, p in params.items() if p.default is p.empty and n not in names
               and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if missing:
        raise UsageError(f"{label}{sig} needs {', '.join(map(repr, missing))} too; add "
                         f"{missing[0]}=... to --at")
    order = [n for n in params if n in names] + [n for n in names if n not in params]
    leading = 0
    for n, p in params.items():
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or n not in names:
            break
        leading += 1
    try:
        sig.bind(*order[:leading], **dict.fromkeys(order[leading:]))
    except TypeError as error:
        raise UsageError(f"{label}{sig}: the --at names cannot be passed ({error})") from None
    return order, leading


def _argnums(text: str | None, names: list[str]) -> list[int]:
    if text is None:
        return list(range(len(names)))
    chosen: list[int] = []
    for item in (s.strip() for s in text.split(",")):
        if item in names:
            chosen.append(names.index(item))
        elif item.isdigit() and int(item) < len(names):
            chosen.append(int(item))
        else:
            raise UsageError(f"--argnums {item!r} is neither an argument name nor a position "
                             f"0..{len(names) - 1}; the arguments are {names}")
    return sorted(set(chosen))


def run_check(args: argparse.Namespace) -> int:
    """``chainrule check``: print the gradient-check report; 0 passed, 1 failed.

    Bad input raises ``UsageError``, which ``chainrule.cli.main`` reports in one line with
    exit status 2.

    Example (seed 004's loss, first derivatives only):
        >>> from chainrule.cli import build_parser
        >>> run_check(build_parser().parse_args([
        ...     "check", "chainrule.examples.seed_examples:seed004_loss",
        ...     "--at", "w=[-1, 1.5, 0.5]", "--order", "1"]))
        checking chainrule.examples.seed_examples:seed004_loss at w=[-1.,1.5,0.5]
        arguments: 0 = w
        gradient check of ...
        ok: all 2 comparisons within the limit
        0
    """
    modes = tuple(m.strip() for m in args.modes.split(",") if m.strip())
    if not modes or any(m not in ("fwd", "rev") for m in modes):
        raise UsageError(f"--modes {args.modes!r}: use fwd, rev or fwd,rev")
    pairs = dict(split_assignments(args.at))
    f = load_function(args.function)
    names, leading = _plan(f, list(pairs), args.function.rpartition(":")[2])
    wrt = _argnums(args.argnums, names)
    values = [parse_value(n, pairs[n], integer_ok=i not in wrt) for i, n in enumerate(names)]

    def call(*diff: Any) -> Any:
        full = list(values)
        for i, v in zip(wrt, diff, strict=True):
            full[i] = v
        return f(*full[:leading], **dict(zip(names[leading:], full[leading:], strict=True)))

    call.__name__ = args.function
    try:
        call(*[values[i] for i in wrt])
    except Exception as error:
        raise UsageError(f"{args.function} raised {type(error).__name__} at these values: "
                         f"{error}") from None
    print(f"checking {args.function} at " + ", ".join(
        f"{n}={_short(v)}" for n, v in zip(names, values, strict=True)))
    print("arguments: " + ", ".join(f"{k} = {names[i]}" for k, i in enumerate(wrt)))
    try:
        report = check_grad(call, *[values[i] for i in wrt], modes=modes, order=args.order,
                            kink=args.kink, seed=args.seed, raise_on_failure=False)
    except Exception as error:  # a derivative rule that crashes fails the check
        print(f"FAILED: differentiating {args.function} raised {type(error).__name__}: "
              f"{' '.join(str(error).split())}")
        return 1
    print(report)
    bad = [r for r in report.rows if not r.ok]
    if bad:
        where = sorted({f"{names[wrt[r.argument]]} ({r.mode}, order {r.order})" for r in bad})
        print(f"FAILED: {len(bad)} of {len(report.rows)} comparisons exceed the limit: "
              + ", ".join(where))
        return 1
    print(f"ok: all {len(report.rows)} comparisons within the limit")
    return 0


def _clip(text: str, limit: int = 60) -> str:
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def _short(v: np.ndarray) -> str:
    """A value as it is printed in the header: small arrays in full, large ones by shape."""
    if v.size <= 6:
        return np.array2string(v, separator=",", precision=6).replace("\n", "").replace(" ", "")
    return f"<{v.dtype} array {v.shape}>"
