"""Lease arithmetic (pure): how long a lease lasts, whether it is live."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from assay.accounts.model import Principal, Role
from assay.errors import Invalid, PermissionDenied


@dataclass(frozen=True, slots=True)
class LeasePolicy:
    default_seconds: float
    max_seconds: float

    def duration(self, requested: float | None) -> timedelta:
        seconds = self.default_seconds if requested is None else requested
        if not 1 <= seconds <= self.max_seconds:
            raise Invalid(
                f"lease_seconds: must be between 1 and {self.max_seconds:g}",
                details=[{"field": "lease_seconds", "message": "out of range"}],
            )
        return timedelta(seconds=seconds)

    def expires(self, now: datetime, requested: float | None = None) -> datetime:
        return now + self.duration(requested)


def new_lease_token() -> str:
    return secrets.token_urlsafe(24)


def is_live(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at > now


# Who may do review work: reviewers, and the organization's requesters and admins.
REVIEWERS = frozenset({Role.ADMIN, Role.REQUESTER, Role.REVIEWER})

# Rework a reviewer sent back is served before new work: its assignment's queue priority is
# the task's plus this much (the task's own priority is unchanged).
REWORK_PRIORITY_BOOST = 1_000_000


def check_may_review(principal: Principal) -> None:
    if principal.role not in REVIEWERS:
        raise PermissionDenied(f"role {principal.role.value!r} may not do review work")
