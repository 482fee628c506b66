"""API keys (format, hash, environment) and the principal's scope."""

from __future__ import annotations

import dataclasses
import re

import pytest

from assay.accounts.model import (
    Environment,
    Principal,
    Role,
    Scope,
    hash_api_key,
    key_environment,
    new_api_key,
)


@pytest.mark.parametrize("env", list(Environment))
def test_a_new_key_is_its_environment_then_32_url_safe_characters(env: Environment) -> None:
    keys = {new_api_key(env) for _ in range(20)}
    assert len(keys) == 20
    for key in keys:
        assert re.fullmatch(rf"{env.value}_[A-Za-z0-9_-]{{32}}", key), key
        assert key_environment(key) is env


def test_the_hash_is_hex_sha256_of_the_key() -> None:
    # FIPS 180-2's test vector for "abc".
    assert hash_api_key("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    key = new_api_key(Environment.LIVE)
    assert hash_api_key(key) == hash_api_key(key)
    assert re.fullmatch(r"[0-9a-f]{64}", hash_api_key(key))
    assert hash_api_key(key) != hash_api_key(key + "x")


@pytest.mark.parametrize(
    ("key", "env"),
    [
        ("live_abc", Environment.LIVE),
        ("test_abc", Environment.TEST),
        ("live_a_b-c", Environment.LIVE),  # token_urlsafe may contain "_"
        ("prod_abc", None),
        ("LIVE_abc", None),
        ("liveabc", None),
        ("", None),
        ("_live_abc", None),
    ],
)
def test_the_environment_comes_from_the_key_prefix(key: str, env: Environment | None) -> None:
    assert key_environment(key) is env


def test_roles_and_environments() -> None:
    assert [r.value for r in Role] == ["admin", "requester", "reviewer", "annotator"]
    assert [e.value for e in Environment] == ["live", "test"]


def test_a_principal_exposes_its_organization_and_is_immutable() -> None:
    p = Principal(scope=Scope(organization_id=7, is_test=True), user_id=3, username="ann",
                  role=Role.ANNOTATOR)  # fmt: skip
    assert p.organization_id == 7
    assert p.key_id is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.scope.is_test = False  # type: ignore[misc]
