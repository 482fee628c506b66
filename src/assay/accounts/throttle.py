"""Failed logins per user name, counted in this process, so passwords cannot be guessed fast."""

from __future__ import annotations

import threading
import time
from collections import deque

from assay.errors import RateLimited


class LoginThrottle:
    """At most ``limit`` failed logins per user name within ``window`` seconds.

    Once over, every login for that name is refused (the right password too) until the
    oldest failure leaves the window. A success clears the name's record.
    """

    MAX_NAMES = 10_000

    def __init__(self, limit: int = 10, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            times = self._recent(username, now)
            if times is None or len(times) < self.limit:
                return
            retry_after = times[0] + self.window - now
        raise RateLimited(
            "too many failed logins for this user; try again later", retry_after=retry_after
        )

    def failed(self, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            if username not in self._failures and len(self._failures) >= self.MAX_NAMES:
                self._prune(now)
            times = self._failures.setdefault(username, deque())
            times.append(now)
            while len(times) > self.limit:
                times.popleft()

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)

    def _recent(self, username: str, now: float) -> deque[float] | None:
        times = self._failures.get(username)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[username]
            return None
        return times

    def _prune(self, now: float) -> None:
        """Forget names with no failure in the window; if that is not enough, the oldest."""
        for name in list(self._failures):
            self._recent(name, now)
        excess = len(self._failures) - self.MAX_NAMES + 1
        if excess > 0:
            by_age = sorted(self._failures, key=lambda n: self._failures[n][-1])
            for name in by_age[:excess]:
                del self._failures[name]
