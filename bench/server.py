"""``assay serve`` in subprocesses on 127.0.0.1, and the tenant the benchmarks act as.

The tenant (organization, requester, annotators, keys, projects) is made through the services,
as ``assay orgs|users|keys`` would.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.accounts import service as accounts
from assay.accounts.model import Environment, Role, Scope
from assay.projects import service as projects
from assay.storage.db import Database
from bench.common import PROJECT_PARAMS
from bench.process import free_port, spawn, stop_group, wait_ready

ORG = "bench"
# The stored set, the queue the annotators work, and one project per write benchmark, so that
# each measurement's tasks can be told apart (they all live in the same tasks table).
PROJECTS = ("stored", "creates", "bulk", "cli-import", "callbacks")


@dataclass(frozen=True)
class Tenant:
    org: str
    scope: Scope
    requester_key: str
    annotator_keys: tuple[str, ...]
    annotator_ids: tuple[int, ...]
    seed_annotator_id: int  # the annotator of tasks seeded as already completed


def _user(db: Database, username: str, role: Role) -> tuple[int, str]:
    uid = accounts.ensure_user(db, username=username)
    accounts.add_member(db, organization=ORG, username=username, role=role)
    key = accounts.create_api_key(
        db, organization=ORG, username=username, environment=Environment.LIVE
    ).key
    return uid, key


def create_tenant(db: Database, *, annotators: int = 32) -> Tenant:
    org_id = accounts.create_organization(db, name=ORG)
    scope = Scope(organization_id=org_id, is_test=False)
    _, requester_key = _user(db, "bench-requester", Role.REQUESTER)
    annotator_users = [
        _user(db, f"bench-annotator-{i:02d}", Role.ANNOTATOR) for i in range(annotators)
    ]
    seed_id, _ = _user(db, "bench-seed-annotator", Role.ANNOTATOR)
    for name in PROJECTS:
        projects.create_project(
            db, scope=scope, name=name, task_type="categorization", params=PROJECT_PARAMS
        )
    return Tenant(
        org=ORG,
        scope=scope,
        requester_key=requester_key,
        annotator_keys=tuple(k for _, k in annotator_users),
        annotator_ids=tuple(u for u, _ in annotator_users),
        seed_annotator_id=seed_id,
    )


def server_env(db_url: str, data_dir: Path, port: int, **extra: Any) -> dict[str, str]:
    """Production settings, except: no rate limit, callbacks may reach 127.0.0.1."""
    env = {
        **os.environ,
        "ASSAY_ENV": "production",
        "ASSAY_SECRET_KEY": secrets.token_urlsafe(32),
        "ASSAY_DATA_DIR": str(data_dir),
        "ASSAY_DATABASE_URL": db_url,
        "ASSAY_HOST": "127.0.0.1",
        "ASSAY_PORT": str(port),
        "ASSAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "ASSAY_ALLOW_PRIVATE_HOSTS": "127.0.0.1",
        "ASSAY_RATE_LIMIT_PER_SECOND": "0",
    }
    env.update({f"ASSAY_{k.upper()}": str(v) for k, v in extra.items()})
    return env


@dataclass
class Server:
    """``assay serve --workers N`` in its own process group; ``stop()`` ends the group."""

    db_url: str
    data_dir: Path
    workers: int = 1
    extra: dict[str, Any] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / f"server-{self.port}.log"

    def start(self, timeout: float = 90) -> Server:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = server_env(self.db_url, self.data_dir, self.port, **self.extra)
        argv = [sys.executable, "-m", "assay.cli.main", "serve", "--workers", str(self.workers)]
        self.proc = spawn(argv, env=env, log=self.log_path)
        try:
            wait_ready(
                self.proc,
                f"{self.url}/readyz",
                timeout=timeout,
                interval=0.2,
                name="server",
                log_tail=self.log_tail,
            )
        except RuntimeError:
            self.stop()
            raise
        return self

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        stop_group(proc)

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by every process of the server's group."""
        if self.proc is None:
            return 0.0
        return group_cpu_seconds(self.proc.pid)


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds of the live processes in a process group (from /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # Fields after the command name (which may hold spaces) start at ") ".
        rest = stat[stat.rindex(")") + 2 :].split()
        if int(rest[2]) == pgid:  # field 5: process group
            total += int(rest[11]) + int(rest[12])  # fields 14, 15: utime, stime
    return total / tick
