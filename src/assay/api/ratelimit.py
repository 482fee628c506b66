"""Per-key token buckets (per server process)."""

from __future__ import annotations

import threading
import time

from assay.errors import RateLimited


class RateLimiter:
    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: int) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                raise RateLimited(
                    f"rate limit of {self.rate:g} requests/s exceeded for this key",
                    retry_after=(1 - tokens) / self.rate,
                )
            self._buckets[key] = (tokens - 1, now)
