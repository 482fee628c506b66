"""An annotator's standing in a project: qualifying, active or paused, and why."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from assay.quality.settings import QualitySettings, parse
from assay.quality.skills import OVERALL, Estimate, Evidence, combine, overall_accuracy
from assay.storage.repos import quality as repo

QUALIFYING, ACTIVE, PAUSED = "qualifying", "active", "paused"


def settings_of(project: Row[Any]) -> QualitySettings:
    return parse(project.quality)


def standing(
    conn: Connection, project: Row[Any], annotator_id: int, settings: QualitySettings, now: datetime
) -> Row[Any]:
    """The annotator's row, created on first contact: qualifying when the project asks for a
    qualification, else active. A project that stops asking lets its qualifiers through."""
    first = QUALIFYING if settings.qualification_tasks > 0 else ACTIVE
    row = repo.ensure_standing(
        conn, project_id=project.id, annotator_id=annotator_id, status=first, now=now
    )
    if row.status == QUALIFYING and settings.qualification_tasks == 0:
        set_status(conn, project.id, annotator_id, ACTIVE, None, now)
        row = repo.ensure_standing(
            conn, project_id=project.id, annotator_id=annotator_id, status=first, now=now
        )
    return row


def set_status(
    conn: Connection, project_id: int, annotator_id: int, status: str, reason: str | None, now: Any
) -> None:
    # A new status starts a new count: pausing looks only at gold answered since.
    repo.update_standing(
        conn,
        project_id=project_id,
        annotator_id=annotator_id,
        values={"status": status, "status_reason": reason, "changed_at": now},
    )


def skills_by_annotator(
    conn: Connection, project_id: int, annotator_ids: list[int] | None = None
) -> dict[int, list[Evidence]]:
    out: dict[int, list[Evidence]] = defaultdict(list)
    for r in repo.skill_sums(conn, project_id=project_id, annotator_ids=annotator_ids):
        out[r.annotator_id].append(Evidence(r.nuance, r.source, r.credit, r.weight))
    return out


def accuracy_of(conn: Connection, project_id: int, annotator_id: int | None) -> float:
    """The annotator's overall accuracy as the consensus and routing use it, from the
    evidence itself."""
    if annotator_id is None:
        return overall_accuracy(())
    rows = repo.skill_sums(
        conn, project_id=project_id, annotator_ids=[annotator_id], nuance=OVERALL
    )
    return overall_accuracy(Evidence(r.nuance, r.source, r.credit, r.weight) for r in rows)


def keep_accuracy(conn: Connection, project_id: int, annotator_id: int) -> None:
    """Refresh the accuracy kept on the annotator's row after new evidence."""
    repo.update_standing(
        conn,
        project_id=project_id,
        annotator_id=annotator_id,
        values={"accuracy": accuracy_of(conn, project_id, annotator_id)},
    )


def accuracies_of(
    conn: Connection, project_id: int, annotator_ids: list[int | None]
) -> list[float]:
    """Each annotator's accuracy: the one kept on their row (none kept: no evidence yet, the
    prior), else (no row) worked out from the evidence."""
    known = [a for a in annotator_ids if a is not None]
    kept = repo.kept_accuracies(conn, project_id=project_id, annotator_ids=known) if known else {}
    return [
        kept_or_prior(kept[a]) if a in kept else accuracy_of(conn, project_id, a)
        for a in annotator_ids
    ]


def kept_or_prior(kept: float | None) -> float:
    return overall_accuracy(()) if kept is None else kept


def skills_of(conn: Connection, project_id: int, annotator_id: int) -> dict[str, Estimate]:
    return combine(skills_by_annotator(conn, project_id, [annotator_id]).get(annotator_id, []))


def qualification_json(row: Row[Any] | None, settings: QualitySettings) -> dict[str, Any] | None:
    """The qualification round in progress (a newcomer's: not started), or None."""
    if settings.qualification_tasks == 0 or (row is not None and row.status != QUALIFYING):
        return None
    return {
        "required": settings.qualification_tasks,
        "answered": row.qual_answered if row is not None else 0,
        "correct": row.qual_correct if row is not None else 0,
        "pass": settings.qualification_pass,
    }


def describe(row: Row[Any] | None, settings: QualitySettings) -> dict[str, Any]:
    """Where the annotator stands, before their first lease (no row yet) too."""
    if row is None:
        status = QUALIFYING if settings.qualification_tasks > 0 else ACTIVE
        reason = None
    else:
        status, reason = row.status, row.status_reason
    return {
        "status": status,
        "status_reason": reason,
        "qualification": qualification_json(row, settings),
    }
