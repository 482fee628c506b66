"""Identifiers: time-ordered so that cursor paging by id follows creation order."""

from __future__ import annotations

import os
import time


def new_id() -> str:
    """A 24-hex-digit id (Scale's ids have the same shape): 48-bit ms time + 48 random bits."""
    return f"{int(time.time() * 1000):012x}{os.urandom(6).hex()}"


def is_id(value: str) -> bool:
    return len(value) == 24 and all(c in "0123456789abcdef" for c in value)
