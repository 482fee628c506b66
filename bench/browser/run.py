"""The image workspace in a real browser: ``python -m bench.browser.run --help``.

Starts ``assay serve`` (production settings, SQLite) with the built web app, makes an
``imageannotation`` project whose tasks show one large generated photo, logs an annotator in
with Playwright driving headless Chromium (``/usr/bin/chromium``), and measures:

- **start to interactive**: from the click on "Start" in the queue to the first frame with the
  image on the canvas (``window.__assayReady``, set by the workspace on the animation frame
  after it drew the image), ``--runs`` times, each in a fresh browser context (cold HTTP and
  image caches, the session cookie copied over); also with ``--boxes`` pre-labels on the image;
- **drag frame rate**: with ``--boxes`` boxes on the canvas, one box dragged for
  ``--drag-seconds``; every animation frame's timestamp is recorded. Driven from inside the
  page (one mouse move per frame, as Chromium delivers a real mouse's moves), and again with
  Playwright's mouse (trusted input through the browser's input pipeline).

Results are printed and written to ``<out>/browser-<timestamp>.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import imageio.v3 as iio
import numpy as np

from assay.accounts import service as accounts
from assay.accounts.model import Environment, Role
from assay.storage.db import Database
from bench import seed
from bench.browser import page as js
from bench.server import Server

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
CHROMIUM = os.environ.get("ASSAY_BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1600, "height": 1000}
ORG = "bench"
ANNOTATOR = "bench-annotator"
PASSWORD = "bench-password-1"
LABELS = ["car", "person", "bike"]

# --- Setup -----------------------------------------------------------------------------------


def build_web() -> None:
    """``npm run build`` unless ``web/dist`` is newer than every source."""
    index = WEB / "dist" / "index.html"
    sources = [WEB / "index.html", WEB / "package.json", WEB / "vite.config.ts"]
    sources += [p for p in (WEB / "src").rglob("*") if p.is_file()]
    if index.exists() and all(p.stat().st_mtime <= index.stat().st_mtime for p in sources):
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to build the web app (web/)")
    if not (WEB / "node_modules").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    subprocess.run([npm, "run", "build"], cwd=WEB, check=True, stdout=subprocess.DEVNULL)


def photo(width: int, height: int, fmt: str) -> bytes:
    """A photo-like image (smooth colour fields, texture, noise): compresses like a photo."""
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.empty((height, width, 3), np.float32)
    img[..., 0] = 128 + 90 * np.sin(x / 470 + 1.3) * np.cos(y / 390)
    img[..., 1] = 128 + 80 * np.sin((x + y) / 610)
    img[..., 2] = 128 + 70 * np.cos(x / 230) * np.sin(y / 180 + 0.4)
    img += 25 * np.sin(x / 9.0 + np.sin(y / 13.0) * 3)[..., None]
    img += rng.normal(0, 10, img.shape).astype(np.float32)
    pixels = img.clip(0, 255).astype(np.uint8)
    if fmt == "png":
        return bytes(iio.imwrite("<bytes>", pixels, extension=".png"))
    return bytes(iio.imwrite("<bytes>", pixels, extension=".jpg", quality=90))


def boxes(n: int, width: int, height: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(11)
    out = []
    for i in range(n):
        w, h = int(rng.integers(60, 260)), int(rng.integers(40, 200))
        out.append(
            {
                "uuid": f"box-{i}",
                "type": "box",
                "label": LABELS[i % len(LABELS)],
                "left": int(rng.integers(0, width - w)),
                "top": int(rng.integers(0, height - h)),
                "width": w,
                "height": h,
            }
        )
    return out


@dataclass
class Setup:
    server: Server
    image_bytes: int
    drag_box: dict[str, Any]


def ok(r: httpx.Response) -> Any:
    if r.status_code >= 300:
        raise RuntimeError(f"{r.request.method} {r.request.url} -> {r.status_code}: {r.text}")
    return r.json()


@contextmanager
def assay(args: argparse.Namespace) -> Iterator[Setup]:
    """A fresh SQLite database, the tenant, ``assay serve`` and the projects and tasks."""
    db = seed.create_database("sqlite")
    database = Database(db.url)
    server = Server(db.url, db.workdir / "data")
    try:
        accounts.create_organization(database, name=ORG)
        accounts.ensure_user(database, username="bench-requester")
        accounts.add_member(
            database, organization=ORG, username="bench-requester", role=Role.REQUESTER
        )
        key = accounts.create_api_key(
            database, organization=ORG, username="bench-requester", environment=Environment.LIVE
        ).key
        accounts.ensure_user(database, username=ANNOTATOR, password=PASSWORD)
        accounts.add_member(database, organization=ORG, username=ANNOTATOR, role=Role.ANNOTATOR)
        server.start()
        width, height = args.size
        data = photo(width, height, args.format)
        mime = "image/png" if args.format == "png" else "image/jpeg"
        with httpx.Client(base_url=server.url, auth=(key, ""), timeout=120) as http:
            upload = ok(
                http.post(
                    "/v1/files/upload",
                    files={"file": (f"photo.{args.format}", data, mime)},
                )
            )
            params = {
                "attachment": upload["attachment_url"],
                "geometries": {"box": {"objects_to_annotate": LABELS}},
            }
            prelabels = boxes(args.boxes, width, height)
            for name, extra in (
                ("plain", {}),
                ("prelabels", {"hypothesis": {"annotations": prelabels}}),
            ):
                ok(
                    http.post(
                        "/api/v1/projects",
                        json={"name": name, "type": "imageannotation", "params": {}},
                    )
                )
                # Each run releases its task, which the next run leases again: a few spare.
                for _ in range(3):
                    ok(
                        http.post(
                            "/v1/task/imageannotation", json={"project": name, **params, **extra}
                        )
                    )
        yield Setup(server=server, image_bytes=len(data), drag_box=prelabels[-1])
    finally:
        server.stop()
        database.dispose()
        if args.keep:
            print(f"kept: {db.workdir}")
        else:
            db.drop()


# --- Measurements ----------------------------------------------------------------------------


def login(browser: Any, url: str) -> Any:
    """Log the annotator in through the form; the session (cookie) for fresh contexts."""
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT)
    page = ctx.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(ANNOTATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_test_id("whoami").wait_for()
    state = ctx.storage_state()
    ctx.close()
    return state


def start_to_ready(browser: Any, url: str, state: Any, project: str) -> dict[str, Any]:
    """One cold start: queue page loaded, click "Start", wait for the image's first frame."""
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT, storage_state=state)
    try:
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        page.goto("/queue")
        start = page.get_by_test_id(f"start-{project}-label")
        start.wait_for()
        page.evaluate(js.MARK_START_CLICK)
        start.click()
        page.wait_for_function("window.__assayReady === true")
        out: dict[str, Any] = page.evaluate(js.READY_BREAKDOWN)
        # Give the lease back so the next run finds the task again.
        page.get_by_role("button", name="Release").click()
        page.wait_for_url("**/queue")
        return out
    finally:
        ctx.close()


def open_prelabels(browser: Any, url: str, state: Any) -> Any:
    ctx = browser.new_context(base_url=url, viewport=VIEWPORT, storage_state=state)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    page.goto("/queue")
    page.get_by_test_id("start-prelabels-label").click()
    page.wait_for_function("window.__assayReady === true")
    page.keyboard.press("Shift+A")  # accept every pre-label: plain boxes, as drawn ones are
    page.locator('[data-testid="object-row"].proposal').first.wait_for(state="detached")
    return page


def box_centre(page: Any, box: dict[str, Any]) -> tuple[float, float]:
    v = page.evaluate(js.VIEW)
    cx = box["left"] + box["width"] / 2
    cy = box["top"] + box["height"] / 2
    return v["left"] + cx * v["scale"] + v["x"], v["top"] + cy * v["scale"] + v["y"]


def frame_stats(frames: list[float]) -> dict[str, float]:
    d = np.diff(np.asarray(frames, dtype=float))
    return {
        "frames": len(frames),
        "fps": round(float(len(d) * 1000 / (frames[-1] - frames[0])), 1),
        "p50_frame_ms": round(float(np.percentile(d, 50)), 1),
        "p95_frame_ms": round(float(np.percentile(d, 95)), 1),
        "max_frame_ms": round(float(d.max()), 1),
    }


def drag_scripted(page: Any, box: dict[str, Any], seconds: float) -> dict[str, Any]:
    x, y = box_centre(page, box)
    frames = page.evaluate(js.SCRIPTED_DRAG, [x, y, seconds])
    return frame_stats(frames)


def drag_playwright(page: Any, box: dict[str, Any], seconds: float) -> dict[str, Any]:
    x, y = box_centre(page, box)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 2, y)
    page.evaluate(js.RECORD_FRAMES)
    t0 = time.monotonic()
    while (s := time.monotonic() - t0) < seconds:
        page.mouse.move(x + 200 * math.sin(s * 2.1), y + 120 * math.sin(s * 3.3))
    page.mouse.up()
    got = page.evaluate(js.STOP_FRAMES)
    out = frame_stats(got["frames"])
    out["mouse_moves_per_s"] = round(got["moves"] / seconds, 1)
    return out


def percentiles(values: list[float]) -> dict[str, float]:
    p50, p95 = np.percentile(np.asarray(values, dtype=float), [50, 95])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1), "max": round(max(values), 1)}


@dataclass
class Results:
    machine: dict[str, Any]
    config: dict[str, Any]
    ready: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    drag: dict[str, dict[str, Any]] = field(default_factory=dict)


def run(args: argparse.Namespace) -> Results:
    from playwright.sync_api import sync_playwright

    build_web()
    res = Results(machine=machine(), config={})
    with assay(args) as setup, sync_playwright() as pw:
        w, h = args.size
        res.config = {
            "image": f"{w}x{h} {args.format}, {setup.image_bytes / 1e6:.1f} MB",
            "boxes": args.boxes,
            "runs": args.runs,
            "viewport": f"{VIEWPORT['width']}x{VIEWPORT['height']}",
            "server": "assay serve, production settings, SQLite, 1 worker",
        }
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        res.machine["chromium"] = browser.version
        state = login(browser, setup.server.url)
        for project, runs in (("plain", args.runs), ("prelabels", max(args.runs // 2, 1))):
            res.ready[project] = []
            for i in range(runs):
                r = start_to_ready(browser, setup.server.url, state, project)
                res.ready[project].append(r)
                print(f"  start->ready {project} #{i + 1}: {r['total_ms']:.0f} ms", flush=True)
        page = open_prelabels(browser, setup.server.url, state)
        res.drag["scripted"] = drag_scripted(page, setup.drag_box, args.drag_seconds)
        res.drag["playwright"] = drag_playwright(page, setup.drag_box, args.drag_seconds)
        page.context.close()
        browser.close()
    return res


# --- Reporting -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(),
        "gpu": "none: Chromium runs with --disable-gpu (software raster and compositing)",
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def report(res: Results) -> str:
    lines = ["# Browser benchmark: the image workspace", ""]
    lines += [f"- {k}: {v}" for k, v in {**res.machine, **res.config}.items()]
    lines += ["", "## Start to interactive (click on Start -> first frame with the image)", ""]
    lines += [
        "| task | runs | p50 ms | p95 ms | max ms | lease p50 | click to image request p50 "
        "| image fetch p50 | decode p50 | first frame p50 | target |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for project, runs in res.ready.items():
        tot = percentiles([r["total_ms"] for r in runs])

        def p50(key: str, runs: list[dict[str, Any]] = runs) -> str:
            vals = [r[key] for r in runs if r[key] is not None]
            return f"{np.percentile(vals, 50):.0f}" if vals else "-"

        verdict = "ok" if tot["p95"] < 1000 else "MISSED"
        name = "image only" if project == "plain" else f"image + {res.config['boxes']} pre-labels"
        lines.append(
            f"| {name} | {len(runs)} | {tot['p50']:.0f} | {tot['p95']:.0f} | {tot['max']:.0f} "
            f"| {p50('lease_ms')} | {p50('to_image_request_ms')} | {p50('image_fetch_ms')} "
            f"| {p50('decode_ms')} "
            f"| {p50('first_frame_ms')} | p95 < 1000 ms: {verdict} |"
        )
    lines += ["", f"## Dragging one box among {res.config['boxes']}", ""]
    lines += [
        "| driven by | frames | mean fps | p50 frame ms | p95 frame ms (5th-percentile fps) "
        "| max frame ms | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for how, d in res.drag.items():
        label = {
            "scripted": "in-page, one move per frame",
            "playwright": f"Playwright mouse ({d.get('mouse_moves_per_s', '-')} moves/s)",
        }[how]
        verdict = "ok" if d["fps"] >= 50 else "MISSED"
        lines.append(
            f"| {label} | {d['frames']} | {d['fps']:.1f} | {d['p50_frame_ms']:.1f} "
            f"| {d['p95_frame_ms']:.1f} ({1000 / d['p95_frame_ms']:.0f} fps) "
            f"| {d['max_frame_ms']:.1f} "
            f"| mean >= 50 fps: {verdict} |"
        )
    return "\n".join(lines) + "\n"


def parse_size(text: str) -> tuple[int, int]:
    w, _, h = text.lower().partition("x")
    return int(w), int(h)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(
        prog="python -m bench.browser.run", description=__doc__.split("\n\n")[0]
    )
    p.add_argument(
        "--runs", type=int, default=20, help="start->ready runs (half as many with pre-labels)"
    )
    p.add_argument("--size", type=parse_size, default=(4000, 3000), help="image size, WxH")
    p.add_argument("--format", choices=["jpeg", "png"], default="jpeg")
    p.add_argument("--boxes", type=int, default=500, help="boxes on the canvas for the drag")
    p.add_argument("--drag-seconds", type=float, default=3.0)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--keep", action="store_true", help="keep the database directory")
    args = p.parse_args(argv)
    if not Path(CHROMIUM).exists():
        sys.exit(f"no Chromium at {CHROMIUM} (apt-get install chromium, or ASSAY_BENCH_CHROMIUM)")
    res = run(args)
    text = report(res)
    print()
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    (args.out / f"browser-{stamp}.md").write_text(text)
    (args.out / f"browser-{stamp}.json").write_text(
        json.dumps(
            {"machine": res.machine, "config": res.config, "ready": res.ready, "drag": res.drag},
            indent=1,
        )
    )
    print(f"written: {args.out / f'browser-{stamp}.md'} and .json")


if __name__ == "__main__":
    main()
