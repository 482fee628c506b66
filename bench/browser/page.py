"""What the benchmark runs inside the page (JavaScript), apart from the Python driving it."""

from __future__ import annotations

# Installed on the queue page before "Start" is clicked: the click's own timestamp (the time the
# input happened, on the page's performance clock, which SPA navigation keeps).
MARK_START_CLICK = """() => {
  window.__startClickAt = null;
  document.addEventListener('click', (e) => {
    if (e.target.closest('[data-testid^="start-"]')) window.__startClickAt = e.timeStamp;
  }, {capture: true, once: true});
}"""

# After window.__assayReady: the click-to-ready time and where it went (resource timings of the
# lease and the image, the workspace's marks for decode and first frame).
READY_BREAKDOWN = """() => {
  const mark = (n) => {
    const m = performance.getEntriesByName(n);
    return m.length ? m[m.length - 1].startTime : null;
  };
  const res = (part) =>
    performance.getEntriesByType('resource').filter((r) => r.name.includes(part)).pop();
  const lease = res('/api/v1/queue/lease');
  const image = res('/v1/files/');
  const t0 = window.__startClickAt;
  const decoded = mark('assay-image-decoded');
  return {
    total_ms: window.__assayReadyAt - t0,
    lease_ms: lease ? lease.responseEnd - lease.startTime : null,
    to_image_request_ms: mark('assay-image-start') - t0,
    image_fetch_ms: image ? image.responseEnd - image.startTime : null,
    image_bytes: image ? image.encodedBodySize || image.transferSize : null,
    decode_ms: image ? decoded - image.responseEnd : null,
    first_frame_ms: window.__assayReadyAt - decoded,
  };
}"""

# A drag driven from inside the page: mousedown on the box, then one mousemove per animation
# frame (what a real mouse gives: Chromium hands the page at most one move per frame), along a
# path around the start; every frame's timestamp is recorded. Resolves when the drag is over.
SCRIPTED_DRAG = """async ([x, y, seconds]) => {
  const content = document.querySelector('[data-testid="image-canvas"] .konvajs-content');
  const ev = (type, cx, cy) => new MouseEvent(type, {
    clientX: cx, clientY: cy, bubbles: true, cancelable: true, view: window,
    button: 0, buttons: type === 'mouseup' ? 0 : 1,
  });
  const frame = () => new Promise(requestAnimationFrame);
  content.dispatchEvent(ev('mousedown', x, y));
  // The press selects the box (one render); the drag proper starts with the first move.
  await frame(); await frame();
  window.dispatchEvent(ev('mousemove', x + 1, y));
  await frame(); await frame();
  const frames = [];
  const t0 = performance.now();
  let cx = x, cy = y;
  while (performance.now() - t0 < seconds * 1000) {
    const t = await frame();
    frames.push(t);
    const s = (t - t0) / 1000;
    cx = x + 200 * Math.sin(s * 2.1);
    cy = y + 120 * Math.sin(s * 3.3);
    window.dispatchEvent(ev('mousemove', cx, cy));
  }
  window.dispatchEvent(ev('mouseup', cx, cy));
  await frame(); await frame();
  return frames;
}"""

# For the drag with Playwright's (trusted) mouse: frame timestamps and mouse moves received.
RECORD_FRAMES = """() => {
  window.__frames = []; window.__moves = 0; window.__stopFrames = false;
  window.addEventListener('mousemove', () => { window.__moves += 1; }, {capture: true});
  const f = (t) => { window.__frames.push(t); if (!window.__stopFrames) requestAnimationFrame(f); };
  requestAnimationFrame(f);
}"""

STOP_FRAMES = """() => {
  window.__stopFrames = true;
  return {frames: window.__frames, moves: window.__moves};
}"""

# The canvas's box on the page and its view: screen = image * scale + (x, y).
VIEW = """() => {
  const el = document.querySelector('[data-testid="image-canvas"]');
  const r = el.getBoundingClientRect();
  const d = el.dataset;
  return {left: r.left, top: r.top, scale: Number(d.scale), x: Number(d.x), y: Number(d.y)};
}"""
