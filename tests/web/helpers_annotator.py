"""What the annotator and review browser tests share: data set up through the API, the work
page's entry points, and a real mouse selection of text."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx2 as httpx

from tests.web.conftest import Web

LABEL_REVIEW = [
    {"name": "label", "kind": "label", "judgments": 1},
    {"name": "review", "kind": "review", "judgments": 1},
]


def ok(r: httpx.Response, status: int = 200) -> Any:
    assert r.status_code == status, (
        f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}"
    )
    return r.json()


class Setup:
    """The requester's API client, for making projects and tasks and checking results."""

    def __init__(self, web: Web) -> None:
        self.web = web
        self.http = web.http()

    def project(
        self,
        name: str,
        type_: str,
        params: dict[str, Any] | None = None,
        workflow: list[dict[str, Any]] | None = None,
    ) -> Any:
        body: dict[str, Any] = {"name": name, "type": type_, "params": params or {}}
        if workflow is not None:
            body["workflow"] = workflow
        r = self.http.post("/api/v1/projects", json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    def task(self, type_: str, project: str, **payload: Any) -> str:
        return str(
            ok(self.http.post(f"/v1/task/{type_}", json={"project": project, **payload}))["task_id"]
        )

    def get(self, task_id: str) -> Any:
        return ok(self.http.get(f"/v1/task/{task_id}"))

    def detail(self, task_id: str) -> Any:
        return ok(self.http.get(f"/api/v1/tasks/{task_id}/detail"))

    def completed(self, task_id: str, timeout: float = 15) -> Any:
        """The task once it is completed (fails after ``timeout`` seconds)."""
        return poll(
            f"task {task_id} completed",
            lambda: self.get(task_id),
            lambda t: t["status"] == "completed",
            timeout,
        )


def poll(
    what: str, fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 15
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached in {timeout}s; last value: {value!r}")
        time.sleep(0.1)


def start(page: Any, project: str, stage: str = "label") -> None:
    """From the queue, start work on ``project``'s ``stage`` and wait for the workspace."""
    page.goto("/queue")
    page.get_by_test_id(f"start-{project}-{stage}").click()
    page.get_by_test_id("work-page").wait_for()


def console_errors(page: Any) -> list[str]:
    """Collects the page's console errors and uncaught exceptions from now on."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def wait_for_task(page: Any, task_id: str) -> None:
    page.locator(f'[data-testid="work-page"][data-task="{task_id}"]').wait_for()


def wait_nothing_waiting(page: Any) -> None:
    page.get_by_test_id("nothing-waiting").wait_for()


# The on-screen rectangle of code points [start, end) of the NER text, as the page lays it out.
_RECTS = """([start, end]) => {
  const root = document.querySelector('[data-testid="ner-text"]');
  const point = (at) => {
    for (const seg of root.querySelectorAll('[data-off]')) {
      const off = Number(seg.dataset.off);
      const node = seg.firstChild;
      const chars = Array.from(node.data);
      if (at >= off && at < off + chars.length) {
        const unit = chars.slice(0, at - off).join('').length;
        return [node, unit, unit + chars[at - off].length];
      }
    }
    throw new Error('offset ' + at + ' not in the text');
  };
  const rect = (at) => {
    const [node, a, b] = point(at);
    const r = document.createRange();
    r.setStart(node, a);
    r.setEnd(node, b);
    const box = r.getBoundingClientRect();
    return {left: box.left, right: box.right, y: box.top + box.height / 2};
  };
  return [rect(start), rect(end - 1)];
}"""


def drag_select(page: Any, text: str, phrase: str, occurrence: int = 0) -> tuple[int, int]:
    """Select ``phrase`` in the NER text by dragging the mouse over it; returns its offsets."""
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    start, end = len(text[:at]), len(text[:at]) + len(phrase)  # code points (ASCII here)
    first, last = page.evaluate(_RECTS, [start, end])
    page.mouse.move(first["left"] + 1, first["y"])
    page.mouse.down()
    page.mouse.move((first["left"] + last["right"]) / 2, last["y"], steps=4)
    page.mouse.move(last["right"] - 1, last["y"], steps=4)
    page.mouse.up()
    return start, end
