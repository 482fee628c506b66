"""Adaptive redundancy through /api/v1: one more judgment while the answer is not sure enough.

Every annotator counts as 0.8 accurate (until skills are measured), two categories: one
judgment gives 0.8, two agreeing 0.941, three agreeing 0.985 (see tests/quality).
"""

from __future__ import annotations

import random
from typing import Any

import pytest
from sqlalchemy import select

from assay.context import Context
from assay.storage.tables import judgments
from tests.factories import Api, Tenant

FORM = {"fields": [{"type": "text", "field_id": "note", "title": "Note"}]}
ADAPTIVE = [
    {
        "name": "label",
        "kind": "label",
        "judgments": 1,
        "max_judgments": 5,
        "target_confidence": 0.95,
    }
]


@pytest.fixture
def pets(api: Api) -> Api:
    api.project("pets", "categorization", {"categories": ["cat", "dog"]})
    r = api.request("PATCH", "/api/v1/projects/pets", json={"workflow": ADAPTIVE})
    assert r.status_code == 200, r.text
    assert r.json()["workflow"] == ADAPTIVE
    return api


def _team(api: Api, tenant: Tenant, ctx: Context, n: int) -> list[Api]:
    return [api.as_key(tenant.annotator(ctx, f"worker-{i}")) for i in range(n)]


def _answer(worker: Api, category: str) -> dict[str, Any]:
    a = worker.lease("pets")
    assert a is not None
    r = worker.submit(a, {"category": category})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_agreement_completes_at_the_target_and_not_before(
    pets: Api, tenant: Tenant, ctx: Context
) -> None:
    tid = pets.task("categorization", project="pets", attachment="https://x/1.jpg")["task_id"]
    w = _team(pets, tenant, ctx, 3)
    assert _answer(w[0], "cat")["task_status"] == "pending"  # 0.8
    assert _answer(w[1], "cat")["task_status"] == "pending"  # 0.941
    assert _answer(w[2], "cat")["task_status"] == "completed"  # 0.985
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "cat"}
    assert w[0].lease("pets") is None  # nothing more was asked for


def test_disagreement_asks_for_more_up_to_the_maximum(
    pets: Api, tenant: Tenant, ctx: Context
) -> None:
    tid = pets.task("categorization", project="pets", attachment="https://x/1.jpg")["task_id"]
    w = _team(pets, tenant, ctx, 6)
    # cat dog (0.5), cat (0.8), cat (0.941): still below 0.95; the fifth is the last.
    for worker, answer in zip(w[:4], ["cat", "dog", "cat", "cat"], strict=True):
        assert _answer(worker, answer)["task_status"] == "pending"
    assert _answer(w[4], "dog")["task_status"] == "completed"
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "cat"}
    assert w[5].lease("pets") is None


def test_simulated_annotators_use_fewer_judgments_on_easy_tasks(
    pets: Api, tenant: Tenant, ctx: Context
) -> None:
    rng = random.Random(7)
    truth: dict[str, str] = {}
    for i in range(12):
        t = pets.task("categorization", project="pets", attachment=f"https://x/{i}.jpg")
        truth[t["task_id"]] = rng.choice(["cat", "dog"])
    hard = set(list(truth)[:6])  # on these, annotators are right 65% of the time
    team = _team(pets, tenant, ctx, 6)
    for _ in range(100):  # bounded: 12 tasks x at most 5 judgments
        progressed = False
        for worker in team:
            a = worker.lease("pets")
            if a is None:
                continue
            progressed = True
            tid = a["task"]["task_id"]
            right = rng.random() < (0.65 if tid in hard else 1.0)
            other = "dog" if truth[tid] == "cat" else "cat"
            r = worker.submit(a, {"category": truth[tid] if right else other})
            assert r.status_code == 200, r.text
        if not progressed:
            break
    with ctx.db.read() as conn:
        rows = conn.execute(select(judgments.c.task_id, judgments.c.annotator_id)).all()
    used = {tid: [a for t, a in rows if t == tid] for tid in truth}
    for tid, annotators in used.items():
        assert len(set(annotators)) == len(annotators)  # never the same annotator twice
        assert pets.ok("GET", f"/v1/task/{tid}")["status"] == "completed"
    easy = [len(used[t]) for t in truth if t not in hard]
    assert easy == [3] * 6  # unanimous: three judgments reach 0.985
    assert sum(len(used[t]) for t in hard) > sum(easy)
    assert all(3 <= len(used[t]) <= 5 for t in hard)


@pytest.mark.parametrize(
    ("stage", "field"),
    [
        ({"max_judgments": 3}, "workflow.0"),
        ({"max_judgments": 0, "target_confidence": 0.9}, "workflow.0.max_judgments"),
        (
            {"judgments": 3, "max_judgments": 2, "target_confidence": 0.9},
            "workflow.0.max_judgments",
        ),
        ({"max_judgments": 3, "target_confidence": 1.0}, "workflow.0.target_confidence"),
        ({"max_judgments": 3, "target_confidence": "high"}, "workflow.0.target_confidence"),
    ],
)
def test_bad_adaptive_stages_are_refused(pets: Api, stage: dict[str, Any], field: str) -> None:
    workflow = [{"name": "label", "kind": "label", **stage}]
    r = pets.request("PATCH", "/api/v1/projects/pets", json={"workflow": workflow})
    assert r.status_code == 400, r.text
    assert r.json()["details"][0]["field"] == field


def test_adaptive_needs_answers_that_can_agree(api: Api) -> None:
    """Several respondents of a form are not votes: textcollection cannot be adaptive."""
    api.project("form", "textcollection", FORM)
    r = api.request("PATCH", "/api/v1/projects/form", json={"workflow": ADAPTIVE})
    assert r.status_code == 400, r.text
    assert "adaptive redundancy" in r.json()["error"]


def _box(left: float, label: str = "car") -> dict[str, Any]:
    return {"type": "box", "label": label, "left": left, "top": 10, "width": 100, "height": 50}


def test_boxes_agree_by_overlap(api: Api, tenant: Tenant, ctx: Context) -> None:
    """Box answers are never equal: answers whose agreement score reaches the project's
    pass score (0.8) count as one. Two agreeing: one answer class out of two possible, as
    for two categories: 0.941 below a 0.95 target; three: 0.985."""
    api.project(
        "boxes", "imageannotation", {"geometries": {"box": {"objects_to_annotate": ["car", "bus"]}}}
    )
    api.ok("PATCH", "/api/v1/projects/boxes", json={"workflow": ADAPTIVE})
    tid = api.task("imageannotation", project="boxes", attachment="https://x/1.jpg")["task_id"]
    w = [api.as_key(tenant.annotator(ctx, f"b{i}")) for i in range(4)]

    def answer(worker: Api, boxes: list[dict[str, Any]]) -> str:
        a = worker.lease("boxes")
        r = worker.submit(a, {"annotations": boxes})
        assert r.status_code == 200, r.text
        return str(r.json()["task_status"])

    assert answer(w[0], [_box(10)]) == "pending"
    assert answer(w[1], [_box(300, "bus")]) == "pending"  # disagrees: two classes
    assert answer(w[2], [_box(12)]) == "pending"  # IoU 0.96 with the first: same class
    # cars 2, bus 1, one unseen answer possible: .8*.8*.1 / (.064 + .1*.1*.8 + .1*.1*.1).
    assert answer(w[3], [_box(11)]) == "completed"
    done = api.ok("GET", f"/v1/task/{tid}")
    assert done["response"]["annotations"][0]["label"] == "car"
    # The delivered box is the car answer that agrees most with the other cars; all three
    # match each other (IoU above 0.5, same label), so the earliest of them.
    assert done["response"]["annotations"][0]["left"] == 10
    assert done["confidence"] == pytest.approx(
        0.8**3 * 0.1 / (0.8**3 * 0.1 + 0.1**3 * 0.8 + 0.1**4), abs=1e-4
    )


def test_a_fixed_number_of_judgments_is_aggregated(pets: Api, tenant: Tenant, ctx: Context) -> None:
    """A label stage with judgments: 3 and no target takes exactly three, then the posterior."""
    pets.ok(
        "PATCH",
        "/api/v1/projects/pets",
        json={"workflow": [{"name": "label", "kind": "label", "judgments": 3}]},
    )
    tid = pets.task("categorization", project="pets", attachment="https://x/1.jpg")["task_id"]
    w = _team(pets, tenant, ctx, 3)
    assert _answer(w[0], "cat")["task_status"] == "pending"
    assert _answer(w[1], "dog")["task_status"] == "pending"
    assert _answer(w[2], "cat")["task_status"] == "completed"
    done = pets.ok("GET", f"/v1/task/{tid}")
    assert done["response"] == {"category": "cat"}
    assert done["confidence"] == pytest.approx(0.8)  # .8*.2*.8 / (.128 + .2*.8*.2)
