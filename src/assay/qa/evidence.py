"""Turning answers into skill evidence: gold and training answers, reviews, and agreement
with the aggregate. Each runs in the transaction of the submit or review that caused it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row

from assay.qa.standing import ACTIVE, PAUSED, QUALIFYING, keep_accuracy, set_status, standing
from assay.quality.scoring import Score, score_response
from assay.quality.settings import QualitySettings
from assay.quality.skills import OVERALL
from assay.storage.repos import quality as repo
from assay.storage.repos import tasks as tasks_repo


def _nuances(score: Score, tags: Sequence[str]) -> dict[str, tuple[float, float]]:
    out = {OVERALL: (score.score, 1.0), **score.nuances}
    for tag in tags:
        out[f"tag:{tag}"] = (score.score, 1.0)
    return out


def _record(
    conn: Connection,
    task: Row[Any],
    annotator_id: int,
    source: str,
    score: Score,
    settings: QualitySettings,
    now: datetime,
) -> bool:
    correct = score.score >= settings.pass_score
    tags = tasks_repo.tags_for(conn, [task.id]).get(task.id, [])
    repo.record(
        conn,
        project_id=task.project_id,
        annotator_id=annotator_id,
        task_id=task.id,
        source=source,
        score=score.score,
        correct=correct,
        nuances=_nuances(score, tags),
        now=now,
    )
    keep_accuracy(conn, task.project_id, annotator_id)
    return correct


def answer_reference(
    conn: Connection,
    *,
    task: Row[Any],
    project: Row[Any],
    annotator_id: int,
    response: dict[str, Any],
    settings: QualitySettings,
    now: datetime,
) -> dict[str, Any] | None:
    """Score an answer to a gold or training task; for training, the feedback to show."""
    gold = repo.get_gold(conn, task.id)
    assert gold is not None  # tasks.purpose says it is one
    score = score_response(task.type, task.params, gold.expected_response, response)
    correct = _record(conn, task, annotator_id, gold.purpose, score, settings, now)
    row = standing(conn, project, annotator_id, settings, now)
    if gold.purpose == "gold":
        _maybe_pause(conn, row, settings, now)
        return None
    if row.status == QUALIFYING:
        _qualify(conn, row, settings, correct, now)
    return {
        "correct": correct,
        "score": round(score.score, 4),
        "expected_response": gold.expected_response,
        "your_response": response,
        "explanation": gold.explanation,
        "mistakes": list(score.mistakes),
    }


def _maybe_pause(conn: Connection, row: Row[Any], settings: QualitySettings, now: datetime) -> None:
    if row.status != ACTIVE or settings.pause_min_gold == 0:
        return
    n, correct = repo.gold_since(
        conn, project_id=row.project_id, annotator_id=row.annotator_id, since=row.changed_at
    )
    if n >= settings.pause_min_gold and correct / n < settings.pause_below:
        reason = (
            f"gold accuracy {correct} of {n} ({correct / n:.0%}) is below the project's bar "
            f"of {settings.pause_below:.0%}"
        )
        set_status(conn, row.project_id, row.annotator_id, PAUSED, reason, now)


def _qualify(
    conn: Connection, row: Row[Any], settings: QualitySettings, correct: bool, now: datetime
) -> None:
    answered, right = row.qual_answered + 1, row.qual_correct + int(correct)
    values: dict[str, Any] = {"qual_answered": answered, "qual_correct": right}
    if answered >= settings.qualification_tasks:
        if right / answered >= settings.qualification_pass:
            values.update(status=ACTIVE, status_reason=None, changed_at=now)
        else:  # another round, on training tasks not yet seen
            values.update(
                qual_answered=0,
                qual_correct=0,
                status_reason=f"last qualification round: {right} of {answered} correct",
            )
    repo.update_standing(
        conn, project_id=row.project_id, annotator_id=row.annotator_id, values=values
    )


def agreement(
    conn: Connection,
    *,
    task: Row[Any],
    final: dict[str, Any],
    judged: Sequence[Row[Any]],
    settings: QualitySettings,
    now: datetime,
) -> None:
    """Each judgment against the aggregate it helped make (only with several judgments)."""
    if len(judged) < 2:
        return
    for j in judged:
        if j.annotator_id is not None:
            score = score_response(task.type, task.params, final, j.response)
            _record(conn, task, j.annotator_id, "agreement", score, settings, now)


def review(
    conn: Connection,
    *,
    task: Row[Any],
    action: str,
    final: dict[str, Any] | None,
    judged: Sequence[Row[Any]],
    settings: QualitySettings,
    now: datetime,
) -> None:
    """A reviewer's verdict on each labeler: their judgment against what the reviewer
    accepted or fixed it to; a reject is a miss on the task as a whole."""
    for j in judged:
        if j.annotator_id is None:
            continue
        if action == "reject" or final is None:
            score = Score(score=0.0, nuances={}, mistakes=())
        else:
            score = score_response(task.type, task.params, final, j.response)
        _record(conn, task, j.annotator_id, "review", score, settings, now)
