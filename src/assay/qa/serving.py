"""What a lease serves besides the queue's next assignment: the qualification course, hidden
gold tasks at the project's rate, and training on the nuances an annotator is weak at."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from assay.errors import AnnotatorPaused, Conflict
from assay.qa.standing import PAUSED, QUALIFYING, accuracies_of, set_status, skills_of, standing
from assay.quality.settings import QualitySettings
from assay.quality.skills import weak_nuances
from assay.storage.repos import quality as repo
from assay.storage.repos import queue as queue_repo

_rng = random.SystemRandom()


def pick(
    conn: Connection,
    *,
    project: Row[Any],
    stage: str,
    annotator_id: int,
    settings: QualitySettings,
    now: datetime,
    chance: float | None = None,
) -> str | None:
    """The gold or training task to serve instead of queue work, or None for queue work.

    Raises ``AnnotatorPaused`` for a paused annotator (and for one who has used up every
    training task without qualifying)."""
    row = standing(conn, project, annotator_id, settings, now)
    if row.status == PAUSED:
        raise AnnotatorPaused(
            f"you are paused in project {project.name!r}"
            + (f": {row.status_reason}" if row.status_reason else "")
            + "; an ops lead can resume you"
        )
    if row.status == QUALIFYING:
        return _qualification(conn, project, annotator_id, row, now)
    roll = _rng.random() if chance is None else chance
    # Gold only when real work is there for this annotator: a lease that finds nothing real
    # finds no gold either, so an empty queue never gives a gold task away.
    if roll < settings.gold_rate and queue_repo.work_waiting_for(
        conn,
        project_id=project.id,
        stage=stage,
        excluded_stage=stage,
        annotator_id=annotator_id,
        now=now,
        accuracy=routing_accuracy(conn, project.id, annotator_id)
        if settings.hard_min_accuracy is not None
        else 1.0,
    ):
        found = repo.unanswered(
            conn, project_id=project.id, purpose="gold", annotator_id=annotator_id
        )
        if found:
            return str(_rng.choice(found).task_id)
    if row.since_training >= settings.training_every:
        return _training(conn, project, annotator_id, settings)
    return None


def _qualification(
    conn: Connection, project: Row[Any], annotator_id: int, row: Row[Any], now: datetime
) -> str:
    found = repo.unanswered(
        conn, project_id=project.id, purpose="training", annotator_id=annotator_id, limit=1
    )
    if found:
        return str(found[0].task_id)  # the course runs in the order it was written
    if not repo.list_gold(conn, project_id=project.id, purpose="training", include_inactive=False):
        raise Conflict(
            f"project {project.name!r} requires a qualification but has no training tasks "
            "yet; ask an ops lead to add some"
        )
    reason = "answered every training task without passing the qualification"
    if row.status_reason:
        reason += f" ({row.status_reason})"
    set_status(conn, project.id, annotator_id, PAUSED, reason, now)
    raise AnnotatorPaused(f"you are paused in project {project.name!r}: {reason}")


def _training(
    conn: Connection, project: Row[Any], annotator_id: int, settings: QualitySettings
) -> str | None:
    weak = weak_nuances(
        skills_of(conn, project.id, annotator_id),
        below=settings.weak_below,
        min_evidence=settings.weak_min_evidence,
    )
    if not weak:
        return None
    found = repo.unanswered(
        conn, project_id=project.id, purpose="training", annotator_id=annotator_id
    )
    # The weakest nuance first: the first training task that exercises it.
    for nuance in weak:
        for t in found:
            if nuance in (t.nuances or ()):
                repo.update_standing(
                    conn,
                    project_id=project.id,
                    annotator_id=annotator_id,
                    values={"since_training": 0},
                )
                return str(t.task_id)
    return None


def routing_accuracy(conn: Connection, project_id: int, annotator_id: int) -> float:
    """The accuracy that decides whether the annotator may take hard (disputed) work."""
    (found,) = accuracies_of(conn, project_id, [annotator_id])
    return found
