import { useMemo, useRef, useState, type CSSProperties } from "react";
import type { Finalize, WorkspaceProps } from "../contract";
import type { TaskView } from "../../types";
import type { Shortcut } from "../../ui/shortcuts";
import { DIGITS, isObject, useWorkspaceShortcuts } from "./common";

// Named entities: select text with the mouse (Shift+arrows adjust the selection), then give it
// a label with a number key or the picker. Spans may overlap: each span gets a lane, drawn as
// its own underline under the text, so nested and crossing spans stay visible.
// Offsets are Unicode code points (the server's unit), not JavaScript's UTF-16 units.

export interface Span {
  id?: string;
  start: number;
  end: number;
  label: string;
  text?: string;
}
export interface NerValue {
  annotations: Span[];
}
interface Label {
  name: string;
  display_name?: string | null;
  description?: string | null;
}

const COLORS = ["#2f6fed", "#d9480f", "#2b8a3e", "#ae3ec9", "#e8590c", "#0c8599", "#c2255c", "#5c940d", "#5f3dc4", "#862e9c"];

function params(task: TaskView) {
  return task.params as { text: string; labels: Label[]; allow_overlap?: boolean };
}

const byPosition = (a: Span, b: Span) => a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

// Where a DOM selection point falls, in code points of the text.
function pointOffset(container: HTMLElement, node: Node, offset: number, length: number): number | null {
  if (!container.contains(node)) return null;
  const startOf = (el: Element | null): number | null => {
    if (!el) return null;
    const off = (el as HTMLElement).dataset?.off ?? (el as HTMLElement).dataset?.at;
    return off === undefined ? null : Number(off);
  };
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    const seg = parent?.closest<HTMLElement>("[data-off]");
    if (seg && container.contains(seg)) {
      return Number(seg.dataset.off) + Array.from((node as Text).data.slice(0, offset)).length;
    }
    return startOf(parent?.closest("[data-at]") ?? null);
  }
  const el = node as HTMLElement;
  if (el === container) {
    const child = container.childNodes[offset] as Element | undefined;
    return child ? startOf(child) : length;
  }
  if (el.dataset?.off !== undefined) {
    return offset === 0 ? Number(el.dataset.off) : Number(el.dataset.off) + Array.from(el.textContent ?? "").length;
  }
  return startOf(el.closest("[data-at]"));
}

export function NerWorkspace({ task, value, onChange, readOnly, registerShortcuts }: WorkspaceProps<NerValue>) {
  const p = params(task);
  const cps = useMemo(() => Array.from(p.text), [p.text]);
  const labels = p.labels;
  const colorOf = useMemo(() => new Map(labels.map((l, i) => [l.name, COLORS[i % COLORS.length]])), [labels]);
  const nameOf = (label: string) => labels.find((l) => l.name === label)?.display_name || label;
  const spans = useMemo(() => [...(value?.annotations ?? [])].sort(byPosition), [value]);
  const [pending, setPending] = useState<{ start: number; end: number } | null>(null);
  const [selected, setSelected] = useState<number | null>(null); // index into `spans`
  const [message, setMessage] = useState<string | null>(null);
  const textRef = useRef<HTMLDivElement>(null);

  // A lane per span: the first lane free at its start (interval colouring).
  const lanes = useMemo(() => {
    const ends: number[] = [];
    return spans.map((s) => {
      let lane = ends.findIndex((end) => end <= s.start);
      if (lane < 0) lane = ends.length;
      ends[lane] = s.end;
      return lane;
    });
  }, [spans]);

  const segments = useMemo(() => {
    const cuts = new Set<number>([0, cps.length]);
    for (const s of spans) {
      cuts.add(s.start);
      cuts.add(s.end);
    }
    if (pending) {
      cuts.add(pending.start);
      cuts.add(pending.end);
    }
    const sorted = [...cuts].filter((c) => c >= 0 && c <= cps.length).sort((a, b) => a - b);
    const out: { a: number; b: number; covering: number[]; endsHere: number[] }[] = [];
    for (let i = 0; i + 1 < sorted.length; i++) {
      const a = sorted[i];
      const b = sorted[i + 1];
      const covering: number[] = [];
      const endsHere: number[] = [];
      spans.forEach((s, si) => {
        if (s.start <= a && s.end >= b) covering.push(si);
        if (s.end === b) endsHere.push(si);
      });
      out.push({ a, b, covering, endsHere });
    }
    return out;
  }, [cps, spans, pending]);

  function commit(next: Span[]) {
    onChange({ annotations: [...next].sort(byPosition) });
  }

  function assign(labelIndex: number) {
    if (readOnly) return;
    const label = labels[labelIndex]?.name;
    if (!label) return;
    setMessage(null);
    if (pending) {
      const { start, end } = pending;
      if (spans.some((s) => s.start === start && s.end === end && s.label === label)) {
        setMessage("That span already has this label");
        return;
      }
      if (p.allow_overlap === false && spans.some((s) => s.start < end && start < s.end)) {
        setMessage("Spans may not overlap in this task");
        return;
      }
      const span: Span = { start, end, label, text: cps.slice(start, end).join("") };
      const next = [...spans, span].sort(byPosition);
      commit(next);
      setPending(null);
      setSelected(next.indexOf(span));
    } else if (selected !== null && spans[selected]) {
      const s = spans[selected];
      if (s.label === label) return;
      if (spans.some((o, i) => i !== selected && o.start === s.start && o.end === s.end && o.label === label)) {
        setMessage("That span already has this label");
        return;
      }
      const changed = { ...s, label };
      const next = spans.map((o, i) => (i === selected ? changed : o)).sort(byPosition);
      commit(next);
      setSelected(next.indexOf(changed));
    } else {
      setMessage("Select some text first");
    }
  }

  function remove(index: number) {
    if (readOnly) return;
    commit(spans.filter((_, i) => i !== index));
    setSelected(null);
  }

  function onMouseUp() {
    const el = textRef.current;
    const sel = window.getSelection();
    if (!el || !sel || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    let start = pointOffset(el, range.startContainer, range.startOffset, cps.length);
    let end = pointOffset(el, range.endContainer, range.endOffset, cps.length);
    if (start === null || end === null) return;
    if (start > end) [start, end] = [end, start];
    if (start === end) {
      // A click: select the innermost span there.
      const hit = spans
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => s.start <= start! && start! < s.end)
        .sort((x, y) => x.s.end - x.s.start - (y.s.end - y.s.start))[0];
      setSelected(hit ? hit.i : null);
      setPending(null);
      return;
    }
    while (start < end && /\s/u.test(cps[start])) start++;
    while (end > start && /\s/u.test(cps[end - 1])) end--;
    sel.removeAllRanges();
    if (start === end || readOnly) return;
    setPending({ start, end });
    setSelected(null);
    setMessage(null);
  }

  function nudge(which: "start" | "end", by: number) {
    setPending((cur) => {
      if (!cur) return cur;
      const next = { ...cur, [which]: cur[which] + by };
      if (next.start < 0 || next.end > cps.length || next.start >= next.end) return cur;
      return next;
    });
  }

  const shortcuts: Shortcut[] = [
    ...DIGITS.slice(0, labels.length).map((d, i) => ({
      key: d,
      label: `Label the selection “${labels[i].display_name || labels[i].name}”`,
      run: () => assign(i),
    })),
    { key: "ArrowRight", shift: true, label: "Grow the selection by a character", run: () => nudge("end", 1) },
    { key: "ArrowLeft", shift: true, label: "Shrink the selection by a character", run: () => nudge("end", -1) },
    { key: "ArrowLeft", shift: true, alt: true, label: "Move the selection's start left", run: () => nudge("start", -1) },
    { key: "ArrowRight", shift: true, alt: true, label: "Move the selection's start right", run: () => nudge("start", 1) },
    { key: "Delete", label: "Remove the selected span", run: () => selected !== null && remove(selected) },
    { key: "Backspace", label: "Remove the selected span", run: () => selected !== null && remove(selected) },
    { key: "Escape", label: "Clear the selection", run: () => (setPending(null), setSelected(null)) },
  ];
  useWorkspaceShortcuts(shortcuts, readOnly, registerShortcuts);

  const maxLane = lanes.length ? Math.max(...lanes) : -1;

  function segmentStyle(covering: number[]): CSSProperties | undefined {
    if (!covering.length) return undefined;
    const layers = covering.map((si) => {
      const c = colorOf.get(spans[si].label) ?? "#888";
      return `linear-gradient(${c}, ${c}) 0 calc(100% - ${lanes[si] * 4}px) / 100% 3px no-repeat`;
    });
    const top = colorOf.get(spans[covering[covering.length - 1]].label) ?? "#888";
    return {
      background: [...layers, `${top}1f`].join(", "),
      paddingBottom: (Math.max(...covering.map((si) => lanes[si])) + 1) * 4,
    };
  }

  return (
    <div className="ws ws-ner" data-testid="workspace-ner">
      <div className="ner-labels" role="toolbar" aria-label="Entity labels">
        {labels.map((l, i) => (
          <button
            key={l.name}
            type="button"
            className="ner-label"
            style={{ borderColor: colorOf.get(l.name) }}
            disabled={readOnly}
            title={l.description ?? undefined}
            onMouseDown={(e) => e.preventDefault() /* keep the text selection */}
            onClick={() => assign(i)}
          >
            {i < 9 && !readOnly && <kbd>{i + 1}</kbd>} <span className="ner-swatch" style={{ background: colorOf.get(l.name) }} />
            {l.display_name || l.name}
          </button>
        ))}
      </div>
      {message && (
        <div className="error" role="status">
          {message}
        </div>
      )}
      <div
        ref={textRef}
        className={`ner-text${readOnly ? " ro" : ""}`}
        data-testid="ner-text"
        aria-label="Text to label"
        style={{ lineHeight: `calc(1.7em + ${(maxLane + 1) * 4}px)` }}
        onMouseUp={onMouseUp}
      >
        {segments.map((seg) => {
          const isPending = pending && seg.a >= pending.start && seg.b <= pending.end;
          const isSelected = selected !== null && seg.covering.includes(selected);
          return [
            <span
              key={`s${seg.a}`}
              data-off={seg.a}
              className={`ner-seg${isPending ? " pending" : ""}${isSelected ? " sel" : ""}`}
              style={segmentStyle(seg.covering)}
            >
              {cps.slice(seg.a, seg.b).join("")}
            </span>,
            ...seg.endsHere.map((si) => (
              <sup
                key={`t${seg.b}-${si}`}
                data-at={seg.b}
                className="ner-tag"
                style={{ color: colorOf.get(spans[si].label) }}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => setSelected(si)}
              >
                {nameOf(spans[si].label)}
              </sup>
            )),
          ];
        })}
      </div>
      {pending && !readOnly && (
        <div className="ner-pending" data-testid="ner-pending">
          Selected: “{cps.slice(pending.start, pending.end).join("")}” — press <kbd>1</kbd>–<kbd>{Math.min(9, labels.length)}</kbd> or
          click a label
        </div>
      )}
      <h3 className="ner-list-title">Spans ({spans.length})</h3>
      <ul className="ner-list" aria-label="Spans">
        {spans.map((s, i) => (
          <li key={`${s.start}-${s.end}-${s.label}`} className={i === selected ? "sel" : undefined}>
            <button type="button" className="ner-pick" onClick={() => setSelected(i)} aria-pressed={i === selected}>
              <span className="ner-swatch" style={{ background: colorOf.get(s.label) }} />
              <strong>{nameOf(s.label)}</strong> “{cps.slice(s.start, s.end).join("")}”{" "}
              <span className="muted">
                [{s.start}, {s.end})
              </span>
            </button>
            {!readOnly && (
              <button type="button" className="ner-remove" aria-label={`Remove ${nameOf(s.label)} “${cps.slice(s.start, s.end).join("")}”`} onClick={() => remove(i)}>
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!readOnly && (
        <p className="muted ws-hint">
          Select text with the mouse, then <kbd>1</kbd>–<kbd>9</kbd>; <kbd>Shift</kbd>+<kbd>←</kbd>/<kbd>→</kbd> adjust;
          click a span and <kbd>Delete</kbd> removes it
        </p>
      )}
    </div>
  );
}

export const finalizeNer: Finalize<NerValue> = (task, value) => {
  const cps = Array.from(params(task).text);
  const spans = [...(value?.annotations ?? [])].sort(byPosition);
  const taken = new Set(spans.map((s) => s.id).filter(Boolean));
  const out = spans.map((s, pos) => {
    let id = s.id;
    if (!id) {
      id = `span-${pos}`;
      for (let k = 1; taken.has(id); k++) id = `span-${pos}-${k}`;
      taken.add(id);
    }
    return { id, start: s.start, end: s.end, label: s.label, text: cps.slice(s.start, s.end).join("") };
  });
  return { response: { annotations: out } };
};

export function nerFromResponse(_task: TaskView, response: unknown): NerValue | null {
  if (!isObject(response) || !Array.isArray(response.annotations)) return null;
  return { annotations: response.annotations as Span[] };
}
