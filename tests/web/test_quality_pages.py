"""The quality pages in Chromium: gold and training tasks made in the UI, a qualifying
annotator's training feedback, the dashboard against GET .../quality, pausing and resuming an
annotator, the settings form, and the annotator's progress page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Web
from tests.web.helpers_annotator import console_errors, wait_for_task
from tests.web.helpers_ops import complete, ok
from tests.web.helpers_quality import (
    annotator,
    answer_all,
    fmt_n,
    gold,
    gold_items,
    interval,
    nuance_label,
    pct,
    pets,
    report,
    texts,
)

# What the page shows next: a task other than ``prev``, training feedback, or nothing waiting.
# (Until the next lease answers, the work page still shows the task just submitted.)
_NEXT = """(prev) => document.querySelector('[data-testid=nothing-waiting]')
  || document.querySelector('[data-testid=training-feedback]')
  || (document.querySelector('[data-testid=work-page]')?.dataset.task ?? prev) !== prev"""
_NEW_TASK = """(prev) => {
  const work = document.querySelector('[data-testid=work-page]');
  return !!work && work.dataset.task !== prev;
}"""


def submit_and_wait(page: Any, task_id: str) -> Any:
    """Press Enter (submit); the submit's JSON answer, once the page has moved on."""
    with page.expect_response(lambda r: r.url.endswith("/submit")) as answer:
        page.keyboard.press("Enter")
    page.wait_for_function(_NEXT, arg=task_id)
    return answer.value.json()


def test_gold_tasks_made_in_the_ui_and_training_feedback(web: Web) -> None:
    t = web.tenant.name
    pets(web)
    real = texts(web, "pets", "A puppy chewing a shoe.", "A tabby asleep on the sofa.")
    real += texts(web, "pets", "Whiskers twitching at a bird.", "Barking at the mailman.")
    copied = complete(web, "pets", {"category": "dog"})["task_id"]
    made_gold_from = complete(web, "pets", {"category": "cat"})["task_id"]
    assert [copied, made_gold_from] == real[:2]

    page = web.page(f"{t}-requester")
    errors = console_errors(page)

    # A training task written in the form; the params start from the project's.
    page.goto("/ops/gold?project=pets&purpose=training")
    expect(page.get_by_test_id("empty")).to_contain_text("No training tasks active in pets")
    form = page.get_by_role("form", name="New gold or training task")
    expect(form.get_by_label("Purpose")).to_have_value("training")
    params = form.get_by_label("Params (JSON)")
    expect(params).to_have_value(re.compile(r'"categories"'))
    params.fill(
        '{"attachment": "Whiskers and a mat.", "attachment_type": "text",'
        ' "categories": ["cat", "dog"]}'
    )
    expected = form.get_by_label("Expected response (JSON)")
    expected.fill('{"category": "bird"}')
    form.get_by_label("Explanation").fill("**Whiskers** and a mat: a cat.")
    form.get_by_role("button", name="Create training task").click()
    expect(form.get_by_role("alert")).to_contain_text("bird")  # the server's 400, with the field
    expected.fill('{"category": "cat"}')
    form.get_by_role("button", name="Create training task").click()
    expect(page.get_by_role("status")).to_contain_text("Created training task")
    (written,) = gold_items(web, "pets", "training")
    row = page.get_by_test_id(f"gold-row-{written['id']}")
    expect(row).to_contain_text("Whiskers and a mat.")
    expect(row).to_contain_text("cat (label)")
    expect(row.get_by_test_id("gold-expected")).to_have_text("cat")
    assert written["expected_response"] == {"category": "cat"}
    assert written["explanation"] == "**Whiskers** and a mat: a cat."
    assert written["nuances"] == ["label:cat"]

    # A training task copied from a completed task: its delivered answer is the expected one.
    form.get_by_label("From a completed task").check()
    form.get_by_label("Task id").fill(copied)
    form.get_by_label("Explanation").fill("A puppy with a shoe is a dog.")
    form.get_by_role("button", name="Create training task").click()
    expect(page.get_by_test_id(re.compile(r"^gold-row-"))).to_have_count(2)
    from_task = next(g for g in gold_items(web, "pets", "training") if g["id"] != written["id"])
    assert from_task["expected_response"] == {"category": "dog"}
    assert from_task["params"]["attachment"] == "A puppy chewing a shoe."
    assert from_task["explanation"] == "A puppy with a shoe is a dog."
    expect(page.get_by_test_id(f"gold-row-{from_task['id']}")).to_contain_text("dog (label)")

    # Editing an item: bad JSON is caught before sending; the explanation is saved.
    page.get_by_role("button", name=f"Edit {written['id']}").click()
    edit = page.get_by_role("form", name=f"Edit {written['id']}")
    edit.get_by_label("Expected response (JSON)").fill('{"category": ')
    edit.get_by_role("button", name="Save").click()
    expect(edit.get_by_role("alert")).to_contain_text("not valid JSON")
    edit.get_by_label("Expected response (JSON)").fill('{"category": "cat"}')
    edit.get_by_label("Explanation").fill("**Whiskers** and a mat: a cat, not a dog.")
    web.shot(page, "quality-gold-edit")
    edit.get_by_label("Explanation").press("Control+Enter")
    expect(page.get_by_role("status")).to_have_text(f"{written['id']} saved.")
    expect(edit).to_have_count(0)
    written = next(g for g in gold_items(web, "pets", "training") if g["id"] == written["id"])
    assert written["explanation"] == "**Whiskers** and a mat: a cat, not a dog."
    assert written["expected_response"] == {"category": "cat"}
    web.shot(page, "quality-gold-training")

    # A gold task from the task detail page's button, then off and on again.
    page.goto(f"/ops/tasks/{made_gold_from}")
    page.get_by_role("button", name="Make gold / training task").click()
    page.get_by_role("form", name="Make gold or training task").get_by_role(
        "button", name="Create gold task"
    ).click()
    made = page.get_by_test_id("gold-made")
    expect(made).to_contain_text("Created gold task")
    made.get_by_role("link", name="see the gold page").click()
    expect(page).to_have_url(re.compile(r"/ops/gold\?project=pets$"))
    (gold_task,) = gold_items(web, "pets", "gold")
    assert gold_task["expected_response"] == {"category": "cat"}
    row = page.get_by_test_id(f"gold-row-{gold_task['id']}")
    expect(row.get_by_test_id("gold-expected")).to_have_text("cat")
    # The checkbox follows the server's answer: a click, not check()/uncheck().
    page.get_by_label(f"Active {gold_task['id']}").click()
    expect(row).to_have_count(0)  # inactive ones are hidden unless asked for
    assert gold_items(web, "pets", "gold")[0]["active"] is False
    page.get_by_label("Include inactive").check()
    expect(row).to_contain_text("off")
    page.get_by_label(f"Active {gold_task['id']}").click()
    expect(row).to_contain_text("active")
    assert gold_items(web, "pets", "gold")[0]["active"] is True

    # Quality settings on the dashboard: a bad value is shown at its field; then saved.
    page.goto("/ops/quality?project=pets")
    page.get_by_label("Gold rate").fill("1.5")
    page.get_by_label("Qualification tasks").fill("2")
    page.get_by_label("Qualification pass share").fill("0.4")
    page.get_by_role("button", name="Save quality settings").click()
    expect(page.get_by_test_id("setting-error-gold_rate")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("gold_rate")
    assert report(web, "pets")["settings"]["qualification_tasks"] == 0  # nothing was saved
    page.get_by_label("Gold rate").fill("0.5")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("status")).to_have_text("Quality settings saved.")
    settings = report(web, "pets")["settings"]
    assert (settings["gold_rate"], settings["qualification_tasks"]) == (0.5, 2)
    assert settings["qualification_pass"] == 0.4
    assert not [e for e in errors if "400" not in e], errors

    # A new annotator qualifies on the two training tasks, with feedback after each.
    annotator(web, f"{t}-trainee")
    trainee = web.page(f"{t}-trainee")
    trainee_errors = console_errors(trainee)
    trainee.goto("/queue")
    expect(
        trainee.get_by_test_id("queue-pets-label").get_by_test_id("quality-status")
    ).to_have_text("Qualification: 0 of 2 answered")
    trainee.get_by_test_id("start-pets-label").click()
    explanations = {
        written["id"]: written["explanation"],
        from_task["id"]: from_task["explanation"],
    }
    last = ""
    answered_one = False
    for _ in range(2):
        trainee.wait_for_function(_NEW_TASK, arg=last)
        task_id = last = trainee.get_by_test_id("work-page").get_attribute("data-task")
        assert task_id in explanations, f"a qualifying annotator got a real task: {task_id}"
        expect(trainee.get_by_test_id("training-badge")).to_have_text("Training")
        trainee.keyboard.press("2")  # dog: wrong for the written one, right for the copied one
        answer = submit_and_wait(trainee, task_id)
        feedback = answer["feedback"]
        panel = trainee.get_by_test_id("training-feedback")
        expect(panel).to_be_visible()
        right = task_id == from_task["id"]
        assert feedback["correct"] is right
        assert feedback["your_response"] == {"category": "dog"}
        expect(panel.get_by_test_id("feedback-result")).to_have_text(
            "Correct" if right else "Not quite"
        )
        expect(panel.get_by_test_id("feedback-score")).to_have_text(pct(feedback["score"]))
        expect(panel.get_by_test_id("feedback-explanation")).to_have_text(
            explanations[task_id].replace("**", "")
        )
        if feedback["mistakes"]:
            expect(panel.get_by_test_id("feedback-mistakes").get_by_role("listitem")).to_have_text(
                feedback["mistakes"]
            )
        if right:
            expect(panel.get_by_test_id("diff-view")).to_have_count(0)
        else:
            assert feedback["score"] < 1
            diff = panel.get_by_test_id("diff-view")
            expect(diff).to_contain_text("category")
            expect(diff).to_contain_text('"dog"')
            expect(diff).to_contain_text('"cat"')
            web.shot(trainee, "quality-training-feedback")
        if not answered_one:
            # Half way: My progress (in another tab) shows the qualification round so far.
            tab = trainee.context.new_page()
            check_progress(tab, qualification=(1, 1 if right else 0))
            web.shot(tab, "quality-my-progress-qualifying")
            tab.close()
            answered_one = True
        trainee.bring_to_front()
        trainee.keyboard.press("Enter")  # Continue
        expect(panel).to_have_count(0)

    # Qualified (1 of 2 correct, 40% needed): real work (and the gold task) through the UI.
    answered: list[str] = []
    for _ in range(10):
        trainee.wait_for_function(_NEXT, arg=last)
        if trainee.get_by_test_id("nothing-waiting").count():
            break
        if trainee.get_by_test_id("training-feedback").count():
            trainee.keyboard.press("Enter")
            continue
        task_id = last = trainee.get_by_test_id("work-page").get_attribute("data-task")
        wait_for_task(trainee, task_id)
        trainee.keyboard.press("1")  # cat
        submit_and_wait(trainee, task_id)
        answered.append(task_id)
    assert set(real[2:]) <= set(answered), answered
    with web.http() as c:
        for task_id in real[2:]:
            task = ok(c.get(f"/v1/task/{task_id}"))
            assert task["status"] == "completed"
            assert task["response"] == {"category": "cat"}

    # Qualified: My progress shows the project active, and the training so far.
    trainee.get_by_role("link", name="My progress").click()
    p = check_progress(trainee)
    assert p["status"] == "active"
    assert (p["training"]["answered"], p["training"]["correct"]) == (2, 1)
    web.shot(trainee, "quality-my-progress")
    assert trainee_errors == [], trainee_errors


def check_progress(page: Any, qualification: tuple[int, int] | None = None) -> Any:
    """My progress against GET /api/v1/me/progress; the project's entry there."""
    if not page.url.endswith("/progress"):
        page.goto("/progress")
    mine = page.evaluate("fetch('/api/v1/me/progress').then(r => r.json())")
    (p,) = [p for p in mine["projects"] if p["project"] == "pets"]
    card = page.get_by_test_id("progress-pets")
    expect(card.get_by_test_id("my-status")).to_contain_text(p["status"].capitalize())
    q = p["qualification"]
    if qualification is None:
        assert q is None
        expect(card.get_by_test_id("my-qualification")).to_have_count(0)
    else:
        assert (q["answered"], q["correct"]) == qualification
        block = card.get_by_test_id("my-qualification")
        expect(block).to_contain_text(f"Qualification: {q['answered']} of {q['required']} answered")
        share = pct(q["correct"] / q["answered"])
        expect(block).to_contain_text(f"{q['correct']} correct ({share}); {pct(q['pass'])} must")
    training = p["training"]
    if training["answered"]:
        expect(card.get_by_test_id("my-training")).to_have_text(
            f"{training['answered']} answered, {training['correct']} correct"
        )
    table = card.get_by_role("table", name="Training in pets per nuance")
    for nuance, counts in training["by_nuance"].items():
        row = table.get_by_role("row", name=re.compile(re.escape(nuance_label(nuance))))
        expect(row.get_by_role("cell")).to_have_text(
            [nuance_label(nuance), str(counts["answered"]), str(counts["correct"])]
        )
    assert p["skills"], "the scored answers should have left some evidence"
    for skill in p["skills"]:
        bar = card.get_by_test_id(f"my-skill-{skill['nuance']}")
        expect(bar).to_contain_text(nuance_label(skill["nuance"]))
        expect(bar).to_contain_text(
            f"{pct(skill['mean'])} ({interval(skill)}, evidence {fmt_n(skill['n'])})"
        )
        expect(bar.get_by_test_id("weak")).to_have_count(1 if skill["weak"] else 0)
    return p


def check_cell(cell: Any, acc: dict[str, float] | None, weak: bool = False) -> None:
    if acc is None:
        expect(cell).to_have_text("—")
        return
    expect(cell).to_contain_text(pct(acc["mean"]))
    expect(cell).to_contain_text(f"{interval(acc)} · n {fmt_n(acc['n'])}")
    expect(cell).to_have_attribute("title", re.compile(re.escape(f"90% interval {interval(acc)}")))
    if weak:
        expect(cell).to_contain_text("weak")
    else:
        expect(cell).not_to_contain_text("weak")


def test_dashboard_matches_the_api_and_pauses_an_annotator(web: Web) -> None:
    t = web.tenant.name
    # Two judgments per task (their disagreement leaves tasks below the 95% target), gold
    # often, never paused automatically, weak on little evidence.
    pets(web, judgments=2, gold_rate=0.5, pause_min_gold=0, weak_min_evidence=1)
    texts(web, "pets", *[f"Animal number {i}." for i in range(6)])
    gold(web, "pets", "gold", "Meows and purrs.", "cat")
    gold(web, "pets", "gold", "Wags its tail.", "dog")
    careful = web.tenant.annotator_key
    contrary = annotator(web, f"{t}-contrary")
    assert answer_all(web, "pets", careful, "cat") > 0
    assert answer_all(web, "pets", contrary, "dog") > 0
    r = report(web, "pets")
    names = {a["annotator"] for a in r["annotators"]}
    assert {f"{t}-annotator", f"{t}-contrary"} <= names, names

    page = web.page(f"{t}-requester")
    errors = console_errors(page)
    page.goto("/ops/quality")
    expect(page).to_have_url(re.compile(r"project=pets"))  # the only project is picked
    table = page.get_by_role("table", name="Annotator skills")
    for nuance in r["nuances"]:
        expect(table.get_by_test_id(f"nuance-{nuance}")).to_have_text(nuance_label(nuance))
    for a in r["annotators"]:
        row = page.get_by_test_id(f"annotator-row-{a['annotator']}")
        expect(row.get_by_test_id("annotator-status")).to_contain_text(a["status"])
        for nuance in r["nuances"]:
            cell = row.get_by_test_id(f"skill-{a['annotator']}-{nuance}")
            check_cell(cell, a["skills"].get(nuance), nuance in a["weak"])
        for source, acc in a["sources"].items():
            check_cell(row.get_by_test_id(f"source-{a['annotator']}-{source}"), acc)
        trained = a["training"]
        expect(row.get_by_test_id(f"training-{a['annotator']}")).to_have_text(
            f"{trained['correct']} of {trained['answered']} right" if trained["answered"] else "—"
        )
    agreement = page.get_by_test_id("agreement")
    value = r["agreement"]["value"]
    expect(agreement.get_by_test_id("agreement-value")).to_have_text(
        "not enough overlapping judgments" if value is None else f"{value:.3f}"
    )
    method = {
        "krippendorff_alpha": "Krippendorff's alpha",
        "mean_pairwise": "Mean pairwise agreement",
    }
    expect(agreement.get_by_test_id("agreement-method")).to_have_text(
        method[r["agreement"]["method"]]
    )
    expect(agreement.get_by_test_id("agreement-tasks")).to_have_text(str(r["agreement"]["tasks"]))
    expect(page.get_by_test_id("below-target-count")).to_have_text(
        f"({r['below_target']['count']})"
    )
    if any(d["scored"] for d in r["gold_history"]):
        expect(page.get_by_test_id("chart-gold-history").locator(".recharts-line")).to_be_visible()
    web.shot(page, "quality-dashboard")

    # Pausing from the dashboard: the reason is asked for and shown; the annotator is stopped.
    reason = "Wrong on every gold task"
    page.get_by_role("button", name=f"Pause {t}-contrary").click()
    page.get_by_label("Why?").fill(reason)
    page.keyboard.press("Control+Enter")
    row = page.get_by_test_id(f"annotator-row-{t}-contrary")
    expect(row.get_by_test_id("annotator-status")).to_contain_text("paused")
    (paused,) = [a for a in report(web, "pets")["annotators"] if a["annotator"] == f"{t}-contrary"]
    assert paused["status"] == "paused"
    assert reason in paused["status_reason"]  # the server may say who paused them
    expect(row.get_by_test_id("annotator-status")).to_contain_text(paused["status_reason"])
    web.shot(page, "quality-dashboard-paused")

    texts(web, "pets", "One more animal.")
    with web.http(contrary) as c:
        refused = c.post("/api/v1/queue/lease", json={"project": "pets"})
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "annotator_paused", refused.text
    worker = web.page(f"{t}-contrary")
    worker_errors = console_errors(worker)
    worker.goto("/queue")
    queue_row = worker.get_by_test_id("queue-pets-label")
    expect(queue_row.get_by_test_id("quality-status")).to_have_text(
        f"Paused: {paused['status_reason']}"
    )
    expect(worker.get_by_test_id("start-pets-label")).to_be_disabled()
    web.shot(worker, "quality-queue-paused")
    worker.goto("/work/pets")
    expect(worker.get_by_test_id("paused")).to_contain_text(refused.json()["error"])
    assert all("403" in e for e in worker_errors), worker_errors

    # Resuming: active again, and the queue lets them start.
    page.get_by_role("button", name=f"Resume {t}-contrary").click()
    expect(row.get_by_test_id("annotator-status")).to_contain_text("active")
    expect(row.get_by_test_id("annotator-status")).not_to_contain_text(reason)
    worker.goto("/queue")
    expect(queue_row.get_by_test_id("quality-status")).to_have_count(0)
    expect(worker.get_by_test_id("start-pets-label")).to_be_enabled()
    assert not errors, errors

    # A reviewer sees the dashboard and the gold tasks (and may not change the settings).
    reviewer = web.page(f"{t}-reviewer")
    reviewer.get_by_role("link", name="Quality", exact=True).click()
    expect(reviewer).to_have_url(re.compile(r"/ops/quality\?project=pets"))
    expect(reviewer.get_by_test_id(f"annotator-row-{t}-annotator")).to_be_visible()
    expect(reviewer.get_by_label("Gold rate")).to_be_disabled()
    reviewer.get_by_role("link", name="Gold", exact=True).click()
    expect(reviewer.get_by_test_id(re.compile(r"^gold-row-"))).to_have_count(2)
    web.shot(reviewer, "quality-gold-reviewer")
