import { useMemo, useState } from "react";
import type { Finalize, WorkspaceProps } from "../contract";
import type { TaskView } from "../../types";
import type { Shortcut } from "../../ui/shortcuts";
import { Attachment } from "../Attachment";
import { DIGITS, isObject, useWorkspaceShortcuts } from "./common";

// Categorization: one question (`categories`, single or multiple choice) or several
// independent ones (`taxonomies`). Nested choices are shown as a tree; every node can be
// picked. Number keys pick among the first nine choices of the active question.

type ChoiceSpec = string | { choice: string; description?: string | null; subchoices?: ChoiceSpec[] };

interface Node {
  value: string;
  description?: string | null;
  depth: number;
}

export interface CategorizationValue {
  category?: string | string[];
  taxonomies?: Record<string, string[]>;
}

interface Question {
  key: string | null; // null: the `categories` question
  title: string | null;
  description?: string | null;
  nodes: Node[];
  multiple: boolean;
}

function flatten(choices: ChoiceSpec[], depth = 0, out: Node[] = []): Node[] {
  for (const c of choices) {
    if (typeof c === "string") out.push({ value: c, depth });
    else if (isObject(c)) {
      out.push({ value: c.choice, description: c.description, depth });
      flatten(c.subchoices ?? [], depth + 1, out);
    }
  }
  return out;
}

function questions(task: TaskView): Question[] {
  const p = task.params as {
    categories?: ChoiceSpec[] | null;
    taxonomies?: Record<string, { description?: string | null; choices: ChoiceSpec[]; allow_multiple?: boolean }> | null;
    allow_multiple?: boolean;
  };
  if (p.taxonomies) {
    return Object.entries(p.taxonomies).map(([key, t]) => ({
      key,
      title: key,
      description: t.description,
      nodes: flatten(t.choices ?? []),
      multiple: !!t.allow_multiple,
    }));
  }
  return [{ key: null, title: null, nodes: flatten(p.categories ?? []), multiple: !!p.allow_multiple }];
}

function picked(value: CategorizationValue | null, q: Question): string[] {
  if (q.key === null) {
    const c = value?.category;
    return c === undefined ? [] : Array.isArray(c) ? c : [c];
  }
  return value?.taxonomies?.[q.key] ?? [];
}

function withPick(value: CategorizationValue | null, q: Question, choice: string): CategorizationValue {
  const current = picked(value, q);
  let next: string[];
  if (q.multiple) next = current.includes(choice) ? current.filter((c) => c !== choice) : [...current, choice];
  else next = [choice];
  if (q.key === null) return { category: q.multiple ? next : choice };
  return { taxonomies: { ...(value?.taxonomies ?? {}), [q.key]: next } };
}

export function CategorizationWorkspace({ task, value, onChange, readOnly, registerShortcuts }: WorkspaceProps<CategorizationValue>) {
  const qs = useMemo(() => questions(task), [task]);
  const [active, setActive] = useState(0);
  const p = task.params as { attachment?: string; attachment_type?: string };

  function pick(qi: number, choice: string) {
    if (readOnly) return;
    const q = qs[qi];
    onChange(withPick(value, q, choice));
    // A single-choice answer moves on to the next question.
    if (!q.multiple && qi < qs.length - 1) setActive(qi + 1);
  }

  const q = qs[Math.min(active, qs.length - 1)];
  const shortcuts: Shortcut[] = [
    ...DIGITS.slice(0, q.nodes.length).map((d, i) => ({
      key: d,
      label: `Pick “${q.nodes[i].value}”${qs.length > 1 ? " (active question)" : ""}`,
      run: () => pick(active, q.nodes[i].value),
    })),
  ];
  if (qs.length > 1) {
    shortcuts.push(
      { key: "]", label: "Next question", run: () => setActive((a) => Math.min(a + 1, qs.length - 1)) },
      { key: "[", label: "Previous question", run: () => setActive((a) => Math.max(a - 1, 0)) },
    );
  }
  useWorkspaceShortcuts(shortcuts, readOnly, registerShortcuts);

  return (
    <div className="ws ws-cat" data-testid="workspace-categorization">
      {p.attachment && (
        <div className="ws-attachment">
          <Attachment kind={p.attachment_type ?? "image"} content={p.attachment} label="Item to categorize" />
        </div>
      )}
      {qs.map((qq, qi) => {
        const chosen = picked(value, qq);
        const isActive = qi === active;
        return (
          <fieldset
            key={qq.key ?? "categories"}
            className={`cat-question${isActive && qs.length > 1 ? " active" : ""}`}
            onFocus={() => setActive(qi)}
          >
            <legend>
              {qq.title ?? "Category"}
              {qq.multiple ? <span className="muted"> (pick one or more)</span> : <span className="muted"> (pick one)</span>}
            </legend>
            {qq.description && <p className="muted">{qq.description}</p>}
            <div className="cat-choices" role={qq.multiple ? "group" : "radiogroup"} aria-label={qq.title ?? "Category"}>
              {qq.nodes.map((n, i) => {
                const on = chosen.includes(n.value);
                return (
                  <button
                    type="button"
                    key={n.value}
                    role={qq.multiple ? "checkbox" : "radio"}
                    aria-checked={on}
                    className={`cat-choice${on ? " on" : ""}`}
                    style={{ marginLeft: n.depth * 20 }}
                    disabled={readOnly}
                    title={n.description ?? undefined}
                    onClick={() => pick(qi, n.value)}
                  >
                    {isActive && i < 9 && !readOnly && <kbd>{i + 1}</kbd>} <span className="cat-label">{n.value}</span>
                    {n.description && <span className="muted cat-desc"> — {n.description}</span>}
                  </button>
                );
              })}
            </div>
          </fieldset>
        );
      })}
      {!readOnly && (
        <p className="muted ws-hint">
          <kbd>1</kbd>–<kbd>9</kbd> pick{qs.length > 1 && <>, <kbd>[</kbd> <kbd>]</kbd> change question</>}, <kbd>Enter</kbd> submit
        </p>
      )}
    </div>
  );
}

export const finalizeCategorization: Finalize<CategorizationValue> = (task, value) => {
  const qs = questions(task);
  if (qs.length === 1 && qs[0].key === null) {
    const chosen = picked(value, qs[0]);
    if (!chosen.length) return { error: qs[0].multiple ? "Pick at least one category" : "Pick a category" };
    return { response: { category: qs[0].multiple ? chosen : chosen[0] } };
  }
  const out: Record<string, string[]> = {};
  for (const q of qs) {
    const chosen = picked(value, q);
    if (!chosen.length) return { error: `Answer “${q.title}”` };
    out[q.key as string] = chosen;
  }
  return { response: { taxonomies: out } };
};
