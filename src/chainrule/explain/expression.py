"""A small, safe expression language for the ``chainrule trace`` and ``chainrule graph`` commands.

``parse("sin(w1*x + w0)")`` reads a formula such as the seeds' examples (seed 000,
y = cos(w1 x + w0)) into a tree and builds a NumPy function of its variables from it, so that
``cr.explain.trace`` can record it. The text is never given to ``eval``, ``exec``, ``compile``
or ``ast``: a tokenizer and a recursive-descent parser accept only numbers, variable names,
``+ - * / **``, unary ``+ -``, parentheses and calls of the functions in ``FUNCTIONS``;
everything else is refused with a ValueError saying what is not allowed and what is.
"""

from __future__ import annotations

import inspect
import keyword
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from chainrule.explain.recorder import step

MAX_LENGTH = 2000
MAX_DEPTH = 50
MAX_OPERATIONS = 200
MAX_EXPONENT = 1000.0


def _sigmoid(z: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-z))


def _relu(z: Any) -> Any:
    return np.where(z > 0, z, 0.0)


FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "sin": np.sin, "cos": np.cos, "tan": np.tan, "exp": np.exp, "log": np.log,
    "sqrt": np.sqrt, "tanh": np.tanh, "sigmoid": step("sigmoid")(_sigmoid), "abs": np.abs,
    "relu": step("relu")(_relu), "softplus": lambda z: np.logaddexp(0.0, z),
}
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power,
}
_ALLOWED = ("allowed: numbers, variable names, + - * / **, unary + -, parentheses and the "
            "functions " + ", ".join(FUNCTIONS) + " (one argument each)")
_TOKEN = re.compile(r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z_]\w*)|(?P<op>\*\*|[-+*/(),]))", re.ASCII)
_REFUSED = {
    ".": "attribute access ('.') is", "[": "subscripts and lists ('[') are",
    "]": "subscripts and lists (']') are", "'": "strings are", '"': "strings are",
    ":": "lambdas and slices (':') are",
    "=": "assignments, comparisons and keyword arguments ('=') are",
    "<": "comparisons ('<') are", ">": "comparisons ('>') are", "!": "comparisons ('!') are",
    "{": "dicts and sets ('{') are", "}": "dicts and sets ('}') are",
    "&": "bitwise operators ('&') are", "|": "bitwise operators ('|') are",
    "^": "bitwise operators ('^') are", "~": "bitwise operators ('~') are",
    "%": "the modulo operator ('%') is", "@": "matrix products and decorators ('@') are",
}


def _refuse(what: str, column: int | None = None) -> ValueError:
    where = "" if column is None else f" (column {column + 1})"
    return ValueError(f"expression: {what} not allowed{where}; {_ALLOWED}")


def _tokenize(text: str) -> list[tuple[str, str, int]]:
    """``(kind, text, column)`` tokens, ending with ``("end", "", len(text))``."""
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            rest = text[pos:].lstrip()
            if not rest:
                break
            column = len(text) - len(rest)
            char = rest[0]
            raise _refuse(_REFUSED.get(char, f"the character {char!r} is"), column)
        kind = m.lastgroup or "op"
        value, column = m.group(kind), m.start(kind)
        if kind == "name" and "__" in value:
            raise _refuse(f"the name {value!r} (double underscores) is", column)
        if kind == "name" and keyword.iskeyword(value):
            raise _refuse(f"the Python keyword {value!r} is", column)
        if kind == "num" and m.end() < len(text) and (text[m.end()].isalpha()
                                                      or text[m.end()] == "_"):
            raise _refuse(f"the number {text[column:m.end() + 1]!r}... is malformed and is",
                          column)
        tokens.append((kind, value, column))
        pos = m.end()
    tokens.append(("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent: expr := term (+|- term)*; term := unary (*|/ unary)*;
    unary := (+|-) unary | power; power := atom (** unary)?; atom := number | name |
    function(expr) | (expr). ``-x**2`` is ``-(x**2)`` and ``**`` groups to the right, as in
    Python."""

    def __init__(self, text: str) -> None:
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.operations = 0

    def peek(self) -> tuple[str, str, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, str, int]:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        kind, value, column = self.take()
        if value != text or kind == "end":
            found = "the end of the text" if kind == "end" else repr(value)
            raise ValueError(f"expression: expected {text!r} at column {column + 1}, "
                             f"found {found}")

    def count(self) -> None:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise ValueError(f"expression: more than {MAX_OPERATIONS} operations are not "
                             "allowed; split the formula up")

    def expr(self) -> tuple:
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            self.count()
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> tuple:
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            self.count()
            node = ("bin", op, node, self.unary())
        return node

    def unary(self) -> tuple:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ValueError(f"expression: nesting deeper than {MAX_DEPTH} levels (parentheses, "
                             "calls, signs, powers) is not allowed; simplify the formula")
        kind, value, _ = self.peek()
        if kind == "op" and value in ("+", "-"):
            self.take()
            self.count()
            node: tuple = ("neg" if value == "-" else "pos", self.unary())
        else:
            node = self.atom()
            if self.peek()[:2] == ("op", "**"):
                column = self.take()[2]
                self.count()
                exponent = self.unary()
                _check_exponent(exponent, column)
                node = ("bin", "**", node, exponent)
        self.depth -= 1
        return node

    def atom(self) -> tuple:
        kind, value, column = self.take()
        if kind == "num":
            number = float(value)
            if not np.isfinite(number):
                raise ValueError(f"expression: the number {value!r} (column {column + 1}) is "
                                 "too large for float64")
            return ("num", number)
        if kind == "name":
            if self.peek()[:2] != ("op", "("):
                if value in FUNCTIONS:
                    raise ValueError(f"expression: the function {value!r} (column "
                                     f"{column + 1}) must be called, e.g. {value}(x)")
                return ("var", value)
            if value not in FUNCTIONS:
                raise _refuse(f"the unknown function {value!r} is", column)
            self.take()
            self.count()
            argument = self.expr()
            if self.peek()[:2] == ("op", ","):
                raise ValueError(f"expression: {value}() takes one argument; "
                                 f"more are not allowed (column {self.peek()[2] + 1})")
            self.expect(")")
            return ("call", value, argument)
        if (kind, value) == ("op", "("):
            if self.peek()[:2] == ("op", ")"):
                raise _refuse("empty parentheses (tuples) are", column)
            node = self.expr()
            if self.peek()[:2] == ("op", ","):
                raise _refuse("tuples (',') are", self.peek()[2])
            self.expect(")")
            return node
        found = "the end of the text" if kind == "end" else repr(value)
        raise ValueError(f"expression: expected a number, a name, a function call or '(' at "
                         f"column {column + 1}, found {found}")


def _constant(node: tuple) -> float | None:
    """The value of a subtree without variables (float64, overflow gives inf), else None."""
    with np.errstate(all="ignore"):
        if node[0] == "num":
            return node[1]
        if node[0] in ("neg", "pos"):
            inner = _constant(node[1])
            return None if inner is None else (-inner if node[0] == "neg" else inner)
        if node[0] == "bin":
            left, right = _constant(node[2]), _constant(node[3])
            if left is None or right is None:
                return None
            return float(_BINARY[node[1]](np.float64(left), np.float64(right)))
        if node[0] == "call":
            inner = _constant(node[2])
            return None if inner is None else float(FUNCTIONS[node[1]](np.float64(inner)))
    return None


def _check_exponent(exponent: tuple, column: int) -> None:
    value = _constant(exponent)
    if value is not None and not abs(value) <= MAX_EXPONENT:
        raise ValueError(f"expression: an exponent of magnitude {abs(value):g} after '**' (column "
                         f"{column + 1}) is not allowed; constant exponents must lie in "
                         f"[-{MAX_EXPONENT:g}, {MAX_EXPONENT:g}]")


@dataclass(frozen=True)
class Expression:
    """A parsed formula: its ``text``, parse ``tree`` and ``variables`` (first-appearance order).

    Example:
        >>> e = parse("cos(w1*x + w0)")
        >>> e.variables
        ('w1', 'x', 'w0')
        >>> round(float(e.function()(2.0, 1.5, 0.5)), 4)
        -0.9365
    """

    text: str
    tree: tuple
    variables: tuple[str, ...]

    def function(self, order: Sequence[str] | None = None) -> Callable[..., Any]:
        """A NumPy function of ``variables`` computing the formula.

        It takes the variables positionally, in the order of ``variables`` or of ``order`` (a
        permutation of them). Its signature names them, so ``cr.explain.trace`` labels its
        inputs with them.

        Example:
            >>> import chainrule as cr
            >>> t = cr.explain.trace(parse("x * y").function(), 3.0, 4.0, wrt="y")
            >>> [r.expression for r in t.rows], float(t.row("y").adjoint)
            (['x', 'y', 'v0 * v-1'], 3.0)
        """
        names, tree = self.variables if order is None else tuple(order), self.tree
        if sorted(names) != sorted(self.variables):
            raise ValueError(f"Expression.function: order={list(names)} must list the "
                             f"variables {list(self.variables)}, each once")

        def evaluate(*args: Any) -> Any:
            if len(args) != len(names):
                raise TypeError(f"expression {self.text!r} takes {len(names)} argument(s) "
                                f"{list(names)}, got {len(args)}")
            return _evaluate(tree, dict(zip(names, args, strict=True)))

        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        evaluate.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(n, kind) for n in names])
        evaluate.__name__ = evaluate.__qualname__ = "expression"
        evaluate.__doc__ = f"The expression {self.text!r} of {', '.join(names) or 'nothing'}."
        return evaluate


def _evaluate(node: tuple, env: dict[str, Any]) -> Any:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "var":
        return env[node[1]]
    if kind == "neg":
        return np.negative(_evaluate(node[1], env))
    if kind == "pos":
        return _evaluate(node[1], env)
    if kind == "call":
        return FUNCTIONS[node[1]](_evaluate(node[2], env))
    return _BINARY[node[1]](_evaluate(node[2], env), _evaluate(node[3], env))


def _names(node: tuple, found: dict[str, None]) -> None:
    if node[0] == "var":
        found.setdefault(node[1], None)
    for child in node[1:]:
        if isinstance(child, tuple):
            _names(child, found)


def parse(text: str, names: Iterable[str] | None = None) -> Expression:
    """Parse a formula such as ``"sin(w1*x + w0)"`` (see the module docstring for the rules).

    Limits: at most 2000 characters, 50 levels of nesting, 200 operations, and constant
    exponents after ``**`` of magnitude at most 1000. ``names``, when given, lists the
    variable names allowed; any other name is refused.

    Example:
        >>> parse("2*x**2 - 1e-3/y").variables
        ('x', 'y')
        >>> parse("x.__class__")
        Traceback (most recent call last):
        ...
        ValueError: expression: attribute access ('.') is not allowed (column 2); allowed: ...
    """
    if not isinstance(text, str):
        raise TypeError(f"expression: expected the formula as a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ValueError(f"expression: {len(text)} characters are not allowed; the limit is "
                         f"{MAX_LENGTH}")
    if not text.strip():
        raise ValueError("expression: the formula is empty; give one such as 'sin(w1*x + w0)'")
    parser = _Parser(text)
    tree = parser.expr()
    kind, value, column = parser.peek()
    if kind != "end":
        raise ValueError(f"expression: unexpected {value!r} at column {column + 1}; "
                         "is an operator missing?")
    found: dict[str, None] = {}
    _names(tree, found)
    if names is not None:
        known = list(names)
        unknown = [n for n in found if n not in known]
        if unknown:
            raise ValueError(f"expression: the unknown name(s) {unknown} are not allowed; "
                             f"the known names are {known}")
    return Expression(text, tree, tuple(found))
