"""quality: gold tasks and annotator skills

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 16:32:52.550449
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import assay.storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annotator_skills",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("nuance", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("credit", sa.Float(), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("updated_at", assay.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["users.id"],
            name=op.f("fk_annotator_skills_annotator_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_annotator_skills_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "annotator_id", "nuance", "source", name=op.f("pk_annotator_skills")
        ),
    )
    op.create_table(
        "project_annotators",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("changed_at", assay.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("judgments", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("since_training", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("qual_answered", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("qual_correct", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("accuracy", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["users.id"],
            name=op.f("fk_project_annotators_annotator_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_annotators_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "annotator_id", name=op.f("pk_project_annotators")),
    )
    with op.batch_alter_table("project_annotators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_annotators_annotator_id"), ["annotator_id"], unique=False
        )

    op.create_table(
        "gold_tasks",
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column(
            "expected_response",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column(
            "nuances",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active", sa.Boolean(), server_default=sa.text("(true)"), nullable=False),
        sa.Column("created_at", assay.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", assay.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_gold_tasks_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_gold_tasks_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_gold_tasks")),
    )
    with op.batch_alter_table("gold_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gold_tasks_project_id_purpose_active"),
            ["project_id", "purpose", "active"],
            unique=False,
        )

    op.create_table(
        "skill_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.String(length=24), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column(
            "nuances",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", assay.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["users.id"],
            name=op.f("fk_skill_events_annotator_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_skill_events_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["tasks.id"],
            name=op.f("fk_skill_events_task_id_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_events")),
    )
    with op.batch_alter_table("skill_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skill_events_project_id_annotator_id_source_created_at"),
            ["project_id", "annotator_id", "source", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_skill_events_project_id_source_created_at"),
            ["project_id", "source", "created_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_skill_events_task_id"), ["task_id"], unique=False)

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_accuracy", sa.Float(), nullable=True))

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "quality",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )

    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="work", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_tasks_project_id_confidence"), ["project_id", "confidence"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_project_id_confidence"))
        batch_op.drop_column("purpose")
        batch_op.drop_column("confidence")

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("quality")

    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_column("min_accuracy")

    with op.batch_alter_table("skill_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_events_task_id"))
        batch_op.drop_index(batch_op.f("ix_skill_events_project_id_source_created_at"))
        batch_op.drop_index(batch_op.f("ix_skill_events_project_id_annotator_id_source_created_at"))

    op.drop_table("skill_events")
    with op.batch_alter_table("gold_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gold_tasks_project_id_purpose_active"))

    op.drop_table("gold_tasks")
    with op.batch_alter_table("project_annotators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_annotators_annotator_id"))

    op.drop_table("project_annotators")
    op.drop_table("annotator_skills")
