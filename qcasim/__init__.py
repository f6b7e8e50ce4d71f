"""qcasim: can QCA be trusted on your data?

The distribution ``qcasim`` ships three packages: :mod:`qca` (the QCA engine), :mod:`sim` (the
agent-based data generator with known causal recipes) and :mod:`experiments` (the recovery
benchmark and the ``qcasim`` command line). This small package holds the one version string of
the distribution (read by ``pyproject.toml``, :mod:`qca` and :mod:`experiments`) and makes
``python -m qcasim`` run the command line.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
