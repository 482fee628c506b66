"""The image workspace's browser tests: a real photo uploaded through the files API, and the
canvas's image -> screen transform read from the page (so drawing at image coordinates goes
through the same zoom and pan the annotator sees)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import imageio.v3 as iio
from skimage import data as skdata

from tests.web.helpers_annotator import Setup, ok


def upload_photo(s: Setup, name: str = "astronaut") -> tuple[str, int, int]:
    """A scikit-image photo as PNG through /v1/files/upload: (attachment URL, width, height)."""
    pixels = getattr(skdata, name)()
    png = iio.imwrite("<bytes>", pixels, extension=".png")
    body = ok(s.http.post("/v1/files/upload", files={"file": (f"{name}.png", png, "image/png")}))
    return str(body["attachment_url"]), int(pixels.shape[1]), int(pixels.shape[0])


@dataclass
class Canvas:
    """The canvas element's box on the page and the view (screen = image * scale + offset)."""

    left: float
    top: float
    scale: float
    x: float
    y: float

    def screen(self, ix: float, iy: float) -> tuple[float, float]:
        return self.left + ix * self.scale + self.x, self.top + iy * self.scale + self.y

    def image(self, sx: float, sy: float) -> tuple[float, float]:
        return (sx - self.left - self.x) / self.scale, (sy - self.top - self.y) / self.scale


def wait_ready(page: Any) -> None:
    page.locator('[data-testid="image-canvas"][data-ready="true"]').wait_for()


def canvas(page: Any) -> Canvas:
    el = page.get_by_test_id("image-canvas")
    box = el.bounding_box()
    assert box is not None
    attrs = el.evaluate("e => [e.dataset.scale, e.dataset.x, e.dataset.y]")
    return Canvas(box["x"], box["y"], float(attrs[0]), float(attrs[1]), float(attrs[2]))


def click_at(page: Any, c: Canvas, ix: float, iy: float) -> None:
    page.mouse.click(*c.screen(ix, iy))


def drag(
    page: Any, c: Canvas, a: tuple[float, float], b: tuple[float, float], steps: int = 8
) -> None:
    page.mouse.move(*c.screen(*a))
    page.mouse.down()
    page.mouse.move(*c.screen(*b), steps=steps)
    page.mouse.up()


def rows(page: Any) -> list[str]:
    return [t.strip() for t in page.get_by_test_id("object-row").all_inner_texts()]


def close(a: float, b: float, tol: float = 1.0) -> bool:
    return abs(a - b) <= tol
