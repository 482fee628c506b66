"""Who is calling, and what they may see (pure)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    REQUESTER = "requester"
    REVIEWER = "reviewer"
    ANNOTATOR = "annotator"


class Environment(StrEnum):
    LIVE = "live"
    TEST = "test"


@dataclass(frozen=True, slots=True)
class Scope:
    """The partition every query is confined to: one organization, live or test data."""

    organization_id: int
    is_test: bool


@dataclass(frozen=True, slots=True)
class Principal:
    scope: Scope
    user_id: int
    username: str
    role: Role
    key_id: int | None = None

    @property
    def organization_id(self) -> int:
        return self.scope.organization_id


def new_api_key(environment: Environment) -> str:
    """``live_`` or ``test_`` followed by 32 random URL-safe characters (192 bits)."""
    return f"{environment.value}_{secrets.token_urlsafe(24)}"


def hash_api_key(key: str) -> str:
    # Keys carry 192 random bits, so a fast hash is safe here (unlike passwords) and lets us
    # look a key up by its hash in one indexed query.
    return hashlib.sha256(key.encode()).hexdigest()


def key_environment(key: str) -> Environment | None:
    prefix = key.split("_", 1)[0]
    try:
        return Environment(prefix)
    except ValueError:
        return None
