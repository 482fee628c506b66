"""The ``assay`` command, run in-process with typer's CliRunner against the test database."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import imageio.v3 as iio
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, text
from typer.testing import CliRunner, Result

from assay.accounts import service as accounts
from assay.accounts.model import Role, Scope
from assay.batches import service as batches
from assay.cli import demo
from assay.cli.main import app
from assay.config import Settings
from assay.context import Context
from assay.errors import Unauthenticated
from assay.projects import service as projects
from assay.queue import service as queue
from assay.storage.migrate import alembic_config
from assay.storage.repos import accounts as accounts_repo
from assay.storage.repos.tasks import TaskFilter
from assay.storage.tables import files, tasks
from assay.tasks import service as tasks_service
from tests.factories import make_tenant

Run = Callable[..., Result]


def _runner(env: dict[str, str | None]) -> Run:
    def run(*args: str) -> Result:
        # Rich may wrap long lines: tests compare output with whitespace normalized.
        return CliRunner().invoke(app, list(args), env=env)

    return run


@pytest.fixture
def cli(settings: Settings) -> Run:
    """Runs ``assay ...`` on this test's database and data directory."""
    return _runner(
        {
            "ASSAY_ENV": "dev",
            "ASSAY_DATA_DIR": str(settings.data_dir),
            "ASSAY_DATABASE_URL": settings.db_url,
            "ASSAY_PUBLIC_URL": "http://testserver",
        }
    )


def _ok(result: Result) -> str:
    assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}{result.exception!r}"
    return " ".join(result.output.split())


def _failed(result: Result) -> str:
    """The error output of a run that exited with 2, whitespace normalized."""
    assert result.exit_code == 2, f"exit {result.exit_code}: {result.output}{result.exception!r}"
    return " ".join(result.stderr.split())


def _scope(ctx: Context, org: str) -> Scope:
    with ctx.db.read() as conn:
        row = accounts_repo.get_organization(conn, name=org)
    assert row is not None
    return Scope(organization_id=row.id, is_test=False)


def _tasks(ctx: Context, org: str, **query: Any) -> list[dict[str, Any]]:
    q = tasks_service.TaskQuery(filter=TaskFilter(), **query)
    return list(tasks_service.iter_tasks(ctx.db, scope=_scope(ctx, org), q=q))


def test_a_user_for_an_unknown_organization_is_not_created(cli: Run, ctx: Context) -> None:
    out = cli("users", "create", "bob", "--org", "nowhere", "--password", "long enough")
    assert "organization 'nowhere' not found" in _failed(out)
    with ctx.db.read() as conn:
        assert accounts_repo.get_user(conn, username="bob") is None


def test_orgs_users_and_keys(cli: Run, ctx: Context) -> None:
    assert _ok(cli("orgs", "create", "acme")) == "organization acme created"
    assert "organization 'acme' already exists" in _failed(cli("orgs", "create", "acme"))

    out = cli(
        "users", "create", "alice", "--org", "acme", "--role", "requester",
        "--password", "correct horse",
    )  # fmt: skip
    assert _ok(out) == "user alice is requester of acme"
    login = accounts.authenticate_password(ctx.db, username="alice", password="correct horse")
    assert login.role is Role.REQUESTER
    with pytest.raises(Unauthenticated):
        accounts.authenticate_password(ctx.db, username="alice", password="wrong horse")

    live_key = _ok(cli("keys", "create", "--org", "acme", "--user", "alice", "--name", "laptop"))
    test_key = _ok(cli("keys", "create", "--org", "acme", "--user", "alice", "--test"))
    assert re.fullmatch(r"live_\S+", live_key), live_key
    assert re.fullmatch(r"test_\S+", test_key), test_key
    principal = accounts.authenticate_key(ctx.db, live_key)
    assert (principal.username, principal.role, principal.scope.is_test) == (
        "alice",
        Role.REQUESTER,
        False,
    )
    assert accounts.authenticate_key(ctx.db, test_key).scope.is_test is True

    listing = _ok(cli("keys", "list", "--org", "acme"))
    assert live_key[:12] in listing
    assert test_key[:12] in listing
    assert "laptop" in listing
    assert live_key not in listing  # only prefixes are shown

    assert _ok(cli("keys", "revoke", "--org", "acme", live_key[:12])) == (
        f"key {live_key[:12]} revoked"
    )
    with pytest.raises(Unauthenticated):
        accounts.authenticate_key(ctx.db, live_key)
    assert accounts.authenticate_key(ctx.db, test_key).username == "alice"
    with ctx.db.read() as conn:
        rows = accounts_repo.list_api_keys(
            conn, organization_id=_scope(ctx, "acme").organization_id
        )
    assert [(r.prefix, r.revoked_at is not None) for r in rows] == [
        (live_key[:12], True),
        (test_key[:12], False),
    ]
    assert "no active key" in _failed(cli("keys", "revoke", "--org", "acme", live_key[:12]))

    assert "organization 'nowhere' not found" in _failed(
        cli("users", "create", "bob", "--org", "nowhere", "--password", "long enough")
    )


def _pets(ctx: Context) -> Scope:
    make_tenant(ctx, "acme")
    scope = _scope(ctx, "acme")
    projects.create_project(
        ctx.db,
        scope=scope,
        name="pets",
        task_type="categorization",
        params={"categories": ["cat", "dog"]},
    )
    return scope


def test_import_jsonl(cli: Run, ctx: Context, tmp_path: Path) -> None:
    _pets(ctx)
    path = tmp_path / "tasks.jsonl"
    path.write_text(
        json.dumps({"attachment": "https://example.com/1.jpg", "metadata": {"i": 1}})
        + "\n\n"
        + json.dumps(
            {
                "attachment": "https://example.com/2.jpg",
                "categories": ["red", "blue"],
                "tags": ["x"],
                "unique_id": "two",
            }
        )
        + "\n"
    )
    out = _ok(cli("import", str(path), "--org", "acme", "--project", "pets"))
    assert out.endswith("imported 2 task(s) into pets")
    one, two = _tasks(ctx, "acme")
    assert (one["params"]["attachment"], one["params"]["categories"], one["metadata"]) == (
        "https://example.com/1.jpg",
        ["cat", "dog"],
        {"i": 1},
    )
    assert (two["params"]["categories"], two["tags"], two["unique_id"]) == (
        ["red", "blue"],
        ["x"],
        "two",
    )
    assert one["status"] == two["status"] == "pending"
    assert one["project"] == "pets"


def test_import_csv_parses_json_cells(cli: Run, ctx: Context, tmp_path: Path) -> None:
    scope = _pets(ctx)
    batches.create_batch(
        ctx.db, ctx.guard, scope=scope, project="pets", name="b1", callback=None, metadata=None
    )
    path = tmp_path / "tasks.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["attachment", "categories", "metadata", "unique_id", "instruction"])
        w.writerow(["https://example.com/3.jpg", '["a", "b"]', '{"k": [1, 2]}', "c1", "Pick"])
        w.writerow(["https://example.com/4.jpg", "", "", "", "[not json"])
    out = _ok(cli("import", str(path), "--org", "acme", "--project", "pets", "--batch", "b1"))
    assert out.endswith("imported 2 task(s) into pets")
    first, second = _tasks(ctx, "acme", batch="b1")
    assert (first["params"]["categories"], first["metadata"], first["unique_id"]) == (
        ["a", "b"],
        {"k": [1, 2]},
        "c1",
    )
    assert first["instruction"] == "Pick"
    # Empty cells are absent keys (project defaults apply); text that is not JSON stays text.
    assert (second["params"]["categories"], second["metadata"], second["instruction"]) == (
        ["cat", "dog"],
        {},
        "[not json",
    )
    assert "unique_id" not in second
    assert first["batch"] == second["batch"] == "b1"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        (
            "bad.jsonl",
            '{"attachment": "https://x/1.jpg"}\n{"categories": ["a"]}\n',
            "line 2: attachment: field required",
        ),
        (
            "bad.jsonl",
            '{"attachment": "https://x/1.jpg"}\n\n{"attachment": \n',
            "line 3: not valid JSON",
        ),
        (
            "bad.jsonl",
            '{"attachment": "https://x/1.jpg"}\n[1, 2]\n',
            "line 2: each line must be a JSON object",
        ),
        (
            "bad.csv",
            'attachment,priority\nhttps://x/1.jpg,1\nhttps://x/2.jpg,"[1]"\n',
            "line 3: priority: Input should be a valid integer",
        ),
    ],
)
def test_import_with_a_bad_line_writes_nothing(
    cli: Run, ctx: Context, tmp_path: Path, name: str, content: str, error: str
) -> None:
    _pets(ctx)
    path = tmp_path / name
    path.write_text(content)
    assert error in _failed(cli("import", str(path), "--org", "acme", "--project", "pets"))
    assert _tasks(ctx, "acme") == []


def test_export_writes_tasks_with_responses(cli: Run, ctx: Context, tmp_path: Path) -> None:
    scope = _pets(ctx)
    tenant_key = accounts.create_api_key(
        ctx.db,
        organization="acme",
        username="acme-annotator",
        environment=accounts.Environment.LIVE,
    ).key
    annotator = accounts.authenticate_key(ctx.db, tenant_key)
    ids = tasks_service.create_tasks(
        ctx,
        scope=scope,
        items=[
            ("categorization", {"project": "pets", "attachment": f"https://x/{i}.jpg"})
            for i in range(3)
        ],
    )
    for answer in ("cat", "dog"):
        a = queue.lease_next(ctx, principal=annotator, project="pets")
        assert a is not None
        queue.submit(
            ctx,
            principal=annotator,
            assignment_id=a["id"],
            token=a["lease_token"],
            response={"category": answer},
        )

    out = tmp_path / "all.jsonl"
    assert "exported 3 task(s) to" in _ok(cli("export", "--org", "acme", "-o", str(out)))
    docs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [d["task_id"] for d in docs] == ids
    assert [d.get("response") for d in docs] == [{"category": "cat"}, {"category": "dog"}, None]
    assert [d["status"] for d in docs] == ["completed", "completed", "pending"]

    done = tmp_path / "done.jsonl"
    _ok(
        cli(
            "export", "--org", "acme", "-o", str(done), "--project", "pets", "--status", "completed"
        )
    )
    docs = [json.loads(line) for line in done.read_text().splitlines()]
    assert [(d["task_id"], d["response"]) for d in docs] == [
        (ids[0], {"category": "cat"}),
        (ids[1], {"category": "dog"}),
    ]

    assert "organization 'nowhere' not found" in _failed(
        cli("export", "--org", "nowhere", "-o", str(tmp_path / "x.jsonl"))
    )


def test_migrate_a_fresh_sqlite_file(tmp_path: Path) -> None:
    data = tmp_path / "fresh"
    run = _runner({"ASSAY_ENV": "dev", "ASSAY_DATA_DIR": str(data), "ASSAY_DATABASE_URL": None})
    url = f"sqlite:///{data / 'assay.db'}"
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()

    def state() -> tuple[set[str], list[str]]:
        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                names = set(inspect(conn).get_table_names())
                version = [
                    r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))
                ]
        finally:
            engine.dispose()
        return names, version

    assert not data.exists()
    assert "database at head" in _ok(run("migrate"))
    names, version = state()
    assert {"organizations", "projects", "tasks", "assignments", "jobs"} <= names
    assert version == [head]
    _ok(run("migrate"))  # again: nothing to do
    assert state() == (names, [head])

    _ok(run("migrate", "base", "--downgrade"))
    assert state() == ({"alembic_version"}, [])
    _ok(run("migrate"))
    assert state() == (names, [head])


def _demo_counts(ctx: Context) -> tuple[list[str], int, int]:
    scope = _scope(ctx, "demo")
    with ctx.db.read() as conn:
        n_tasks = conn.execute(
            select(func.count())
            .select_from(tasks)
            .where(tasks.c.organization_id == scope.organization_id, tasks.c.purpose == "work")
        ).scalar_one()
        n_files = conn.execute(select(func.count()).select_from(files)).scalar_one()
    names = sorted(p["name"] for p in projects.list_projects(ctx.db, scope=scope))
    return names, n_tasks, n_files


def _demo_keys(output: str) -> dict[str, str]:
    found = dict(re.findall(r"(requester|annotator) key: (\S+)", output))
    assert set(found) == {"requester", "annotator"}, output
    return found


def test_demo_loads_real_content_once(cli: Run, ctx: Context) -> None:
    out = _ok(cli("demo", "--no-serve"))
    keys = _demo_keys(out)
    assert accounts.authenticate_key(ctx.db, keys["requester"]).role is Role.ADMIN
    assert accounts.authenticate_key(ctx.db, keys["annotator"]).role is Role.ANNOTATOR
    assert 'api_instance_url="http://testserver/v1"' in out
    for username, role in demo.USERS.items():  # web app logins, printed with their passwords
        assert f"{username} {role.value} password: {demo.password_of(username)}" in out
        login = accounts.authenticate_password(
            ctx.db, username=username, password=demo.password_of(username)
        )
        assert login.role is role

    names, n_tasks, n_files = _demo_counts(ctx)
    assert names == [
        "demo-boxes",
        "demo-categories",
        "demo-entities",
        "demo-preference",
        "demo-survey",
    ]
    assert (n_tasks, n_files) == (23, 6)  # 6 images x 3 projects, 3 sentences, 2 pairs
    # The categories project qualifies newcomers with two training tasks and hides two gold.
    scope = _scope(ctx, "demo")
    with ctx.db.read() as conn:
        purposes = sorted(
            conn.execute(
                select(tasks.c.purpose).where(
                    tasks.c.organization_id == scope.organization_id, tasks.c.purpose != "work"
                )
            ).scalars()
        )
    assert purposes == ["gold", "gold", "training", "training"]
    quality = projects.get_project(ctx.db, scope=scope, name="demo-categories")["quality"]
    assert (quality["qualification_tasks"], quality["gold_rate"]) == (2, 0.2)
    with ctx.db.read() as conn:
        stored = list(conn.execute(select(files)))
    for row in stored:
        data = b"".join(ctx.media.iter_bytes(row.storage_key))
        assert (len(data), row.content_type) == (row.size_bytes, "image/png")
        image = iio.imread(io.BytesIO(data), extension=".png")
        assert min(image.shape[:2]) >= 200, (row.filename, image.shape)
    boxes = _tasks(ctx, "demo", project="demo-boxes")
    assert sorted(t["metadata"]["source"] for t in boxes) == sorted(
        f"skimage.data.{n}" for n in ("astronaut", "chelsea", "coffee", "rocket", "camera", "coins")
    )
    assert {t["params"]["attachment"].rsplit("/", 1)[1] for t in boxes} == {r.id for r in stored}

    again = _demo_keys(_ok(cli("demo", "--no-serve")))
    assert again != keys  # fresh keys each run...
    assert accounts.authenticate_key(ctx.db, again["requester"]).username == "demo-admin"
    assert _demo_counts(ctx) == (names, 23, 6)  # ...and the content only once
