"""Small helpers for Python-int bit sets (implicant and row sets in the exact algorithms)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: Masks longer than this many bits are decoded with numpy (a Python loop over a long integer
#: costs a pass over the whole integer per set bit).
_LONG = 512


def bits(mask: int) -> list[int]:
    """Positions of the set bits of ``mask``, lowest first (do not modify the list returned)."""
    length = mask.bit_length()
    if length <= _SHORT:
        return _short_bits(mask)
    if length <= _LONG:
        return _mid_bits(mask)
    return _numpy_bits(mask)


def _numpy_bits(mask: int) -> list[int]:
    raw = np.frombuffer(mask.to_bytes((mask.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()


def _word_bits(mask: int) -> list[int]:
    """Word by word (64 bits), each word decoded by the remembered short decoder."""
    if mask.bit_count() * ((mask.bit_length() >> 6) + 1) > _LOOP_WORK:
        return _numpy_bits(mask)
    out: list[int] = []
    base = 0
    while mask:
        word = mask & _WORD
        if word:
            out.extend([base + i for i in _short_bits(word)] if base else _short_bits(word))
        mask >>= 64
        base += 64
    return out


def _loop_bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


#: Set bits of each byte value at each byte position of a 64-bit word.
_BYTE_BITS = [[[8 * k + i for i in range(8) if b >> i & 1] for b in range(256)] for k in range(8)]


def _byte_bits(mask: int) -> list[int]:
    """:func:`_loop_bits` of a mask of at most 64 bits, a byte at a time (fewer steps)."""
    out: list[int] = []
    k = 0
    while mask:
        b = mask & 255
        if b:
            out += _BYTE_BITS[k][b]
        mask >>= 8
        k += 1
    return out


#: Above this many (set bits x 64-bit words), numpy decodes faster than the loop (each step of
#: the loop costs a pass over the integer's words; numpy costs ~10 us whatever the mask).
_LOOP_WORK = 150

#: Masks of at most this many bits (rows of a small block) are decoded once and remembered:
#: the searches decode the same row sets at many nodes.
_SHORT = 64
_short_bits = lru_cache(maxsize=1 << 16)(_byte_bits)
_WORD = (1 << 64) - 1
#: Masks of up to ``_LONG`` bits (rows of a wider block) recur too: remembered, fewer of them.
_mid_bits = lru_cache(maxsize=1 << 15)(_word_bits)


def set_mask(indices: list[int]) -> int:
    """The bit set holding ``indices``."""
    if len(indices) > _LONG // 8:
        idx = np.asarray(indices, dtype=np.int64)
        flags = np.zeros(int(idx.max()) + 1, dtype=np.uint8)
        flags[idx] = 1
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")
    m = 0
    for i in indices:
        m |= 1 << i
    return m
