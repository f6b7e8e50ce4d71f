"""One registry pattern for every extension point of qcasim.

Analysis methods (:mod:`experiments.methods`), recovery metrics (:mod:`experiments.metrics`) and
data generators (:mod:`sim.generators`) are each a :class:`Registry`: a name -> object mapping
that fills itself on first use from its built-in modules and from the plugins installed under
its entry-point group (``qcasim.methods``, ``qcasim.metrics``, ``qcasim.generators``). A plugin
that fails to load is reported with a :class:`PluginWarning` naming it and the error, and the
rest of the registry still works (as dask's command line treats its plugins).

Registries live in one process; :func:`snapshot` and :func:`restore` carry the registered
objects (not only their names) to worker processes, so that a method, metric or generator
registered at run time is seen by a joblib or Dask worker as in a serial run.

This module sits in :mod:`qca` because it is the floor every package may import; it imports
nothing of qcasim.
"""

from __future__ import annotations

import importlib
import pkgutil
import warnings
from typing import Any, Generic, TypeVar

__all__ = ["Registry", "PluginWarning", "snapshot", "restore", "registries"]

T = TypeVar("T")

_ALL: dict[str, Registry[Any]] = {}


class PluginWarning(UserWarning):
    """A plugin named by an entry point could not be loaded (its registry still works)."""


class Registry(dict[str, T], Generic[T]):
    """A registry of named extension objects, discovered on first use.

    Parameters
    ----------
    what : str
        What the entries are, for messages ("analysis method").
    group : str
        The entry-point group of plugins; loading an entry point is expected to register.
    builtins : str or tuple of str, optional
        A package whose every module is imported on discovery, or the modules to import (each
        registers itself at import; named, not imported, so that no import cycle arises
        between a registry and its built-in entries).

    Notes
    -----
    A ``dict`` subclass: ``registry[name]``, ``in``, iteration and ``values()`` see what is
    registered so far; :meth:`get_entry`, :meth:`names` and :meth:`entries` discover first.
    """

    def __init__(self, what: str, group: str, builtins: str | tuple[str, ...] = ()):
        super().__init__()
        self.what = what
        self.group = group
        self._builtins = builtins
        self._discovered = False
        _ALL[group] = self

    def discover(self) -> None:
        """Import the built-in entries and load every entry point of :attr:`group` (once)."""
        if self._discovered:
            return
        self._discovered = True
        if isinstance(self._builtins, str):
            package = importlib.import_module(self._builtins)
            for info in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{self._builtins}.{info.name}")
        else:
            for module in self._builtins:
                importlib.import_module(module)
        from importlib.metadata import entry_points

        for ep in entry_points(group=self.group):
            try:
                ep.load()
            except Exception as exc:  # a broken plugin must not take the registry down
                warnings.warn(f"{self.what} plugin {ep.name!r} ({ep.value}, entry point group "
                              f"{self.group!r}) could not be loaded: {type(exc).__name__}: {exc}",
                              PluginWarning, stacklevel=2)

    def add(self, name: str, obj: T) -> T:
        """Register ``obj`` under ``name`` (replacing an entry of the same name)."""
        if not name.isidentifier():
            raise ValueError(f"{self.what} name must be an identifier, got {name!r}")
        self[name] = obj
        return obj

    def get_entry(self, name: str) -> T:
        """The entry ``name``; ValueError naming the registered ones when there is none."""
        self.discover()
        try:
            return self[name]
        except KeyError:
            raise ValueError(f"unknown {self.what} {name!r}; registered: "
                             f"{', '.join(self)}") from None

    def names(self) -> tuple[str, ...]:
        """Every registered name, in registration order (after discovery)."""
        self.discover()
        return tuple(self)

    def entries(self) -> tuple[T, ...]:
        """Every registered object, in registration order (after discovery)."""
        self.discover()
        return tuple(self.values())


def registries() -> dict[str, Registry[Any]]:
    """Every registry created so far, by entry-point group."""
    return _ALL


def snapshot() -> dict[str, dict[str, Any]]:
    """The contents of every registry (discovered first), to send to a worker process."""
    out = {}
    for group, reg in _ALL.items():
        reg.discover()
        out[group] = dict(reg)
    return out


def restore(state: dict[str, dict[str, Any]]) -> None:
    """Register in this process what :func:`snapshot` took in another (a worker's first step).

    Entries already present keep their object; registries not yet created are imported by
    their group's owner first (``qcasim.methods`` -> :mod:`experiments.methods`, and so on).
    """
    for group, entries in state.items():
        reg = _ALL.get(group)
        if reg is None:
            continue
        reg.discover()
        for name, obj in entries.items():
            if name not in reg:
                reg[name] = obj
