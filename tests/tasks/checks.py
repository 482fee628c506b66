"""Assertions shared by the pure task tests: an ``Invalid`` that names one field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assay.errors import Invalid


def rejected(call: Callable[[], object]) -> Invalid:
    """Run ``call``; it must raise ``Invalid``, which is returned for inspection."""
    with pytest.raises(Invalid) as info:
        call()
    return info.value


def assert_names(exc: Invalid, field: str, message: str) -> None:
    """The error has exactly one detail, for ``field``, and its message says so."""
    assert exc.details == [{"field": field, "message": message}]
    assert exc.message == f"{field}: {message}"


def assert_mentions(exc: Invalid, field: str, fragment: str) -> None:
    """For pydantic's own messages: ``field`` is among the details and one says ``fragment``."""
    fields = [d["field"] for d in exc.details]
    assert field in fields, fields
    assert any(fragment in d["message"] for d in exc.details if d["field"] == field), exc.details
    assert exc.message.startswith(f"{field}: ") or f"; {field}: " in exc.message
