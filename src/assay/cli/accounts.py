"""``assay orgs``, ``assay users`` and ``assay keys``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from assay.accounts import service
from assay.accounts.model import Environment, Role
from assay.cli.common import console, context, org_scope
from assay.storage.repos import accounts as repo

orgs = typer.Typer(help="Organizations (tenants).", no_args_is_help=True)
users = typer.Typer(help="Users and their roles.", no_args_is_help=True)
keys = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)

OrgOpt = Annotated[str, typer.Option("--org", help="Organization name.")]


@orgs.command("create")
def orgs_create(name: str) -> None:
    """Create an organization."""
    with context() as ctx:
        service.create_organization(ctx.db, name=name)
    console.print(f"organization [bold]{name}[/] created")


@orgs.command("show")
def orgs_show(name: str) -> None:
    """Show an organization's callback secrets (to verify the callbacks you receive)."""
    with context() as ctx, ctx.db.read() as conn:
        row = repo.get_organization(conn, name=name)
    if row is None:
        console.print(f"[red]no organization {name!r}[/]")
        raise typer.Exit(2)
    console.print(f"name:                 {row.name}")
    console.print(f"webhook secret:       {row.webhook_secret}  (Standard Webhooks signature)")
    console.print(f"scale-callback-auth:  {row.callback_auth_key}")


@users.command("create")
def users_create(
    username: str,
    org: OrgOpt,
    role: Annotated[Role, typer.Option(help="Role in the organization.")] = Role.ANNOTATOR,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password for the web app (prompted when omitted).",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
        ),
    ] = None,
    email: Annotated[str | None, typer.Option()] = None,
    create_org: Annotated[bool, typer.Option(help="Create the organization if needed.")] = False,
) -> None:
    """Create a user (or update their password) and give them a role in an organization."""
    with context() as ctx:
        if create_org:
            service.ensure_organization(ctx.db, name=org)
        else:
            org_scope(ctx, org, test=False)  # fails before the user is created
        service.ensure_user(ctx.db, username=username, password=password or None, email=email)
        service.add_member(ctx.db, organization=org, username=username, role=role)
    console.print(f"user [bold]{username}[/] is {role.value} of {org}")


@keys.command("create")
def keys_create(
    org: OrgOpt,
    user: Annotated[str, typer.Option(help="The user the key acts as.")],
    test: Annotated[bool, typer.Option(help="A test_ key (sees only test data).")] = False,
    name: Annotated[str, typer.Option(help="A label for listings.")] = "",
) -> None:
    """Create an API key. It is printed once; only its hash is kept."""
    env = Environment.TEST if test else Environment.LIVE
    with context() as ctx:
        issued = service.create_api_key(
            ctx.db, organization=org, username=user, environment=env, name=name
        )
    console.print(issued.key, highlight=False, soft_wrap=True)


@keys.command("list")
def keys_list(org: OrgOpt) -> None:
    """List an organization's keys (prefixes only)."""
    with context() as ctx, ctx.db.read() as conn:
        row = repo.get_organization(conn, name=org)
        rows = repo.list_api_keys(conn, organization_id=row.id) if row else []
    table = Table("prefix", "env", "user", "name", "created", "revoked")
    for r in rows:
        table.add_row(
            r.prefix,
            r.environment,
            r.username,
            r.name,
            r.created_at.isoformat(timespec="seconds"),
            r.revoked_at.isoformat(timespec="seconds") if r.revoked_at else "",
        )
    console.print(table)


@keys.command("revoke")
def keys_revoke(org: OrgOpt, prefix: str) -> None:
    """Revoke a key by its prefix (as shown by ``keys list``)."""
    with context() as ctx:
        service.revoke_api_key(ctx.db, organization=org, prefix=prefix)
    console.print(f"key {prefix} revoked")
