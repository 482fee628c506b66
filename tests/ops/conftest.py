"""The ops tests' world (see ``tests.ops.world``): one per test for tests that change it, and
one per module and backend for the many that only read it (building it takes a second)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assay.context import Context
from tests.ops.world import World, build, module_context


@pytest.fixture
def world(ctx: Context) -> World:
    return build(ctx)


@pytest.fixture(scope="module")
def shared_ctx(
    backend: str, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Context]:
    with module_context(backend, template, tmp_path_factory.mktemp("ops")) as context:
        yield context


@pytest.fixture(scope="module")
def shared_world(shared_ctx: Context) -> World:
    """The world, read-only: tests that use it must not change it."""
    return build(shared_ctx)
