"""GET /v1/tasks: cursor paging, every filter, and the scaleapi client's query habits."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assay import clock
from assay.api.app import create_app
from assay.context import Context
from tests.conftest import create_pg_database, drop_pg_database
from tests.conftest import test_settings as settings_for
from tests.factories import CATEGORIES, Api, Tenant, make_tenant

T0 = datetime(2024, 3, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Listing:
    api: Api
    ids: list[str]  # t0..t6 in creation order


def _seed(api: Api, tenant: Tenant, mp: pytest.MonkeyPatch) -> list[str]:
    """Seven tasks, created one hour apart from T0 (the server's clock is replaced).

    t0 pets  tags [a]     unique_id u0
    t1 pets  batch b1     tags [a, b]
    t2 pets  batch b1     tags [b]       unique_id u2
    t3 pets  completed at +10 h, audited (rejected) at +14 h
    t4 pets  canceled at +11 h
    t5 names (namedentityrecognition)
    t6 pets  completed at +12 h, audited (accepted) at +13 h
    """
    now = [T0]
    mp.setattr(clock, "now", lambda: now[0])

    def at(hours: int) -> None:
        now[0] = T0 + timedelta(hours=hours)

    api.project("pets", "categorization", CATEGORIES)
    api.project("names", "namedentityrecognition", {"labels": [{"name": "PER"}]})
    api.ok("POST", "/v1/batches", json={"project": "pets", "name": "b1"})
    specs: list[tuple[str, dict[str, Any]]] = [
        ("categorization", {"project": "pets", "tags": ["a"], "unique_id": "u0"}),
        ("categorization", {"batch": "b1", "tags": ["a", "b"]}),
        ("categorization", {"batch": "b1", "tags": ["b"], "unique_id": "u2"}),
        ("categorization", {"project": "pets", "priority": 9}),
        ("categorization", {"project": "pets"}),
        ("namedentityrecognition", {"project": "names", "text": "Ada"}),
        ("categorization", {"project": "pets", "priority": 8}),
    ]
    ids = []
    for hour, (task_type, payload) in enumerate(specs):
        at(hour)
        extra = {"attachment": f"https://x/{hour}.jpg"} if task_type == "categorization" else {}
        ids.append(api.task(task_type, **payload, **extra)["task_id"])
    worker = api.as_key(tenant.annotator_key)
    for hour, task_id in ((10, ids[3]), (12, ids[6])):
        at(hour)
        assignment = worker.lease("pets")
        assert assignment["task"]["task_id"] == task_id
        assert worker.submit(assignment, {"category": "cat"}).status_code == 200
    at(11)
    api.ok("POST", f"/v1/task/{ids[4]}/cancel")
    at(13)
    api.ok("POST", f"/v1/task/{ids[6]}/audit", json={"accepted": True})
    at(14)
    api.ok("POST", f"/v1/task/{ids[3]}/audit", json={"accepted": False})
    return ids


@pytest.fixture(scope="module")
def listing(
    backend: str, template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Listing]:
    """One database per backend for this module's tests, which only read it."""
    data = tmp_path_factory.mktemp("listing")
    pg_name = None
    if backend == "sqlite":
        shutil.copyfile(template, data / "assay.db")
        url = f"sqlite:///{data / 'assay.db'}"
    else:
        pg_name = f"assay_test_{uuid.uuid4().hex[:12]}"
        url = create_pg_database(pg_name, template=template)
    ctx = Context.from_settings(settings_for(url, data / "data"), pool_size=2)
    try:
        with TestClient(create_app(ctx, worker=False), raise_server_exceptions=False) as client:
            tenant = make_tenant(ctx, "acme")
            api = Api(client, tenant.requester_key)
            with pytest.MonkeyPatch.context() as mp:
                ids = _seed(api, tenant, mp)
            yield Listing(api, ids)
    finally:
        ctx.close()
        if pg_name is not None:
            drop_pg_database(pg_name)


def _ids(listing: Listing, **params: Any) -> list[str]:
    page = listing.api.ok("GET", "/v1/tasks", params=params)
    assert page["total"] == len(page["docs"]), "use _ids only for results that fit one page"
    return [t["task_id"] for t in page["docs"]]


def _error(listing: Listing, params: dict[str, Any], status: int) -> str:
    r = listing.api.get("/v1/tasks", params=params)
    assert r.status_code == status, r.text
    body = r.json()
    assert (body["status_code"], body["code"]) == (
        status,
        "invalid" if status == 400 else "not_found",
    )
    return str(body["error"])


class TestPaging:
    @pytest.mark.parametrize("limit", [1, 3])
    def test_next_token_visits_every_task_once(self, listing: Listing, limit: int) -> None:
        seen: list[str] = []
        params: dict[str, Any] = {"limit": limit}
        for _ in range(10):  # bounded: 7 tasks need at most 7 pages
            page = listing.api.ok("GET", "/v1/tasks", params=params)
            assert (page["total"], page["limit"], page["offset"]) == (7, limit, 0)
            seen.extend(t["task_id"] for t in page["docs"])
            if not page["has_more"]:
                assert "next_token" not in page
                break
            assert len(page["docs"]) == limit
            params = {"limit": limit, "next_token": page["next_token"]}
        assert seen == listing.ids
        assert len(page["docs"]) == (7 % limit or limit)

    def test_paging_follows_filters(self, listing: Listing) -> None:
        ids, api = listing.ids, listing.api
        first = api.ok("GET", "/v1/tasks", params={"project": "pets", "limit": 4})
        assert [t["task_id"] for t in first["docs"]] == ids[:4]
        assert (first["total"], first["has_more"]) == (6, True)
        rest = api.ok(
            "GET",
            "/v1/tasks",
            params={"project": "pets", "limit": 4, "next_token": first["next_token"]},
        )
        assert [t["task_id"] for t in rest["docs"]] == [ids[4], ids[6]]
        assert (rest["total"], rest["has_more"]) == (6, False)
        assert "next_token" not in rest

    def test_count_path(self, listing: Listing) -> None:
        """``get_tasks_count`` asks for limit=1 and reads ``total``."""
        page = listing.api.ok(
            "GET", "/v1/tasks", params={"project": "pets", "status": "pending", "limit": 1}
        )
        assert (page["total"], len(page["docs"]), page["has_more"]) == (3, 1, True)
        assert page["docs"][0]["task_id"] == listing.ids[0]

    def test_docs_are_full_tasks(self, listing: Listing) -> None:
        page = listing.api.ok("GET", "/v1/tasks", params={"unique_id": "u2"})
        one = listing.api.ok("GET", f"/v1/task/{listing.ids[2]}")
        # Only a single task's GET lists its callback delivery attempts.
        assert one.pop("callback_attempts") == []
        assert page["docs"] == [one]
        assert page["docs"][0]["created_at"] == "2024-03-01T02:00:00.000Z"

    def test_empty_result(self, listing: Listing) -> None:
        assert listing.api.ok("GET", "/v1/tasks", params={"unique_id": "nope"}) == {
            "docs": [],
            "total": 0,
            "limit": 100,
            "offset": 0,
            "has_more": False,
        }

    def test_bad_next_token_is_400(self, listing: Listing) -> None:
        for token in ("garbage", "!!!", "MDEyMzQ1", "bm90LWFuLWlk", "_" * 40, "%00"):
            message = _error(listing, {"next_token": token}, 400)
            assert message == "next_token: not a token this server issued", token

    def test_limit_out_of_range_is_400(self, listing: Listing) -> None:
        for limit in ("0", "101", "-1", "ten"):
            assert _error(listing, {"limit": limit}, 400).startswith("limit: "), limit


class TestFilters:
    def test_project_batch_type(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, project="names") == [ids[5]]
        assert _ids(listing, batch="b1") == [ids[1], ids[2]]
        assert _ids(listing, project="pets", batch="b1") == [ids[1], ids[2]]
        assert _ids(listing, type="namedentityrecognition") == [ids[5]]
        assert _ids(listing, type=["namedentityrecognition", "comparison"]) == [ids[5]]
        assert _ids(listing, type="categorization") == [ids[i] for i in (0, 1, 2, 3, 4, 6)]

    def test_unknown_project_or_batch_is_404(self, listing: Listing) -> None:
        assert _error(listing, {"project": "nope"}, 404) == "project 'nope' not found"
        assert _error(listing, {"batch": "nope"}, 404) == "batch 'nope' not found"

    def test_status_repeated_and_comma_separated(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, status="completed") == [ids[3], ids[6]]
        assert _ids(listing, status="canceled") == [ids[4]]
        assert _ids(listing, status=["completed", "canceled"]) == [ids[3], ids[4], ids[6]]
        assert _ids(listing, status="completed,canceled") == [ids[3], ids[4], ids[6]]
        assert _ids(listing, status=["pending,error", "canceled"]) == [
            ids[i] for i in (0, 1, 2, 4, 5)
        ]

    def test_created_window_in_both_formats(self, listing: Listing) -> None:
        ids = listing.ids
        window = [ids[2], ids[3], ids[4]]
        iso = {"start_time": "2024-03-01T02:00:00Z", "end_time": "2024-03-01T04:00:00Z"}
        assert _ids(listing, **iso) == window
        scale = {"start_time": "2024-03-01 02:00:00.000000", "end_time": "2024-03-01 04:00:00.0"}
        assert _ids(listing, **scale) == window
        assert _ids(listing, start_time="2024-03-01T07:00:00+02:00") == [ids[5], ids[6]]
        assert _ids(listing, end_time="2024-03-01") == [ids[0]]

    def test_completed_window(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, completed_after="2024-03-01 09:00:00.000000") == [ids[3], ids[6]]
        assert _ids(listing, completed_after="2024-03-01T11:00:00Z") == [ids[6]]
        assert _ids(listing, completed_before="2024-03-01T11:00:00Z") == [ids[3]]

    def test_updated_window(self, listing: Listing) -> None:
        ids = listing.ids
        # t3: completed at 10 h, audited at 14 h; t4: canceled at 11 h; t6: audited at 13 h.
        assert _ids(listing, updated_after="2024-03-01T10:00:00Z") == [ids[3], ids[4], ids[6]]
        middle = {"updated_after": "2024-03-01T10:30:00Z", "updated_before": "2024-03-01T12:30Z"}
        assert _ids(listing, **middle) == [ids[4]]
        assert _ids(listing, updated_before="2024-03-01 01:00:00.000000") == [ids[0], ids[1]]

    def test_bad_time_is_400(self, listing: Listing) -> None:
        for key in ("start_time", "end_time", "completed_after", "updated_before"):
            message = _error(listing, {key: "yesterday"}, 400)
            assert message == f"{key}: not an ISO 8601 date or date-time: 'yesterday'"

    def test_tags_require_all(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, tags="a") == [ids[0], ids[1]]
        assert _ids(listing, tags="b") == [ids[1], ids[2]]
        assert _ids(listing, tags=["a", "b"]) == [ids[1]]
        assert _ids(listing, tags=["a", "zzz"]) == []

    def test_unique_id_repeated(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, unique_id="u2") == [ids[2]]
        assert _ids(listing, unique_id=["u0", "u2", "nope"]) == [ids[0], ids[2]]

    def test_customer_review_status(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, customer_review_status="accepted") == [ids[6]]
        assert _ids(listing, customer_review_status="rejected,fixed") == [ids[3]]
        assert _ids(listing, customer_review_status=["accepted", "rejected"]) == [ids[3], ids[6]]
        assert _ids(listing, customer_review_status="pending") == []

    def test_client_extras_and_unknown_keys_are_ignored(self, listing: Listing) -> None:
        """``get_tasks`` sends Python booleans as ``True``/``False``; unknown keys are ignored."""
        assert _ids(
            listing,
            project="names",
            include_attachment_url="True",
            limited_response="False",
            something_else="1",
        ) == [listing.ids[5]]

    def test_filters_combine(self, listing: Listing) -> None:
        ids = listing.ids
        assert _ids(listing, project="pets", status="pending", tags="a") == [ids[0], ids[1]]
        assert _ids(listing, batch="b1", unique_id="u0") == []
        assert _ids(listing, status="completed", customer_review_status="accepted") == [ids[6]]
