"""Accounts use-cases on both databases: organizations, users, roles, keys, logins."""

from __future__ import annotations

import pytest

from assay.accounts import service
from assay.accounts.model import Environment, Role, hash_api_key
from assay.context import Context
from assay.errors import Conflict, Invalid, NotFound, Unauthenticated
from assay.storage.repos.accounts import get_organization
from assay.storage.tables import api_keys


def test_organization_names_are_unique(ctx: Context) -> None:
    first = service.create_organization(ctx.db, name="acme")
    with pytest.raises(Conflict, match="already exists"):
        service.create_organization(ctx.db, name="acme")
    assert service.ensure_organization(ctx.db, name="acme") == first
    with pytest.raises(Invalid):
        service.create_organization(ctx.db, name="  ")


def test_each_organization_gets_its_own_callback_secrets(ctx: Context) -> None:
    service.create_organization(ctx.db, name="a")
    service.create_organization(ctx.db, name="b")
    with ctx.db.read() as conn:
        a, b = get_organization(conn, name="a"), get_organization(conn, name="b")
    assert a is not None
    assert b is not None
    assert a.webhook_secret.startswith("whsec_")
    assert a.webhook_secret != b.webhook_secret
    assert a.callback_auth_key != b.callback_auth_key


def test_keys_are_stored_hashed_and_shown_once(ctx: Context) -> None:
    service.create_organization(ctx.db, name="acme")
    service.ensure_user(ctx.db, username="ann", password="long enough pw")
    service.add_member(ctx.db, organization="acme", username="ann", role=Role.ANNOTATOR)
    issued = service.create_api_key(
        ctx.db, organization="acme", username="ann", environment=Environment.TEST, name="laptop"
    )
    with ctx.db.read() as conn:
        rows = conn.execute(api_keys.select()).all()
    assert [(r.key_hash, r.prefix, r.environment) for r in rows] == [
        (hash_api_key(issued.key), issued.key[:12], "test")
    ]
    assert all(issued.key not in str(tuple(r)) for r in rows)
    who = service.authenticate_key(ctx.db, issued.key)
    assert (who.username, who.role, who.scope.is_test) == ("ann", Role.ANNOTATOR, True)


def test_a_key_needs_a_membership_and_known_names(ctx: Context) -> None:
    service.create_organization(ctx.db, name="acme")
    service.ensure_user(ctx.db, username="stranger")
    with pytest.raises(Invalid, match="not a member"):
        service.create_api_key(
            ctx.db, organization="acme", username="stranger", environment=Environment.LIVE
        )
    with pytest.raises(NotFound):
        service.create_api_key(
            ctx.db, organization="nowhere", username="stranger", environment=Environment.LIVE
        )
    with pytest.raises(NotFound, match="organization 'nowhere'"):
        service.add_member(ctx.db, organization="nowhere", username="stranger", role=Role.ADMIN)
    with pytest.raises(NotFound, match="user 'nobody'"):
        service.add_member(ctx.db, organization="acme", username="nobody", role=Role.ADMIN)


def test_revoked_and_unknown_keys_are_refused(ctx: Context) -> None:
    service.create_organization(ctx.db, name="acme")
    service.ensure_user(ctx.db, username="req")
    service.add_member(ctx.db, organization="acme", username="req", role=Role.REQUESTER)
    issued = service.create_api_key(
        ctx.db, organization="acme", username="req", environment=Environment.LIVE
    )
    service.revoke_api_key(ctx.db, organization="acme", prefix=issued.prefix)
    for key in (issued.key, "live_unknown", "nonsense"):
        with pytest.raises(Unauthenticated):
            service.authenticate_key(ctx.db, key)
    with pytest.raises(NotFound, match="no active key"):
        service.revoke_api_key(ctx.db, organization="acme", prefix=issued.prefix)


def test_a_member_changes_role_in_place(ctx: Context) -> None:
    service.create_organization(ctx.db, name="acme")
    service.ensure_user(ctx.db, username="bo")
    service.add_member(ctx.db, organization="acme", username="bo", role=Role.ANNOTATOR)
    service.add_member(ctx.db, organization="acme", username="bo", role=Role.REVIEWER)
    key = service.create_api_key(
        ctx.db, organization="acme", username="bo", environment=Environment.LIVE
    ).key
    assert service.authenticate_key(ctx.db, key).role is Role.REVIEWER


def test_password_login(ctx: Context) -> None:
    service.create_organization(ctx.db, name="acme")
    with pytest.raises(Invalid, match="at least 8"):
        service.ensure_user(ctx.db, username="cy", password="short")
    service.ensure_user(ctx.db, username="cy", password="first password")
    with pytest.raises(Unauthenticated, match="no organization"):
        service.authenticate_password(ctx.db, username="cy", password="first password")
    service.add_member(ctx.db, organization="acme", username="cy", role=Role.ADMIN)
    who = service.authenticate_password(ctx.db, username="cy", password="first password")
    assert (who.role, who.scope.is_test) == (Role.ADMIN, False)
    service.ensure_user(ctx.db, username="cy", password="second password")  # a new password
    with pytest.raises(Unauthenticated, match="wrong user name or password"):
        service.authenticate_password(ctx.db, username="cy", password="first password")
    with pytest.raises(Unauthenticated, match="wrong user name or password"):
        service.authenticate_password(ctx.db, username="nobody", password="first password")
