// The image annotation workspace: boxes, polygons, polylines and points on a Konva canvas,
// with zoom/pan, a label picker, per-object attributes, hide/lock, and pre-labels as proposals.
//
// The value is `{annotations: [...]}` in image pixels (the server's response shape, plus a
// client-only `proposal` flag on pre-labels not yet accepted). Edits go through onChange once
// per gesture; the view (zoom, pan), the tool, hidden and locked objects are local state.

import Konva from "konva";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { Image as KImage, Layer, Line, Rect, Stage, Circle } from "react-konva";
import type { WorkspaceProps } from "../contract";
import { describe, useShortcuts, type Shortcut } from "../../ui/shortcuts";
import {
  finalize as finalizeImage,
  keepAttributes,
  newId,
  readTask,
  readValue,
  round2,
  translate,
  TYPE_NAMES,
  type AttrValue,
  type Geometry,
  type ImgObject,
  type Vertex,
} from "./model";
import { Kbd, LabelPicker, ObjectList, ObjectPanel } from "./Panels";
import { Shapes, type ShapeHandlers } from "./Shapes";
import { fitView, toImage, zoomAt, type View } from "./view";
import { icons } from "./icons";
import "./image.css";

export const finalize = finalizeImage;

declare global {
  interface Window {
    // Set when the first frame with the image is on screen (tests and bench/browser read it).
    __assayReady?: boolean;
    __assayReadyAt?: number;
  }
}

type Tool = "select" | Geometry;

type Draft =
  | { kind: "box"; x0: number; y0: number; x1: number; y1: number }
  | { kind: "polygon" | "line"; points: Vertex[]; cursor: Vertex | null };

const TOOL_KEYS: Record<Tool, string> = { select: "v", box: "b", polygon: "p", point: "o", line: "l" };
const TOOL_NAMES: Record<Tool, string> = {
  select: "Select / move",
  box: "Box",
  polygon: "Polygon",
  point: "Point",
  line: "Polyline",
};

interface Loaded {
  source: CanvasImageSource;
  w: number;
  h: number;
}

// Loads the attachment decoded, off the main thread where the browser allows: fetch (with the
// session cookie on same-origin URLs) and createImageBitmap. Drawing a decoded bitmap scaled
// costs a few ms per frame; an <img> is decoded lazily at draw time (hundreds of ms for 12 MP,
// on every pan or zoom). An image on another origin without CORS cannot be fetched: that one
// is loaded as an <img> and decoded with img.decode().
function startLoad(src: string): Promise<Loaded> {
  // Marks for bench/browser: request, decoded, and (below) the first frame with the image.
  performance.mark("assay-image-start");
  const viaElement = () => {
    const img = new Image();
    img.decoding = "async";
    img.src = src;
    return img.decode().then(
      () => ({ source: img, w: img.naturalWidth, h: img.naturalHeight }),
      () => Promise.reject(new Error("not an image, or unreachable")),
    );
  };
  return fetch(src, { credentials: "same-origin" })
    .then(
      async (res) => {
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const blob = await res.blob();
        let bitmap: ImageBitmap;
        try {
          bitmap = await createImageBitmap(blob, { imageOrientation: "from-image" });
        } catch {
          throw new Error("not an image this browser can read");
        }
        return { source: bitmap, w: bitmap.width, h: bitmap.height };
      },
      viaElement, // a network error, or another origin without CORS
    )
    .then((loaded) => {
      performance.mark("assay-image-decoded");
      return loaded;
    });
}

function useImage(src: string, attempt: number) {
  // Started while rendering, so the download overlaps the first render (hundreds of objects).
  const load = useMemo(() => (src ? startLoad(src) : null), [src, attempt]);
  const [state, setState] = useState<{ load: Promise<Loaded> | null; image: Loaded | null; error: string | null }>({
    load: null,
    image: null,
    error: null,
  });
  useEffect(() => {
    if (!load) return;
    let live = true;
    load.then(
      (image) => live && setState({ load, image, error: null }),
      (err: Error) => live && setState({ load, image: null, error: `Could not load the image (${err.message}): ${src}` }),
    );
    return () => {
      live = false;
    };
  }, [load, src]);
  const image = state.load === load ? state.image : null;
  // The bitmap's memory (48 MB for 12 MP) goes back as soon as it is replaced or unmounted.
  useEffect(() => () => void (image?.source instanceof ImageBitmap && image.source.close()), [image]);
  if (!src) return { image: null, error: "This task has no image." };
  return { image, error: state.load === load ? state.error : null };
}

function useSize(ref: React.RefObject<HTMLElement>) {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const r = el.getBoundingClientRect();
      setSize((s) => (s.w === Math.floor(r.width) && s.h === Math.floor(r.height) ? s : { w: Math.floor(r.width), h: Math.floor(r.height) }));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

export function ImageWorkspace({ task, value, onChange, readOnly = false, registerShortcuts }: WorkspaceProps) {
  const t = useMemo(() => readTask(task), [task]);
  const objects = useMemo(() => readValue(value, t), [value, t]);
  const objectsRef = useRef(objects);
  objectsRef.current = objects;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const [attempt, setAttempt] = useState(0);
  const { image: img, error: imageError } = useImage(t.attachment, attempt);
  const imageSize = useMemo(() => ({ w: img?.w ?? 0, h: img?.h ?? 0 }), [img]);

  const [tool, setToolState] = useState<Tool>(() => (readOnly || objects.length || !t.kinds.length ? "select" : t.kinds[0]));
  const [lastGeometry, setLastGeometry] = useState<Geometry | null>(t.kinds[0] ?? null);
  const [current, setCurrent] = useState<Partial<Record<Geometry, string>>>(() =>
    Object.fromEntries(t.kinds.map((g) => [g, t.labels[g]?.[0]?.value])),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [locked, setLocked] = useState<ReadonlySet<string>>(new Set());
  const [draft, setDraft] = useState<Draft | null>(null);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const [message, setMessage] = useState<string | null>(null);

  const wrapRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const imageLayerRef = useRef<Konva.Layer>(null);
  const coordsRef = useRef<HTMLSpanElement>(null);
  const size = useSize(wrapRef);
  const [view, setViewState] = useState<View>({ scale: 1, x: 0, y: 0 });
  const viewRef = useRef(view);
  const fittedRef = useRef(true); // refit on resize until the user zooms or pans
  const spaceRef = useRef(false);
  const [panning, setPanning] = useState(false);
  const [ready, setReady] = useState(false);

  const setView = useCallback((v: View, byUser = true) => {
    viewRef.current = v;
    if (byUser) fittedRef.current = false;
    setViewState(v);
  }, []);

  const fit = useCallback(() => {
    if (!imageSize.w || !size.w) return;
    fittedRef.current = true;
    setView(fitView(size, imageSize), false);
  }, [imageSize, size, setView]);

  useLayoutEffect(() => {
    if (fittedRef.current) fit();
  }, [fit]);

  // A new task: nothing selected, nothing hidden, not ready until its image is drawn.
  useEffect(() => {
    setSelected(null);
    setHidden(new Set());
    setLocked(new Set());
    setDraft(null);
    fittedRef.current = true;
    setReady(false);
    window.__assayReady = false;
  }, [task.task_id]);

  // The first frame with the image: draw now, and flag ready on the next animation frame.
  useEffect(() => {
    if (!img || !size.w) return;
    imageLayerRef.current?.draw();
    const raf = requestAnimationFrame(() => {
      window.__assayReady = true;
      window.__assayReadyAt = performance.now();
      performance.mark("assay-ready");
      setReady(true);
    });
    return () => cancelAnimationFrame(raf);
  }, [img, size.w]);

  useEffect(() => () => void (window.__assayReady = false), []);

  const flash = useCallback((text: string) => {
    setMessage(text);
    window.setTimeout(() => setMessage((m) => (m === text ? null : m)), 3500);
  }, []);

  // --- edits (each is one onChange) -------------------------------------------------------
  const commit = useCallback((next: ImgObject[]) => onChangeRef.current({ annotations: next }), []);
  const update = useCallback(
    (uuid: string, fn: (o: ImgObject) => ImgObject) => {
      if (readOnly) return;
      commit(objectsRef.current.map((o) => (o.uuid === uuid ? fn(o) : o)));
    },
    [commit, readOnly],
  );
  const add = useCallback(
    (o: ImgObject) => {
      commit([...objectsRef.current, o]);
      setSelected(o.uuid);
    },
    [commit],
  );
  const remove = useCallback(
    (uuid: string) => {
      if (readOnly) return;
      commit(objectsRef.current.filter((o) => o.uuid !== uuid));
      setSelected((s) => (s === uuid ? null : s));
    },
    [commit, readOnly],
  );

  const snapBox = useCallback(
    (b: { left: number; top: number; width: number; height: number }) => {
      const r = t.geometries.box?.integer_pixels ? Math.round : round2;
      return { left: r(b.left), top: r(b.top), width: r(b.width), height: r(b.height) };
    },
    [t],
  );

  const handlers = useMemo<ShapeHandlers>(
    () => ({
      select: (uuid) => setSelected(uuid),
      moved: (uuid, dx, dy) => update(uuid, (o) => {
        const moved = translate(o, dx, dy);
        return o.type === "box" ? { ...moved, ...snapBox({ left: moved.left!, top: moved.top!, width: o.width!, height: o.height! }) } : moved;
      }),
      boxChanged: (uuid, b) =>
        update(uuid, (o) => ({
          ...o,
          ...snapBox(b),
          rotation: t.geometries.box?.can_rotate && b.rotation ? b.rotation : undefined,
          proposal: undefined,
        })),
      vertexMoved: (uuid, i, v) =>
        update(uuid, (o) => ({
          ...o,
          vertices: (o.vertices ?? []).map((w, j) => (j === i ? { x: round2(v.x), y: round2(v.y) } : w)),
          proposal: undefined,
        })),
      vertexDeleted: (uuid, i) =>
        update(uuid, (o) => {
          const floor = o.type === "polygon" ? 3 : 2;
          const vs = o.vertices ?? [];
          if (vs.length <= Math.max(floor, t.geometries[o.type]?.min_vertices ?? 0)) return o;
          return { ...o, vertices: vs.filter((_, j) => j !== i), proposal: undefined };
        }),
    }),
    [update, snapBox, t],
  );

  const selectedObj = objects.find((o) => o.uuid === selected) ?? null;
  const selectedIndex = selectedObj ? objects.indexOf(selectedObj) : -1;
  const activeGeometry: Geometry | null = selectedObj?.type ?? (tool !== "select" ? tool : lastGeometry);

  const setTool = useCallback(
    (next: Tool) => {
      if (readOnly && next !== "select") return;
      if (next !== "select" && !t.kinds.includes(next)) return;
      setDraft(null);
      setToolState(next);
      if (next !== "select") setLastGeometry(next);
    },
    [readOnly, t],
  );

  const pickLabel = useCallback(
    (label: string, geometry: Geometry | null) => {
      if (!geometry) return;
      setCurrent((c) => ({ ...c, [geometry]: label }));
      const sel = objectsRef.current.find((o) => o.uuid === selected);
      if (sel && sel.type === geometry && sel.label !== label && !readOnly && !locked.has(sel.uuid)) {
        update(sel.uuid, (o) => ({ ...o, label, attributes: keepAttributes(t, label, o.attributes) }));
      }
    },
    [selected, update, t, readOnly, locked],
  );

  // --- drawing ------------------------------------------------------------------------------
  const clampToImage = useCallback(
    (p: Vertex): Vertex => ({
      x: Math.min(Math.max(p.x, 0), imageSize.w),
      y: Math.min(Math.max(p.y, 0), imageSize.h),
    }),
    [imageSize],
  );

  const pointerAt = useCallback((clientX: number, clientY: number): Vertex => {
    const r = wrapRef.current!.getBoundingClientRect();
    return toImage(viewRef.current, clientX - r.left, clientY - r.top);
  }, []);

  const finishPath = useCallback(() => {
    const d = draftRef.current;
    if (!d || d.kind === "box") return;
    const spec = t.geometries[d.kind];
    const floor = Math.max(d.kind === "polygon" ? 3 : 2, spec?.min_vertices ?? 0);
    if (d.points.length < floor) {
      flash(`A ${TYPE_NAMES[d.kind]} needs at least ${floor} points (Esc cancels).`);
      return;
    }
    const label = current[d.kind];
    if (!label) return;
    setDraft(null);
    add({ uuid: newId(), type: d.kind, label, vertices: d.points.map((p) => ({ x: round2(p.x), y: round2(p.y) })) });
  }, [t, current, add, flash]);

  const startPan = useCallback((clientX: number, clientY: number) => {
    const stage = stageRef.current;
    if (!stage) return;
    const v0 = viewRef.current;
    let moved = false;
    setPanning(true);
    const move = (e: MouseEvent) => {
      const v = { scale: v0.scale, x: v0.x + e.clientX - clientX, y: v0.y + e.clientY - clientY };
      viewRef.current = v;
      moved = true;
      // Imperative during the gesture (no React render per mouse move); state at the end.
      stage.position({ x: v.x, y: v.y });
      stage.batchDraw();
    };
    const up = () => {
      window.removeEventListener("mousemove", move);
      window.removeEventListener("mouseup", up);
      setPanning(false);
      if (moved) setView(viewRef.current);
    };
    window.addEventListener("mousemove", move);
    window.addEventListener("mouseup", up);
  }, [setView]);

  const startBox = useCallback(
    (start: Vertex) => {
      const label = current.box;
      if (!label) return;
      const p0 = clampToImage(start);
      draftRef.current = { kind: "box", x0: p0.x, y0: p0.y, x1: p0.x, y1: p0.y };
      setDraft(draftRef.current);
      const move = (e: MouseEvent) => {
        if (!draftRef.current) return; // cancelled (Esc)
        const p = clampToImage(pointerAt(e.clientX, e.clientY));
        setDraft({ kind: "box", x0: p0.x, y0: p0.y, x1: p.x, y1: p.y });
      };
      const up = (e: MouseEvent) => {
        window.removeEventListener("mousemove", move);
        window.removeEventListener("mouseup", up);
        const cancelled = !draftRef.current; // Esc during the drag
        setDraft(null);
        if (cancelled) return;
        const p = clampToImage(pointerAt(e.clientX, e.clientY));
        const b = snapBox({
          left: Math.min(p0.x, p.x),
          top: Math.min(p0.y, p.y),
          width: Math.abs(p.x - p0.x),
          height: Math.abs(p.y - p0.y),
        });
        const s = viewRef.current.scale;
        if (b.width * s < 3 || b.height * s < 3) return; // a click, not a box
        const spec = t.geometries.box;
        if (b.width < (spec?.min_width ?? 0) || b.height < (spec?.min_height ?? 0)) {
          flash(`Too small: boxes must be at least ${spec?.min_width ?? 0}×${spec?.min_height ?? 0} px.`);
          return;
        }
        add({ uuid: newId(), type: "box", label, ...b });
      };
      window.addEventListener("mousemove", move);
      window.addEventListener("mouseup", up);
    },
    [current, clampToImage, pointerAt, snapBox, t, add, flash],
  );

  const onStageMouseDown = useCallback(
    (e: Konva.KonvaEventObject<MouseEvent>) => {
      const ev = e.evt;
      const stage = stageRef.current;
      if (!stage || !img) return;
      if (ev.button === 1 || (ev.button === 0 && spaceRef.current)) {
        ev.preventDefault();
        startPan(ev.clientX, ev.clientY);
        return;
      }
      if (ev.button !== 0) return;
      const onEmpty = e.target === stage;
      const p = pointerAt(ev.clientX, ev.clientY);
      const inside = p.x >= 0 && p.y >= 0 && p.x <= imageSize.w && p.y <= imageSize.h;
      if (tool === "select") {
        if (onEmpty) {
          setSelected(null);
          startPan(ev.clientX, ev.clientY);
        }
        return;
      }
      if (readOnly) return;
      if (tool === "box") {
        if (inside) startBox(p);
      } else if (tool === "point") {
        const label = current.point;
        if (inside && label) add({ uuid: newId(), type: "point", label, x: round2(p.x), y: round2(p.y) });
      } else {
        const d = draftRef.current;
        const q = clampToImage(p);
        const pts = d && d.kind === tool ? d.points : [];
        const s = viewRef.current.scale;
        const near = (a: Vertex) => Math.hypot((a.x - q.x) * s, (a.y - q.y) * s) < 6;
        if (pts.length && near(pts[pts.length - 1])) return; // the second click of a double-click
        if (tool === "polygon" && pts.length >= 3 && near(pts[0])) {
          finishPath();
          return;
        }
        if (!pts.length && !inside) return;
        const max = t.geometries[tool]?.max_vertices;
        const next = [...pts, q];
        setDraft({ kind: tool, points: next, cursor: q });
        if (max != null && next.length >= max) {
          draftRef.current = { kind: tool, points: next, cursor: q };
          finishPath();
        }
      }
    },
    [img, tool, readOnly, pointerAt, imageSize, startPan, startBox, current, add, clampToImage, finishPath, t],
  );

  const onStageMouseMove = useCallback(
    (e: Konva.KonvaEventObject<MouseEvent>) => {
      const p = pointerAt(e.evt.clientX, e.evt.clientY);
      if (coordsRef.current) {
        const inside = p.x >= 0 && p.y >= 0 && p.x <= imageSize.w && p.y <= imageSize.h;
        coordsRef.current.textContent = inside ? `${Math.round(p.x)}, ${Math.round(p.y)}` : "";
      }
      const d = draftRef.current;
      if (d && d.kind !== "box") setDraft({ ...d, cursor: clampToImage(p) });
    },
    [pointerAt, imageSize, clampToImage],
  );

  // Wheel zooms around the cursor (a native listener: React's wheel listener is passive).
  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.pow(1.0015, -e.deltaY * (e.deltaMode === 1 ? 33 : 1));
      setView(zoomAt(viewRef.current, factor, e.clientX - r.left, e.clientY - r.top));
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [setView]);

  // Space held: drag pans (in any tool).
  useEffect(() => {
    const typing = (el: EventTarget | null) => {
      const n = el as HTMLElement | null;
      return !!n && (n.tagName === "INPUT" || n.tagName === "TEXTAREA" || n.tagName === "SELECT" || n.isContentEditable);
    };
    const down = (e: KeyboardEvent) => {
      if (e.key === " " && !typing(e.target)) {
        e.preventDefault(); // no page scroll, no button press
        if (!spaceRef.current) {
          spaceRef.current = true;
          wrapRef.current?.classList.add("space");
        }
      }
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === " ") {
        spaceRef.current = false;
        wrapRef.current?.classList.remove("space");
      }
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
    };
  }, []);

  // --- object actions -----------------------------------------------------------------------
  const toggle = (set: ReadonlySet<string>, uuid: string) => {
    const next = new Set(set);
    if (next.has(uuid)) next.delete(uuid);
    else next.add(uuid);
    return next;
  };
  const toggleHidden = useCallback((uuid: string) => setHidden((h) => toggle(h, uuid)), []);
  const toggleLocked = useCallback((uuid: string) => setLocked((l) => toggle(l, uuid)), []);
  const accept = useCallback((uuid: string) => update(uuid, (o) => ({ ...o, proposal: undefined })), [update]);
  const acceptAll = useCallback(() => {
    if (readOnly || !objectsRef.current.some((o) => o.proposal)) return;
    commit(objectsRef.current.map((o) => (o.proposal ? { ...o, proposal: undefined } : o)));
  }, [commit, readOnly]);
  const setAttribute = useCallback(
    (name: string, v: AttrValue | undefined) => {
      if (!selected) return;
      update(selected, (o) => {
        const attrs = { ...(o.attributes ?? {}) };
        if (v === undefined) delete attrs[name];
        else attrs[name] = v;
        return { ...o, attributes: Object.keys(attrs).length ? attrs : undefined };
      });
    },
    [selected, update],
  );
  const step = useCallback((delta: number) => {
    const list = objectsRef.current;
    if (!list.length) return;
    setSelected((s) => {
      const i = list.findIndex((o) => o.uuid === s);
      const j = i < 0 ? (delta > 0 ? 0 : list.length - 1) : (i + delta + list.length) % list.length;
      return list[j].uuid;
    });
  }, []);

  // --- shortcuts ----------------------------------------------------------------------------
  const actions = useRef({
    setTool, pickLabel, activeGeometry, selected, remove, toggleHidden, toggleLocked, accept, acceptAll, fit, finishPath, step,
  });
  actions.current = { setTool, pickLabel, activeGeometry, selected, remove, toggleHidden, toggleLocked, accept, acceptAll, fit, finishPath, step };

  const kindsKey = t.kinds.join(",");
  const shortcuts = useMemo<Shortcut[]>(() => {
    const list: Shortcut[] = [];
    const tools: Tool[] = ["select", ...(kindsKey ? (kindsKey.split(",") as Geometry[]) : [])];
    for (const tl of tools) {
      list.push({ key: TOOL_KEYS[tl], label: `${TOOL_NAMES[tl]} tool`, run: () => actions.current.setTool(tl) });
    }
    for (let i = 1; i <= 9; i++) {
      list.push({
        key: String(i),
        label: i === 1 ? "Pick label 1–9 (the new objects' and the selected object's)" : `Pick label ${i}`,
        run: () => {
          const g = actions.current.activeGeometry;
          const l = g ? t.labels[g]?.[i - 1] : undefined;
          if (l) actions.current.pickLabel(l.value, g);
        },
      });
    }
    list.push(
      { key: "Escape", label: "Cancel drawing, or deselect", run: () => setSelected(null) },
      {
        key: "Delete",
        label: "Delete the selected object (reject a pre-label); while drawing, remove the last point",
        run: () => {
          const s = actions.current.selected;
          if (s) actions.current.remove(s);
        },
      },
      {
        key: "Backspace",
        label: "Same as Delete",
        run: () => {
          const s = actions.current.selected;
          if (s) actions.current.remove(s);
        },
      },
      { key: "h", label: "Hide / show the selected object", run: () => actions.current.selected && actions.current.toggleHidden(actions.current.selected) },
      { key: "k", label: "Lock / unlock the selected object", run: () => actions.current.selected && actions.current.toggleLocked(actions.current.selected) },
      { key: "a", label: "Accept the selected pre-label", run: () => actions.current.selected && actions.current.accept(actions.current.selected) },
      { key: "a", shift: true, label: "Accept all pre-labels", run: () => actions.current.acceptAll() },
      { key: "]", label: "Select the next object", run: () => actions.current.step(1) },
      { key: "[", label: "Select the previous object", run: () => actions.current.step(-1) },
      { key: "f", label: "Fit the image to the screen", run: () => actions.current.fit() },
      {
        key: "=",
        label: "Zoom in",
        run: () => setView(zoomAt(viewRef.current, 1.25, (wrapRef.current?.clientWidth ?? 0) / 2, (wrapRef.current?.clientHeight ?? 0) / 2)),
      },
      {
        key: "-",
        label: "Zoom out",
        run: () => setView(zoomAt(viewRef.current, 0.8, (wrapRef.current?.clientWidth ?? 0) / 2, (wrapRef.current?.clientHeight ?? 0) / 2)),
      },
    );
    return list;
  }, [kindsKey, t, setView]);
  useShortcuts(shortcuts);

  // While a polygon or polyline is being drawn, Enter, Escape, Backspace and Delete belong to
  // the drawing: handled in the capture phase and stopped there, so the shell's Enter (submit)
  // and the object shortcuts above never see them.
  const finishRef = useRef(finishPath);
  finishRef.current = finishPath;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const d = draftRef.current;
      if (!d || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Enter") finishRef.current();
      else if (e.key === "Escape") {
        draftRef.current = null;
        setDraft(null);
      } else if ((e.key === "Backspace" || e.key === "Delete") && d.kind !== "box")
        setDraft(d.points.length > 1 ? { ...d, points: d.points.slice(0, -1) } : null);
      else return;
      e.preventDefault();
      e.stopPropagation();
    };
    window.addEventListener("keydown", onKey, true);
    return () => window.removeEventListener("keydown", onKey, true);
  }, []);

  // The shell's help panel lists them, with the gestures that are not key presses.
  useEffect(() => {
    const show = (key: string, label: string): Shortcut => ({ key, label, run: () => undefined });
    registerShortcuts?.([
      ...shortcuts.filter((s) => !(s.key >= "2" && s.key <= "9")),
      show("Enter", "Finish the polygon / polyline being drawn (a double-click too)"),
      show(" ", "Hold and drag to pan (or drag with the middle button)"),
    ]);
  }, [registerShortcuts, shortcuts]);

  const shortcutOf = (tl: Tool) => describe({ key: TOOL_KEYS[tl].toUpperCase(), label: "", run: () => undefined });
  const editable = tool === "select" && !readOnly;
  const px = 1 / view.scale;

  let draftShape = null;
  if (draft?.kind === "box") {
    draftShape = (
      <Rect
        x={Math.min(draft.x0, draft.x1)}
        y={Math.min(draft.y0, draft.y1)}
        width={Math.abs(draft.x1 - draft.x0)}
        height={Math.abs(draft.y1 - draft.y0)}
        stroke={t.colors.get(current.box ?? "") ?? "#fff"}
        strokeWidth={2}
        strokeScaleEnabled={false}
        dash={[6 * px, 4 * px]}
      />
    );
  } else if (draft) {
    const color = t.colors.get(current[draft.kind] ?? "") ?? "#fff";
    const pts = draft.cursor ? [...draft.points, draft.cursor] : draft.points;
    draftShape = (
      <>
        <Line
          points={pts.flatMap((p) => [p.x, p.y])}
          closed={draft.kind === "polygon"}
          stroke={color}
          strokeWidth={2}
          strokeScaleEnabled={false}
          dash={[6 * px, 4 * px]}
          fill={draft.kind === "polygon" ? color + "1a" : undefined}
        />
        {draft.points.map((p, i) => (
          <Circle key={i} x={p.x} y={p.y} radius={4 * px} fill={i === 0 ? color : "#fff"} stroke={color} strokeWidth={1} strokeScaleEnabled={false} />
        ))}
      </>
    );
  }

  const statusHint =
    tool === "box"
      ? "Drag to draw a box."
      : tool === "polygon"
        ? "Click to add points; Enter or double-click closes; Esc cancels."
        : tool === "line"
          ? "Click to add points; Enter or double-click ends; Esc cancels."
          : tool === "point"
            ? "Click to place a point."
            : "Click selects, drag moves; drag the background to pan.";

  return (
    <div className="imgws" data-testid="image-workspace">
      <div className="imgws-tools" role="toolbar" aria-label="Tools" aria-orientation="vertical">
        {(["select", ...t.kinds] as Tool[]).map((tl) => (
          <button
            key={tl}
            type="button"
            className="imgws-tool"
            aria-label={`${TOOL_NAMES[tl]} tool`}
            aria-pressed={tool === tl}
            disabled={readOnly && tl !== "select"}
            title={`${TOOL_NAMES[tl]} (${shortcutOf(tl)})`}
            onClick={(e) => {
              setTool(tl);
              e.currentTarget.blur();
            }}
          >
            {icons[tl]}
            <kbd>{shortcutOf(tl)}</kbd>
          </button>
        ))}
        <span className="imgws-sep" />
        <button type="button" className="imgws-tool" aria-label="Fit to screen" title="Fit to screen (F)" onClick={(e) => { fit(); e.currentTarget.blur(); }}>
          {icons.fit}
          <kbd>F</kbd>
        </button>
      </div>

      <div className="imgws-main">
        <div
          ref={wrapRef}
          className={`imgws-canvas tool-${tool}${panning ? " panning" : ""}`}
          data-testid="image-canvas"
          data-scale={view.scale}
          data-x={view.x}
          data-y={view.y}
          data-image-width={imageSize.w}
          data-image-height={imageSize.h}
          data-ready={ready ? "true" : "false"}
          aria-label="Image canvas"
          onContextMenu={(e) => e.preventDefault()}
          onMouseDown={(e) => {
            if (e.button === 1) e.preventDefault(); // no autoscroll on middle click
          }}
          // The browser's double-click (two clicks close in time and place); Konva's fires for
          // any two quick clicks, which fast clicking on polygon points is.
          onDoubleClick={() => {
            if (tool === "polygon" || tool === "line") finishPath();
          }}
        >
          {size.w > 0 && (
            <Stage
              ref={stageRef}
              width={size.w}
              height={size.h}
              scaleX={view.scale}
              scaleY={view.scale}
              x={view.x}
              y={view.y}
              onMouseDown={onStageMouseDown}
              onMouseMove={onStageMouseMove}
            >
              {/* Zoomed in, pixels show as pixels (no smoothing), for exact edges. */}
              <Layer ref={imageLayerRef} listening={false} imageSmoothingEnabled={view.scale < 2}>
                {img && <KImage image={img.source} width={imageSize.w} height={imageSize.h} perfectDrawEnabled={false} />}
              </Layer>
              {/* Hidden until the image is in: one draw of the objects, at the fitted view. */}
              <Layer listening={tool === "select"} visible={!!img}>
                <Shapes
                  objects={objects}
                  t={t}
                  selected={selected}
                  hidden={hidden}
                  locked={locked}
                  scale={view.scale}
                  editable={editable}
                  imageSize={imageSize}
                  handlers={handlers}
                />
              </Layer>
              <Layer name="drag-layer" />
              <Layer listening={false}>{draftShape}</Layer>
            </Stage>
          )}
          {!img && !imageError && <div className="imgws-overlay">Loading image…</div>}
          {imageError && (
            <div className="imgws-overlay" role="alert">
              <p>{imageError}</p>
              <button type="button" onClick={() => setAttempt((n) => n + 1)}>
                Retry
              </button>
            </div>
          )}
        </div>
        <div className="imgws-status">
          <span>{statusHint}</span>
          {message && (
            <span className="imgws-message" role="status">
              {message}
            </span>
          )}
          <span className="spacer" />
          <span ref={coordsRef} className="imgws-coords" aria-label="Cursor position" />
          {imageSize.w > 0 && (
            <span className="muted">
              {imageSize.w}×{imageSize.h}
            </span>
          )}
          <span data-testid="zoom">{Math.round(view.scale * 100)}%</span>
          <span className="muted" title="Space+drag or middle-drag pans; the wheel zooms; F fits">
            <Kbd k="Space" />+drag · wheel
          </span>
        </div>
      </div>

      <aside className="imgws-side">
        <LabelPicker
          t={t}
          geometry={activeGeometry}
          current={selectedObj?.label ?? (activeGeometry ? current[activeGeometry] ?? null : null)}
          disabled={readOnly}
          onPick={(l) => pickLabel(l, activeGeometry)}
        />
        <ObjectPanel
          t={t}
          object={selectedObj}
          index={selectedIndex}
          readOnly={readOnly}
          locked={!!selectedObj && locked.has(selectedObj.uuid)}
          onLabel={(l) => selectedObj && pickLabel(l, selectedObj.type)}
          onAttribute={setAttribute}
          onAccept={() => selectedObj && accept(selectedObj.uuid)}
          onReject={() => selectedObj && remove(selectedObj.uuid)}
        />
        <ObjectList
          t={t}
          objects={objects}
          selected={selected}
          hidden={hidden}
          locked={locked}
          readOnly={readOnly}
          onSelect={setSelected}
          onToggleHidden={toggleHidden}
          onToggleLocked={toggleLocked}
          onDelete={remove}
          onAccept={accept}
          onAcceptAll={acceptAll}
        />
        {t.context.length > 0 && (
          <section className="imgws-panel" aria-label="Context images">
            <h3>Context images</h3>
            <div className="imgws-context">
              {t.context.map((src) => (
                <a key={src} href={src} target="_blank" rel="noreferrer">
                  <img src={src} alt="context" loading="lazy" />
                </a>
              ))}
            </div>
          </section>
        )}
      </aside>
    </div>
  );
}
