"""The review stage in Chromium: a reviewer rejects work with a comment, the labeler sees it
and fixes it, the reviewer accepts; another is fixed by the reviewer with a live diff. The
tasks complete and their callbacks arrive with the right responses."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.receiver import Receiver
from tests.web.conftest import Web
from tests.web.helpers_annotator import (
    LABEL_REVIEW,
    Setup,
    start,
    wait_for_task,
    wait_nothing_waiting,
)

CATEGORIES = ["cat", {"choice": "dog", "subchoices": ["puppy"]}]


@pytest.mark.both_backends
def test_reject_rework_accept_and_fix(web: Web) -> None:
    s = Setup(web)
    s.project("rev", "categorization", {"attachment_type": "text"}, workflow=LABEL_REVIEW)
    with Receiver() as receiver:
        receiver.start()
        hook = {"callback_url": receiver.url()}
        wrong = s.task(
            "categorization", "rev", attachment="A dog.", categories=CATEGORIES, priority=10, **hook
        )
        young = s.task(
            "categorization", "rev", attachment="A young dog.", categories=CATEGORIES, **hook
        )

        labeler = web.page(f"{web.tenant.name}-annotator")
        start(labeler, "rev")
        wait_for_task(labeler, wrong)
        labeler.keyboard.press("1")  # cat: wrong
        labeler.keyboard.press("Enter")
        wait_for_task(labeler, young)
        labeler.keyboard.press("2")  # dog: the reviewer will make it "puppy"
        labeler.keyboard.press("Enter")
        wait_nothing_waiting(labeler)
        # Annotators see label stages only.
        labeler.goto("/queue")
        labeler.get_by_test_id("queue-rev-label").wait_for()
        assert labeler.get_by_test_id("queue-rev-review").count() == 0

        reviewer = web.page(f"{web.tenant.name}-reviewer")
        reviewer.goto("/queue")
        assert (
            reviewer.get_by_test_id("queue-rev-review").get_by_test_id("available").inner_text()
            == "2"
        )
        reviewer.get_by_role("button", name="Start reviewing rev").click()

        # Reject, with a comment (required).
        wait_for_task(reviewer, wrong)
        bar = reviewer.get_by_test_id("review-bar")
        assert reviewer.get_by_role("radio", name="cat").get_attribute("aria-checked") == "true"
        assert reviewer.get_by_role("radio", name="dog").is_disabled()  # read-only until "fix"
        reviewer.keyboard.press("r")
        dialog = reviewer.get_by_role("dialog", name="Reject this work")
        dialog.get_by_label("Comment for the labeler").fill("It is a dog: look at the ears.")
        dialog.get_by_role("button", name="Reject").click()

        # Fix: the workspace becomes editable and the diff follows the edits.
        wait_for_task(reviewer, young)
        reviewer.keyboard.press("f")
        reviewer.keyboard.press("3")  # puppy
        diff = reviewer.get_by_test_id("diff-view")
        assert 'category changed "dog" → "puppy"' in diff.inner_text()
        web.shot(reviewer, "review-fix-diff")
        bar.get_by_role("button", name="Submit fix").click()
        wait_nothing_waiting(reviewer)
        assert s.completed(young)["response"] == {"category": "puppy"}

        # The labeler gets the rejected work back, with the comment and their answer loaded.
        start(labeler, "rev")
        wait_for_task(labeler, wrong)
        feedback = labeler.get_by_test_id("feedback")
        assert "It is a dog: look at the ears." in feedback.inner_text()
        assert web.tenant.name + "-reviewer" in feedback.inner_text()
        assert labeler.get_by_role("radio", name="cat").get_attribute("aria-checked") == "true"
        web.shot(labeler, "review-feedback")
        labeler.keyboard.press("2")
        labeler.keyboard.press("Enter")
        wait_nothing_waiting(labeler)

        start(reviewer, "rev", "review")
        wait_for_task(reviewer, wrong)
        assert reviewer.get_by_role("radio", name="dog").get_attribute("aria-checked") == "true"
        web.shot(reviewer, "review-workspace")
        reviewer.keyboard.press("a")
        wait_nothing_waiting(reviewer)

        assert s.completed(wrong)["response"] == {"category": "dog"}
        callbacks = {r.json()["task_id"]: r.json() for r in receiver.wait_for(2, timeout=30)}
        assert callbacks[wrong]["response"] == {"category": "dog"}
        assert callbacks[young]["response"] == {"category": "puppy"}

    reviews: list[Any] = s.detail(wrong)["reviews"]
    assert [(r["action"], r["comment"]) for r in reviews] == [
        ("reject", "It is a dog: look at the ears."),
        ("accept", None),
    ]
    (fix,) = s.detail(young)["reviews"]
    assert fix["action"] == "fix"
    assert fix["diff"] == [{"path": "category", "op": "replace", "before": "dog", "after": "puppy"}]
