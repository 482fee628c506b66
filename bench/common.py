"""What every part of the suite shares: the payloads sent and the statistics reported.

Kept free of heavy imports: client processes import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

CATEGORIES = ["cat", "dog", "bird", "fish"]
PROJECT_PARAMS: dict[str, Any] = {"categories": CATEGORIES, "instruction": "Pick the animal."}
RESPONSE: dict[str, Any] = {"category": "cat"}


def task_payload(i: int, **extra: Any) -> dict[str, Any]:
    """A categorization create payload (categories come from the project's params)."""
    return {
        "attachment": f"https://example.com/images/{i}.jpg",
        "metadata": {"n": i, "source": "bench"},
        **extra,
    }


def percentiles_ms(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50 and p99 in milliseconds (None when nothing was measured)."""
    if not seconds:
        return {"p50_ms": None, "p99_ms": None}
    p50, p99 = np.percentile(np.asarray(seconds, dtype=float) * 1000.0, [50, 99])
    return {"p50_ms": round(float(p50), 2), "p99_ms": round(float(p99), 2)}
