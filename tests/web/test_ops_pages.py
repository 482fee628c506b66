"""The ops / requester pages in Chromium: projects, batches, the task browser, task detail and
audit, throughput charts, users and API keys, and who may open them."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from assay.accounts.model import Role
from tests.factories import user_key
from tests.web.conftest import Web
from tests.web.helpers_ops import act, complete, lease, ok, project, tasks, upload_image


def watch_console(page: Any) -> list[str]:
    """Errors the page logs (a failed request, an exception): the pages should log none."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_requester_creates_a_project_with_review_and_edits_it(web: Web) -> None:
    page = web.page(f"{web.tenant.name}-requester")
    errors = watch_console(page)
    page.goto("/ops/projects")
    expect(page.get_by_test_id("empty")).to_contain_text("No projects yet")
    page.get_by_role("link", name="New project").click()

    page.get_by_label("Name", exact=True).fill("street-signs")
    page.get_by_label("Task type").select_option("imageannotation")
    page.get_by_label("Boxes", exact=True).check()
    page.get_by_label("Boxes: labels").fill("sign\n  stop sign\ncar")
    page.get_by_role("button", name="Add attribute").click()
    page.get_by_label("Attribute 1 name").fill("occluded")
    page.get_by_label("Attribute 1 choices").fill("no, partly, mostly")
    page.get_by_label("Instructions").fill("Box every sign.")
    page.get_by_label("Label → review").check()
    web.shot(page, "ops-project-form")
    page.get_by_role("button", name="Create project").click()

    expect(page).to_have_url(re.compile(r"/ops/projects/street-signs$"))
    expect(page.get_by_test_id("project-workflow")).to_have_text("label → review")
    with web.http() as c:
        made = ok(c.get("/api/v1/projects/street-signs"))
    assert [s["kind"] for s in made["workflow"]] == ["label", "review"]
    assert made["params"]["geometries"]["box"]["objects_to_annotate"] == [
        {"choice": "sign", "subchoices": ["stop sign"]},
        "car",
    ]
    assert made["params"]["annotation_attributes"]["occluded"]["choices"] == [
        "no",
        "partly",
        "mostly",
    ]
    assert made["params"]["instruction"] == "Box every sign."

    # Edit: the same form, filled in; the change is kept in the param history.
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Boxes: labels")).to_have_value("sign\n  stop sign\ncar")
    page.get_by_label("Instructions").fill("Box every sign, even small ones.")
    page.get_by_label("Judgments per task (label)").fill("2")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_have_text("Saved.")
    expect(page.get_by_test_id("project-workflow")).to_have_text("label (2 judgments) → review")
    expect(page.get_by_test_id("project-instruction")).to_have_text(
        "Box every sign, even small ones."
    )
    history = page.get_by_role("table", name="Param history")
    expect(history.get_by_role("row")).to_have_count(3)  # header, v1, v0
    expect(history).to_contain_text("instruction")
    web.shot(page, "ops-project-detail")

    # A bad param is refused with the server's message, and nothing is saved.
    page.get_by_role("button", name="Edit").click()
    page.get_by_text("All params as JSON").click()
    page.get_by_label("Params JSON").fill('{"colour": "red"}')
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("colour")

    page.goto("/ops/projects")
    row = page.get_by_test_id("project-row-street-signs")
    expect(row).to_contain_text("imageannotation")
    expect(row.get_by_role("progressbar")).to_be_visible()
    web.shot(page, "ops-projects")
    assert not [e for e in errors if "400" not in e], errors


def test_batch_progress_and_task_browser(web: Web) -> None:
    # 60 tasks outside batches: 20 tagged blue, then 40 red; the 3 oldest get completed.
    project(web, "pets")
    blue = tasks(web, "pets", 20, tags=["blue"])
    red = tasks(web, "pets", 40, tags=["red"])
    done = [complete(web, "pets", {"category": "dog"})["task_id"] for _ in range(3)]
    assert done == blue[:3]
    # A second project with two batches: week-1 (4 tasks, 1 completed) and week-2 (staging).
    project(web, "batched")
    with web.http() as c:
        ok(c.post("/v1/batches", json={"project": "batched", "name": "week-1"}))
        ok(c.post("/v1/batches", json={"project": "batched", "name": "week-2"}))
    batched = tasks(web, "batched", 4, batch="week-1")
    with web.http() as c:
        ok(c.post("/v1/batches/week-1/finalize"))
    done.append(complete(web, "batched", {"category": "cat"})["task_id"])

    page = web.page(f"{web.tenant.name}-requester")
    errors = watch_console(page)
    page.goto("/ops/batches")
    row = page.get_by_test_id("batch-row-week-1")
    bar = row.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuetext", re.compile("1 completed, 3 pending"))
    expect(bar).to_have_attribute("aria-valuenow", "25")
    expect(page.get_by_test_id("batch-row-week-2")).to_contain_text("staging")
    web.shot(page, "ops-batches")
    page.get_by_label("Status", exact=True).select_option("staging")
    expect(page.get_by_test_id("batch-row-week-1")).to_have_count(0)
    expect(page.get_by_test_id("batch-row-week-2")).to_be_visible()

    # The task browser pages through the 64 tasks, 25 at a time, newest first.
    page.goto("/ops/tasks?limit=25")
    rows = page.get_by_test_id("task-row")
    seen: list[str] = []
    for page_no, expected in enumerate((25, 25, 14), start=1):
        expect(page.get_by_test_id("page-info")).to_contain_text(
            f"Page {page_no} · {expected} shown"
        )
        expect(rows).to_have_count(expected)
        seen += [r.get_by_role("link").first.inner_text() for r in rows.all()]
        if page_no < 3:
            page.keyboard.press("n")  # the shortcut for Next
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    assert seen == batched[::-1] + red[::-1] + blue[::-1]
    page.get_by_role("button", name="Previous").click()
    expect(page.get_by_test_id("page-info")).to_contain_text("Page 2 · 25 shown")
    expect(rows.first).to_contain_text(seen[25])
    page.keyboard.press("p")
    expect(page.get_by_test_id("page-info")).to_contain_text("Page 1 · 25 shown")
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()

    # Filters go into the URL: a reload keeps them.
    page.get_by_label("Status", exact=True).select_option("completed")
    expect(page).to_have_url(re.compile(r"status=completed"))
    expect(rows).to_have_count(4)
    page.reload()
    expect(rows).to_have_count(4)
    expect(page.get_by_label("Status", exact=True)).to_have_value("completed")
    for task_id in done:
        expect(page.get_by_role("link", name=task_id)).to_be_visible()
    page.get_by_label("Project", exact=True).select_option("pets")
    expect(rows).to_have_count(3)
    web.shot(page, "ops-tasks-filtered")

    page.get_by_role("button", name="Clear").click()
    expect(rows).to_have_count(25)
    page.get_by_label("Tag", exact=True).fill("blue")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"tag=blue"))
    expect(rows).to_have_count(20)
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    page.get_by_label("Annotator").fill(f"{web.tenant.name}-annotator")
    page.get_by_label("Annotator").press("Enter")
    expect(rows).to_have_count(3)
    page.get_by_label("Batch", exact=True).fill("week-1")
    page.get_by_label("Batch", exact=True).press("Enter")
    expect(page.get_by_test_id("empty")).to_contain_text("No tasks match these filters")
    page.get_by_label("Batch", exact=True).fill("no-such-batch")
    page.get_by_label("Batch", exact=True).press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("no-such-batch")
    web.shot(page, "ops-tasks-error")
    # The one expected error: the 404 of the unknown batch.
    assert all("404" in e for e in errors), errors


def test_task_detail_audit_and_throughput(web: Web) -> None:
    image = upload_image(web)
    project(web, "street", "imageannotation", geometries={"box": {"objects_to_annotate": ["car"]}})
    project(web, "pets")
    with web.http() as c:
        task = ok(
            c.post("/v1/task/imageannotation", json={"project": "street", "attachment": image})
        )
    box = {"type": "box", "label": "car", "left": 20, "top": 30, "width": 100, "height": 60}
    complete(web, "street", {"annotations": [box]}, ms=6000)
    tasks(web, "pets", 2)
    complete(web, "pets", {"category": "cat"}, ms=2000)
    complete(web, "pets", {"category": "dog"}, ms=4000)

    page = web.page(f"{web.tenant.name}-requester")
    errors = watch_console(page)
    page.goto("/ops/tasks")
    page.get_by_role("link", name=task["task_id"]).click()
    expect(page).to_have_url(re.compile(rf"/ops/tasks/{task['task_id']}$"))
    judgments = page.get_by_test_id("judgment-row")
    expect(judgments).to_have_count(1)
    expect(judgments.first).to_contain_text(f"{web.tenant.name}-annotator")
    expect(judgments.first).to_contain_text("6.0 s")
    assignments = page.get_by_role("table", name="Assignments")
    expect(assignments).to_contain_text("submitted")
    preview = page.get_by_test_id("image-preview").get_by_role("img", name="Task attachment")
    expect(preview).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=image-preview] img').naturalWidth === 320"
    )
    expect(page.locator(".ops-overlay rect")).to_have_count(1)
    expect(page.get_by_role("region", name="Callback attempts")).to_contain_text("no callback URL")

    # Reject needs a comment; then the audit shows, and Scale's API agrees.
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("alert")).to_contain_text("comment is required")
    page.get_by_label("Audit comment").fill("the box is too loose")
    page.get_by_role("button", name="Reject").click()
    expect(page.get_by_role("status")).to_have_text("Audit saved.")
    audits = page.get_by_role("table", name="Audits")
    expect(audits).to_contain_text("rejected")
    expect(audits).to_contain_text("the box is too loose")
    expect(page.get_by_test_id("audit-status")).to_have_text("rejected")
    with web.http() as c:
        assert ok(c.get(f"/v1/task/{task['task_id']}"))["customer_review_status"] == "rejected"
    page.get_by_label("Audit comment").fill("fine after all")
    page.keyboard.press("Alt+a")  # the Accept shortcut works from the comment box
    expect(page.get_by_test_id("audit-status")).to_have_text("accepted")
    expect(audits.get_by_role("row")).to_have_count(3)
    web.shot(page, "ops-task-detail")

    page.goto("/ops/throughput")
    for chart in ("chart-per-hour", "chart-by-annotator", "chart-by-type"):
        expect(page.get_by_test_id(chart).locator(".recharts-rectangle").first).to_be_visible()
    by_type = page.get_by_role("table", name="Time per task by task type (table)")
    expect(by_type).to_contain_text("imageannotation")
    expect(by_type).to_contain_text("categorization")
    by_annotator = page.get_by_role("table", name="Time per task by annotator (table)")
    annotator_row = by_annotator.get_by_role("row", name=re.compile(f"{web.tenant.name}-annotator"))
    expect(annotator_row.get_by_role("cell").nth(1)).to_have_text("3")
    expect(page.get_by_role("heading", name="Completed tasks per hour")).to_contain_text(
        "3 in the window"
    )
    web.shot(page, "ops-throughput")
    page.get_by_label("Project").select_option("pets")
    expect(page).to_have_url(re.compile(r"project=pets"))
    expect(page.get_by_role("heading", name="Completed tasks per hour")).to_contain_text(
        "2 in the window"
    )
    expect(by_type).not_to_contain_text("imageannotation")
    assert not errors, errors


def test_task_detail_shows_skips_reviews_and_the_fix_diff(web: Web) -> None:
    with web.http() as c:
        body = {
            "name": "checked",
            "type": "categorization",
            "params": {"categories": ["cat", "dog"]},
            "workflow": [
                {"name": "label", "kind": "label", "judgments": 1},
                {"name": "review", "kind": "review", "judgments": 1},
            ],
        }
        ok(c.post("/api/v1/projects", json=body), 201)
    (task_id,) = tasks(web, "checked", 1)
    annotator = web.tenant.annotator_key
    other = web.tenant.annotator(web.ctx, f"{web.tenant.name}-annotator-2")
    reviewer = user_key(web.ctx, web.tenant.name, f"{web.tenant.name}-reviewer", Role.REVIEWER)
    act(web, other, lease(web, "checked", other), "skip", reason="blurry picture")
    act(web, annotator, lease(web, "checked", annotator), "submit", response={"category": "cat"})
    first = lease(web, "checked", reviewer, stage="review")
    act(web, reviewer, first, "review", action="reject", comment="look again: a dog")
    act(web, annotator, lease(web, "checked", annotator), "submit", response={"category": "cat"})
    second = lease(web, "checked", reviewer, stage="review")
    act(web, reviewer, second, "review", action="fix", response={"category": "dog"})

    page = web.page(f"{web.tenant.name}-requester")
    errors = watch_console(page)
    page.goto(f"/ops/tasks/{task_id}")
    judgments = page.get_by_test_id("judgment-row")
    # The rejected label, the redone label, and the reviewer's fix (a judgment of the review).
    expect(judgments).to_have_count(3)
    expect(judgments.nth(0)).to_contain_text("superseded")
    expect(judgments.nth(1)).to_contain_text("counts")
    expect(judgments.nth(2)).to_contain_text(f"{web.tenant.name}-reviewer")
    expect(judgments.nth(2)).to_contain_text("review")
    reviews = page.get_by_test_id("review")
    expect(reviews).to_have_count(2)
    expect(reviews.first).to_contain_text("reject")
    expect(reviews.first).to_contain_text("look again: a dog")
    diff = reviews.last.get_by_test_id("diff-view")
    expect(diff).to_contain_text("category")
    expect(diff).to_contain_text('"cat"')
    expect(diff).to_contain_text('"dog"')
    assignments = page.get_by_role("table", name="Assignments")
    expect(assignments).to_contain_text("blurry picture")
    expect(assignments).to_contain_text(f"{web.tenant.name}-annotator-2")
    expect(page.get_by_label("Task response")).to_contain_text('"dog"')
    web.shot(page, "ops-task-detail-reviews")
    assert not errors, errors


def test_admin_manages_users_and_keys(web: Web) -> None:
    admin = f"{web.tenant.name}-admin"
    page = web.page(admin)
    errors = watch_console(page)
    page.goto("/ops/users")
    expect(page.get_by_role("button", name=f"Deactivate {admin}")).to_be_disabled()
    page.get_by_label("Username").fill("acme-newbie")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_label("Role", exact=True).select_option("annotator")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("status")).to_have_text("Created acme-newbie (annotator).")
    row = page.get_by_test_id("user-row-acme-newbie")
    page.get_by_label("Role of acme-newbie").select_option("reviewer")
    expect(page.get_by_role("status")).to_have_text("acme-newbie is now reviewer.")
    row.get_by_role("button", name="Deactivate acme-newbie").click()
    expect(row).to_contain_text("deactivated")
    with web.http(web.tenant.admin_key) as c:
        users = {u["username"]: u for u in ok(c.get("/api/v1/users"))["items"]}
    assert users["acme-newbie"]["role"] == "reviewer"
    assert users["acme-newbie"]["is_active"] is False
    row.get_by_role("button", name="Reactivate acme-newbie").click()
    expect(row.get_by_text("active", exact=True)).to_be_visible()
    # A duplicate is refused with the server's message.
    page.get_by_label("Username").fill("acme-newbie")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("alert")).to_contain_text("User not created")
    web.shot(page, "ops-users")

    page.get_by_role("link", name="API keys").click()
    page.get_by_label("Key name").fill("ci-script")
    page.get_by_role("form", name="New API key").get_by_label("Environment").select_option("live")
    page.get_by_role("button", name="Create key").click()
    key = page.get_by_test_id("new-key").input_value()
    assert key
    with web.http(key) as c:
        ok(c.get("/v1/projects"))
    expect(page.get_by_test_id("key-row-ci-script")).to_contain_text("active")
    web.shot(page, "ops-keys-created")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_test_id("new-key")).to_have_count(0)

    page.get_by_role("button", name="Revoke ci-script").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Revoke")
    dialog.get_by_role("button", name="Yes, revoke").click()
    expect(page.get_by_test_id("key-row-ci-script")).to_have_count(0)
    page.get_by_label("Show revoked keys").check()
    expect(page.get_by_test_id("key-row-ci-script")).to_contain_text("revoked")
    with web.http(key) as c:
        assert c.get("/v1/projects").status_code == 401
    web.shot(page, "ops-keys")
    assert all("409" in e for e in errors), errors


def test_annotator_is_refused_clearly(web: Web) -> None:
    page = web.page(f"{web.tenant.name}-annotator")
    errors = watch_console(page)
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Users")
    ).to_have_count(0)
    page.goto("/ops/users")
    expect(page.get_by_test_id("refused")).to_contain_text("only for admins")
    web.shot(page, "ops-users-refused")
    page.goto("/ops/tasks")
    expect(page.get_by_test_id("refused")).to_contain_text("only for admins and requesters")
    # Their own keys are theirs to see.
    page.goto("/ops/keys")
    expect(page.get_by_role("table", name="API keys")).to_be_visible()
    expect(page.get_by_text("Your keys.")).to_be_visible()
    with web.http(web.tenant.annotator_key) as c:
        assert c.get("/api/v1/users").status_code == 403
    assert not errors, errors
