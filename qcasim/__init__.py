"""qcasim: can QCA be trusted on your data?

The distribution ``qcasim`` ships four packages: :mod:`qca` (the QCA engine), :mod:`sim` (the
agent-based data generator with known causal recipes), :mod:`experiments` (the recovery
benchmark) and this one, the top floor: the ``qcasim`` command line (:mod:`qcasim.cli`), a thin
face over library calls of the other three. ``pyproject.toml`` reads the version string below;
the other packages read it from the installed distribution's metadata
(:func:`importlib.metadata.version`), so none of them imports this package.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
