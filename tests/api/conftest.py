"""Fixtures for API tests that need an app with settings of their own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assay.api.app import create_app
from assay.context import Context
from tests.conftest import test_settings as settings_for

AppFactory = Callable[..., TestClient]


@pytest.fixture
def app_with(db_url: str, tmp_path: Path) -> Iterator[AppFactory]:
    """``app_with(max_body_bytes=100)``: a client of the app on this test's database, with the
    test settings changed as given (the ``tenant`` fixture's keys work with it)."""
    with ExitStack() as stack:

        def make(**overrides: object) -> TestClient:
            ctx = Context.from_settings(
                settings_for(db_url, tmp_path / "data", **overrides), pool_size=2
            )
            stack.callback(ctx.close)
            app = create_app(ctx, worker=False)
            return stack.enter_context(TestClient(app, raise_server_exceptions=False))

        yield make
