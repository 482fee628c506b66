"""Who may do what: one policy per resource family, checked in routes before the service."""

from __future__ import annotations

from assay.accounts.model import Principal, Role
from assay.errors import PermissionDenied

_ADMINS = frozenset({Role.ADMIN})
_REQUESTERS = frozenset({Role.ADMIN, Role.REQUESTER})
_REVIEWERS = frozenset({Role.ADMIN, Role.REQUESTER, Role.REVIEWER})
_WORKERS = frozenset({Role.ADMIN, Role.REQUESTER, Role.REVIEWER, Role.ANNOTATOR})


def _allow(principal: Principal, roles: frozenset[Role], action: str) -> None:
    if principal.role not in roles:
        raise PermissionDenied(f"role {principal.role.value!r} may not {action}")


class RequesterPolicy:
    """Projects, batches, tasks and their results: the requester's side."""

    @staticmethod
    def manage(principal: Principal) -> None:
        _allow(principal, _REQUESTERS, "manage projects, batches and tasks")


class QualityPolicy:
    """Gold tasks, annotator standing and the quality dashboard: ops leads and reviewers."""

    @staticmethod
    def manage(principal: Principal) -> None:
        _allow(principal, _REVIEWERS, "manage gold tasks or see annotator quality")


class QueuePolicy:
    """Doing the work: every role of the organization can take assignments."""

    @staticmethod
    def work(principal: Principal) -> None:
        _allow(principal, _WORKERS, "work on assignments")


class FilePolicy:
    """Uploading is a requester's act; reading is needed by whoever labels the file."""

    @staticmethod
    def upload(principal: Principal) -> None:
        _allow(principal, _REQUESTERS, "upload files")

    @staticmethod
    def read(principal: Principal) -> None:
        _allow(principal, _WORKERS, "read files")


class AccountPolicy:
    """Users are the admin's business; API keys are their owner's, and all of them the admin's."""

    @staticmethod
    def manage_users(principal: Principal) -> None:
        _allow(principal, _ADMINS, "manage users")

    @staticmethod
    def key_owner(principal: Principal) -> int | None:
        """Whose keys the caller may list and revoke: ``None`` for the whole organization's."""
        return None if principal.role in _ADMINS else principal.user_id
