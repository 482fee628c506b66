"""Work-queue use-cases: my queue, lease the next assignment, heartbeat, submit, skip, release.

Every state change is guarded by the lease in the same UPDATE that makes it, so a stale
client (expired lease, someone else's token) changes nothing and gets a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, Row

from assay import clock
from assay.accounts.model import Principal
from assay.batches import service as batches_service
from assay.context import Context
from assay.errors import AnnotatorPaused, Conflict, Invalid, LeaseExpired, NotFound
from assay.projects import service as projects_service
from assay.qa import evidence, serving
from assay.qa.standing import (
    accuracies_of,
    accuracy_of,
    describe,
    kept_or_prior,
    settings_of,
)
from assay.quality.consensus import agree, posterior, similarity_matrix
from assay.quality.settings import QualitySettings, parse
from assay.queue.policy import (
    REWORK_PRIORITY_BOOST,
    check_may_review,
    is_live,
    new_lease_token,
)
from assay.queue.workflow import Workflow, judgments_for
from assay.storage.repos import jobs as jobs_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import quality as quality_repo
from assay.storage.repos import queue as repo
from assay.storage.repos import tasks as tasks_repo
from assay.tasks.diff import json_diff
from assay.tasks.model import TaskStatus
from assay.tasks.types import get_type
from assay.tasks.wire import iso


def _assignment_json(
    conn: Connection, row: Row[Any], task: Row[Any], project: Row[Any], *, token: bool
) -> dict[str, Any]:
    workflow = Workflow.from_json(project.workflow)
    kind = _stage_kind(workflow, row.stage)
    examples = project.params.get("examples") if isinstance(project.params, dict) else None
    out: dict[str, Any] = {
        "id": row.id,
        "project": project.name,
        "stage": row.stage,
        "kind": kind,
        "status": row.status,
        "lease_expires_at": iso(row.lease_expires_at),
        "leased_at": iso(row.leased_at),
        # What the annotator sees of the task: never metadata, callback or unique_id, so
        # that hidden gold tasks look like any other.
        "task": {
            "task_id": task.id,
            "type": task.type,
            "params": task.params,
            "instruction": task.instruction,
        },
        "instructions": {"text": task.instruction, "examples": examples or []},
    }
    if task.purpose == "training":  # training is open about itself; gold never is
        out["training"] = True
    if kind == "review":
        label_stage = workflow.first.name
        judged = repo.stage_judgments(conn, task_id=task.id, stage=label_stage)
        out["review"] = {
            "response": get_type(task.type).combine([j.response for j in judged])
            if judged
            else None,
            "judgments": [
                {
                    "id": j.id,
                    "annotator": j.username,
                    "response": j.response,
                    "time_spent_ms": j.time_spent_ms,
                }
                for j in judged
            ],
        }
    elif row.reserved_for is not None:
        found = repo.rework_feedback(conn, task_id=task.id, annotator_id=row.reserved_for)
        if found is not None:
            review, own = found
            out["feedback"] = {
                "comment": review.comment,
                "reviewer": review.username,
                "response": own if own is not None else review.original,
                "created_at": iso(review.created_at),
            }
    if token:
        out["lease_token"] = row.lease_token
    return out


def _stage_kind(workflow: Workflow, stage: str) -> str:
    try:
        return workflow.stage(stage).kind
    except Invalid:  # the project's workflow changed since the assignment was made
        return "label"


def my_queue(ctx: Context, *, principal: Principal) -> list[dict[str, Any]]:
    now = clock.now()
    with ctx.db.read() as conn:
        projects = projects_repo.list_projects(conn, scope=principal.scope, include_archived=False)
        counts = repo.available_counts(
            conn, project_ids=[p.id for p in projects], user_id=principal.user_id, now=now
        )
        standings = {
            r.project_id: r
            for r in quality_repo.standings_of(
                conn, annotator_id=principal.user_id, project_ids=[p.id for p in projects]
            )
        }
    out = []
    for p in projects:
        stages = []
        for stage in Workflow.from_json(p.workflow).stages:
            c = counts.get((p.id, stage.name), {"available": 0, "leased": 0})
            stages.append({"stage": stage.name, "kind": stage.kind, **c})
        # The top-level counts are the first (label) stage's, as before review stages existed.
        out.append(
            {
                "project": p.name,
                "type": p.type,
                **stages[0],
                "stages": stages,
                **_standing(p, standings.get(p.id)),
            }
        )
        del out[-1]["stage"], out[-1]["kind"]
    return out


def _standing(project: Row[Any], row: Row[Any] | None) -> dict[str, Any]:
    found = describe(row, settings_of(project))
    return {"quality_status": found.pop("status"), **found}


def lease_next(
    ctx: Context,
    *,
    principal: Principal,
    project: str,
    stage: str | None = None,
    lease_seconds: float | None = None,
) -> dict[str, Any] | None:
    duration = ctx.lease.duration(lease_seconds)
    with ctx.db.write() as conn:
        # The clock is read once the write lock is held, so waiting for it does not shorten
        # the lease (or date it before the claim).
        now = clock.now()
        found = _lease(conn, principal, project, stage, now, now + duration)
    # Raised after the commit: a pause decided by this lease (qualification used up) stays.
    if isinstance(found, AnnotatorPaused):
        raise found
    return found


def _lease(
    conn: Connection,
    principal: Principal,
    project: str,
    stage: str | None,
    now: datetime,
    expires: datetime,
) -> dict[str, Any] | AnnotatorPaused | None:
    proj = projects_service.get_or_raise(conn, scope=principal.scope, name=project)
    workflow = Workflow.from_json(proj.workflow)
    at = workflow.stage(stage) if stage is not None else workflow.first
    if at.kind == "review":
        check_may_review(principal)
    settings = settings_of(proj)
    accuracy = 1.0
    if at.name == workflow.first.name:
        try:
            served = serving.pick(
                conn,
                project=proj,
                stage=at.name,
                annotator_id=principal.user_id,
                settings=settings,
                now=now,
            )
        except AnnotatorPaused as exc:
            return exc
        if served is not None:
            row = repo.insert_leased(
                conn,
                task_id=served,
                project_id=proj.id,
                stage=at.name,
                annotator_id=principal.user_id,
                now=now,
                expires_at=expires,
                token=new_lease_token(),
            )
            task = tasks_repo.get_task_by_id(conn, served)
            assert task is not None
            return _assignment_json(conn, row, task, proj, token=True)
        if settings.hard_min_accuracy is not None:
            accuracy = serving.routing_accuracy(conn, proj.id, principal.user_id)
    claimed = repo.claim(
        conn,
        project_id=proj.id,
        stage=at.name,
        # Review work excludes the task's labelers; label work, its earlier labelers.
        excluded_stage=workflow.first.name,
        annotator_id=principal.user_id,
        now=now,
        expires_at=expires,
        token=new_lease_token(),
        accuracy=accuracy,
    )
    if claimed is None:
        return None
    task = tasks_repo.get_task_by_id(conn, claimed.task_id)
    assert task is not None
    return _assignment_json(conn, claimed, task, proj, token=True)


def _held(conn: Connection, principal: Principal, assignment_id: int) -> Row[Any]:
    row = repo.get_assignment(conn, assignment_id)
    if row is None:
        raise NotFound(f"assignment {assignment_id} not found")
    task = tasks_repo.get_task(conn, scope=principal.scope, task_id=row.task_id)
    if task is None:  # another organization's or environment's assignment
        raise NotFound(f"assignment {assignment_id} not found")
    return row


def _refusal(row: Row[Any], principal: Principal) -> Exception:
    """Why a lease-guarded update matched nothing, in words the annotator can act on."""
    if row.status == "submitted":
        return Conflict("this assignment was already submitted")
    if row.status == "canceled":
        return Conflict("the task was canceled; its work is no longer needed")
    if row.annotator_id != principal.user_id:
        return LeaseExpired(
            "your lease on this assignment expired and it went to someone "
            "else; lease a new assignment"
        )
    if is_live(row.lease_expires_at, clock.now()):
        return LeaseExpired(
            "this lease token is not the current one for this assignment; use the token "
            "of your latest lease"
        )
    return LeaseExpired("your lease on this assignment has expired; lease it again to continue")


def get_assignment(ctx: Context, *, principal: Principal, assignment_id: int) -> dict[str, Any]:
    with ctx.db.read() as conn:
        row = _held(conn, principal, assignment_id)
        if row.annotator_id != principal.user_id:
            raise NotFound(f"assignment {assignment_id} not found")
        task = tasks_repo.get_task_by_id(conn, row.task_id)
        assert task is not None  # assignments.task_id is a foreign key
        proj = repo.project_of(conn, row.project_id)
        return _assignment_json(conn, row, task, proj, token=False)


def heartbeat(
    ctx: Context,
    *,
    principal: Principal,
    assignment_id: int,
    token: str,
    lease_seconds: float | None = None,
) -> dict[str, Any]:
    duration = ctx.lease.duration(lease_seconds)
    with ctx.db.write() as conn:
        now = clock.now()
        expires = now + duration
        updated = repo.extend_lease(
            conn,
            assignment_id=assignment_id,
            annotator_id=principal.user_id,
            token=token,
            now=now,
            expires_at=expires,
            scope=principal.scope,
        )
        if updated is None:
            raise _refusal(_held(conn, principal, assignment_id), principal)
    return {"id": assignment_id, "lease_expires_at": iso(expires)}


def _release(conn: Connection, principal: Principal, assignment_id: int, token: str) -> Any:
    """Give the lease back (or explain why it cannot be); returns the time it happened."""
    now = clock.now()
    if not repo.release(
        conn,
        assignment_id=assignment_id,
        annotator_id=principal.user_id,
        token=token,
        now=now,
        scope=principal.scope,
    ):
        raise _refusal(_held(conn, principal, assignment_id), principal)
    return now


def release(ctx: Context, *, principal: Principal, assignment_id: int, token: str) -> None:
    with ctx.db.write() as conn:
        _release(conn, principal, assignment_id, token)


def skip(
    ctx: Context, *, principal: Principal, assignment_id: int, token: str, reason: str
) -> None:
    if not reason.strip():
        raise Invalid("reason: say why the assignment is skipped")
    with ctx.db.write() as conn:
        now = _release(conn, principal, assignment_id, token)
        row = repo.get_assignment(conn, assignment_id)
        assert row is not None
        task = tasks_repo.get_task_by_id(conn, row.task_id)
        if task is not None and task.purpose != "work":
            # A gold or training task is made for one annotator: skipped, it is gone.
            repo.cancel_assignment(conn, assignment_id=assignment_id, now=now)
        # The skip keeps this annotator from being handed the same assignment again.
        repo.insert_skip(
            conn,
            assignment_id=assignment_id,
            annotator_id=principal.user_id,
            reason=reason,
            now=now,
        )


def _closed(
    conn: Connection,
    principal: Principal,
    assignment_id: int,
    token: str,
    now: datetime,
    submit_key: str | None,
) -> tuple[Row[Any], dict[str, Any] | None]:
    """Close the assignment under its lease: (the assignment, None), or (it, the earlier answer)
    when this is a retry of a submit that already succeeded with the same Idempotency-Key."""
    done = repo.mark_submitted(
        conn,
        assignment_id=assignment_id,
        annotator_id=principal.user_id,
        token=token,
        now=now,
        scope=principal.scope,
        submit_key=submit_key,
    )
    if done is not None:
        return done, None
    row = _held(conn, principal, assignment_id)
    if (
        submit_key is not None
        and row.status == "submitted"
        and row.submit_key == submit_key
        and row.annotator_id == principal.user_id
    ):
        task = tasks_repo.get_task_by_id(conn, row.task_id)
        assert task is not None
        return row, {
            "id": assignment_id,
            "status": "submitted",
            "task_id": row.task_id,
            "task_status": task.status,
            "replayed": True,
        }
    raise _refusal(row, principal)


def submit(
    ctx: Context,
    *,
    principal: Principal,
    assignment_id: int,
    token: str,
    response: Any,
    time_spent_ms: int | None = None,
    submit_key: str | None = None,
) -> dict[str, Any]:
    """Record a judgment; when the stage has all its judgments, the task moves on.

    All of it is one transaction: the judgment, the assignment, the task, its callback job and
    the batch's completion are written together or not at all. An invalid response raises
    after the lease-guarded update, which the rollback undoes: the lease stays as it was.
    """
    with ctx.db.write() as conn:
        now = clock.now()
        done, replay = _closed(conn, principal, assignment_id, token, now, submit_key)
        if replay is not None:
            return replay
        # Lock order everywhere: assignments, then the task, then its batch. Holding the task
        # while counting makes concurrent submits of its last judgments (PostgreSQL, READ
        # COMMITTED) see each other, so exactly one of them completes the task.
        task = tasks_repo.get_task_with_workflow(conn, done.task_id)
        assert task is not None  # assignments.task_id is a foreign key
        workflow = Workflow.from_json(task.workflow)
        if _stage_kind(workflow, done.stage) == "review":
            raise Invalid("this is review work: accept, fix or reject it with /review")
        kind = get_type(task.type)
        clean = kind.validate_response(task.params, response)
        _judge(conn, done, principal, clean, time_spent_ms, now)
        settings = parse(task.quality)
        if task.purpose != "work":
            return _answered_reference(conn, task, workflow, done, principal, clean, settings, now)
        known, kept = quality_repo.count_real_judgment(
            conn, project_id=task.project_id, annotator_id=principal.user_id
        )
        stage = workflow.stage(done.stage)
        needed = judgments_for(task.params, stage)
        status = task.status
        # Several judgments are votes to aggregate, except textcollection's respondents.
        voting = stage.adaptive or (needed > 1 and task.type != "textcollection")
        if voting:
            if repo.unfinished_count(conn, task_id=task.id, stage=done.stage) == 0:
                judged = repo.stage_judgments(conn, task_id=task.id, stage=done.stage)
                found = _consensus(conn, task, judged, settings)
                assert stage.target_confidence is not None or not stage.adaptive
                if (
                    stage.adaptive
                    and found.confidence < (stage.target_confidence or 0)
                    and len(judged) < (stage.max_judgments or 0)
                ):
                    # Annotators disagree: the next judgment is hard work, for strong hands.
                    hard = settings.hard_min_accuracy if found.disputed else None
                    repo.insert_assignments(
                        conn, [_assignment_row(task, stage.name, now, min_accuracy=hard)]
                    )
                else:
                    evidence.agreement(
                        conn,
                        task=task,
                        final=found.response,
                        judged=judged,
                        settings=settings,
                        now=now,
                    )
                    status = _advance(
                        ctx, conn, task, workflow, done.stage, found.response, now, found.confidence
                    )
        elif needed == 1:
            # One judgment is as likely right as its annotator is accurate.
            confidence = (
                kept_or_prior(kept)
                if known
                else accuracy_of(conn, task.project_id, principal.user_id)
            )
            status = _advance(
                ctx, conn, task, workflow, done.stage, kind.combine([clean]), now, confidence
            )
        elif repo.unfinished_count(conn, task_id=task.id, stage=done.stage) == 0:
            # Several respondents (textcollection): different answers, not votes to agree.
            judged = repo.stage_judgments(conn, task_id=task.id, stage=done.stage)
            final = kind.combine([j.response for j in judged])
            status = _advance(ctx, conn, task, workflow, done.stage, final, now, None)
    return {"id": assignment_id, "status": "submitted", "task_id": task.id, "task_status": status}


def _answered_reference(
    conn: Connection,
    task: Row[Any],
    workflow: Workflow,
    done: Row[Any],
    principal: Principal,
    response: dict[str, Any],
    settings: QualitySettings,
    now: datetime,
) -> dict[str, Any]:
    """A gold or training answer: scored, never delivered. The answer looks like a real
    task's would, so a gold task gives itself away by nothing."""
    project = repo.project_of(conn, task.project_id)
    feedback = evidence.answer_reference(
        conn,
        task=task,
        project=project,
        annotator_id=principal.user_id,
        response=response,
        settings=settings,
        now=now,
    )
    stage = workflow.first
    alone = len(workflow.stages) == 1 and not stage.adaptive
    alone = alone and judgments_for(task.params, stage) == 1
    out: dict[str, Any] = {
        "id": done.id,
        "status": "submitted",
        "task_id": task.id,
        "task_status": TaskStatus.COMPLETED.value if alone else TaskStatus.PENDING.value,
    }
    if feedback is not None:
        out["feedback"] = feedback
    return out


def _key(response: Any) -> bytes:
    return orjson.dumps(response, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class _Found:
    response: dict[str, Any]
    confidence: float
    disputed: bool  # the judgments do not all give the same answer


def _consensus(
    conn: Connection, task: Row[Any], judged: list[Row[Any]], settings: QualitySettings
) -> _Found:
    """The most probable answer of a stage's judgments and its posterior; each annotator
    counts as accurate as their measured skill in the project."""
    responses = [j.response for j in judged]
    accuracies = accuracies_of(conn, task.project_id, [j.annotator_id for j in judged])
    if task.type == "categorization":
        keys = [_key(r) for r in responses]
        n_answers = len(task.params.get("categories") or ())
        found = posterior(keys, n_answers=n_answers, accuracies=accuracies)
        chosen = responses[keys.index(found.answer)]  # type: ignore[arg-type]
        return _Found(chosen, found.confidence, len(set(keys)) > 1)
    # Boxes, spans, rankings...: answers that agree closely enough count as the same one.
    similarity = similarity_matrix(task.type, task.params, responses)
    agreed = agree(similarity, accuracies=accuracies, same=settings.pass_score)
    return _Found(responses[agreed.index], agreed.confidence, len(set(agreed.classes)) > 1)


def _assignment_row(task: Row[Any], stage: str, now: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "task_id": task.id,
        "project_id": task.project_id,
        "stage": stage,
        "status": "open",
        "priority": task.priority,
        "created_at": now,
        **extra,
    }


def _judge(
    conn: Connection,
    assignment: Row[Any],
    principal: Principal,
    response: dict[str, Any],
    time_spent_ms: int | None,
    now: datetime,
) -> None:
    repo.insert_judgment(
        conn,
        task_id=assignment.task_id,
        assignment_id=assignment.id,
        stage=assignment.stage,
        source="human",
        annotator_id=principal.user_id,
        response=response,
        time_spent_ms=time_spent_ms,
        now=now,
    )


def _advance(
    ctx: Context,
    conn: Connection,
    task: Row[Any],
    workflow: Workflow,
    stage: str,
    response: dict[str, Any],
    now: datetime,
    confidence: float | None,
) -> str:
    """A stage has all its judgments: hand the task to the next stage, or complete it."""
    nxt = workflow.after(stage)
    if nxt is None:
        deadline = timedelta(seconds=ctx.settings.callback_deadline_seconds)
        if _complete(conn, task, response, now, deadline, confidence):
            return TaskStatus.COMPLETED.value
        return str(task.status)
    # Kept for the review stage, which combines it with the reviewer's.
    tasks_repo.update_task(conn, task_id=task.id, values={"confidence": confidence})
    repo.insert_assignments(
        conn, [_assignment_row(task, nxt.name, now) for _ in range(nxt.judgments)]
    )
    return str(task.status)


ReviewAction = Literal["accept", "fix", "reject"]


def review(
    ctx: Context,
    *,
    principal: Principal,
    assignment_id: int,
    token: str,
    action: ReviewAction,
    response: Any = None,
    comment: str | None = None,
    time_spent_ms: int | None = None,
    submit_key: str | None = None,
) -> dict[str, Any]:
    """A reviewer's verdict on the labeled response: accept it, fix it, or send it back.

    Accept and fix complete the task (with the labeled or the fixed response); the fix's
    changes are stored as a diff. Reject needs a comment: the labelers' judgments stop counting
    and each labeler gets the task back, reserved for them, ahead of new work.
    """
    check_may_review(principal)
    comment = comment.strip() if comment else None
    if action == "reject" and not comment:
        raise Invalid("comment: say what is wrong, so the labeler can fix it")
    if action == "fix" and response is None:
        raise Invalid("response: a fix needs the fixed response")
    if action != "fix" and response is not None:
        raise Invalid("response: only a fix carries a response")
    with ctx.db.write() as conn:
        now = clock.now()
        done, replay = _closed(conn, principal, assignment_id, token, now, submit_key)
        if replay is not None:
            return {**replay, "action": action}
        task = tasks_repo.get_task_with_workflow(conn, done.task_id)
        assert task is not None
        workflow = Workflow.from_json(task.workflow)
        if _stage_kind(workflow, done.stage) != "review":
            raise Invalid("this is label work: submit a response with /submit")
        kind = get_type(task.type)
        judged = repo.stage_judgments(conn, task_id=task.id, stage=workflow.first.name)
        original = kind.combine([j.response for j in judged])
        labelers = sorted({j.annotator_id for j in judged if j.annotator_id is not None})
        fixed = kind.validate_response(task.params, response) if action == "fix" else None
        repo.insert_review(
            conn,
            task_id=task.id,
            assignment_id=assignment_id,
            reviewer_id=principal.user_id,
            action=action,
            comment=comment,
            original=original,
            response=fixed,
            diff=json_diff(original, fixed) if fixed is not None else None,
            labeler_ids=labelers,
            time_spent_ms=time_spent_ms,
            created_at=now,
        )
        if fixed is not None:
            _judge(conn, done, principal, fixed, time_spent_ms, now)
        evidence.review(
            conn,
            task=task,
            action=action,
            final=None if action == "reject" else (fixed if fixed is not None else original),
            judged=judged,
            settings=parse(task.quality),
            now=now,
        )
        if action == "reject":
            repo.supersede_judgments(conn, ids=[j.id for j in judged], now=now)
            rework = task.priority + REWORK_PRIORITY_BOOST
            repo.insert_assignments(
                conn,
                [
                    _assignment_row(
                        task, workflow.first.name, now, priority=rework, reserved_for=labeler
                    )
                    for labeler in labelers
                ],
            )
            status = str(task.status)
        else:
            deadline = timedelta(seconds=ctx.settings.callback_deadline_seconds)
            final = fixed if fixed is not None else original
            sure = _reviewed_confidence(conn, task, principal, fixed)
            completed = _complete(conn, task, final, now, deadline, sure)
            status = TaskStatus.COMPLETED.value if completed else str(task.status)
    return {
        "id": assignment_id,
        "status": "submitted",
        "action": action,
        "task_id": task.id,
        "task_status": status,
    }


def _reviewed_confidence(
    conn: Connection, task: Row[Any], reviewer: Principal, fixed: dict[str, Any] | None
) -> float | None:
    """An accepted answer is wrong only if both the labelers and the reviewer missed it; a
    fixed one is the reviewer's own."""
    sure = accuracy_of(conn, task.project_id, reviewer.user_id)
    if fixed is not None:
        return sure
    if task.confidence is None:  # several respondents: nothing to combine with
        return None
    return 1 - (1 - float(task.confidence)) * (1 - sure)


def _complete(
    conn: Connection,
    task: Row[Any],
    response: dict[str, Any],
    now: Any,
    deadline: timedelta,
    confidence: float | None,
) -> bool:
    # One UPDATE of the task: a second one in the same transaction would re-check its batch
    # foreign key (a share lock on the batch row), and two completions upgrading that lock
    # for the batch's completion deadlock on PostgreSQL.
    done = tasks_repo.complete_task(
        conn, task_id=task.id, response=response, now=now, confidence=confidence
    )
    if not done:
        return False
    if task.callback_url:
        jobs_repo.enqueue(
            conn,
            kind="task_callback",
            payload={},
            now=now,
            organization_id=task.organization_id,
            task_id=task.id,
            deadline_at=now + deadline,
        )
    if task.batch_id is not None:
        batches_service.maybe_complete(
            conn, batch_id=task.batch_id, now=now, callback_deadline=deadline
        )
    return True
