"""Gold and training tasks through the API, on both backends: created (web API, Scale's
evaluation and training endpoints, from a completed task), kept out of the requester's lists,
served hidden at the project's rate, scored per type, and shown with their stats."""

from __future__ import annotations

from typing import Any

import pytest

from assay.context import Context
from tests.factories import Api, Tenant

PETS = {"categories": ["cat", "dog", "fox"]}


@pytest.fixture
def pets(api: Api) -> Api:
    api.project("pets", "categorization", PETS)
    return api


@pytest.fixture
def alice(api: Api, tenant: Tenant) -> Api:
    return api.as_key(tenant.annotator_key)


def _gold(api: Api, expected: str, purpose: str = "gold", **extra: Any) -> dict[str, Any]:
    r = api.post(
        "/api/v1/projects/pets/gold",
        json={
            "purpose": purpose,
            "params": {"attachment": f"https://example.com/{expected}.jpg"},
            "expected_response": {"category": expected},
            **extra,
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _quality(api: Api, **settings: Any) -> None:
    api.ok("PATCH", "/api/v1/projects/pets", json={"quality": settings})


def _answer(worker: Api, assignment: dict[str, Any], category: str) -> dict[str, Any]:
    r = worker.submit(assignment, {"category": category})
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_create_list_and_edit(pets: Api) -> None:
    made = _gold(pets, "cat", explanation="Whiskers and pointed ears.", instruction="Which pet?")
    assert made["purpose"] == "gold"
    assert made["project"] == "pets"
    assert made["params"]["categories"] == ["cat", "dog", "fox"]  # project defaults applied
    assert made["expected_response"] == {"category": "cat"}
    assert made["nuances"] == ["label:cat"]
    assert made["stats"] == {"answered": 0, "correct": 0, "mean_score": None}
    training = _gold(pets, "dog", purpose="training", explanation="Floppy ears.")
    listed = pets.ok("GET", "/api/v1/projects/pets/gold")["items"]
    assert [i["id"] for i in listed] == [training["id"], made["id"]]  # newest first
    only = pets.ok("GET", "/api/v1/projects/pets/gold?purpose=training")["items"]
    assert [i["id"] for i in only] == [training["id"]]
    # Gold is not the requester's work: not in task lists, not in project counts.
    assert pets.ok("GET", "/v1/tasks?project=pets")["docs"] == []
    assert pets.ok("GET", "/api/v1/tasks?project=pets")["items"] == []
    project = pets.ok("GET", "/api/v1/projects/pets")
    assert project["counts"]["pending"] == 0
    # Edit, retire.
    changed = pets.ok(
        "PATCH", f"/api/v1/gold/{made['id']}", json={"expected_response": {"category": "fox"}}
    )
    assert changed["nuances"] == ["label:fox"]
    retired = pets.ok("PATCH", f"/api/v1/gold/{made['id']}", json={"active": False})
    assert retired["active"] is False
    assert [i["id"] for i in pets.ok("GET", "/api/v1/projects/pets/gold")["items"]] == [
        training["id"]
    ]
    everything = pets.ok("GET", "/api/v1/projects/pets/gold?include_inactive=true")["items"]
    assert len(everything) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"purpose": "gold", "params": {"attachment": "a"}}, "expected_response"),
        (
            {
                "purpose": "gold",
                "params": {"attachment": "a"},
                "expected_response": {"category": "owl"},
            },
            "expected_response.category",
        ),
        ({"purpose": "silver", "params": {"attachment": "a"}}, "purpose"),
        ({"purpose": "gold", "params": {}, "expected_response": {"category": "cat"}}, "attachment"),
        ({"purpose": "gold", "from_task": 12}, "from_task"),
        ({"purpose": "gold", "params": [1], "expected_response": {"category": "cat"}}, "params"),
        (
            {"purpose": "gold", "params": {"attachment": "a"}, "expected_response": ["cat"]},
            "expected_response",
        ),
    ],
)
def test_bad_gold_is_refused_with_the_field(pets: Api, body: dict[str, Any], field: str) -> None:
    r = pets.post("/api/v1/projects/pets/gold", json=body)
    assert r.status_code == 400, r.text
    assert field in r.json()["error"]
    assert pets.ok("GET", "/api/v1/projects/pets/gold?include_inactive=true")["items"] == []


def test_from_a_completed_task(pets: Api, alice: Api) -> None:
    task = pets.task("categorization", project="pets", attachment="x.jpg", tags=["night"])
    r = pets.post(
        "/api/v1/projects/pets/gold", json={"purpose": "training", "from_task": task["task_id"]}
    )
    assert r.status_code == 400
    assert "completed" in r.json()["error"]
    _answer(alice, alice.lease("pets"), "dog")
    r = pets.post(
        "/api/v1/projects/pets/gold",
        json={"purpose": "training", "from_task": task["task_id"], "explanation": "A dog."},
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["expected_response"] == {"category": "dog"}
    assert made["params"]["attachment"] == "x.jpg"
    assert made["nuances"] == ["label:dog", "tag:night"]
    assert made["id"] != task["task_id"]  # a copy: the delivered task is untouched
    assert pets.ok("GET", f"/v1/task/{task['task_id']}")["status"] == "completed"


def test_gold_is_served_hidden_and_scored(ctx: Context, pets: Api, alice: Api) -> None:
    gold = _gold(pets, "cat")
    real = pets.task("categorization", project="pets", attachment="real.jpg")
    _quality(pets, gold_rate=1.0)
    served = alice.lease("pets")
    assert served["task"]["task_id"] == gold["id"]
    # Nothing tells it apart from real work: the same keys, no training flag.
    assert "training" not in served
    answer = _answer(alice, served, "dog")
    assert "feedback" not in answer
    assert answer["task_status"] == "completed"  # as a real single-judgment task would say
    nxt = alice.lease("pets")  # no unseen gold left: real work
    assert nxt["task"]["task_id"] == real["task_id"]
    assert set(nxt) == set(served)
    assert set(nxt["task"]) == set(served["task"])
    item = pets.ok("GET", "/api/v1/projects/pets/gold")["items"][0]
    assert item["stats"] == {"answered": 1, "correct": 0, "mean_score": 0.0}
    quality = pets.ok("GET", "/api/v1/projects/pets/quality")
    (row,) = quality["annotators"]
    assert row["sources"]["gold"]["n"] == 1
    assert row["skills"]["label:cat"]["n"] == 1
    # Prior Beta(4, 1) plus one miss: 4 / 6.
    assert row["skills"]["label:cat"]["mean"] == pytest.approx(4 / 6, abs=1e-4)
    assert quality["gold_history"][0]["scored"] == 1


def test_gold_waits_for_real_work(pets: Api, alice: Api) -> None:
    """With an empty queue a lease finds nothing, gold or not: gold is hidden among work."""
    _gold(pets, "cat")
    _quality(pets, gold_rate=1.0)
    assert alice.lease("pets") is None


def test_gold_rate_is_respected(ctx: Context, pets: Api, tenant: Tenant) -> None:
    for i in range(40):
        _gold(pets, "cat", instruction=f"gold {i}")
    for i in range(200):
        pets.task("categorization", project="pets", attachment=f"{i}.jpg")
    _quality(pets, gold_rate=0.25)
    served_gold = 0
    workers = [pets.as_key(tenant.annotator(ctx, f"w{i}")) for i in range(4)]
    gold_ids = {g["id"] for g in pets.ok("GET", "/api/v1/projects/pets/gold")["items"]}
    for _ in range(30):
        for w in workers:
            a = w.lease("pets")
            served_gold += a["task"]["task_id"] in gold_ids
            _answer(w, a, "cat")
    # 120 leases at 25%: expect 30; 14..46 holds with probability > 0.999.
    assert 14 <= served_gold <= 46


def test_scale_evaluation_and_training_tasks(pets: Api) -> None:
    r = pets.post(
        "/v1/evaluation_tasks/categorization",
        json={"project": "pets", "attachment": "e.jpg", "expected_response": {"category": "fox"}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["expected_response"] == {"category": "fox"}
    assert set(body) >= {"id", "type", "project", "params", "expected_response", "created_at"}
    r = pets.post(
        "/v1/training_tasks/categorization",
        json={
            "project": "pets",
            "attachment": "t.jpg",
            "expected_response": {"category": "cat"},
            "explanation": "Cats have vertical pupils.",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json()["explanation"] == "Cats have vertical pupils."
    r = pets.post(
        "/v1/evaluation_tasks/categorization",
        json={
            "project": "pets",
            "attachment": "e.jpg",
            "expected_response": {"category": "fox"},
            "initial_response": {"category": "cat"},
        },
    )
    assert r.status_code == 400
    assert "initial_response" in r.json()["error"]
    r = pets.post(
        "/v1/evaluation_tasks/namedentityrecognition",
        json={"project": "pets", "text": "x", "labels": [{"name": "A"}], "expected_response": {}},
    )
    assert r.status_code == 400
    purposes = [i["purpose"] for i in pets.ok("GET", "/api/v1/projects/pets/gold")["items"]]
    assert purposes == ["training", "gold"]


def test_a_canceled_gold_task_is_no_longer_served(pets: Api, alice: Api) -> None:
    gold = _gold(pets, "cat")
    pets.task("categorization", project="pets", attachment="real.jpg")
    _quality(pets, gold_rate=1.0)
    assert pets.ok("POST", f"/v1/task/{gold['id']}/cancel")["status"] == "canceled"
    served = alice.lease("pets")
    assert served["task"]["task_id"] != gold["id"]


def test_no_gold_when_the_real_work_is_not_for_this_annotator(
    pets: Api, alice: Api, tenant: Tenant, ctx: Context
) -> None:
    """Work waits, but it is leased by someone else: this annotator's queue is empty, so a
    gold task would give itself away."""
    _gold(pets, "cat")
    pets.task("categorization", project="pets", attachment="real.jpg")
    bob = pets.as_key(tenant.annotator(ctx, "bob"))
    held = bob.lease("pets")  # gold_rate still 0: the real task
    assert held["task"]["params"]["attachment"] == "real.jpg"
    _quality(pets, gold_rate=1.0)
    assert alice.lease("pets") is None
    bob.post(f"/api/v1/assignments/{held['id']}/release", json={"lease_token": held["lease_token"]})
    assert alice.lease("pets")["task"]["params"]["attachment"].endswith("cat.jpg")
