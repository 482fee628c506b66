"""Passwords are hashed with Argon2id, salted, and verified without raising.

Argon2 is slow on purpose, so these tests hash as few times as they can.
"""

from __future__ import annotations

import pytest

from assay.accounts.passwords import hash_password, verify_password

PASSWORD = "correct horse battery staple"
HASH = hash_password(PASSWORD)


def test_the_hash_is_argon2id_and_not_the_password() -> None:
    assert HASH.startswith("$argon2id$")
    assert "correct horse" not in HASH


def test_only_the_right_password_verifies() -> None:
    assert verify_password(HASH, PASSWORD) is True
    assert verify_password(HASH, "Correct horse battery staple") is False


@pytest.mark.parametrize("stored", ["", "plaintext", "$argon2id$v=19$broken"])
def test_a_malformed_hash_is_false_not_an_error(stored: str) -> None:
    assert verify_password(stored, "anything") is False


def test_each_hash_has_its_own_salt() -> None:
    again = hash_password(PASSWORD)
    assert again != HASH
    assert again.split("$")[:4] == HASH.split("$")[:4]  # same algorithm, version, cost
