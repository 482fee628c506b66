"""The ``assay`` command."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from assay.cli import accounts, demo, transfer
from assay.cli.common import console, context, err_console
from assay.config import Settings
from assay.errors import AssayError
from assay.storage import migrate as migrations
from assay.worker.runner import Worker

app = typer.Typer(
    help="Assay: an open-source data engine for machine learning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(accounts.orgs, name="orgs")
app.add_typer(accounts.users, name="users")
app.add_typer(accounts.keys, name="keys")
app.command("import")(transfer.import_tasks)
app.command("export")(transfer.export_tasks)

DataDir = Annotated[Path | None, typer.Option(help="Data directory (ASSAY_DATA_DIR).")]


def _env(**values: object) -> None:
    """CLI options become ASSAY_* variables, so server processes see the same settings."""
    for name, value in values.items():
        if value is not None:
            os.environ[f"ASSAY_{name.upper()}"] = str(value)


def _checked_settings() -> Settings:
    try:
        settings = Settings()
        settings.resolved_secret_key()
    except AssayError as exc:
        err_console.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(2) from None
    return settings


@app.command()
def migrate(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    downgrade: Annotated[bool, typer.Option(help="Downgrade to the revision.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Apply database migrations (also done by ``serve`` on start)."""
    _env(data_dir=data_dir)
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if downgrade:
        migrations.downgrade(settings.db_url, revision)
    else:
        migrations.upgrade(settings.db_url, revision)
    console.print(f"database at {revision}: {settings.db_url.split('@')[-1]}")


def _serve(settings: Settings, workers: int, access_log: bool = False) -> None:
    migrations.upgrade(settings.db_url)
    uvicorn.run(
        "assay.api.factory:app_from_env",
        access_log=access_log,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_level="info",
        timeout_graceful_shutdown=10,
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes.")] = 1,
    worker: Annotated[bool, typer.Option(help="Run a job worker inside each server.")] = True,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Migrate the database, then serve the API."""
    _env(host=host, port=port, data_dir=data_dir, inprocess_worker=worker)
    _serve(_checked_settings(), workers, access_log)


@app.command("worker")
def run_worker(
    concurrency: Annotated[int | None, typer.Option(min=1, help="Parallel jobs.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run a job worker (callbacks) until interrupted."""
    _env(data_dir=data_dir)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with context() as ctx:
        w = Worker(ctx, concurrency=concurrency)
        console.print(f"worker {w.id} running with {w.concurrency} slots")
        try:
            w.run_forever(stop)
        finally:
            w.close()


@app.command("demo")
def run_demo(
    serve_after: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
    data_dir: DataDir = None,
) -> None:
    """Load a demo organization with real images and tasks, then serve it (dev mode)."""
    os.environ.setdefault("ASSAY_ENV", "dev")
    _env(host=host, port=port, data_dir=data_dir)
    settings = _checked_settings()
    migrations.upgrade(settings.db_url)
    with context() as ctx:
        keys = demo.load(ctx)
    print(demo.usage(settings.base_url, keys))
    if serve_after:
        _serve(settings, 1)


if __name__ == "__main__":
    app()
