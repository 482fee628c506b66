"""Setting up data for the quality pages' browser tests through the HTTP API, and the numbers
the pages should show, written the way the web app writes them."""

from __future__ import annotations

import math
from typing import Any

from assay.accounts.model import Role
from tests.factories import user_key
from tests.web.conftest import Web
from tests.web.helpers_ops import ok

CATEGORIES = ["cat", "dog"]


def pets(web: Web, name: str = "pets", judgments: int = 1, **quality: Any) -> Any:
    """A text categorization project (cat or dog) with ``quality`` settings when given.

    More than one judgment makes the label stage adaptive (categorization combines several
    judgments only by consensus), with ``judgments`` as its floor and its ceiling."""
    stage: dict[str, Any] = {"name": "label", "kind": "label", "judgments": judgments}
    if judgments > 1:
        stage |= {"max_judgments": judgments, "target_confidence": 0.95}
    body = {
        "name": name,
        "type": "categorization",
        "params": {"categories": CATEGORIES, "attachment_type": "text"},
        "workflow": [stage],
    }
    with web.http() as c:
        made = ok(c.post("/api/v1/projects", json=body), 201)
        if quality:
            made = ok(c.patch(f"/api/v1/projects/{name}", json={"quality": quality}))
    return made


def texts(web: Web, project: str, *attachments: str) -> list[str]:
    """One real task per attachment text; their ids in order."""
    items = [{"type": "categorization", "project": project, "attachment": a} for a in attachments]
    with web.http() as c:
        return list(ok(c.post("/api/v1/tasks/bulk", json={"tasks": items}))["task_ids"])


def annotator(web: Web, username: str) -> str:
    """A user who logs in with the test password and has an API key; returns the key."""
    web.user(username, Role.ANNOTATOR)
    return user_key(web.ctx, web.tenant.name, username, Role.ANNOTATOR)


def gold(web: Web, project: str, purpose: str, attachment: str, category: str) -> Any:
    body = {
        "purpose": purpose,
        "params": {"attachment": attachment, "attachment_type": "text", "categories": CATEGORIES},
        "expected_response": {"category": category},
    }
    with web.http() as c:
        return ok(c.post(f"/api/v1/projects/{project}/gold", json=body), 201)


def gold_items(web: Web, project: str, purpose: str) -> list[Any]:
    with web.http() as c:
        query = {"purpose": purpose, "include_inactive": "true"}
        return list(ok(c.get(f"/api/v1/projects/{project}/gold", params=query))["items"])


def answer_all(web: Web, project: str, key: str, category: str, limit: int = 50) -> int:
    """Lease and submit ``category`` until nothing is waiting; how many were answered."""
    done = 0
    with web.http(key) as c:
        for _ in range(limit):
            a = ok(c.post("/api/v1/queue/lease", json={"project": project}))["assignment"]
            if a is None:
                return done
            body = {"lease_token": a["lease_token"], "response": {"category": category}}
            ok(c.post(f"/api/v1/assignments/{a['id']}/submit", json=body))
            done += 1
    raise AssertionError(f"{project}: still leasing after {limit} answers")


def report(web: Web, project: str) -> Any:
    with web.http() as c:
        return ok(c.get(f"/api/v1/projects/{project}/quality"))


# --- The web app's formatting (web/src/ops/quality.ts) ---------------------------------------


def js_round(x: float) -> int:
    """JavaScript's Math.round: halves go up (Python's round goes to even)."""
    return math.floor(x + 0.5)


def pct(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "—"
    f = 10**digits
    return f"{js_round(x * 100 * f) / f:.{digits}f}%"


def fmt_n(n: float) -> str:
    r = js_round(n * 10) / 10
    return str(int(r)) if r == int(r) else f"{r:.1f}"


EN_DASH = "\u2013"


def interval(acc: dict[str, float]) -> str:
    return f"{js_round(acc['low'] * 100)}{EN_DASH}{js_round(acc['high'] * 100)}%"


def nuance_label(nuance: str) -> str:
    if nuance == "*":
        return "overall"
    kind, _, name = nuance.partition(":")
    return f"{name} ({kind})" if name else nuance
