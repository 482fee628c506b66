"""``assay import`` and ``assay export``."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from assay.cli.common import console, context, err_console, org_scope
from assay.errors import AssayError, Invalid
from assay.projects import service as projects_service
from assay.storage.repos.tasks import TaskFilter
from assay.tasks import service
from assay.tasks.model import build_task

OrgOpt = Annotated[str, typer.Option("--org", help="Organization name.")]
TestOpt = Annotated[bool, typer.Option("--test", help="Use the test environment.")]


def _cell(value: str) -> Any:
    """CSV cells holding JSON objects or arrays (categories, geometries...) are parsed."""
    text = value.strip()
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return value
    return value


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, payload) for each task in a JSONL or CSV file."""
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as f:
            for i, row in enumerate(csv.DictReader(f), start=2):
                yield i, {k: _cell(v) for k, v in row.items() if k and v not in ("", None)}
        return
    with path.open("rb") as f:
        for i, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise Invalid(f"line {i}: not valid JSON ({exc})") from None
            if not isinstance(value, dict):
                raise Invalid(f"line {i}: each line must be a JSON object")
            yield i, value


def import_tasks(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="A .jsonl file (one flat task payload per "
            "line) or a .csv file (one column per key).",
        ),
    ],
    org: OrgOpt,
    project: Annotated[str, typer.Option(help="Project the tasks go to.")],
    batch: Annotated[str | None, typer.Option(help="Batch the tasks go to.")] = None,
    test: TestOpt = False,
    chunk: Annotated[int, typer.Option(min=1, max=10_000, help="Tasks per transaction.")] = 1000,
) -> None:
    """Import tasks. Every line is validated first; with any error, nothing is written."""
    with context() as ctx:
        scope = org_scope(ctx, org, test)
        with ctx.db.read() as conn:
            proj = projects_service.get_or_raise(conn, scope=scope, name=project)
        items: list[tuple[str, dict[str, Any]]] = []
        errors: list[str] = []
        for line, payload in read_rows(path):
            task_type = str(payload.pop("type", proj.type))
            payload["project"] = project
            if batch:
                payload["batch"] = batch
            try:
                build_task(task_type, payload, proj.params)
            except AssayError as exc:
                errors.append(f"line {line}: {exc.message}")
            items.append((task_type, payload))
        if errors:
            for e in errors[:50]:
                err_console.print(f"[red]{e}[/]")
            err_console.print(f"[red]{len(errors)} invalid line(s); nothing imported[/]")
            raise typer.Exit(2)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            job = bar.add_task("importing", total=len(items))
            for start in range(0, len(items), chunk):
                part = items[start : start + chunk]
                service.create_tasks(ctx, scope=scope, items=part)
                bar.advance(job, len(part))
    console.print(f"imported {len(items)} task(s) into {project}")


def export_tasks(
    org: OrgOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL file to write.")],
    project: Annotated[str | None, typer.Option()] = None,
    batch: Annotated[str | None, typer.Option()] = None,
    status: Annotated[list[str] | None, typer.Option(help="Only tasks with this status.")] = None,
    test: TestOpt = False,
) -> None:
    """Export tasks with their responses, one JSON object per line, in creation order."""
    with context() as ctx:
        scope = org_scope(ctx, org, test)
        q = service.TaskQuery(
            filter=TaskFilter(statuses=tuple(status or ())), project=project, batch=batch
        )
        n = 0
        with (
            output.open("wb") as f,
            Progress(
                "[progress.description]{task.description}",
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar,
        ):
            job = bar.add_task("exporting", total=None)
            for doc in service.iter_tasks(ctx.db, scope=scope, q=q):
                f.write(orjson.dumps(doc) + b"\n")
                n += 1
                bar.advance(job)
    console.print(f"exported {n} task(s) to {output}")
