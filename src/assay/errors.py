"""The one error tree of Assay.

Services raise only these. Each class has a stable ``code`` that clients can rely on; only
``assay.api.errors`` maps them to HTTP statuses.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AssayError(Exception):
    """Base of every error Assay raises on purpose."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class Invalid(AssayError):
    """The input is malformed or breaks a rule (a field, a value, a state transition)."""

    code = "invalid"


class Unauthenticated(AssayError):
    """No credentials, or credentials that match no active key or user."""

    code = "unauthenticated"

    def __init__(
        self,
        message: str,
        *,
        challenge: bool = True,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        # Whether the 401 invites HTTP Basic (``WWW-Authenticate``). Browsers answer that
        # with a password dialog even for fetch(), so the web session's refusals do not.
        self.challenge = challenge


class PermissionDenied(AssayError):
    """The caller is known but its role does not allow the action."""

    code = "permission_denied"


class CsrfFailed(PermissionDenied):
    """A request authenticated by the session cookie that changes state lacks the session's
    CSRF token, or comes from another origin."""

    code = "csrf_failed"


class AnnotatorPaused(PermissionDenied):
    """The annotator is paused in this project (low gold accuracy, failed qualification, or
    by an ops lead) and gets no work there until resumed."""

    code = "annotator_paused"


class NotFound(AssayError):
    """The object does not exist, or is not visible to the caller (other org or environment)."""

    code = "not_found"


class Conflict(AssayError):
    """The object already exists (a name or a ``unique_id`` taken)."""

    code = "conflict"


class LeaseExpired(AssayError):
    """The lease on an assignment has expired or was never held by the caller."""

    code = "lease_expired"


class NotEnabled(AssayError):
    """A Scale feature Assay does not provide (Rapid, Studio, teams)."""

    code = "not_enabled"


class RateLimited(AssayError):
    """Too many requests for this key; retry after ``retry_after`` seconds."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TooLarge(AssayError):
    """The request or the fetched file exceeds a configured size limit."""

    code = "too_large"


class ConfigError(AssayError):
    """The server's settings are unusable (e.g. a default secret outside dev mode)."""

    code = "config"
