"""Read models of quality: the ops dashboard of a project and an annotator's own progress."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import orjson

from assay import clock
from assay.accounts.model import Principal, Scope
from assay.context import Context
from assay.errors import Invalid, NotFound
from assay.projects import service as projects_service
from assay.qa.standing import (
    ACTIVE,
    PAUSED,
    describe,
    set_status,
    settings_of,
    skills_by_annotator,
    standing,
)
from assay.quality.agreement import krippendorff_alpha, pairwise_agreement
from assay.quality.skills import OVERALL, by_source, combine, weak_nuances
from assay.queue.workflow import Workflow
from assay.storage.repos import ops as ops_repo
from assay.storage.repos import projects as projects_repo
from assay.storage.repos import quality as repo
from assay.tasks.wire import iso

HISTORY_DAYS = 60
AGREEMENT_TASKS = 2000
BELOW_TARGET_SHOWN = 100


def project_quality(ctx: Context, *, scope: Scope, project: str) -> dict[str, Any]:
    now = clock.now()
    with ctx.db.read() as conn:
        proj = projects_service.get_or_raise(conn, scope=scope, name=project)
        settings = settings_of(proj)
        label = Workflow.from_json(proj.workflow).first
        evidence = skills_by_annotator(conn, proj.id)
        trained: dict[int, list[Any]] = defaultdict(list)
        for e in repo.events(conn, project_id=proj.id, source="training"):
            trained[e.annotator_id].append(e)
        people = {r.annotator_id: r for r in repo.standings(conn, project_id=proj.id)}
        names = ops_repo.usernames(conn, set(evidence) | set(people))
        annotators = []
        nuances: set[str] = set()
        for uid in sorted(names, key=lambda u: names[u]):
            skills = combine(evidence.get(uid, []))
            nuances.update(skills)
            row = people.get(uid)
            annotators.append(
                {
                    "annotator": names[uid],
                    "status": row.status if row is not None else ACTIVE,
                    "status_reason": row.status_reason if row is not None else None,
                    "judgments": row.judgments if row is not None else 0,
                    "skills": {k: v.to_json() for k, v in sorted(skills.items())},
                    "sources": {
                        k: (v.to_json() if v is not None else None)
                        for k, v in by_source(evidence.get(uid, [])).items()
                    },
                    "weak": weak_nuances(
                        skills, below=settings.weak_below, min_evidence=settings.weak_min_evidence
                    ),
                    "training": _training(trained.get(uid, [])),
                }
            )
        judged = repo.recent_judged(
            conn, project_id=proj.id, stage=label.name, tasks_limit=AGREEMENT_TASKS
        )
        history = repo.gold_days(conn, project_id=proj.id, since=now - timedelta(days=HISTORY_DAYS))
        below: dict[str, Any] = {"count": 0, "tasks": []}
        if label.target_confidence is not None:
            count, rows = repo.below_target(
                conn, project_id=proj.id, target=label.target_confidence, limit=BELOW_TARGET_SHOWN
            )
            counts = repo.judgment_counts(conn, [r.id for r in rows], label.name)
            below = {
                "count": count,
                "tasks": [
                    {
                        "task_id": r.id,
                        "confidence": round(float(r.confidence), 4),
                        "judgments": counts.get(r.id, 0),
                        "completed_at": iso(r.completed_at),
                    }
                    for r in rows
                ],
            }
    return {
        "project": proj.name,
        "type": proj.type,
        "settings": settings.to_json(),
        "target_confidence": label.target_confidence,
        "nuances": [OVERALL, *sorted(nuances - {OVERALL})],
        "annotators": annotators,
        "agreement": _agreement(proj.type, judged),
        "gold_history": _history(history),
        "below_target": below,
    }


def _agreement(task_type: str, judged: list[Any]) -> dict[str, Any]:
    tasks = {j.task_id for j in judged}
    out: dict[str, Any] = {"tasks": len(tasks), "judgments": len(judged)}
    if task_type == "categorization":
        # Every distinct response is one nominal value (multi-select sets included).
        values = [orjson.dumps(j.response, option=orjson.OPT_SORT_KEYS) for j in judged]
        coders = [
            j.annotator_id if j.annotator_id is not None else -i for i, j in enumerate(judged)
        ]
        value = krippendorff_alpha([j.task_id for j in judged], coders, values) if judged else None
        return {"method": "krippendorff_alpha", "value": _round(value), **out}
    grouped: dict[str, list[Any]] = defaultdict(list)
    params: dict[str, Any] = {}
    for j in judged:
        grouped[j.task_id].append(j.response)
        params[j.task_id] = j.params
    scores = [
        s
        for tid, responses in grouped.items()
        if (s := pairwise_agreement(task_type, params[tid], responses)) is not None
    ]
    value = sum(scores) / len(scores) if scores else None
    return {"method": "mean_pairwise", "value": _round(value), **out}


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def _history(days: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "day": day,
            "scored": int(n),
            "correct": int(correct or 0),
            "mean_score": round(float(mean), 4),
        }
        for day, n, correct, mean in days
    ]


def set_annotator_status(
    ctx: Context, *, scope: Scope, project: str, username: str, body: dict[str, Any]
) -> dict[str, Any]:
    status = body.get("status")
    if status not in (ACTIVE, PAUSED):
        raise Invalid(
            "status: must be 'active' or 'paused'",
            details=[{"field": "status", "message": "must be 'active' or 'paused'"}],
        )
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 2000):
        raise Invalid("reason: must be text of at most 2000 characters")
    with ctx.db.write() as conn:
        now = clock.now()
        proj = projects_service.get_or_raise(conn, scope=scope, name=project)
        uid = ops_repo.member_id(conn, organization_id=scope.organization_id, username=username)
        if uid is None:
            raise NotFound(f"no member named {username!r}")
        standing(conn, proj, uid, settings_of(proj), now)
        if status == PAUSED:
            text = (reason or "").strip() or None
            why = f"paused by an ops lead: {text}" if text else "paused by an ops lead"
        else:
            why = None
        set_status(conn, proj.id, uid, str(status), why, now)
        return {
            "annotator": username,
            "status": status,
            "status_reason": why,
            "changed_at": iso(now),
        }


def my_progress(ctx: Context, *, principal: Principal) -> dict[str, Any]:
    uid = principal.user_id
    out = []
    with ctx.db.read() as conn:
        projects = projects_repo.list_projects(conn, scope=principal.scope, include_archived=False)
        rows = {
            r.project_id: r
            for r in repo.standings_of(conn, annotator_id=uid, project_ids=[p.id for p in projects])
        }
        for p in projects:
            settings = settings_of(p)
            row = rows.get(p.id)
            evidence = skills_by_annotator(conn, p.id, [uid]).get(uid, [])
            if row is None and not evidence and settings.qualification_tasks == 0:
                continue  # never worked here, nothing to show
            skills = combine(evidence)
            weak = set(
                weak_nuances(
                    skills, below=settings.weak_below, min_evidence=settings.weak_min_evidence
                )
            )
            now_standing = describe(row, settings)
            out.append(
                {
                    "project": p.name,
                    "type": p.type,
                    **now_standing,
                    "skills": [
                        {"nuance": k, **v.to_json(), "weak": k in weak}
                        for k, v in sorted(skills.items(), key=lambda kv: (kv[0] != OVERALL, kv[0]))
                    ],
                    "training": _training(
                        repo.events(conn, project_id=p.id, source="training", annotator_id=uid)
                    ),
                }
            )
    return {"projects": out}


def _training(events: list[Any]) -> dict[str, Any]:
    by: dict[str, dict[str, int]] = defaultdict(lambda: {"answered": 0, "correct": 0})
    for e in events:
        for nuance in e.nuances:
            if nuance != OVERALL:
                by[nuance]["answered"] += 1
                by[nuance]["correct"] += int(e.correct)
    return {
        "answered": len(events),
        "correct": sum(1 for e in events if e.correct),
        "by_nuance": dict(sorted(by.items())),
    }
