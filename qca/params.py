"""Declarative parameter validation: one helper, one message format, for every layer.

A parameter is declared once, as a :class:`Param` (name, default, type, range or choices), and
checked by :func:`check_params`. The simulator's scenario files and Boolean generator, the
benchmark's replication parameters and experiment files, and the analysis methods' options use
it, so every bad value is reported the same way::

    <where>: <name> must be <what is allowed>, got <value>
    <where>: unknown parameter '<name>'; allowed: a, b, c
    <where>: missing required parameter '<name>' (<what is allowed>)

A nested table (a TOML section) is checked with ``prefix="<section>."``, so its names read as
dotted keys (``kbop.toml: programme.n_workers must be ...``).

In the spirit of scikit-learn's ``_param_validation`` (declared constraints, one error format);
our own code.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .exceptions import QcasimError

__all__ = ["Param", "check_params", "describe_params"]

KINDS = ("int", "float", "str", "bool", "str_list", "mapping", "any")


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    Attributes
    ----------
    name : str
        The parameter's name.
    default : object
        Its value when not given.
    kind : {"int", "float", "str", "bool", "str_list", "mapping", "any"}
        The type. ``"float"`` accepts ints; ``"str_list"`` a list of strings (a bare string is
        refused, never split into characters).
    low, high : float, optional
        Bounds (inclusive unless ``low_open`` / ``high_open``).
    choices : tuple, optional
        Allowed values (for ``"str"``) or allowed elements (for ``"str_list"``).
    nullable : bool
        ``None`` is allowed (meaning "not set").
    min_len : int
        Minimum length of a ``"str_list"``.
    doc : str
        One line for help texts and documentation.
    check : callable, optional
        A further check ``check(value) -> str | None`` returning what is allowed when the value
        is refused (the ``<what>`` of the message), or None.
    required : bool
        The parameter must be given (``default`` is then unused).
    """

    name: str
    default: Any = None
    kind: str = "any"
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    choices: tuple[Any, ...] | None = None
    nullable: bool = False
    min_len: int = 0
    doc: str = ""
    check: Callable[[Any], str | None] | None = None
    required: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Param {self.name!r}: kind must be one of {', '.join(KINDS)}")

    def requirement(self) -> str:
        """What is allowed, in words (used in error messages and help texts)."""
        what = {"int": "an integer", "float": "a number", "str": "a string", "bool": "true or false",
                "str_list": "a list of strings", "mapping": "a table of key = value",
                "any": "a value"}[self.kind]
        if self.choices is not None and self.kind == "str":
            what = "one of " + ", ".join(repr(c) for c in self.choices)
        elif self.choices is not None and self.kind == "str_list":
            what = f"a list of {', '.join(repr(c) for c in self.choices)}"
        if self.low is not None and self.high is not None:
            lo, hi = ("(" if self.low_open else "["), (")" if self.high_open else "]")
            what += f" in {lo}{_num(self.low)}, {_num(self.high)}{hi}"
        elif self.low is not None:
            what += f" {'>' if self.low_open else '>='} {_num(self.low)}"
        elif self.high is not None:
            what += f" {'<' if self.high_open else '<='} {_num(self.high)}"
        if self.kind == "str_list" and self.min_len:
            what = f"a non-empty {what[2:]}" if self.min_len == 1 else what
        if self.nullable:
            what += " (or unset)"
        return what

    def validate(self, value: Any) -> Any:
        """The value, normalised (lists copied, ints of float kinds kept), or a message.

        Returns
        -------
        tuple (ok, value_or_message)
        """
        if value is None:
            return (True, None) if self.nullable else (False, self.requirement())
        bad = (False, self.requirement())
        if self.kind == "bool":
            if not isinstance(value, bool):
                return bad
        elif self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                return bad
        elif self.kind == "float":
            if isinstance(value, bool) or not isinstance(value, int | float):
                return bad
            try:
                if math.isnan(value):
                    return bad
            except OverflowError:  # an int beyond any float
                return bad
        elif self.kind == "str":
            if not isinstance(value, str):
                return bad
        elif self.kind == "str_list":
            if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not all(
                    isinstance(v, str) for v in value) or len(value) < self.min_len:
                return bad
            value = list(value)
        elif self.kind == "mapping":
            if not isinstance(value, Mapping):
                return bad
            value = dict(value)
        if self.choices is not None:
            items = value if self.kind == "str_list" else [value]
            if any(v not in self.choices for v in items):
                return bad
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return bad
        if self.high is not None and (value >= self.high if self.high_open else value > self.high):
            return bad
        if self.check is not None:
            problem = self.check(value)
            if problem:
                return False, problem
        return True, value


def _num(v: float) -> str:
    """A bound in words: whole numbers from 10,000 up with thousands separators (exact for ints)."""
    if abs(v) >= 10_000 and (isinstance(v, int) or float(v).is_integer()):
        return f"{int(v):,}"
    return f"{v:g}"


def check_params(values: Mapping[str, Any], schema: Sequence[Param], where: str,
                 *, error: type[Exception] = QcasimError, fill_defaults: bool = True,
                 unknown_hint: Callable[[str], str | None] | None = None,
                 prefix: str = "") -> dict[str, Any]:
    """Check ``values`` against ``schema``; return them with defaults filled in.

    Parameters
    ----------
    values : mapping
        The parameters given.
    schema : sequence of Param
        The declared parameters, in the order they are reported.
    where : str
        What is being checked, the start of every message (a file, a section, a function).
    error : exception class
        Raised with one line naming ``where``, the parameter, what is allowed and the value.
    fill_defaults : bool
        Add the defaults of parameters not given.
    unknown_hint : callable, optional
        For an unknown name, a more specific message (or None for the generic one).
    prefix : str
        Put before every name in messages (``"programme."`` for a TOML section); the returned
        keys are the bare names.

    Returns
    -------
    dict
        In schema order, then nothing else (unknown names are errors).

    Examples
    --------
    >>> check_params({"n": 3}, [Param("n", 1, "int", low=1)], "demo")
    {'n': 3}
    >>> check_params({"n": 0}, [Param("n", 1, "int", low=1)], "demo")
    Traceback (most recent call last):
    ...
    qca.exceptions.QcasimError: demo: n must be an integer >= 1, got 0
    >>> check_params({}, [Param("n_workers", kind="int", low=2, required=True)], "kbop.toml",
    ...              prefix="programme.")
    Traceback (most recent call last):
    ...
    qca.exceptions.QcasimError: kbop.toml: missing required parameter 'programme.n_workers' (an integer >= 2)
    """
    if not isinstance(values, Mapping):
        what = f"{prefix.rstrip('.')} must be a table" if prefix else "parameters must be a table"
        raise error(f"{where}: {what} of name = value, got {values!r}")
    by_name = {p.name: p for p in schema}
    for name in values:
        if name not in by_name:
            hint = unknown_hint(name) if unknown_hint else None
            raise error(hint or f"{where}: unknown parameter {prefix + str(name)!r}; "
                                f"allowed: {', '.join(sorted(by_name))}")
    out: dict[str, Any] = {}
    for p in schema:
        if p.name not in values:
            if p.required:
                what = f" ({p.requirement()})" if p.kind != "any" else ""
                raise error(f"{where}: missing required parameter {prefix + p.name!r}{what}")
            if fill_defaults:
                out[p.name] = _copy(p.default)
            continue
        ok, result = p.validate(values[p.name])
        if not ok:
            raise error(f"{where}: {prefix}{p.name} must be {result}, got {values[p.name]!r}")
        out[p.name] = result
    return out


def _copy(v: Any) -> Any:
    if isinstance(v, list):
        return list(v)
    if isinstance(v, dict):
        return dict(v)
    return v


def describe_params(schema: Sequence[Param]) -> str:
    """A plain-text table of the parameters: name, default, what is allowed, doc."""
    lines = []
    for p in schema:
        lines.append(f"{p.name} = {p.default!r}: {p.requirement()}. {p.doc}".rstrip())
    return "\n".join(lines)
