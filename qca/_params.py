"""Alias of :mod:`qca.params` (the public parameter-declaration API) for code written before
the rename; import from :mod:`qca.params`."""

from .params import KINDS, Param, check_params, describe_params

__all__ = ["KINDS", "Param", "check_params", "describe_params"]
