"""Identifiers: time-ordered so that cursor paging by id follows creation order."""

from __future__ import annotations

import os
import threading
import time

_lock = threading.Lock()
_last = 0


def new_id() -> str:
    """A 24-hex-digit id (Scale's ids have the same shape): 48-bit ms time + 48 random bits.

    Ids made by one process only grow, even within a millisecond (a bulk import makes many):
    a draw that is not above the last id becomes the last id plus a random step.
    """
    global _last
    value = (int(time.time() * 1000) << 48) | int.from_bytes(os.urandom(6), "big")
    with _lock:
        if value <= _last:
            value = _last + 1 + int.from_bytes(os.urandom(2), "big")
        _last = value
    return f"{value:024x}"


def is_id(value: str) -> bool:
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)
