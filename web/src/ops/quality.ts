// Pure helpers of the quality pages (dashboard, gold tasks, my progress): formatting accuracy
// estimates and nuance names, cell shading, one-line summaries of params and responses, and the
// quality settings form's fields. No React and no charts here: the annotator bundle imports it.

import type { Acc, Qualification, QualitySettings, Role, TrainingCounts } from "../types";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export const NONE = "—";

// Who sees the quality dashboard and the gold tasks: whoever judges work.
export const canJudgeQuality = (role: Role | undefined) => role === "admin" || role === "requester" || role === "reviewer";

// 0.914 -> "91%"; digits after the point on request; nothing -> "—".
export function pct(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return NONE;
  const f = 10 ** digits;
  return `${(Math.round(x * 100 * f) / f).toFixed(digits)}%`;
}

// Evidence weight: whole numbers as they are, fractions with one decimal.
export function fmtN(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

// "83–96%": the 90% credible interval.
export function fmtInterval(a: Acc): string {
  return `${Math.round(a.low * 100)}–${Math.round(a.high * 100)}%`;
}

// "91% (83–96%, n 23)" or "—" when there is no evidence.
export function fmtAcc(a: Acc | null | undefined): string {
  if (!a) return NONE;
  return `${pct(a.mean)} (${fmtInterval(a)}, n ${fmtN(a.n)})`;
}

// The tooltip of an accuracy: what each number means, spelled out.
export function accTitle(what: string, a: Acc | null | undefined, weak = false): string {
  if (!a) return `${what}: no evidence yet`;
  const flag = weak ? " · weak: below the weak threshold" : "";
  return `${what}: ${pct(a.mean)} · 90% interval ${fmtInterval(a)} · evidence n = ${fmtN(a.n)}${flag}`;
}

const KINDS = ["label", "attribute", "field", "criterion", "taxonomy", "tag"];

// "*" -> "overall"; "label:cat" -> "cat (label)"; anything else as it is.
export function nuanceLabel(nuance: string): string {
  if (nuance === "*") return "overall";
  const at = nuance.indexOf(":");
  if (at <= 0) return nuance;
  const kind = nuance.slice(0, at);
  const name = nuance.slice(at + 1);
  return KINDS.includes(kind) ? `${name} (${kind})` : nuance;
}

// "*" first, then by kind and name, the way the dashboard's columns read best.
export function sortNuances(nuances: string[]): string[] {
  return [...new Set(nuances)].sort((a, b) => (a === "*" ? -1 : b === "*" ? 1 : a.localeCompare(b)));
}

// A cell's background: red at 50% and below, through yellow, to green at 100%. Light enough
// that dark text stays readable on it.
export function shade(mean: number): string {
  const t = Math.min(1, Math.max(0, (mean - 0.5) / 0.5));
  return `hsl(${Math.round(t * 120)}, 70%, 86%)`;
}

export function methodName(method: string): string {
  if (method === "krippendorff_alpha") return "Krippendorff's alpha";
  if (method === "mean_pairwise") return "Mean pairwise agreement";
  return method.replace(/_/g, " ");
}

export function qualificationText(q: Qualification): string {
  return `Qualification: ${q.answered} of ${q.required} answered`;
}

// The share of answered qualification tasks that were correct (null before the first answer).
export function passShare(q: Qualification): number | null {
  return q.answered > 0 ? q.correct / q.answered : null;
}

function cut(text: string, max: number): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function firstContent(list: unknown): string | null {
  if (!Array.isArray(list) || list.length === 0) return null;
  const first: unknown = list[0];
  if (typeof first === "string") return first;
  if (isObj(first) && typeof first.content === "string") return first.content;
  return null;
}

// One line that tells tasks apart in a table: the attachment, the text's start, the prompt.
export function paramsSummary(type: string, params: Obj, max = 80): string {
  const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : null);
  let text: string | null = null;
  if (type === "categorization" || type === "imageannotation") text = str("attachment");
  else if (type === "namedentityrecognition") text = str("text");
  else if (type === "textcollection") text = firstContent(params.attachments) ?? str("title");
  else if (type === "comparison") text = str("prompt") ?? firstContent(params.attachments);
  if (text === null) text = str("attachment") ?? str("text") ?? JSON.stringify(params);
  return cut(text, max);
}

function counted(labels: string[]): string {
  const n = new Map<string, number>();
  for (const l of labels) n.set(l, (n.get(l) ?? 0) + 1);
  return [...n].map(([l, c]) => (c > 1 ? `${l} ×${c}` : l)).join(", ");
}

function listText(v: unknown): string {
  return Array.isArray(v) ? v.map(String).join(", ") : String(v);
}

// The expected answer in a few words: the category, the objects by label, the fields.
export function responseSummary(type: string, response: unknown, max = 80): string {
  if (!isObj(response)) return response === null || response === undefined ? NONE : cut(JSON.stringify(response), max);
  let text: string | null = null;
  if (type === "categorization") {
    const parts: string[] = [];
    if (response.category !== undefined && response.category !== null) parts.push(listText(response.category));
    if (isObj(response.taxonomies)) {
      for (const [k, v] of Object.entries(response.taxonomies)) parts.push(`${k}: ${listText(v)}`);
    }
    text = parts.join("; ") || "(nothing chosen)";
  } else if (type === "imageannotation" || type === "namedentityrecognition") {
    const items = Array.isArray(response.annotations) ? response.annotations : [];
    const noun = type === "imageannotation" ? "object" : "span";
    const labels = items.map((a) => (isObj(a) ? String(a.label ?? "?") : "?"));
    text = `${items.length} ${noun}${items.length === 1 ? "" : "s"}${labels.length ? `: ${counted(labels)}` : ""}`;
  } else if (type === "textcollection" && isObj(response.annotations)) {
    text = Object.entries(response.annotations)
      .map(([id, f]) => {
        const answers = isObj(f) && Array.isArray(f.response) ? f.response : [];
        return `${id}: ${answers.map(listText).join(" | ")}`;
      })
      .join("; ");
  } else if (type === "comparison") {
    if (response.choice !== undefined && response.choice !== null) text = String(response.choice);
    else if (response.tie === true) text = "tie";
    else if (typeof response.preferred === "number") {
      text = `output ${response.preferred + 1} preferred${typeof response.strength === "number" ? ` (strength ${response.strength})` : ""}`;
    } else if (Array.isArray(response.ranking)) text = `ranking ${response.ranking.map((i) => Number(i) + 1).join(" > ")}`;
    else if (Array.isArray(response.ratings)) text = `${response.ratings.length} outputs rated`;
  }
  return cut(text ?? JSON.stringify(response), max);
}

// A starting expected response per task type, for the create form.
export function responseTemplate(type: string): Obj {
  switch (type) {
    case "categorization":
      return { category: "" };
    case "imageannotation":
    case "namedentityrecognition":
      return { annotations: [] };
    case "textcollection":
      return { annotations: {} };
    case "comparison":
      return { preferred: 0 };
    default:
      return {};
  }
}

// The project's params as a starting point for a new gold task's: its defaults, minus what
// only projects have, plus the per-task field the type needs, empty.
export function paramsTemplate(type: string, projectParams: Obj | null | undefined): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(projectParams ?? {})) {
    if (k !== "instruction" && k !== "examples") out[k] = v;
  }
  const need: Record<string, Obj> = {
    categorization: { attachment: "" },
    imageannotation: { attachment: "" },
    namedentityrecognition: { text: "" },
    comparison: { attachments: ["", ""] },
  };
  for (const [k, v] of Object.entries(need[type] ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

// --- Quality settings form ------------------------------------------------------------------

export type SettingKey = keyof QualitySettings;

export interface SettingField {
  key: SettingKey;
  label: string;
  help: string;
  step: number;
  min: number;
  max?: number;
  optional?: boolean; // empty means null ("off")
}

export const SETTING_FIELDS: SettingField[] = [
  { key: "gold_rate", label: "Gold rate", step: 0.01, min: 0, max: 1, help: "Share of leases that serve a hidden gold task (0 to 1; 1 serves every unseen gold task first)." },
  { key: "pass_score", label: "Pass score", step: 0.01, min: 0, max: 1, help: "A gold or training answer scoring at least this counts as correct (0 to 1)." },
  { key: "pause_below", label: "Pause below", step: 0.01, min: 0, max: 1, help: "Pause an annotator whose gold accuracy falls below this (0 to 1)…" },
  { key: "pause_min_gold", label: "Pause after gold answers", step: 1, min: 0, help: "…once this many gold answers are scored since their last status change (0 = never pause)." },
  { key: "qualification_tasks", label: "Qualification tasks", step: 1, min: 0, help: "Training tasks a new annotator answers before real work (0 = no qualification)." },
  { key: "qualification_pass", label: "Qualification pass share", step: 0.01, min: 0, max: 1, help: "Share of the qualification tasks that must be correct to start real work (0 to 1)." },
  { key: "weak_below", label: "Weak below", step: 0.01, min: 0, max: 1, help: "A nuance (a label, field, criterion…) below this accuracy is weak: the annotator gets training tasks on it…" },
  { key: "weak_min_evidence", label: "Weak after evidence", step: 1, min: 0, help: "…once this much evidence on it is in." },
  { key: "training_every", label: "Training every", step: 1, min: 1, help: "At most one training task per this many real judgments." },
  { key: "hard_min_accuracy", label: "Hard tasks: minimum accuracy", step: 0.01, min: 0, max: 1, optional: true, help: "Extra judgments of disputed tasks go only to annotators at least this accurate (empty = anyone)." },
];

export type SettingsDraft = Record<SettingKey, string>;

export function settingsDraft(s: QualitySettings): SettingsDraft {
  const out = {} as SettingsDraft;
  for (const f of SETTING_FIELDS) {
    const v = s[f.key];
    out[f.key] = v === null || v === undefined ? "" : String(v);
  }
  return out;
}

// The changed fields as numbers (null for an emptied optional one), or what is wrong per field.
// Ranges are the server's to check: its 400 names the field, and the form shows it there.
export function settingsChanges(
  draft: SettingsDraft,
  current: QualitySettings,
): { changes: Partial<QualitySettings> } | { errors: Partial<Record<SettingKey, string>> } {
  const changes: Record<string, number | null> = {};
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const f of SETTING_FIELDS) {
    const raw = draft[f.key].trim();
    let value: number | null;
    if (raw === "") {
      if (!f.optional) {
        errors[f.key] = "a number is needed";
        continue;
      }
      value = null;
    } else {
      value = Number(raw);
      if (!Number.isFinite(value)) {
        errors[f.key] = "not a number";
        continue;
      }
    }
    if (value !== (current[f.key] ?? null)) changes[f.key] = value;
  }
  return Object.keys(errors).length ? { errors } : { changes: changes as Partial<QualitySettings> };
}

// A 400's details as messages per settings field ("quality.gold_rate" -> gold_rate). Without
// details, the message's "field: message" parts (joined by "; ") are read instead.
export function errorsByField(details: unknown, keys: readonly string[], message = ""): Record<string, string> {
  const out: Record<string, string> = {};
  const add = (field: string, text: string) => {
    const parts = field.trim().split(".");
    const key = keys.find((k) => parts.includes(k));
    if (key) out[key] = out[key] ? `${out[key]}; ${text}` : text;
  };
  if (Array.isArray(details) && details.length > 0) {
    for (const d of details) {
      if (isObj(d) && typeof d.field === "string") add(d.field, String(d.message ?? "invalid"));
    }
    return out;
  }
  for (const part of message.split("; ")) {
    const at = part.indexOf(": ");
    if (at > 0) add(part.slice(0, at), part.slice(at + 2));
  }
  return out;
}

// JSON text of an object, or why not.
export function parseObject(text: string, what: string): { value: Obj } | { error: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { error: `${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return isObj(v) ? { value: v } : { error: `${what} must be a JSON object` };
}

/** Training results by nuance, one line each, for a tooltip. */
export function trainingTitle(t: TrainingCounts): string {
  const lines = Object.entries(t.by_nuance)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([n, c]) => `${nuanceLabel(n)}: ${c.correct} of ${c.answered} right`);
  return lines.length ? `Training tasks by nuance\n${lines.join("\n")}` : "No training tasks answered";
}
