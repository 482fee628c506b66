// The image annotation task's params, the workspace's value, and finalize (value -> response).
// Rules mirror src/assay/tasks/types/imageannotation.py and attributes.py, so that a response
// the workspace lets through is one the server accepts.

import type { Finalize } from "../contract";
import type { TaskView } from "../../types";

export type Geometry = "box" | "polygon" | "line" | "point";
export const GEOMETRIES: Geometry[] = ["box", "polygon", "line", "point"];

export interface Vertex {
  x: number;
  y: number;
}

export type AttrValue = string | number | boolean | string[];

// One object as the server stores it, plus `proposal` (a pre-label not accepted yet; client only).
export interface ImgObject {
  uuid: string;
  type: Geometry;
  label: string;
  attributes?: Record<string, AttrValue>;
  left?: number;
  top?: number;
  width?: number;
  height?: number;
  rotation?: number; // radians, clockwise, about the box's centre
  vertices?: Vertex[];
  x?: number;
  y?: number;
  proposal?: boolean;
}

export interface ImageValue {
  annotations: ImgObject[];
}

type ChoiceSpec = string | { choice: string; description?: string | null; subchoices?: ChoiceSpec[] };

export interface GeometrySpec {
  objects_to_annotate: ChoiceSpec[];
  min_width?: number;
  min_height?: number;
  can_rotate?: boolean;
  integer_pixels?: boolean;
  min_vertices?: number | null;
  max_vertices?: number | null;
}

export interface AttributeSpec {
  type?: "category" | "number" | "text" | "boolean";
  description?: string | null;
  choices?: string[] | null;
  allow_multiple?: boolean;
  min?: number | null;
  max?: number | null;
  required?: boolean;
  labels?: string[] | null;
}

export interface LabelEntry {
  value: string;
  depth: number; // nesting level in objects_to_annotate (subchoices are labels too)
  description?: string | null;
}

export interface ImageTask {
  attachment: string;
  geometries: Partial<Record<Geometry, GeometrySpec>>;
  kinds: Geometry[]; // declared geometries, in toolbar order
  labels: Partial<Record<Geometry, LabelEntry[]>>;
  attributes: Record<string, AttributeSpec>;
  context: string[];
  hypothesis: ImgObject[];
  colors: Map<string, string>;
}

const PALETTE = [
  "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4",
  "#f032e6", "#bfef45", "#fabed4", "#469990", "#dcbeff", "#9a6324",
  "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075",
];

function flatten(choices: ChoiceSpec[], depth = 0, out: LabelEntry[] = []): LabelEntry[] {
  for (const c of choices) {
    if (typeof c === "string") out.push({ value: c, depth });
    else {
      out.push({ value: c.choice, depth, description: c.description });
      flatten(c.subchoices ?? [], depth + 1, out);
    }
  }
  return out;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const taskCache = new WeakMap<Record<string, unknown>, ImageTask>();

export function readTask(task: TaskView): ImageTask {
  const cached = taskCache.get(task.params);
  if (cached) return cached;
  const p = task.params;
  const geometries = (isObj(p.geometries) ? p.geometries : {}) as Partial<Record<Geometry, GeometrySpec>>;
  const kinds = GEOMETRIES.filter((g) => isObj(geometries[g]));
  const labels: Partial<Record<Geometry, LabelEntry[]>> = {};
  const colors = new Map<string, string>();
  for (const g of kinds) {
    labels[g] = flatten(geometries[g]?.objects_to_annotate ?? []);
    for (const l of labels[g]!) if (!colors.has(l.value)) colors.set(l.value, PALETTE[colors.size % PALETTE.length]);
  }
  const hyp = isObj(p.hypothesis) && Array.isArray(p.hypothesis.annotations) ? p.hypothesis.annotations : [];
  const out: ImageTask = {
    attachment: typeof p.attachment === "string" ? p.attachment : "",
    geometries,
    kinds,
    labels,
    attributes: (isObj(p.annotation_attributes) ? p.annotation_attributes : {}) as Record<string, AttributeSpec>,
    context: Array.isArray(p.context_attachments)
      ? p.context_attachments.filter(isObj).map((c) => String(c.attachment))
      : [],
    hypothesis: hyp.map((a, i) => ({ ...normalize(a, `hypothesis-${i}`), proposal: true })),
    colors,
  };
  taskCache.set(task.params, out);
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

// Accepts whatever a draft or a labeler's response holds; keeps only the known fields.
function normalize(a: unknown, fallbackId: string): ImgObject {
  const o = isObj(a) ? a : {};
  const type = (GEOMETRIES as string[]).includes(o.type as string) ? (o.type as Geometry) : "box";
  const out: ImgObject = {
    uuid: typeof o.uuid === "string" && o.uuid ? o.uuid : fallbackId,
    type,
    label: typeof o.label === "string" ? o.label : "",
  };
  if (isObj(o.attributes) && Object.keys(o.attributes).length) out.attributes = o.attributes as Record<string, AttrValue>;
  if (type === "box") {
    out.left = num(o.left) ?? 0;
    out.top = num(o.top) ?? 0;
    out.width = num(o.width) ?? 0;
    out.height = num(o.height) ?? 0;
    if (num(o.rotation)) out.rotation = num(o.rotation);
  } else if (type === "point") {
    out.x = num(o.x) ?? 0;
    out.y = num(o.y) ?? 0;
  } else {
    out.vertices = Array.isArray(o.vertices)
      ? o.vertices.filter(isObj).map((v) => ({ x: num(v.x) ?? 0, y: num(v.y) ?? 0 }))
      : [];
  }
  if (o.proposal === true) out.proposal = true;
  return out;
}

// Normalized objects by the value's own objects: an object an edit did not touch keeps its
// identity, so memoized rows and shapes skip it.
const normalized = new WeakMap<object, ImgObject>();

// The objects being edited: the value's, or the task's pre-labels (as proposals) before any edit.
export function readValue(value: unknown, t: ImageTask): ImgObject[] {
  if (isObj(value) && Array.isArray(value.annotations)) {
    return value.annotations.map((a, i) => {
      if (!isObj(a)) return normalize(a, `object-${i}`);
      let o = normalized.get(a);
      if (!o) {
        o = normalize(a, `object-${i}`);
        normalized.set(a, o);
        normalized.set(o, o); // committed back as is by the next edit

      }
      return o;
    });
  }
  return t.hypothesis;
}

let counter = 0;
export function newId(): string {
  counter += 1;
  return `obj-${Date.now().toString(36)}-${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

// The attributes that apply to a label (an attribute with `labels` only applies to those).
export function attributesFor(t: ImageTask, label: string): [string, AttributeSpec][] {
  return Object.entries(t.attributes).filter(([, s]) => !s.labels || s.labels.includes(label));
}

// Keeps only attributes that apply to the (new) label: the server refuses the others.
export function keepAttributes(t: ImageTask, label: string, attrs?: Record<string, AttrValue>) {
  if (!attrs) return undefined;
  const names = new Set(attributesFor(t, label).map(([n]) => n));
  const kept = Object.fromEntries(Object.entries(attrs).filter(([n]) => names.has(n)));
  return Object.keys(kept).length ? kept : undefined;
}

export function bbox(o: ImgObject): { x0: number; y0: number; x1: number; y1: number } {
  if (o.type === "box") {
    return { x0: o.left!, y0: o.top!, x1: o.left! + o.width!, y1: o.top! + o.height! };
  }
  if (o.type === "point") return { x0: o.x!, y0: o.y!, x1: o.x!, y1: o.y! };
  const vs = o.vertices ?? [];
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const v of vs) {
    x0 = Math.min(x0, v.x);
    y0 = Math.min(y0, v.y);
    x1 = Math.max(x1, v.x);
    y1 = Math.max(y1, v.y);
  }
  return vs.length ? { x0, y0, x1, y1 } : { x0: 0, y0: 0, x1: 0, y1: 0 };
}

export function translate(o: ImgObject, dx: number, dy: number): ImgObject {
  if (o.type === "box") return { ...o, left: round2(o.left! + dx), top: round2(o.top! + dy), proposal: undefined };
  if (o.type === "point") return { ...o, x: round2(o.x! + dx), y: round2(o.y! + dy), proposal: undefined };
  return {
    ...o,
    vertices: (o.vertices ?? []).map((v) => ({ x: round2(v.x + dx), y: round2(v.y + dy) })),
    proposal: undefined,
  };
}

function area(vs: Vertex[]): number {
  let s = 0;
  for (let i = 0; i < vs.length; i++) {
    const a = vs[i];
    const b = vs[(i + 1) % vs.length];
    s += a.x * b.y - b.x * a.y;
  }
  return Math.abs(s) / 2;
}

export const TYPE_NAMES: Record<Geometry, string> = { box: "box", polygon: "polygon", line: "polyline", point: "point" };
export const TYPE_PLURALS: Record<Geometry, string> = { box: "boxes", polygon: "polygons", line: "polylines", point: "points" };

export function describeObject(o: ImgObject, index: number): string {
  return `object ${index + 1} (${TYPE_NAMES[o.type]} “${o.label}”)`;
}

// What is wrong with one object, or null; the same checks as the server's.
export function objectError(t: ImageTask, o: ImgObject): string | null {
  const spec = t.geometries[o.type];
  if (!spec) return `${TYPE_PLURALS[o.type]} are not a geometry of this task`;
  if (!(t.labels[o.type] ?? []).some((l) => l.value === o.label)) return `“${o.label}” is not a label for ${TYPE_PLURALS[o.type]}`;
  if (o.type === "box") {
    const minW = spec.min_width ?? 0;
    const minH = spec.min_height ?? 0;
    if (!(o.width! > 0) || o.width! < minW) return `its width must be positive${minW ? ` and at least ${minW} px` : ""}`;
    if (!(o.height! > 0) || o.height! < minH) return `its height must be positive${minH ? ` and at least ${minH} px` : ""}`;
  } else if (o.type === "polygon" || o.type === "line") {
    const floor = o.type === "polygon" ? 3 : 2;
    const low = Math.max(spec.min_vertices ?? 0, floor);
    const n = o.vertices?.length ?? 0;
    if (n < low) return `it needs at least ${low} vertices`;
    if (spec.max_vertices != null && n > spec.max_vertices) return `it allows at most ${spec.max_vertices} vertices`;
    if (o.type === "polygon" && area(o.vertices!) === 0) return "the polygon has zero area";
  }
  const attrs = o.attributes ?? {};
  for (const [name, s] of attributesFor(t, o.label)) {
    const v = attrs[name];
    const missing = v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
    if (missing) {
      if (s.required) return `attribute “${name}” is required`;
      continue;
    }
    const kind = s.type ?? "category";
    if (kind === "number") {
      if (typeof v !== "number" || !Number.isFinite(v)) return `attribute “${name}” must be a number`;
      if (s.min != null && v < s.min) return `attribute “${name}” must be at least ${s.min}`;
      if (s.max != null && v > s.max) return `attribute “${name}” must be at most ${s.max}`;
    } else if (kind === "category") {
      const picks = Array.isArray(v) ? v : [v];
      if (Array.isArray(v) && !s.allow_multiple) return `attribute “${name}” takes one choice`;
      for (const p of picks) if (!(s.choices ?? []).includes(String(p))) return `attribute “${name}”: “${p}” is not a choice`;
    }
  }
  return null;
}

// The object as the server expects it: its geometry's fields only, whole pixels if asked.
function toResponse(t: ImageTask, o: ImgObject): Record<string, unknown> {
  const spec = t.geometries[o.type]!;
  const out: Record<string, unknown> = { uuid: o.uuid, type: o.type, label: o.label };
  const attrs: Record<string, AttrValue> = {};
  for (const [name] of attributesFor(t, o.label)) {
    const v = o.attributes?.[name];
    if (v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    attrs[name] = v;
  }
  if (Object.keys(attrs).length) out.attributes = attrs;
  if (o.type === "box") {
    const r = spec.integer_pixels ? Math.round : round2;
    out.left = r(o.left!);
    out.top = r(o.top!);
    out.width = Math.max(r(o.width!), spec.integer_pixels ? 1 : 0.01);
    out.height = Math.max(r(o.height!), spec.integer_pixels ? 1 : 0.01);
    if (spec.can_rotate && o.rotation) out.rotation = o.rotation;
  } else if (o.type === "point") {
    out.x = round2(o.x!);
    out.y = round2(o.y!);
  } else {
    out.vertices = o.vertices!.map((v) => ({ x: round2(v.x), y: round2(v.y) }));
  }
  return out;
}

export const finalize: Finalize = (task, value) => {
  const t = readTask(task);
  const objects = readValue(value, t);
  const pending = objects.filter((o) => o.proposal).length;
  if (pending) {
    return {
      error:
        pending === 1
          ? "1 pre-label is still a proposal: accept it (A) or reject it (Delete)"
          : `${pending} pre-labels are still proposals: accept (A, or Shift+A for all) or reject (Delete) each`,
    };
  }
  const annotations = [];
  for (let i = 0; i < objects.length; i++) {
    const problem = objectError(t, objects[i]);
    if (problem) return { error: `${describeObject(objects[i], i)}: ${problem}` };
    annotations.push(toResponse(t, objects[i]));
  }
  return { response: { annotations } };
};
