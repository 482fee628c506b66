import { useMemo, useState, type DragEvent, type ReactNode } from "react";
import type { Finalize, WorkspaceProps } from "../contract";
import type { TaskView } from "../../types";
import type { Shortcut } from "../../ui/shortcuts";
import { Attachment } from "../Attachment";
import { DIGITS, useWorkspaceShortcuts } from "./common";

// Comparison of outputs (LLM answers and the like), in the task's mode: `choice` (pick one of
// the choices), `pairwise` (which of two is better, and by how much, or a tie), `ranking`
// (order N outputs: drag, or the keyboard) and `rating` (score each output on a rubric).

type Mode = "choice" | "pairwise" | "ranking" | "rating";
interface Output {
  type?: string;
  content: string;
  id?: string | null;
}
interface Criterion {
  id: string;
  title: string;
  description?: string | null;
  min?: number;
  max?: number;
}
export interface ComparisonValue {
  choice?: string;
  preferred?: number;
  strength?: number;
  tie?: boolean;
  ranking?: number[];
  ratings?: Record<string, number>[];
  rationale?: string;
}

function params(task: TaskView) {
  const p = task.params as {
    prompt?: string | null;
    attachments: (string | Output)[];
    attachment_type?: string;
    mode?: Mode | null;
    choices?: string[] | null;
    rubric?: Criterion[] | null;
    max_strength?: number;
    require_rationale?: boolean;
  };
  const outputs: Output[] = p.attachments.map((a) =>
    typeof a === "string" ? { type: p.attachment_type ?? "text", content: a } : { ...a, type: a.type ?? "text" },
  );
  let mode = p.mode ?? null;
  if (!mode) {
    // The server stores the derived mode; derive it the same way for older params.
    if (p.choices?.length) mode = "choice";
    else if (p.rubric?.length) mode = "rating";
    else mode = outputs.length === 2 ? "pairwise" : "ranking";
  }
  const rubric = (p.rubric ?? []).map((c) => ({ ...c, min: c.min ?? 1, max: c.max ?? 5 }));
  return { ...p, outputs, mode, rubric, maxStrength: p.max_strength ?? 3 };
}

const letter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : `#${i + 1}`);

function OutputCard({ o, i, badge, children }: { o: Output; i: number; badge?: ReactNode; children?: ReactNode }) {
  return (
    <div className="cmp-output" data-testid={`output-${i}`}>
      <div className="cmp-output-head">
        <strong>Output {letter(i)}</strong>
        {o.id && <span className="muted"> · {o.id}</span>}
        {badge}
      </div>
      <Attachment kind={o.type ?? "text"} content={o.content} label={`Output ${letter(i)}`} />
      {children}
    </div>
  );
}

export function ComparisonWorkspace({ task, value, onChange, readOnly, registerShortcuts }: WorkspaceProps<ComparisonValue>) {
  const p = useMemo(() => params(task), [task]);
  const v: ComparisonValue = value ?? {};
  const n = p.outputs.length;
  const order = v.ranking && v.ranking.length === n ? v.ranking : [...Array(n).keys()];
  const [cursor, setCursor] = useState(0); // ranking: the position; rating: the cell
  const [dragFrom, setDragFrom] = useState<number | null>(null);

  const set = (patch: Partial<ComparisonValue>) => !readOnly && onChange({ ...v, ...patch });

  function move(from: number, to: number) {
    if (to < 0 || to >= n || from === to) return;
    const next = [...order];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item);
    set({ ranking: next });
    setCursor(to);
  }

  const criteria = p.rubric;
  const cells = n * Math.max(criteria.length, 1);
  function rate(output: number, cid: string, score: number) {
    const ratings = Array.from({ length: n }, (_, i) => ({ ...(v.ratings?.[i] ?? {}) }));
    ratings[output][cid] = score;
    set({ ratings });
  }

  const shortcuts: Shortcut[] = [];
  if (p.mode === "choice") {
    (p.choices ?? []).slice(0, 9).forEach((c, i) =>
      shortcuts.push({ key: DIGITS[i], label: `Choose “${c}”`, run: () => set({ choice: c }) }),
    );
  } else if (p.mode === "pairwise") {
    shortcuts.push(
      { key: "ArrowLeft", label: "Output A is better", run: () => set({ preferred: 0, tie: undefined }) },
      { key: "ArrowRight", label: "Output B is better", run: () => set({ preferred: 1, tie: undefined }) },
      { key: "t", label: "A tie", run: () => set({ tie: true, preferred: undefined, strength: undefined }) },
      ...DIGITS.slice(0, p.maxStrength).map((d, i) => ({
        key: d,
        label: `Strength ${i + 1}`,
        run: () => set({ strength: i + 1, tie: undefined }),
      })),
    );
  } else if (p.mode === "ranking") {
    shortcuts.push(
      { key: "ArrowUp", label: "Previous output", run: () => setCursor((c) => Math.max(0, c - 1)) },
      { key: "ArrowDown", label: "Next output", run: () => setCursor((c) => Math.min(n - 1, c + 1)) },
      { key: "ArrowUp", alt: true, label: "Move the output up", run: () => move(cursor, cursor - 1) },
      { key: "ArrowDown", alt: true, label: "Move the output down", run: () => move(cursor, cursor + 1) },
    );
  } else {
    const c = criteria.length ? criteria[cursor % criteria.length] : null;
    const out = Math.floor(cursor / Math.max(criteria.length, 1));
    shortcuts.push(
      { key: "ArrowDown", label: "Next rating", run: () => setCursor((x) => Math.min(cells - 1, x + 1)) },
      { key: "ArrowUp", label: "Previous rating", run: () => setCursor((x) => Math.max(0, x - 1)) },
    );
    if (c) {
      for (let s = c.min; s <= Math.min(c.max, 9); s++) {
        if (s < 0) continue;
        const score = s;
        shortcuts.push({
          key: String(score),
          label: `Score ${score} (the highlighted rating)`,
          run: () => {
            rate(out, c.id, score);
            setCursor((x) => Math.min(cells - 1, x + 1));
          },
        });
      }
    }
  }
  useWorkspaceShortcuts(shortcuts, readOnly, registerShortcuts);

  function onDrop(e: DragEvent, to: number) {
    e.preventDefault();
    if (dragFrom !== null) move(dragFrom, to);
    setDragFrom(null);
  }

  return (
    <div className="ws ws-cmp" data-testid="workspace-comparison">
      {p.prompt && (
        <div className="cmp-prompt">
          <div className="muted">Prompt</div>
          <div className="att-text">{p.prompt}</div>
        </div>
      )}

      {p.mode === "choice" && (
        <>
          <div className="cmp-grid">
            {p.outputs.map((o, i) => (
              <OutputCard key={i} o={o} i={i} />
            ))}
          </div>
          <div className="cmp-choices" role="radiogroup" aria-label="Choice">
            {(p.choices ?? []).map((c, i) => (
              <button key={c} type="button" role="radio" aria-checked={v.choice === c} className={v.choice === c ? "on" : ""} disabled={readOnly} onClick={() => set({ choice: c })}>
                {i < 9 && !readOnly && <kbd>{i + 1}</kbd>} {c}
              </button>
            ))}
          </div>
        </>
      )}

      {p.mode === "pairwise" && (
        <>
          <div className="cmp-grid cmp-two">
            {p.outputs.map((o, i) => (
              <OutputCard key={i} o={o} i={i} badge={v.preferred === i && !v.tie && <span className="cmp-badge">preferred</span>} />
            ))}
          </div>
          <div className="cmp-pref" role="radiogroup" aria-label="Preference">
            <button type="button" role="radio" aria-checked={v.preferred === 0 && !v.tie} className={v.preferred === 0 && !v.tie ? "on" : ""} disabled={readOnly} onClick={() => set({ preferred: 0, tie: undefined })}>
              {!readOnly && <kbd>←</kbd>} A is better
            </button>
            <button type="button" role="radio" aria-checked={!!v.tie} className={v.tie ? "on" : ""} disabled={readOnly} onClick={() => set({ tie: true, preferred: undefined, strength: undefined })}>
              {!readOnly && <kbd>T</kbd>} Tie
            </button>
            <button type="button" role="radio" aria-checked={v.preferred === 1 && !v.tie} className={v.preferred === 1 && !v.tie ? "on" : ""} disabled={readOnly} onClick={() => set({ preferred: 1, tie: undefined })}>
              B is better {!readOnly && <kbd>→</kbd>}
            </button>
          </div>
          {!v.tie && (
            <div className="cmp-strength" role="radiogroup" aria-label="Strength">
              <span className="muted">How much better?</span>
              {Array.from({ length: p.maxStrength }, (_, i) => i + 1).map((s) => (
                <button key={s} type="button" role="radio" aria-checked={v.strength === s} aria-label={`Strength ${s}`} className={v.strength === s ? "on" : ""} disabled={readOnly} onClick={() => set({ strength: s, tie: undefined })}>
                  {s <= 9 && !readOnly && <kbd>{s}</kbd>} {s === 1 ? "slightly" : s === p.maxStrength ? "much" : ""}
                </button>
              ))}
            </div>
          )}
        </>
      )}

      {p.mode === "ranking" && (
        <ol className="cmp-rank" aria-label="Ranking, best first">
          {order.map((idx, pos) => (
            <li
              key={idx}
              className={`cmp-rank-item${pos === cursor && !readOnly ? " cursor" : ""}${dragFrom === pos ? " dragging" : ""}`}
              data-testid={`rank-${pos}`}
              draggable={!readOnly}
              onDragStart={(e) => {
                setDragFrom(pos);
                e.dataTransfer.effectAllowed = "move";
                e.dataTransfer.setData("text/plain", String(pos));
              }}
              onDragOver={(e) => e.preventDefault()}
              onDrop={(e) => onDrop(e, pos)}
              onDragEnd={() => setDragFrom(null)}
              onClick={() => setCursor(pos)}
            >
              <div className="cmp-rank-pos">{pos + 1}</div>
              <div className="cmp-rank-body">
                <OutputCard o={p.outputs[idx]} i={idx} />
              </div>
              {!readOnly && (
                <div className="cmp-rank-move">
                  <button type="button" aria-label={`Move output ${letter(idx)} up`} disabled={pos === 0} onClick={() => move(pos, pos - 1)}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move output ${letter(idx)} down`} disabled={pos === n - 1} onClick={() => move(pos, pos + 1)}>
                    ↓
                  </button>
                </div>
              )}
            </li>
          ))}
        </ol>
      )}

      {p.mode === "rating" && (
        <div className="cmp-grid">
          {p.outputs.map((o, oi) => (
            <OutputCard key={oi} o={o} i={oi}>
              <div className="cmp-rubric">
                {criteria.map((c, ci) => {
                  const cell = oi * criteria.length + ci;
                  const score = v.ratings?.[oi]?.[c.id];
                  return (
                    <div key={c.id} className={`cmp-crit${cell === cursor && !readOnly ? " cursor" : ""}`} role="radiogroup" aria-label={`${c.title} of output ${letter(oi)}`} onClick={() => setCursor(cell)}>
                      <span className="cmp-crit-title" title={c.description ?? undefined}>
                        {c.title}
                      </span>
                      {Array.from({ length: c.max - c.min + 1 }, (_, k) => c.min + k).map((s) => (
                        <button key={s} type="button" role="radio" aria-checked={score === s} aria-label={String(s)} className={score === s ? "on" : ""} disabled={readOnly} onClick={() => rate(oi, c.id, s)}>
                          {s}
                        </button>
                      ))}
                    </div>
                  );
                })}
              </div>
            </OutputCard>
          ))}
        </div>
      )}

      <label className="cmp-rationale">
        <span>
          Rationale{p.require_rationale ? <span className="req"> * (required)</span> : <span className="muted"> (optional)</span>}
        </span>
        <textarea rows={3} value={v.rationale ?? ""} readOnly={readOnly} onChange={(e) => set({ rationale: e.target.value })} />
      </label>
      {!readOnly && (
        <p className="muted ws-hint">
          {p.mode === "choice" && <>
            <kbd>1</kbd>–<kbd>9</kbd> choose;{" "}
          </>}
          {p.mode === "pairwise" && <>
            <kbd>←</kbd>/<kbd>→</kbd> prefer, <kbd>T</kbd> tie, <kbd>1</kbd>–<kbd>{Math.min(9, p.maxStrength)}</kbd> strength;{" "}
          </>}
          {p.mode === "ranking" && <>
            drag, or <kbd>↑</kbd>/<kbd>↓</kbd> pick and <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> move;{" "}
          </>}
          {p.mode === "rating" && <>
            <kbd>↑</kbd>/<kbd>↓</kbd> pick a rating, a number key scores it;{" "}
          </>}
          <kbd>Ctrl</kbd>+<kbd>Enter</kbd> submit
        </p>
      )}
    </div>
  );
}

export const finalizeComparison: Finalize<ComparisonValue> = (task, value) => {
  const p = params(task);
  const v = value ?? {};
  const out: Record<string, unknown> = {};
  const n = p.outputs.length;
  if (p.mode === "choice") {
    if (!v.choice || !(p.choices ?? []).includes(v.choice)) return { error: "Pick a choice" };
    out.choice = v.choice;
  } else if (p.mode === "pairwise") {
    if (v.tie) out.tie = true;
    else {
      if (v.preferred !== 0 && v.preferred !== 1) return { error: "Say which output is better (or a tie)" };
      if (!v.strength || v.strength > p.maxStrength) return { error: "Say how much better" };
      out.preferred = v.preferred;
      out.strength = v.strength;
    }
  } else if (p.mode === "ranking") {
    out.ranking = v.ranking && v.ranking.length === n ? v.ranking : [...Array(n).keys()];
  } else {
    const ratings: Record<string, number>[] = [];
    for (let i = 0; i < n; i++) {
      const r: Record<string, number> = {};
      for (const c of p.rubric) {
        const s = v.ratings?.[i]?.[c.id];
        if (s === undefined) return { error: `Rate “${c.title}” for output ${letter(i)}` };
        r[c.id] = s;
      }
      ratings.push(r);
    }
    out.ratings = ratings;
  }
  const rationale = (v.rationale ?? "").trim();
  if (p.require_rationale && !rationale) return { error: "Write a rationale" };
  if (rationale) out.rationale = v.rationale;
  return { response: out };
};
