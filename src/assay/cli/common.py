"""Helpers shared by the CLI commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from assay.accounts.model import Scope
from assay.config import Settings
from assay.context import Context
from assay.errors import AssayError, NotFound
from assay.storage.repos import accounts as accounts_repo

console = Console()
err_console = Console(stderr=True)


@contextmanager
def context() -> Iterator[Context]:
    """A context from the environment; Assay errors become one red line and exit code 2."""
    try:
        ctx = Context.from_settings(Settings())
    except AssayError as exc:
        err_console.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from None
    try:
        yield ctx
    except AssayError as exc:
        err_console.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from None
    finally:
        ctx.close()


def org_scope(ctx: Context, organization: str, test: bool) -> Scope:
    with ctx.db.read() as conn:
        row = accounts_repo.get_organization(conn, name=organization)
    if row is None:
        raise NotFound(f"organization {organization!r} not found")
    return Scope(organization_id=row.id, is_test=test)
