"""The annotator's work page in Chromium: the queue, a workspace per task type driven by mouse
and keyboard, drafts, lease expiry and a retried submit, each checked through the API."""

from __future__ import annotations

import time
from typing import Any

from tests.web.conftest import Web
from tests.web.helpers_annotator import (
    Setup,
    console_errors,
    drag_select,
    start,
    wait_for_task,
    wait_nothing_waiting,
)


def annotator(web: Web) -> Any:
    return web.page(f"{web.tenant.name}-annotator")


def test_queue_counts_and_categorization_by_number_keys(web: Web) -> None:
    s = Setup(web)
    s.project("pets", "categorization", {"attachment_type": "text"})
    multi = s.task(
        "categorization",
        "pets",
        attachment="A small dog asleep next to a cat.",
        categories=["cat", {"choice": "dog", "subchoices": ["puppy"]}],
        allow_multiple=True,
        priority=10,
    )
    taxo = s.task(
        "categorization",
        "pets",
        attachment="A red ball, medium or large.",
        taxonomies={
            "color": {"choices": ["red", "green"]},
            "size": {"choices": ["small", "medium", "large"], "allow_multiple": True},
        },
    )
    page = annotator(web)
    errors = console_errors(page)
    page.goto("/queue")
    row = page.get_by_test_id("queue-pets-label")
    assert row.get_by_test_id("available").inner_text() == "2"
    page.get_by_role("button", name="Start labeling pets").click()

    # Multiple choice over a nested list: number keys toggle, Ctrl+Z undoes, Enter submits.
    wait_for_task(page, multi)
    page.get_by_test_id("workspace-categorization").wait_for()
    page.keyboard.press("2")  # dog
    assert page.get_by_role("checkbox", name="dog").get_attribute("aria-checked") == "true"
    page.keyboard.press("Control+z")
    assert page.get_by_role("checkbox", name="dog").get_attribute("aria-checked") == "false"
    page.keyboard.press("1")  # cat
    page.keyboard.press("3")  # puppy (a subchoice)
    web.shot(page, "workspace-categorization")
    page.keyboard.press("Enter")

    # Taxonomies: a single-choice answer moves on to the next question.
    wait_for_task(page, taxo)
    page.keyboard.press("1")  # color: red
    page.keyboard.press("2")  # size: medium
    page.keyboard.press("3")  # size: large
    web.shot(page, "workspace-categorization-taxonomies")
    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)

    assert s.completed(multi)["response"] == {"category": ["cat", "puppy"]}
    assert s.completed(taxo)["response"] == {
        "taxonomies": {"color": ["red"], "size": ["medium", "large"]}
    }
    page.get_by_role("link", name="Back to the queue").click()
    assert page.get_by_test_id("queue-pets-label").get_by_test_id("available").inner_text() == "0"
    assert errors == []


def test_textcollection_form_validates_before_submit(web: Web) -> None:
    s = Setup(web)
    s.project("forms", "textcollection")
    task = s.task(
        "textcollection",
        "forms",
        attachments=[
            {"type": "text", "content": "Tom is a three-year-old tabby with a dog friend."}
        ],
        fields=[
            {
                "type": "category",
                "field_id": "kind",
                "title": "Kind",
                "max_choices": 2,
                "choices": [{"label": "Cat", "value": "cat"}, {"label": "Dog", "value": "dog"}],
            },
            {
                "type": "text",
                "field_id": "name",
                "title": "Name on the collar",
                "max_characters": 40,
            },
            {
                "type": "number",
                "field_id": "age",
                "title": "Age (years)",
                "min": 0,
                "max": 30,
                "required": False,
            },
            {"type": "datetime", "field_id": "seen", "title": "Seen on", "required": False},
        ],
    )
    page = annotator(web)
    start(page, "forms")
    page.get_by_test_id("workspace-textcollection").wait_for()
    page.get_by_role("button", name="Submit").click()
    error = page.get_by_test_id("work-error")
    assert "Kind: this field is required" in error.inner_text()
    assert "Name on the collar: this field is required" in error.inner_text()

    page.get_by_label("Cat").check()
    page.get_by_label("Dog").check()
    page.get_by_label("Name on the collar").fill("Tom")
    page.get_by_label("Age (years)").fill("42")
    field = page.get_by_test_id("field-age")
    assert "Must be at most 30" in field.inner_text()
    page.get_by_label("Seen on").fill("yesterday")
    page.get_by_label("Age (years)").fill("3")
    page.keyboard.press("Control+Enter")
    assert "Seen on: use a date" in error.inner_text()
    page.get_by_label("Seen on").fill("2024-05-01")
    web.shot(page, "workspace-textcollection")
    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)

    assert s.completed(task)["response"] == {
        "annotations": {
            "kind": {"type": "category", "field_id": "kind", "response": [["cat", "dog"]]},
            "name": {"type": "text", "field_id": "name", "response": [["Tom"]]},
            "age": {"type": "number", "field_id": "age", "response": [[3]]},
            "seen": {"type": "datetime", "field_id": "seen", "response": [["2024-05-01"]]},
        }
    }


NER_TEXT = "Ada Lovelace met Babbage in London."


def test_ner_spans_by_mouse_with_overlap(web: Web) -> None:
    s = Setup(web)
    labels = [
        {"name": "PER", "display_name": "Person"},
        {"name": "LOC", "display_name": "Place"},
        {"name": "ORG"},
    ]
    s.project("news", "namedentityrecognition", {"labels": labels})
    task = s.task("namedentityrecognition", "news", text=NER_TEXT)
    page = annotator(web)
    errors = console_errors(page)
    start(page, "news")
    page.get_by_test_id("workspace-ner").wait_for()

    drag_select(page, NER_TEXT, "Ada Lovelace")
    assert "Ada Lovelace" in page.get_by_test_id("ner-pending").inner_text()
    page.keyboard.press("1")  # Person
    drag_select(page, NER_TEXT, "London")
    page.get_by_role("button", name="Place").click()
    drag_select(page, NER_TEXT, "Babbage")
    page.keyboard.press("3")  # ORG, then relabelled by a key while it is selected
    page.keyboard.press("1")
    # Overlapping spans: "Lovelace" inside "Ada Lovelace", and a wrong one removed again.
    drag_select(page, NER_TEXT, "Lovelace")
    page.keyboard.press("3")
    drag_select(page, NER_TEXT, "met Babbage")
    page.keyboard.press("2")
    spans = page.get_by_role("list", name="Spans")
    assert spans.get_by_role("listitem").count() == 5
    web.shot(page, "workspace-ner")
    page.get_by_role("button", name="Remove Place “met Babbage”").click()
    assert spans.get_by_role("listitem").count() == 4
    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)

    assert s.completed(task)["response"]["annotations"] == [
        {"id": "span-0", "start": 0, "end": 12, "label": "PER", "text": "Ada Lovelace"},
        {"id": "span-1", "start": 4, "end": 12, "label": "ORG", "text": "Lovelace"},
        {"id": "span-2", "start": 17, "end": 24, "label": "PER", "text": "Babbage"},
        {"id": "span-3", "start": 28, "end": 34, "label": "LOC", "text": "London"},
    ]
    assert errors == []


def test_comparison_pairwise_ranking_and_rubric(web: Web) -> None:
    s = Setup(web)
    s.project("llm", "comparison")
    prompt = "What is the capital of Australia?"
    pairwise = s.task(
        "comparison", "llm", prompt=prompt, attachments=["Sydney.", "Canberra."], priority=30
    )
    ranking = s.task(
        "comparison",
        "llm",
        prompt=prompt,
        attachments=["Sydney.", "Melbourne.", "Canberra."],
        priority=20,
    )
    rating = s.task(
        "comparison",
        "llm",
        prompt=prompt,
        attachments=[
            {"content": "Sydney.", "id": "model-a"},
            {"content": "Canberra.", "id": "model-b"},
        ],
        rubric=[
            {"id": "correct", "title": "Correct", "min": 0, "max": 1},
            {"id": "clear", "title": "Clear"},
        ],
        require_rationale=True,
        priority=10,
    )
    page = annotator(web)
    errors = console_errors(page)
    start(page, "llm")

    wait_for_task(page, pairwise)
    page.keyboard.press("ArrowRight")  # B is better
    page.keyboard.press("2")  # strength 2
    page.get_by_label("Rationale").fill("Canberra is the capital.")
    web.shot(page, "workspace-comparison-pairwise")
    page.keyboard.press("Control+Enter")

    wait_for_task(page, ranking)
    # Drag the third output to the top, then move the (now second) first output down a place.
    page.get_by_test_id("rank-2").drag_to(page.get_by_test_id("rank-0"))
    page.get_by_test_id("rank-0").get_by_test_id("output-2").wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Alt+ArrowDown")
    web.shot(page, "workspace-comparison-ranking")
    page.keyboard.press("Enter")

    wait_for_task(page, rating)
    page.keyboard.press("0")  # A correct = 0
    page.keyboard.press("5")  # A clear = 5
    page.keyboard.press("1")  # B correct = 1
    page.get_by_role("radiogroup", name="Clear of output B").get_by_role("radio", name="4").click()
    page.keyboard.press("Control+Enter")
    assert "Write a rationale" in page.get_by_test_id("work-error").inner_text()
    page.get_by_label("Rationale").fill("Sydney is the largest city; the capital is Canberra.")
    web.shot(page, "workspace-comparison-rating")
    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)

    assert s.completed(pairwise)["response"] == {
        "preferred": 1,
        "strength": 2,
        "rationale": "Canberra is the capital.",
    }
    assert s.completed(ranking)["response"] == {"ranking": [2, 1, 0]}
    assert errors == []
    assert s.completed(rating)["response"] == {
        "ratings": [{"correct": 0, "clear": 5}, {"correct": 1, "clear": 4}],
        "rationale": "Sydney is the largest city; the capital is Canberra.",
    }


def test_draft_survives_a_reload_and_skip_needs_a_reason(web: Web) -> None:
    s = Setup(web)
    s.project("notes", "textcollection")
    fields = [{"type": "text", "field_id": "note", "title": "Note"}]
    task = s.task("textcollection", "notes", fields=fields, priority=5)
    other = s.task("textcollection", "notes", fields=fields)
    page = annotator(web)
    start(page, "notes")
    wait_for_task(page, task)
    page.get_by_label("Note").fill("half-way through")
    page.get_by_test_id("draft-state").filter(has_text="Draft saved").wait_for()
    page.reload()  # leaving releases the lease; the same task comes back with its draft
    wait_for_task(page, task)
    assert page.get_by_test_id("draft-state").inner_text() == "Draft restored"
    assert page.get_by_label("Note").input_value() == "half-way through"
    page.get_by_label("Note").fill("done")
    page.keyboard.press("Control+Enter")

    # Skip asks for a reason; the skipped task is not handed out to this annotator again.
    wait_for_task(page, other)
    page.get_by_role("button", name="Skip").click()
    dialog = page.get_by_role("dialog", name="Skip this task")
    dialog.get_by_role("button", name="Skip").click()
    assert "required" in dialog.get_by_role("alert").inner_text()
    dialog.get_by_label("Why are you skipping it?").fill("the note is unreadable")
    dialog.get_by_role("button", name="Skip").click()
    wait_nothing_waiting(page)

    assert s.completed(task)["response"] == {
        "annotations": {"note": {"type": "text", "field_id": "note", "response": [["done"]]}}
    }
    assert s.get(other)["status"] == "pending"


def test_shortcuts_help_and_instructions(web: Web) -> None:
    s = Setup(web)
    instruction = (
        "# Pick the animal\n- **cat** for cats\n- see [the guide](https://example.com/guide)\n"
        "<b>not html</b>"
    )
    s.project("guided", "categorization", {"instruction": instruction})
    s.task(
        "categorization",
        "guided",
        attachment="https://example.com/1.jpg",
        categories=["cat", "dog"],
    )
    page = annotator(web)
    start(page, "guided")
    panel = page.get_by_test_id("instructions")
    assert "Pick the animal" in panel.inner_text()
    assert panel.locator("strong", has_text="cat").count() == 1
    assert (
        panel.get_by_role("link", name="the guide").get_attribute("href")
        == "https://example.com/guide"
    )
    assert panel.locator("b").count() == 0  # text, never HTML
    page.keyboard.press("?")
    help_ = page.get_by_test_id("shortcuts-help")
    assert "Undo" in help_.inner_text()
    assert "Pick “dog”" in help_.inner_text()
    web.shot(page, "work-shortcuts-help")
    page.keyboard.press("Escape")
    page.keyboard.press("i")
    assert panel.count() == 0
    # Leaving the page (here: to the queue) gives the lease back.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Queue").click()
    row = page.get_by_test_id("queue-guided-label")

    def counts() -> tuple[str, str]:
        row.wait_for()
        available = row.get_by_test_id("available").inner_text()
        return available, row.get_by_test_id("leased").inner_text()

    # (The release and the queue's first load race: look again until the release is in.)
    deadline = time.monotonic() + 10
    while counts() != ("1", "0") and time.monotonic() < deadline:
        time.sleep(0.2)
        page.reload()
    assert counts() == ("1", "0")


def test_lease_expiry_while_open_keeps_the_draft(web_factory: Any) -> None:
    web = web_factory(lease_seconds=4)
    s = Setup(web)
    s.project("quick", "categorization", {"attachment_type": "text"})
    task = s.task("categorization", "quick", attachment="A cat.", categories=["cat", "dog"])
    page = annotator(web)
    # The heartbeat cannot get through (a dropped connection): the 4 s lease runs out.
    page.route("**/heartbeat", lambda route: route.abort())
    start(page, "quick")
    page.keyboard.press("2")
    time.sleep(5)
    page.keyboard.press("Enter")
    banner = page.get_by_test_id("lease-expired")
    assert "Your lease expired" in banner.inner_text()
    assert "Your work is kept" in banner.inner_text()
    web.shot(page, "work-lease-expired")
    page.unroute("**/heartbeat")
    banner.get_by_role("button", name="Continue").click()
    wait_for_task(page, task)
    page.get_by_test_id("lease-expired").wait_for(state="detached")
    assert page.get_by_role("radio", name="dog").get_attribute("aria-checked") == "true"
    time.sleep(5)  # the heartbeat keeps the new lease alive past its 4 s
    page.keyboard.press("Enter")
    wait_nothing_waiting(page)
    assert s.completed(task)["response"] == {"category": "dog"}


def test_a_submit_retried_after_a_dropped_answer_applies_once(web: Web) -> None:
    s = Setup(web)
    s.project("flaky", "categorization", {"attachment_type": "text"})
    task = s.task("categorization", "flaky", attachment="A cat.", categories=["cat", "dog"])
    page = annotator(web)
    keys: list[str | None] = []

    def drop_first_answer(route: Any) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server applies it...
            route.abort()  # ...and the answer is lost on the way back
        else:
            route.continue_()

    page.route("**/submit", drop_first_answer)
    start(page, "flaky")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    wait_nothing_waiting(page)

    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]
    assert s.completed(task)["response"] == {"category": "cat"}
    (judgment,) = s.detail(task)["judgments"]
    assert judgment["time_spent_ms"] > 0  # active time on the page, sent with the submit
