"""The work queue through /api/v1, in-process, on both backends.

Time is moved by writing ``lease_expires_at`` into the past, never by sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from assay import clock
from assay.context import Context
from assay.storage.tables import assignment_skips, assignments, judgments
from tests.factories import Api, Tenant, make_tenant

PETS = {"categories": ["cat", "dog"]}
FORM = {"fields": [{"type": "text", "field_id": "note", "title": "Note"}]}


def _expire(ctx: Context, assignment_id: int) -> None:
    """Move the clock past the lease: as if its lease_seconds had run out."""
    with ctx.db.write() as conn:
        conn.execute(
            update(assignments)
            .where(assignments.c.id == assignment_id)
            .values(lease_expires_at=clock.now() - timedelta(seconds=1))
        )


def _assignment(ctx: Context, assignment_id: int) -> Any:
    with ctx.db.read() as conn:
        return conn.execute(select(assignments).where(assignments.c.id == assignment_id)).one()


def _judgment_count(ctx: Context, task_id: str) -> int:
    with ctx.db.read() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(judgments).where(judgments.c.task_id == task_id)
            ).scalar_one()
        )


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _error(r: Any, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["status_code"] == status
    assert body["code"] == code
    return str(body["error"])


def _act(worker: Api, assignment: dict[str, Any], action: str, **body: Any) -> Any:
    return worker.post(
        f"/api/v1/assignments/{assignment['id']}/{action}",
        json={"lease_token": assignment["lease_token"], **body},
    )


@pytest.fixture
def pets(api: Api) -> Api:
    api.project("pets", "categorization", PETS)
    return api


@pytest.fixture
def alice(api: Api, tenant: Tenant) -> Api:
    return api.as_key(tenant.annotator_key)


@pytest.fixture
def bob(api: Api, tenant: Tenant, ctx: Context) -> Api:
    return api.as_key(tenant.annotator(ctx, "bob"))


def _pet(api: Api, n: int, **extra: Any) -> str:
    return str(
        api.task("categorization", project="pets", attachment=f"https://x/{n}.jpg", **extra)[
            "task_id"
        ]
    )


# --- Order ------------------------------------------------------------------------------------


def test_lease_takes_highest_priority_first_then_oldest(pets: Api, alice: Api) -> None:
    created = [_pet(pets, i, priority=p) for i, p in enumerate([0, 5, 0, 10, 5])]
    order = [alice.lease("pets")["task"]["task_id"] for _ in range(5)]
    assert order == [created[3], created[1], created[4], created[0], created[2]]
    assert alice.lease("pets") is None


def test_lease_shows_the_task_but_not_what_annotators_must_not_see(pets: Api, alice: Api) -> None:
    tid = _pet(pets, 1, metadata={"gold": True}, unique_id="u-1", instruction="Look closely")
    a = alice.lease("pets")
    assert a["project"] == "pets"
    assert a["stage"] == "label"
    assert a["status"] == "open"
    assert a["task"] == {
        "task_id": tid,
        "type": "categorization",
        "params": {
            "attachment_type": "image",
            "attachment": "https://x/1.jpg",
            "categories": ["cat", "dog"],
            "allow_multiple": False,
        },
        "instruction": "Look closely",
    }
    assert len(a["lease_token"]) >= 32


def test_lease_of_unknown_project_is_404(alice: Api) -> None:
    r = alice.post("/api/v1/queue/lease", json={"project": "nope"})
    _error(r, 404, "not_found")


# --- Heartbeat and expiry -----------------------------------------------------------------------


def test_heartbeat_extends_a_live_lease(pets: Api, alice: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets", lease_seconds=60)
    before = _ts(a["lease_expires_at"])
    r = _act(alice, a, "heartbeat", lease_seconds=900)
    assert r.status_code == 200, r.text
    after = _ts(r.json()["lease_expires_at"])
    assert r.json()["id"] == a["id"]
    assert timedelta(seconds=839) < after - before < timedelta(seconds=841)
    shown = alice.ok("GET", f"/api/v1/assignments/{a['id']}")
    assert shown["lease_expires_at"] == r.json()["lease_expires_at"]
    assert "lease_token" not in shown
    # Still held: nobody else is handed it, and the heartbeat's token still submits.
    assert _act(alice, a, "submit", response={"category": "cat"}).status_code == 200


def test_heartbeat_lease_seconds_out_of_range_is_400(pets: Api, alice: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    msg = _error(_act(alice, a, "heartbeat", lease_seconds=3601), 400, "invalid")
    assert "lease_seconds" in msg
    _error(_act(alice, a, "heartbeat", lease_seconds=0), 400, "invalid")


def test_expired_lease_goes_back_to_the_queue(
    ctx: Context, pets: Api, alice: Api, bob: Api
) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets", lease_seconds=1)
    assert bob.lease("pets") is None  # held
    _expire(ctx, a["id"])
    b = bob.lease("pets")
    assert b["id"] == a["id"]
    assert b["task"]["task_id"] == tid
    assert b["lease_token"] != a["lease_token"]
    row = _assignment(ctx, a["id"])
    assert row.lease_count == 2
    # Alice's stale lease is refused everywhere and says why; Bob's submit goes through.
    msg = _error(_act(alice, a, "submit", response={"category": "cat"}), 409, "lease_expired")
    assert "someone else" in msg
    _error(_act(alice, a, "heartbeat"), 409, "lease_expired")
    _error(_act(alice, a, "release"), 409, "lease_expired")
    assert _act(bob, b, "submit", response={"category": "dog"}).status_code == 200
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "dog"}


def test_expired_lease_can_be_leased_again_by_the_same_annotator(
    ctx: Context, pets: Api, alice: Api
) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    _expire(ctx, a["id"])
    again = alice.lease("pets")
    assert again["id"] == a["id"]
    assert again["lease_token"] != a["lease_token"]
    _error(_act(alice, a, "submit", response={"category": "cat"}), 409, "lease_expired")
    assert _act(alice, again, "submit", response={"category": "cat"}).status_code == 200


def test_submit_under_an_expired_lease_writes_nothing(ctx: Context, pets: Api, alice: Api) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    _expire(ctx, a["id"])
    msg = _error(_act(alice, a, "submit", response={"category": "cat"}), 409, "lease_expired")
    assert "expired" in msg
    assert _judgment_count(ctx, tid) == 0
    task = pets.ok("GET", f"/v1/task/{tid}")
    assert task["status"] == "pending"
    assert "response" not in task
    row = _assignment(ctx, a["id"])
    assert row.status == "open"
    assert row.completed_at is None
    assert row.lease_token == a["lease_token"]  # untouched, just expired


def test_heartbeat_after_expiry_is_refused(ctx: Context, pets: Api, alice: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    _expire(ctx, a["id"])
    stale = _assignment(ctx, a["id"]).lease_expires_at
    _error(_act(alice, a, "heartbeat", lease_seconds=600), 409, "lease_expired")
    assert _assignment(ctx, a["id"]).lease_expires_at == stale


def test_submit_with_a_wrong_token_is_refused(ctx: Context, pets: Api, alice: Api) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    forged = {**a, "lease_token": "not-the-token"}
    msg = _error(_act(alice, forged, "submit", response={"category": "cat"}), 409, "lease_expired")
    assert "not the current one" in msg  # the lease is live: the token is what is wrong
    _error(_act(alice, forged, "heartbeat"), 409, "lease_expired")
    _error(_act(alice, forged, "release"), 409, "lease_expired")
    _error(_act(alice, forged, "skip", reason="blurry"), 409, "lease_expired")
    assert _judgment_count(ctx, tid) == 0
    assert _act(alice, a, "submit", response={"category": "cat"}).status_code == 200


def test_submit_twice_is_409_the_second_time(ctx: Context, pets: Api, alice: Api) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    r = _act(alice, a, "submit", response={"category": "cat"}, time_spent_ms=1234)
    assert r.status_code == 200, r.text
    assert r.json() == {
        "id": a["id"],
        "status": "submitted",
        "task_id": tid,
        "task_status": "completed",
    }
    msg = _error(_act(alice, a, "submit", response={"category": "dog"}), 409, "conflict")
    assert "already submitted" in msg
    assert _judgment_count(ctx, tid) == 1
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "cat"}
    # A submitted assignment has no lease left to extend or give back.
    _error(_act(alice, a, "heartbeat"), 409, "conflict")
    _error(_act(alice, a, "release"), 409, "conflict")


# --- Skip and release ---------------------------------------------------------------------------


def test_skip_keeps_it_from_that_annotator_only(
    ctx: Context, pets: Api, alice: Api, bob: Api
) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    r = _act(alice, a, "skip", reason="image does not load")
    assert r.status_code == 200, r.text
    assert r.json() == {"id": a["id"], "status": "skipped"}
    assert alice.lease("pets") is None
    assert alice.ok("GET", "/api/v1/queue") == [
        {
            "project": "pets",
            "type": "categorization",
            "available": 1,
            "leased": 0,
            "stages": [{"stage": "label", "kind": "label", "available": 1, "leased": 0}],
            "quality_status": "active",
            "status_reason": None,
            "qualification": None,
        }
    ]
    b = bob.lease("pets")
    assert b["id"] == a["id"]
    with ctx.db.read() as conn:
        skips = conn.execute(select(assignment_skips.c.assignment_id, assignment_skips.c.reason))
        assert [tuple(s) for s in skips] == [(a["id"], "image does not load")]
    # Bob releases it; it is still never Alice's again.
    assert _act(bob, b, "release").status_code == 200
    assert alice.lease("pets") is None


def test_skip_needs_a_reason(ctx: Context, pets: Api, alice: Api, bob: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    msg = _error(_act(alice, a, "skip", reason=""), 400, "invalid")
    assert "reason" in msg
    msg = _error(_act(alice, a, "skip", reason="   "), 400, "invalid")
    assert "reason" in msg
    msg = _error(
        alice.post(f"/api/v1/assignments/{a['id']}/skip", json={"lease_token": a["lease_token"]}),
        400,
        "invalid",
    )
    assert "reason" in msg
    # Nothing happened: still Alice's lease, no skip recorded.
    assert bob.lease("pets") is None
    with ctx.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(assignment_skips)).scalar_one() == 0
    assert _act(alice, a, "submit", response={"category": "cat"}).status_code == 200


def test_release_puts_it_back_at_once(ctx: Context, pets: Api, alice: Api, bob: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets", lease_seconds=3600)
    r = _act(alice, a, "release")
    assert r.status_code == 200, r.text
    assert r.json() == {"id": a["id"], "status": "released"}
    row = _assignment(ctx, a["id"])
    assert (row.status, row.annotator_id, row.lease_token, row.lease_expires_at) == (
        "open",
        None,
        None,
        None,
    )
    b = bob.lease("pets")
    assert b["id"] == a["id"]
    _error(_act(alice, a, "submit", response={"category": "cat"}), 409, "lease_expired")
    assert _act(bob, b, "release").status_code == 200
    # A release is not a skip: the same annotator may take it again.
    assert alice.lease("pets")["id"] == a["id"]


# --- Canceled tasks -----------------------------------------------------------------------------


def test_canceled_task_cannot_be_submitted(ctx: Context, pets: Api, alice: Api, bob: Api) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    assert pets.ok("POST", f"/v1/task/{tid}/cancel")["status"] == "canceled"
    msg = _error(_act(alice, a, "submit", response={"category": "cat"}), 409, "conflict")
    assert "canceled" in msg
    _error(_act(alice, a, "heartbeat"), 409, "conflict")
    assert _judgment_count(ctx, tid) == 0
    assert pets.ok("GET", f"/v1/task/{tid}")["status"] == "canceled"
    assert bob.lease("pets") is None
    assert alice.lease("pets") is None


def test_canceled_task_is_never_leased(pets: Api, alice: Api) -> None:
    first = _pet(pets, 1, priority=50)
    second = _pet(pets, 2)
    pets.ok("POST", f"/v1/task/{first}/cancel")
    assert alice.lease("pets")["task"]["task_id"] == second
    assert alice.lease("pets") is None
    assert alice.ok("GET", "/api/v1/queue")[0]["available"] == 0


# --- Responses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "field"),
    [
        ({"category": "bird"}, "response.category"),
        ({}, "response.category"),
        ({"category": "cat", "mood": "happy"}, "response.mood"),
        ({"category": ["cat", "dog"]}, "response.category"),
    ],
)
def test_invalid_response_is_400_and_keeps_the_lease(
    ctx: Context,
    pets: Api,
    alice: Api,
    bob: Api,
    response: dict[str, Any],
    field: str,
) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    r = _act(alice, a, "submit", response=response)
    msg = _error(r, 400, "invalid")
    assert msg.startswith(f"{field}: ")
    assert [d["field"] for d in r.json()["details"]] == [field]
    assert _judgment_count(ctx, tid) == 0
    assert bob.lease("pets") is None  # still Alice's
    ok = _act(alice, a, "submit", response={"category": "dog"})
    assert ok.status_code == 200, ok.text
    assert pets.ok("GET", f"/v1/task/{tid}")["response"] == {"category": "dog"}


def test_response_must_be_an_object(pets: Api, alice: Api) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    r = _act(alice, a, "submit", response=["cat"])
    msg = _error(r, 400, "invalid")
    assert "response" in msg


# --- Several respondents ------------------------------------------------------------------------


def test_textcollection_needs_distinct_respondents(ctx: Context, api: Api, tenant: Tenant) -> None:
    api.project("forms", "textcollection", {**FORM, "responses_required": 3})
    first = api.task("textcollection", project="forms", priority=10)["task_id"]
    second = api.task("textcollection", project="forms")["task_id"]
    people = [api.as_key(tenant.annotator_key)] + [
        api.as_key(tenant.annotator(ctx, name)) for name in ("bob", "carol")
    ]
    alice = people[0]
    a1 = alice.lease("forms")
    assert a1["task"]["task_id"] == first
    # Never the same task twice: the next lease is the other task, then nothing.
    a2 = alice.lease("forms")
    assert a2["task"]["task_id"] == second
    assert alice.lease("forms") is None
    assert _act(alice, a2, "release").status_code == 200

    statuses = []
    for n, person in enumerate(people):
        a = a1 if n == 0 else person.lease("forms")
        assert a["task"]["task_id"] == first
        r = _act(person, a, "submit", response={"annotations": {"note": f"answer {n}"}})
        assert r.status_code == 200, r.text
        statuses.append(r.json()["task_status"])
        # Submitted or not, this task never comes back to the same person.
        again = person.lease("forms")
        assert again is None or again["task"]["task_id"] == second
        if again is not None:
            assert _act(person, again, "release").status_code == 200
    assert statuses == ["pending", "pending", "completed"]
    done = api.ok("GET", f"/v1/task/{first}")
    assert done["status"] == "completed"
    assert done["response"] == {
        "annotations": {
            "note": {
                "type": "text",
                "field_id": "note",
                "response": [["answer 0"], ["answer 1"], ["answer 2"]],
            }
        }
    }
    assert _judgment_count(ctx, first) == 3
    # The three respondents are three different people.
    with ctx.db.read() as conn:
        who = conn.execute(
            select(judgments.c.annotator_id).where(judgments.c.task_id == first)
        ).scalars()
        assert len(set(who)) == 3
    assert api.ok("GET", f"/v1/task/{second}")["status"] == "pending"


# --- Queue counts and visibility ------------------------------------------------------------------


def test_queue_counts_available_and_leased(ctx: Context, pets: Api, alice: Api, bob: Api) -> None:
    for i in range(3):
        _pet(pets, i)
    pets.project("empty", "categorization", PETS)

    def counts() -> dict[str, tuple[int, int]]:
        rows = alice.ok("GET", "/api/v1/queue")
        return {r["project"]: (r["available"], r["leased"]) for r in rows}

    assert counts() == {"pets": (3, 0), "empty": (0, 0)}
    a = alice.lease("pets")
    b = bob.lease("pets")
    assert counts() == {"pets": (1, 2), "empty": (0, 0)}
    _expire(ctx, b["id"])
    assert counts() == {"pets": (2, 1), "empty": (0, 0)}
    assert _act(alice, a, "submit", response={"category": "cat"}).status_code == 200
    assert counts() == {"pets": (2, 0), "empty": (0, 0)}


def test_staging_batch_tasks_wait_for_finalize(pets: Api, alice: Api) -> None:
    pets.ok("POST", "/v1/batches", json={"project": "pets", "name": "b1"})
    tid = _pet(pets, 1, batch="b1")
    assert alice.lease("pets") is None
    assert alice.ok("GET", "/api/v1/queue")[0]["available"] == 0
    pets.ok("POST", "/v1/batches/b1/finalize")
    assert alice.lease("pets")["task"]["task_id"] == tid


def test_other_organization_cannot_see_or_touch_the_assignment(
    ctx: Context, pets: Api, alice: Api, tenant: Tenant
) -> None:
    tid = _pet(pets, 1)
    a = alice.lease("pets")
    other = pets.as_key(make_tenant(ctx, "globex").annotator_key)
    _error(other.get(f"/api/v1/assignments/{a['id']}"), 404, "not_found")
    calls: list[tuple[str, dict[str, Any]]] = [
        ("heartbeat", {}),
        ("submit", {"response": {"category": "dog"}}),
        ("skip", {"reason": "mine now"}),
        ("release", {}),
    ]
    for action, body in calls:
        _error(_act(other, a, action, **body), 404, "not_found")
    _error(other.post("/api/v1/queue/lease", json={"project": "pets"}), 404, "not_found")
    assert other.ok("GET", "/api/v1/queue") == []
    # The test environment of the same organization is another world too.
    tester = pets.as_key(tenant.annotator_test_key)
    _error(tester.get(f"/api/v1/assignments/{a['id']}"), 404, "not_found")
    assert _judgment_count(ctx, tid) == 0
    assert _act(alice, a, "submit", response={"category": "cat"}).status_code == 200


def test_another_annotator_of_the_org_cannot_read_my_assignment(
    pets: Api, alice: Api, bob: Api
) -> None:
    _pet(pets, 1)
    a = alice.lease("pets")
    _error(bob.get(f"/api/v1/assignments/{a['id']}"), 404, "not_found")
    _error(_act(bob, a, "submit", response={"category": "dog"}), 409, "lease_expired")
    assert alice.ok("GET", f"/api/v1/assignments/{a['id']}")["id"] == a["id"]
