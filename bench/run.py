"""Assay's benchmark suite: ``python -m bench.run --help``.

For each backend and stored-set size: a fresh database, ``size`` tasks seeded into it, an
``assay serve`` on 127.0.0.1, then the measurements (each bounded by a duration or a count).
Results are printed and written to ``<out>/<timestamp>.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import orjson
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from assay import __version__
from assay.storage.db import Database
from assay.storage.tables import callback_attempts, jobs, tasks
from assay.tasks import service as tasks_service
from bench import seed
from bench.common import percentiles_ms, task_payload
from bench.explain import explain_hot_queries
from bench.load import ClientSpec, LoadResult, run_clients
from bench.peers import label_studio
from bench.receiver import Receiver
from bench.server import Server, Tenant, create_tenant

BENCHES = ("paging", "lease_submit", "creates", "bulk", "cli_import", "callbacks")
ROOT = Path(__file__).resolve().parent.parent
console = Console(highlight=False, width=None if sys.stdout.isatty() else 150)


@dataclass
class Measure:
    """One line of a results table."""

    name: str
    rate: float | None
    unit: str
    count: int
    seconds: float
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int = 0
    server_cpu: float | None = None  # cores busy in the server's processes, on average
    note: str = ""


@dataclass
class Section:
    backend: str
    size: int
    seed_seconds: float
    stored_completed: int
    measures: list[Measure] = field(default_factory=list)
    plans: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Env:
    args: argparse.Namespace
    backend: str
    size: int
    db: seed.BenchDatabase
    database: Database
    tenant: Tenant
    server: Server
    receiver: Receiver | None


# --- Measurements -----------------------------------------------------------------------------


def _cpu(server: Server, fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn``; also return the average number of cores the server used meanwhile."""
    c0, t0 = server.cpu_seconds(), time.monotonic()
    out = fn()
    c1, t1 = server.cpu_seconds(), time.monotonic()
    return out, round((c1 - c0) / max(t1 - t0, 1e-9), 2)


def _load_measure(
    name: str, unit: str, res: LoadResult, cpu: float, latency: str, note: str = ""
) -> Measure:
    stops = ", ".join(f"{k}: {v}" for k, v in sorted(res.stopped.items()))
    extra = f"{res.clients} client(s) in {res.processes} process(es); stopped by {stops}"
    if res.error_samples:
        extra += f"; first error: {res.error_samples[0][:200]}"
    return Measure(
        name=name,
        rate=round(res.rate, 1),
        unit=unit,
        count=res.ops,
        seconds=round(res.seconds, 2),
        errors=res.errors,
        server_cpu=cpu,
        note=f"{note}; {extra}" if note else extra,
        **res.latency(latency),
    )


def _clients(env: Env, kind: str, n: int, project: str, **kw: Any) -> tuple[LoadResult, float]:
    a = env.args
    keys = env.tenant.annotator_keys if kind == "lease_submit" else (env.tenant.requester_key,)
    if kind == "lease_submit" and n > len(keys):
        raise ValueError(f"{n} annotators asked for, {len(keys)} keys made")
    specs = [
        ClientSpec(
            kind=kind,
            url=env.server.url,
            key=keys[i % len(keys)],
            project=project,
            duration=a.duration,
            first=(i + 1) * 10_000_000,
            **kw,
        )
        for i in range(n)
    ]
    return _cpu(
        env.server,
        lambda: run_clients(specs, processes=min(a.client_procs, n), timeout=a.duration * 3 + 120),
    )


def bench_creates(env: Env) -> list[Measure]:
    out = []
    for n in (1, 16):
        res, cpu = _clients(env, "create", n, "creates")
        out.append(
            _load_measure(
                f"creates, {n} client{'s' if n > 1 else ''}",
                "tasks/s",
                res,
                cpu,
                "create",
                "POST /v1/task/categorization, latency per request",
            )
        )
    return out


def bench_bulk(env: Env) -> list[Measure]:
    out = []
    for n in sorted({1, env.args.bulk_clients}):
        res, cpu = _clients(env, "bulk", n, "bulk", batch=env.args.bulk_size)
        out.append(
            _load_measure(
                f"bulk import, {n} client{'s' if n > 1 else ''}",
                "tasks/s",
                res,
                cpu,
                "bulk",
                f"POST /api/v1/tasks/bulk, {env.args.bulk_size} tasks a request, "
                "latency per request",
            )
        )
    return out


def bench_lease_submit(env: Env) -> list[Measure]:
    """One annotator (for scale against single-user tools), then ``--annotators`` at once."""
    out = []
    for n in sorted({1, env.args.annotators}):
        res, cpu = _clients(env, "lease_submit", n, "stored")
        cycles = _load_measure(
            f"lease+submit, {n} annotator{'s' if n > 1 else ''}",
            "cycles/s",
            res,
            cpu,
            "lease",
            "p50/p99: POST /api/v1/queue/lease",
        )
        submit = Measure(
            name="  submit latency",
            rate=None,
            unit="",
            count=len(res.latencies.get("submit", [])),
            seconds=cycles.seconds,
            note="POST /api/v1/assignments/{id}/submit, same run",
            **res.latency("submit"),
        )
        out += [cycles, submit]
    return out


def _page_through(
    client: httpx.Client, token: str | None, duration: float, max_pages: int
) -> tuple[int, int, list[float], float, str]:
    """Follow next_token; (pages, tasks, latencies, seconds, error)."""
    latencies: list[float] = []
    pages = seen = 0
    error = ""
    started = time.monotonic()
    deadline = started + duration
    while time.monotonic() < deadline and pages < max_pages:
        params: dict[str, Any] = {"project": "stored", "limit": 100}
        if token:
            params["next_token"] = token
        t = time.perf_counter()
        r = client.get("/v1/tasks", params=params)
        latencies.append(time.perf_counter() - t)
        if r.status_code != 200:
            error = f"{r.status_code} {r.text[:200]}"
            break
        body = orjson.loads(r.content)
        pages += 1
        seen += len(body["docs"])
        token = body.get("next_token")
        if not token:
            break
    return pages, seen, latencies, time.monotonic() - started, error


def _token(task_id: str, total: int) -> str:
    """A next_token into the middle of the set, made as the server makes its own.

    (Older servers' tokens carry only the last id; newer ones carry the total too.)
    """
    arity = len(inspect.signature(tasks_service.encode_token).parameters)
    return str(tasks_service.encode_token(*(task_id, total)[:arity]))


def bench_paging(env: Env) -> list[Measure]:
    """From the first page, then from 90% into the stored set (a token made from an id)."""
    project_id = _pid(env, "stored")
    with env.database.read() as conn:
        deep_id = conn.execute(
            select(tasks.c.id)
            .where(tasks.c.project_id == project_id)
            .order_by(tasks.c.id)
            .offset(int(env.size * 0.9))
            .limit(1)
        ).scalar()
    deep_token = _token(str(deep_id), env.size)
    out = []
    with httpx.Client(
        base_url=env.server.url,
        headers={"authorization": f"Bearer {env.tenant.requester_key}"},
        timeout=120,
    ) as client:
        for label, token in (("from the start", None), ("from 90% in", deep_token)):
            half = env.args.duration / 2
            (pages, seen, lat, secs, error), cpu = _cpu(
                env.server, lambda t=token, h=half: _page_through(client, t, h, env.args.max_pages)
            )
            out.append(
                Measure(
                    name=f"list paging, {label}",
                    rate=round(pages / secs, 1) if secs > 0 else None,
                    unit="pages/s",
                    count=pages,
                    seconds=round(secs, 2),
                    errors=1 if error else 0,
                    server_cpu=cpu,
                    note=f"GET /v1/tasks?project=...&limit=100 + next_token, 1 client; "
                    f"{seen} tasks read" + (f"; error: {error}" if error else ""),
                    **percentiles_ms(lat),
                )
            )
    return out


def _assay_cli(env: Env, *argv: str) -> float:
    """Run ``assay ...`` against the run's database; return its wall time."""
    cli_env = {
        **os.environ,
        "ASSAY_ENV": "production",
        "ASSAY_DATABASE_URL": env.db.url,
        "ASSAY_DATA_DIR": str(env.db.workdir / "cli"),
    }
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "assay.cli.main", *argv],
        env=cli_env,
        capture_output=True,
        timeout=3600,
        check=False,
    )
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"assay {argv[0]} failed: {proc.stderr.decode()[-2000:]}")
    return wall


def bench_cli_import(env: Env) -> list[Measure]:
    n = env.args.import_tasks
    path = env.db.workdir / "import.jsonl"
    with path.open("wb") as f:
        for i in range(n):
            f.write(orjson.dumps(task_payload(i)) + b"\n")
    startup = _assay_cli(env, "--help")
    wall = _assay_cli(env, "import", str(path), "--org", env.tenant.org, "--project", "cli-import")
    with env.database.read() as conn:
        stored = conn.execute(
            select(func.count())
            .select_from(tasks)
            .where(tasks.c.project_id == _pid(env, "cli-import"))
        ).scalar_one()
    if stored != n:
        raise RuntimeError(f"assay import stored {stored} of {n} tasks")
    return [
        Measure(
            name="assay import (CLI, JSONL)",
            rate=round(n / wall, 1),
            unit="tasks/s",
            count=n,
            seconds=round(wall, 2),
            note=f"wall time of the whole command, including {startup:.1f} s of start-up "
            f"(rate without it: {n / max(wall - startup, 1e-9):.0f}/s); writes straight to the "
            "database in transactions of 1000",
        )
    ]


def _pid(env: Env, project: str) -> int:
    return seed.load_project(env.database, env.tenant.scope, project).id


def bench_callbacks(env: Env) -> list[Measure]:
    assert env.receiver is not None
    n = env.args.callbacks
    base = env.receiver.unique
    c0 = env.server.cpu_seconds()
    seed.seed_completed_with_callbacks(
        env.database,
        scope=env.tenant.scope,
        project="callbacks",
        n=n,
        callback_url=env.receiver.url,
        done_by=(env.tenant.seed_annotator_id,),
    )
    t0 = time.monotonic()
    deadline = t0 + max(60.0, env.args.duration * 10)
    while env.receiver.unique - base < n and time.monotonic() < deadline:
        time.sleep(0.05)
    got = env.receiver.unique - base
    secs = (env.receiver.last if got else time.monotonic()) - t0
    cpu = round((env.server.cpu_seconds() - c0) / max(time.monotonic() - t0, 1e-9), 2)
    with env.database.read() as conn:
        done = conn.execute(
            select(func.count()).select_from(jobs).where(jobs.c.status == "done")
        ).scalar_one()
        attempts = conn.execute(select(func.count()).select_from(callback_attempts)).scalar_one()
    return [
        Measure(
            name="callbacks delivered",
            rate=round(got / secs, 1) if secs > 0 else None,
            unit="callbacks/s",
            count=got,
            seconds=round(secs, 2),
            errors=n - got,
            server_cpu=cpu,
            note=f"{n} tasks completed in one transaction with their jobs; from its commit to the "
            f"last request at the receiver ({env.args.workers_for(env.backend)} server "
            f"process(es), in-process workers); jobs done: {done}, attempts recorded: "
            f"{attempts}, requests received: {env.receiver.requests - base}",
        )
    ]


RUNNERS: dict[str, Callable[[Env], list[Measure]]] = {
    "paging": bench_paging,
    "lease_submit": bench_lease_submit,
    "creates": bench_creates,
    "bulk": bench_bulk,
    "cli_import": bench_cli_import,
    "callbacks": bench_callbacks,
}


# --- One backend and size -----------------------------------------------------------------------


def run_section(args: argparse.Namespace, backend: str, size: int) -> Section:
    console.print(f"\n[bold]{backend}, {size:,} tasks stored[/]")
    db = seed.create_database(backend)
    database = Database(db.url, sqlite_synchronous="OFF")
    server: Server | None = None
    receiver: Receiver | None = None
    try:
        tenant = create_tenant(database, annotators=args.annotators)
        console.print(f"  seeding {size:,} tasks ({args.completed:.0%} completed)...")
        done_by = (
            tenant.annotator_ids if args.history == "annotators" else (tenant.seed_annotator_id,)
        )
        result = seed.seed_tasks(
            database,
            scope=tenant.scope,
            project="stored",
            n=size,
            completed_fraction=args.completed,
            done_by=done_by,
        )
        console.print(f"  seeded in {result.seconds:.1f} s ({size / result.seconds:,.0f} tasks/s)")
        section = Section(backend, size, round(result.seconds, 1), result.completed)
        if args.explain:
            plans = explain_hot_queries(
                database,
                scope=tenant.scope,
                project="stored",
                annotator_id=tenant.annotator_ids[0],
            )
            section.plans = [asdict(p) for p in plans]
        if "callbacks" in args.only:
            receiver = Receiver.start()
        server = Server(db.url, db.workdir / "server", workers=args.workers_for(backend)).start()
        env = Env(args, backend, size, db, database, tenant, server, receiver)
        for name in BENCHES:
            if name not in args.only:
                continue
            console.print(f"  {name}...")
            try:
                measures = RUNNERS[name](env)
            except Exception as exc:  # one failed measurement should not lose the others
                console.print(f"    [red]failed:[/] {exc}")
                measures = [
                    Measure(f"{name} (failed)", None, "", 0, 0.0, errors=1, note=str(exc)[:1000])
                ]
            for m in measures:
                console.print(
                    f"    {m.name}: {_fmt(m.rate)} {m.unit}  p50 {_fmt(m.p50_ms)} ms"
                    f"  p99 {_fmt(m.p99_ms)} ms  errors {m.errors}"
                )
            section.measures.extend(measures)
        return section
    finally:
        if server is not None:
            server.stop()
        if receiver is not None:
            receiver.stop()
        database.dispose()
        if not args.keep:
            db.drop()
        else:
            console.print(f"  kept: {db.url}")


# --- Peer ----------------------------------------------------------------------------------------


def peer_label_studio(args: argparse.Namespace) -> dict[str, Any]:
    """Label Studio CE on the same machine (``--label-studio VENV``); the error if it fails."""
    console.print("\n[bold]Label Studio (peer)[/]")
    try:
        out = label_studio.run(args.label_studio, tasks=args.ls_tasks, duration=args.duration)
    except (OSError, RuntimeError, httpx.HTTPError) as exc:
        console.print(f"  could not be measured: {exc}")
        return {"error": str(exc)[:2000]}
    console.print(f"  {json.dumps(out)}")
    return out


def peer_measures(peer: dict[str, Any]) -> list[Measure]:
    imp, cyc, nxt, save = peer["import"], peer["cycles"], peer["next_task"], peer["save"]
    return [
        Measure(
            name=f"import of {imp['tasks']:,} tasks",
            rate=imp["rate"],
            unit="tasks/s",
            count=imp["tasks"],
            seconds=imp["seconds"],
            note="POST /api/projects/{id}/import, one request",
        ),
        Measure(
            name="next-task + annotation save, 1 client",
            rate=cyc["rate"],
            unit="cycles/s",
            count=cyc["count"],
            seconds=cyc["seconds"],
        ),
        Measure(
            name="  next-task",
            rate=nxt["rate"],
            unit="/s (1 / mean latency)",
            count=cyc["count"],
            seconds=cyc["seconds"],
            p50_ms=nxt["p50_ms"],
            p99_ms=nxt["p99_ms"],
            note="GET /api/projects/{id}/next",
        ),
        Measure(
            name="  annotation save",
            rate=save["rate"],
            unit="/s (1 / mean latency)",
            count=cyc["count"],
            seconds=cyc["seconds"],
            p50_ms=save["p50_ms"],
            p99_ms=save["p99_ms"],
            note="POST /api/tasks/{id}/annotations",
        ),
    ]


# --- Reporting ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    mem = ""
    cpu = platform.processor()
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgresql": seed.postgres_version(),
        "sqlite": sqlite3.sqlite_version,
        "assay": f"{__version__} ({commit})" if commit else __version__,
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


COLUMNS = (
    "measurement",
    "rate",
    "unit",
    "p50 ms",
    "p99 ms",
    "count",
    "seconds",
    "errors",
    "server CPU (cores)",
)


def _align(columns: tuple[str, ...]) -> str:
    """A Markdown separator row: names left, numbers right."""
    cells = (" --- " if c in ("measurement", "unit") else " ---: " for c in columns)
    return "|" + "|".join(cells) + "|"


def _row(m: Measure) -> list[str]:
    return [
        m.name,
        _fmt(m.rate),
        m.unit,
        _fmt(m.p50_ms),
        _fmt(m.p99_ms),
        f"{m.count:,}",
        _fmt(m.seconds),
        str(m.errors),
        _fmt(m.server_cpu, 2),
    ]


def _size(n: int) -> str:
    return (
        f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)
    )


def print_section(s: Section) -> None:
    t = Table(title=f"{s.backend}, {s.size:,} tasks stored (seeded in {s.seed_seconds} s)")
    for c in COLUMNS:
        t.add_column(c, justify="left" if c in ("measurement", "unit") else "right")
    for m in s.measures:
        t.add_row(*_row(m))
    console.print(t)


def targets(sections: list[Section]) -> list[str]:
    """The issue's targets, checked on what was measured (PostgreSQL)."""
    lines = []
    pg = [s for s in sections if s.backend == "postgresql"]

    def best(s: Section, prefix: str) -> Measure | None:
        found = [m for m in s.measures if m.name.startswith(prefix) and m.rate is not None]
        return max(found, key=lambda m: m.rate or 0.0) if found else None

    for s in pg:
        size = _size(s.size)
        for prefix, goal, what in (
            ("bulk import", 1000.0, "creates/s through POST /api/v1/tasks/bulk"),
            ("assay import", 1000.0, "creates/s through assay import"),
            ("lease+submit", 500.0, "lease+submit cycles/s"),
        ):
            m = best(s, prefix)
            if m is not None and m.rate is not None:
                ok = "met" if m.rate >= goal else "NOT met"
                lines.append(f"PostgreSQL {size}: {what} >= {goal:,.0f}: {m.rate:,.1f} ({ok})")
        lease = best(s, "lease+submit")
        if lease is not None and lease.p99_ms is not None:
            ok = "met" if lease.p99_ms < 50 else "NOT met"
            lines.append(f"PostgreSQL {size}: lease p99 < 50 ms: {lease.p99_ms:.1f} ms ({ok})")
    for backend in sorted({s.backend for s in sections}):
        mine = sorted((s for s in sections if s.backend == backend), key=lambda s: s.size)
        if len(mine) < 2:
            continue
        small, large = mine[0], mine[-1]
        for m in large.measures:
            base = next((x for x in small.measures if x.name == m.name), None)
            if base is None or not base.rate or m.rate is None:
                continue
            ratio = m.rate / base.rate
            flag = "" if ratio >= 0.8 else "  <- degraded"
            lines.append(
                f"{backend} {_size(large.size)} vs {_size(small.size)}: {m.name.strip()}: "
                f"{ratio:.2f}x{flag}"
            )
    return lines


def markdown(
    info: dict[str, Any],
    args: argparse.Namespace,
    sections: list[Section],
    peer: dict[str, Any] | None,
) -> str:
    out = ["# Assay benchmark results", ""]
    out += [f"- {k}: {v}" for k, v in info.items()]
    out += [
        f"- settings: duration {args.duration} s per measurement, {args.completed:.0%} of the "
        f"stored tasks completed, server processes: SQLite {args.workers_for('sqlite')}, "
        f"PostgreSQL {args.workers_for('postgresql')}; client processes: {args.client_procs}",
        "",
    ]
    for s in sections:
        out += [f"## {s.backend}, {s.size:,} tasks stored", ""]
        out += [f"Seeded in {s.seed_seconds} s ({s.stored_completed:,} of them completed).", ""]
        out.append("| " + " | ".join(COLUMNS) + " |")
        out.append(_align(COLUMNS))
        out += ["| " + " | ".join(_row(m)) + " |" for m in s.measures]
        out += ["", "Notes:", ""]
        out += [f"- {m.name.strip()}: {m.note}" for m in s.measures if m.note]
        out.append("")
        for p in s.plans:
            out += [
                f"Plan ({p['name']}, the statement ran in {p['ms']} ms):",
                "",
                "```sql",
                p["sql"].strip(),
                "```",
                "```",
                p["plan"],
                "```",
                "",
            ]
    lines = targets(sections)
    if lines:
        out += ["## Targets", ""] + [f"- {line}" for line in lines] + [""]
    if peer is not None:
        out += [f"## Label Studio CE {peer.get('version', '')} on the same machine (peer)", ""]
        if "error" in peer:
            out += [f"Could not be measured: `{peer['error'][:500]}`", ""]
        else:
            out += [
                f"`label-studio start` (Django's server, SQLite), started in "
                f"{peer['startup_seconds']} s; one client.",
                "",
                "| " + " | ".join(COLUMNS[:-1]) + " |",
                _align(COLUMNS[:-1]),
            ]
            out += ["| " + " | ".join(_row(m)[:-1]) + " |" for m in peer_measures(peer)]
            out.append("")
    return "\n".join(out)


# --- Command line ---------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    p.add_argument(
        "--sizes",
        default="100000,1000000",
        help="Stored-set sizes, comma-separated (default: 100000,1000000).",
    )
    p.add_argument(
        "--duration", type=float, default=30.0, help="Seconds per timed measurement (default: 30)."
    )
    p.add_argument(
        "--only",
        default=",".join(BENCHES),
        help=f"Measurements to run, comma-separated, of: {', '.join(BENCHES)}.",
    )
    p.add_argument(
        "--completed",
        type=float,
        default=0.5,
        help="Fraction of the stored tasks seeded as completed (default: 0.5).",
    )
    p.add_argument(
        "--history",
        choices=("separate", "annotators"),
        default="separate",
        help="Who did the tasks seeded as completed: one annotator who takes no part in the "
        "measurements (default), or the measured annotators themselves.",
    )
    p.add_argument("--annotators", type=int, default=32, help="Lease+submit clients (32).")
    p.add_argument(
        "--bulk-clients",
        type=int,
        default=4,
        help="Concurrent bulk clients, measured besides 1 (default: 4).",
    )
    p.add_argument("--bulk-size", type=int, default=1000, help="Tasks per bulk request (1000).")
    p.add_argument(
        "--import-tasks",
        type=int,
        default=50_000,
        help="Tasks in the JSONL file given to assay import (default: 50000).",
    )
    p.add_argument(
        "--callbacks",
        type=int,
        default=5000,
        help="Completed tasks whose callbacks are delivered (default: 5000).",
    )
    p.add_argument("--max-pages", type=int, default=100_000, help="Page limit per paging pass.")
    p.add_argument(
        "--client-procs",
        type=int,
        default=4,
        help="Client processes the concurrent clients are spread over (default: 4).",
    )
    p.add_argument("--sqlite-workers", type=int, default=1, help="Server processes on SQLite (1).")
    p.add_argument(
        "--pg-workers", type=int, default=2, help="Server processes on PostgreSQL (default: 2)."
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="Add the plans of the lease claim and list queries to the report.",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results",
        help="Where the .md and .json results go (default: bench/results).",
    )
    p.add_argument(
        "--label-studio",
        type=Path,
        default=None,
        metavar="VENV",
        help="Also measure Label Studio CE from this virtual environment "
        "(bench/peers/install_label_studio.sh makes one).",
    )
    p.add_argument(
        "--ls-tasks",
        type=int,
        default=10_000,
        help="Tasks imported into Label Studio (default: 10000).",
    )
    p.add_argument("--keep", action="store_true", help="Keep the databases (for inspection).")
    args = p.parse_args(argv)
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = set(args.only) - set(BENCHES)
    if unknown:
        p.error(f"unknown measurement(s): {', '.join(sorted(unknown))}")
    args.sizes = [int(x.replace("_", "")) for x in args.sizes.split(",") if x.strip()]
    if not args.sizes or min(args.sizes) < 1000:
        p.error("--sizes: give sizes of at least 1000")
    if not 0.0 <= args.completed < 1.0:
        p.error("--completed: a fraction from 0 up to (not including) 1")
    if args.duration <= 0:
        p.error("--duration: must be positive")
    args.workers_for = lambda b: args.sqlite_workers if b == "sqlite" else args.pg_workers
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    info = machine()
    console.print("[bold]Assay benchmarks[/]")
    for k, v in info.items():
        console.print(f"  {k}: {v}")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    sections = [run_section(args, b, size) for b in backends for size in args.sizes]
    peer = peer_label_studio(args) if args.label_studio is not None else None
    console.print()
    for s in sections:
        print_section(s)
    if peer is not None and "error" not in peer:
        t = Table(title=f"Label Studio CE {peer['version']} (peer), same machine")
        for c in COLUMNS[:-1]:
            t.add_column(c, justify="left" if c in ("measurement", "unit") else "right")
        for m in peer_measures(peer):
            t.add_row(*_row(m)[:-1])
        console.print(t)
    for line in targets(sections):
        console.print(line)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    md_path, json_path = args.out / f"{stamp}.md", args.out / f"{stamp}.json"
    md_path.write_text(markdown(info, args, sections, peer))
    settings = {k: v for k, v in vars(args).items() if k != "workers_for"}
    json_path.write_text(
        json.dumps(
            {
                "machine": info,
                "settings": settings,
                "sections": [asdict(s) for s in sections],
                "label_studio": peer,
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    console.print(f"\nwrote {md_path} and {json_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
