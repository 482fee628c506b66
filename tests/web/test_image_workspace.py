"""The image annotation workspace in Chromium: every geometry drawn with the mouse on a zoomed
view, labels by number keys, attributes, hide/lock/delete, undo/redo, pan and fit, a vertex
dragged, pre-labels accepted, moved and resized; each response checked through the API in
image coordinates."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.web.conftest import Web
from tests.web.helpers_annotator import Setup, poll, start, wait_nothing_waiting
from tests.web.helpers_image import canvas, click_at, close, drag, rows, upload_photo, wait_ready

GEOMETRIES = {
    "box": {"objects_to_annotate": ["person", "helmet"], "min_width": 4, "min_height": 4},
    "polygon": {"objects_to_annotate": ["flag"]},
    "line": {"objects_to_annotate": ["edge"]},
    "point": {"objects_to_annotate": ["eye"]},
}
ATTRIBUTES = {
    "visor": {
        "type": "category",
        "choices": ["up", "down"],
        "required": True,
        "labels": ["helmet"],
    },
    "note": {"type": "text"},
}


def annotator(web: Web) -> tuple[Any, list[str]]:
    """The annotator's page, and the page's errors (uncaught or logged) as they happen."""
    page = web.page(f"{web.tenant.name}-annotator")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page, errors


def by_type(annotations: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {a["type"]: a for a in annotations}
    assert len(out) == len(annotations), annotations
    return out


def vertices_close(got: list[dict[str, float]], want: list[tuple[float, float]]) -> bool:
    return len(got) == len(want) and all(
        close(v["x"], x) and close(v["y"], y) for v, (x, y) in zip(got, want, strict=True)
    )


def test_draw_every_geometry_on_a_zoomed_view_then_submit(web: Web) -> None:
    s = Setup(web)
    url, width, height = upload_photo(s)
    s.project("photos", "imageannotation")
    task = s.task(
        "imageannotation",
        "photos",
        attachment=url,
        geometries=GEOMETRIES,
        annotation_attributes=ATTRIBUTES,
    )
    page, errors = annotator(web)
    start(page, "photos")
    wait_ready(page)  # the photo, served by /v1/files with the session cookie, is drawn
    el = page.get_by_test_id("image-canvas")
    assert (el.get_attribute("data-image-width"), el.get_attribute("data-image-height")) == (
        str(width),
        str(height),
    )
    assert page.get_by_role("button", name="Box tool").get_attribute("aria-pressed") == "true"

    # Zoom in with the wheel around the image's centre: that point stays under the cursor.
    # (Everything below is drawn within ~130 px of it, which stays in view.)
    fit = canvas(page)
    centre = fit.screen(256, 256)
    page.mouse.move(*centre)
    page.mouse.wheel(0, -300)
    poll("zoomed", lambda: canvas(page).scale, lambda v: v > fit.scale * 1.3)
    c = canvas(page)
    still = c.screen(256, 256)
    assert close(still[0], centre[0])
    assert close(still[1], centre[1])

    # A box, dragged; "2" relabels it (the new object stays selected).
    page.keyboard.press("b")
    drag(page, c, (150, 130), (260, 240))
    first = page.get_by_test_id("object-row").nth(0)
    expect(first).to_contain_text("1. person")
    page.keyboard.press("2")
    expect(first).to_contain_text("1. helmet")
    # Its required attribute is missing: submitting says so, and nothing is sent.
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("work-error")).to_contain_text("visor")
    page.get_by_label("visor").select_option("down")
    page.get_by_label("note").fill("scratched")
    page.get_by_label("note").press("Enter")

    # A polygon: three clicks and Enter (which closes it rather than submitting).
    page.keyboard.press("p")
    for pt in [(140, 280), (230, 290), (180, 370)]:
        click_at(page, c, *pt)
    page.keyboard.press("Enter")
    # A point, and a polyline finished by a double-click on its last point.
    page.keyboard.press("o")
    click_at(page, c, 300, 180)
    page.keyboard.press("l")
    click_at(page, c, 290, 300)
    click_at(page, c, 340, 340)
    page.mouse.dblclick(*c.screen(380, 300))
    expect(page.get_by_test_id("object-row")).to_have_count(4)
    assert page.get_by_test_id("work-page").is_visible()  # still here: Enter did not submit

    # Undo takes the polyline back, redo restores it (the shell's Ctrl+Z / Ctrl+Shift+Z).
    page.keyboard.press("Control+z")
    expect(page.get_by_test_id("object-row")).to_have_count(3)
    page.keyboard.press("Control+Shift+z")
    expect(page.get_by_test_id("object-row")).to_have_count(4)

    # Select in the list; K locks, H hides and shows; a spare point is deleted with Delete.
    page.keyboard.press("v")
    page.get_by_test_id("object-row").nth(0).get_by_role("button").first.click()
    page.keyboard.press("k")
    expect(page.get_by_role("button", name="Unlock object 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("h")
    expect(page.get_by_role("button", name="Show object 1")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.keyboard.press("h")
    expect(page.get_by_role("button", name="Hide object 1")).to_be_visible()
    page.keyboard.press("o")
    click_at(page, c, 220, 380)
    expect(page.get_by_test_id("object-row")).to_have_count(5)
    page.keyboard.press("Delete")
    expect(page.get_by_test_id("object-row")).to_have_count(4)

    # Space + drag pans (the view moves, nothing is edited); F fits the image again.
    before = canvas(page)
    x, y = before.screen(256, 256)
    page.keyboard.down(" ")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=5)
    page.mouse.up()
    page.keyboard.up(" ")
    poll("panned", lambda: canvas(page).x, lambda v: close(v, before.x + 60))
    page.keyboard.press("f")
    poll("fitted", lambda: canvas(page).scale, lambda v: close(v, fit.scale, 1e-6))
    # A polygon's vertex dragged on the fitted view (select tool, polygon selected).
    page.keyboard.press("v")
    page.get_by_test_id("object-row").nth(1).get_by_role("button").first.click()
    expect(page.get_by_test_id("object-panel")).to_contain_text("Object 2")
    drag(page, canvas(page), (140, 280), (150, 270))
    expect(page.get_by_role("button", name="Undo")).to_be_enabled()
    web.shot(page, "workspace-image")

    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)
    got = by_type(s.completed(task)["response"]["annotations"])
    box = got["box"]
    assert box["label"] == "helmet"
    assert box["attributes"] == {"visor": "down", "note": "scratched"}
    assert all(
        close(box[k], v) for k, v in {"left": 150, "top": 130, "width": 110, "height": 110}.items()
    ), box
    assert got["polygon"]["label"] == "flag"
    assert vertices_close(got["polygon"]["vertices"], [(150, 270), (230, 290), (180, 370)])
    assert got["point"]["label"] == "eye"
    assert close(got["point"]["x"], 300)
    assert close(got["point"]["y"], 180)
    assert got["line"]["label"] == "edge"
    assert vertices_close(got["line"]["vertices"], [(290, 300), (340, 340), (380, 300)])
    assert errors == []


def test_prelabels_are_proposals_to_accept_or_reject_and_edit(web: Web) -> None:
    s = Setup(web)
    url, _, _ = upload_photo(s, "coffee")  # 600 x 400
    s.project("cups", "imageannotation")
    task = s.task(
        "imageannotation",
        "cups",
        attachment=url,
        geometries=GEOMETRIES,
        hypothesis={
            "annotations": [
                {
                    "type": "box",
                    "label": "person",
                    "left": 50,
                    "top": 60,
                    "width": 100,
                    "height": 80,
                },
                {"type": "point", "label": "eye", "x": 200, "y": 210},
            ]
        },
    )
    page, errors = annotator(web)
    start(page, "cups")
    wait_ready(page)
    listed = rows(page)
    assert len(listed) == 2
    assert all("proposal" in r for r in listed)
    # Proposals are not answers until the annotator decides on each.
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("work-error")).to_contain_text("pre-label")

    page.get_by_role("button", name="Reject object 2").click()
    page.get_by_test_id("object-row").nth(0).get_by_role("button").first.click()
    page.keyboard.press("a")  # accept the selected proposal
    expect(page.get_by_test_id("object-row")).to_have_count(1)
    expect(page.get_by_test_id("object-row").nth(0)).not_to_contain_text("proposal")

    # Move it (select tool, drag its middle), then resize it by the bottom-right handle.
    c = canvas(page)
    where = page.get_by_test_id("object-geometry")
    at_rest = "x 50, y 60 \u00b7 100 \u00d7 80 px"
    expect(where).to_have_text(at_rest)
    drag(page, c, (100, 100), (130, 120))
    expect(where).not_to_have_text(at_rest)
    drag(page, c, (180, 160), (200, 190))
    expect(where).not_to_contain_text("100 \u00d7 80")
    web.shot(page, "workspace-image-prelabels")

    page.keyboard.press("Control+Enter")
    wait_nothing_waiting(page)
    (box,) = s.completed(task)["response"]["annotations"]
    assert box["uuid"] == "hypothesis-0"
    assert box["label"] == "person"
    want = {"left": 80, "top": 80, "width": 120, "height": 110}
    assert all(close(box[k], v, 1.5) for k, v in want.items()), box
    assert errors == []
