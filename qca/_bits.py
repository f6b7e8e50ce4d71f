"""Small helpers for Python-int bit sets (implicant and row sets in the exact algorithms)."""

from __future__ import annotations


def bits(mask: int) -> list[int]:
    """Positions of the set bits of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def set_mask(indices: list[int]) -> int:
    """The bit set holding ``indices``."""
    m = 0
    for i in indices:
        m |= 1 << i
    return m
