"""THE schema: every table Assay stores, in one place.

Core tables (no ORM identity map): services run explicit statements, which keeps hot paths
(claiming work, creating tasks) predictable on both SQLite and PostgreSQL. Alembic
migrations are generated from this metadata and checked against it in the tests.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from assay.storage.types import JSONType, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_false = text("false")

# --- Tenancy and auth ---------------------------------------------------------------------

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    # Signs callbacks (Standard Webhooks HMAC-SHA256); "whsec_" + base64.
    Column("webhook_secret", String(100), nullable=False),
    # Sent verbatim as Scale's ``scale-callback-auth`` header.
    Column("callback_auth_key", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(150), nullable=False, unique=True),
    Column("email", String(320)),
    Column("password_hash", String(255)),
    Column("is_active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("role", String(20), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("organization_id", "user_id"),
    Index(None, "user_id"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("environment", String(8), nullable=False),  # live | test
    Column("name", String(200), nullable=False, server_default=""),
    # The first characters of the key, shown in listings; the key itself is never stored.
    Column("prefix", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Index(None, "organization_id"),
)

# --- Projects, batches, tasks ---------------------------------------------------------------

projects = Table(
    "projects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("name", String(255), nullable=False),
    Column("type", String(64), nullable=False),
    Column("params", JSONType, nullable=False),
    # Gold rate, pause bar, qualification, training (``assay.quality.settings``); NULL = defaults.
    Column("quality", JSONType),
    # [{"version", "params", "instruction", "created_at"}]: every setParams appends one.
    Column("param_history", JSONType, nullable=False),
    # [{"name", "kind", "judgments"}]: the human stages tasks go through.
    Column("workflow", JSONType, nullable=False),
    Column("archived", Boolean, nullable=False, server_default=_false),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("organization_id", "is_test", "name"),
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("status", String(16), nullable=False),  # staging | in_progress | completed
    Column("callback_url", Text),
    Column("metadata", JSONType, nullable=False),
    Column("calibration_batch", Boolean, nullable=False, server_default=_false),
    Column("self_label_batch", Boolean, nullable=False, server_default=_false),
    Column("archived", Boolean, nullable=False, server_default=_false),
    Column("callback_succeeded", Boolean),
    Column("created_at", UTCDateTime, nullable=False),
    Column("finalized_at", UTCDateTime),
    Column("completed_at", UTCDateTime),
    UniqueConstraint("organization_id", "is_test", "name"),
    Index(None, "project_id", "id"),
    Index(None, "organization_id", "is_test", "id"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", String(24), primary_key=True),  # time-ordered: paging follows creation
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("batch_id", ForeignKey("batches.id", ondelete="SET NULL")),
    Column("type", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # pending | completed | canceled | error
    Column("params", JSONType, nullable=False),
    Column("instruction", Text),
    Column("callback_url", Text),
    Column("metadata", JSONType, nullable=False),
    Column("unique_id", String(255)),
    Column("priority", Integer, nullable=False, server_default=text("0")),
    Column("response", JSONType),
    # The delivered answer's posterior when several judgments were aggregated.
    Column("confidence", Float),
    # work | gold | training: gold and training tasks are served to annotators but never
    # delivered, listed with the requester's tasks or completed.
    Column("purpose", String(16), nullable=False, server_default="work"),
    Column("customer_review_status", String(16)),
    Column("callback_succeeded", Boolean),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    # NULLs are distinct on both databases, so only set unique_ids collide.
    UniqueConstraint("organization_id", "is_test", "unique_id"),
    Index(None, "organization_id", "is_test", "id"),
    Index(None, "project_id", "status", "id"),
    Index(None, "project_id", "id"),
    Index(None, "batch_id", "status", "id"),
    Index(None, "batch_id", "id"),
    Index(None, "organization_id", "is_test", "status", "id"),
    Index(None, "organization_id", "is_test", "completed_at"),
    Index(None, "organization_id", "is_test", "updated_at"),
    Index(None, "project_id", "confidence"),
)

task_tags = Table(
    "task_tags",
    metadata,
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", String(255), primary_key=True),
    Index(None, "tag", "task_id"),
)

task_audits = Table(
    "task_audits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("source", String(16), nullable=False),  # customer | reviewer
    Column("accepted", Boolean, nullable=False),
    Column("comments", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "task_id"),
)

files = Table(
    "files",
    metadata,
    Column("id", String(24), primary_key=True),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("is_test", Boolean, nullable=False),
    Column("storage_key", Text, nullable=False),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size_bytes", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source_url", Text),
    Column("display_name", String(255)),
    Column("reference_id", String(255)),
    Column("project_name", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "organization_id", "is_test", "id"),
)

# --- Human work ---------------------------------------------------------------------------

assignments = Table(
    "assignments",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("stage", String(32), nullable=False),
    # held (batch in staging) | open (in the queue; leased while lease_expires_at > now)
    # | submitted | canceled. A lease is not a status: an expired one needs no sweeper.
    Column("status", String(16), nullable=False),
    Column("priority", Integer, nullable=False, server_default=text("0")),
    Column("annotator_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("lease_token", String(64)),
    Column("lease_expires_at", UTCDateTime),
    Column("leased_at", UTCDateTime),
    Column("lease_count", Integer, nullable=False, server_default=text("0")),
    # Work sent back by a reviewer goes to the annotator who did it, and to nobody else.
    Column("reserved_for", ForeignKey("users.id", ondelete="SET NULL")),
    # The client's Idempotency-Key of the submit that closed this assignment: a retry of that
    # submit (after a dropped connection) is answered as a success instead of a conflict.
    Column("submit_key", String(128)),
    # Routing: only annotators at least this accurate may take it (extra judgments of a
    # disputed task go to strong annotators).
    Column("min_accuracy", Float),
    Column("created_at", UTCDateTime, nullable=False),
    Column("completed_at", UTCDateTime),
    # "Has this annotator already got this task?" (a claim asks it of each candidate).
    Index(None, "task_id", "annotator_id"),
    Index(None, "annotator_id", "status"),
)

# The claim reads this index in queue order (priority high to low, then oldest first), so it
# stops at the first free row instead of sorting the project's whole queue.
Index(
    "ix_assignments_claim",
    assignments.c.project_id,
    assignments.c.stage,
    assignments.c.status,
    assignments.c.priority.desc(),
    assignments.c.id,
)

assignment_skips = Table(
    "assignment_skips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "assignment_id", "annotator_id"),
)

judgments = Table(
    "judgments",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="SET NULL")),
    Column("stage", String(32), nullable=False),
    Column("source", String(16), nullable=False),  # human | model
    Column("annotator_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("response", JSONType, nullable=False),
    Column("time_spent_ms", Integer),
    # Set when a reviewer rejects the judgment: it stays for the record, but no longer counts.
    Column("superseded_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "task_id", "annotator_id"),
    Index(None, "annotator_id", "created_at"),
    Index(None, "annotator_id", "task_id"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("assignment_id", ForeignKey("assignments.id", ondelete="SET NULL")),
    Column("reviewer_id", ForeignKey("users.id", ondelete="SET NULL")),
    Column("action", String(8), nullable=False),  # accept | fix | reject
    Column("comment", Text),
    Column("original", JSONType, nullable=False),  # the response as the reviewer found it
    Column("response", JSONType),  # the reviewer's fixed response (fix only)
    Column("diff", JSONType),  # original -> fixed, as a list of changes (fix only)
    # The labelers whose work was reviewed (a reject sends it back to each of them).
    Column("labeler_ids", JSONType, nullable=False),
    Column("time_spent_ms", Integer),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "task_id"),
    Index(None, "reviewer_id", "created_at"),
)

# --- Quality: gold and training tasks, annotator skills ----------------------------------

gold_tasks = Table(
    "gold_tasks",
    metadata,
    # The task row holds type, params and instruction, so the queue serves it like any other.
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("purpose", String(16), nullable=False),  # gold | training
    Column("expected_response", JSONType, nullable=False),
    Column("explanation", Text),
    Column("nuances", JSONType, nullable=False),  # what it exercises, for training choice
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "project_id", "purpose", "active"),
)

skill_events = Table(
    "skill_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("annotator_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("source", String(16), nullable=False),  # gold | training | review | agreement
    Column("score", Float, nullable=False),
    Column("correct", Boolean, nullable=False),
    # {nuance: [credit, weight]}: what was added to annotator_skills.
    Column("nuances", JSONType, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "project_id", "annotator_id", "source", "created_at"),
    Index(None, "project_id", "source", "created_at"),
    Index(None, "task_id"),
)

# Running sums of skill_events per nuance and source: the Beta posterior's counts.
annotator_skills = Table(
    "annotator_skills",
    metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("annotator_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("nuance", String(255), primary_key=True),
    Column("source", String(16), primary_key=True),
    Column("credit", Float, nullable=False),
    Column("weight", Float, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

project_annotators = Table(
    "project_annotators",
    metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("annotator_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("status", String(16), nullable=False),  # qualifying | active | paused
    Column("status_reason", Text),
    Column("changed_at", UTCDateTime, nullable=False),
    Column("judgments", Integer, nullable=False, server_default=text("0")),  # real work done
    # Real judgments since the last training task served: training is rationed by it.
    Column("since_training", Integer, nullable=False, server_default=text("0")),
    # The current qualification round: training answers and how many were correct.
    Column("qual_answered", Integer, nullable=False, server_default=text("0")),
    Column("qual_correct", Integer, nullable=False, server_default=text("0")),
    # The overall accuracy consensus and routing use (``quality.skills.overall_accuracy``),
    # kept current as evidence arrives so that a submit reads it with the update it makes.
    Column("accuracy", Float),
    Index(None, "annotator_id"),
)

# --- Web sessions ---------------------------------------------------------------------------

web_sessions = Table(
    "web_sessions",
    metadata,
    # sha256 of the cookie's random token: a leaked table cannot be replayed as cookies.
    Column("id", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False),
    Column("is_test", Boolean, nullable=False, server_default=_false),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
)

# --- Background work ------------------------------------------------------------------------

jobs = Table(
    "jobs",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("kind", String(64), nullable=False),
    Column("organization_id", ForeignKey("organizations.id", ondelete="CASCADE")),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE")),
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE")),
    Column("payload", JSONType, nullable=False),
    # pending (claimable once run_at has passed; a claim pushes run_at out by the lease,
    # so a crashed worker's job comes back by itself) | done | dead
    Column("status", String(16), nullable=False),
    Column("run_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("deadline_at", UTCDateTime),
    Column("locked_by", String(64)),
    Column("last_error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_jobs_claim", "status", "run_at"),
    Index(None, "task_id"),
)

callback_attempts = Table(
    "callback_attempts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("job_id", ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False),
    Column("task_id", ForeignKey("tasks.id", ondelete="CASCADE")),
    Column("batch_id", ForeignKey("batches.id", ondelete="CASCADE")),
    Column("url", Text, nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("status_code", Integer),
    Column("error", Text),
    Column("duration_ms", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Index(None, "task_id"),
    Index(None, "batch_id"),
)

__all__ = [
    "annotator_skills",
    "api_keys",
    "assignment_skips",
    "assignments",
    "batches",
    "callback_attempts",
    "files",
    "gold_tasks",
    "jobs",
    "judgments",
    "memberships",
    "metadata",
    "organizations",
    "project_annotators",
    "projects",
    "reviews",
    "skill_events",
    "task_audits",
    "task_tags",
    "tasks",
    "users",
    "web_sessions",
]
