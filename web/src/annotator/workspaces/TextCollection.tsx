import { useState } from "react";
import type { Finalize, WorkspaceProps } from "../contract";
import type { TaskView } from "../../types";
import { Attachment } from "../Attachment";
import { isObject, useWorkspaceShortcuts } from "./common";

// Text collection: the project's form. The value keeps what the annotator typed (numbers as
// typed, so "1." is not lost mid-edit); finalize checks every field the way the server does
// and builds Scale's answer form, {type, field_id, response: [[...values]]}.

interface FormField {
  type: "category" | "text" | "number" | "datetime";
  field_id: string;
  title: string;
  description?: string | null;
  hint?: string | null;
  required?: boolean;
  choices?: { label: string; value: string }[] | null;
  min_choices?: number;
  max_choices?: number;
  min_characters?: number | null;
  max_characters?: number | null;
  min?: number | null;
  max?: number | null;
}

type Answer = string | string[];
export interface TextCollectionValue {
  annotations: Record<string, Answer>;
}

function params(task: TaskView) {
  return task.params as {
    attachments?: { type?: string; content: string }[];
    fields: FormField[];
    title?: string | null;
    description?: string | null;
  };
}

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function isAnswered(a: Answer | undefined): boolean {
  if (a === undefined) return false;
  return Array.isArray(a) ? a.length > 0 : a.trim() !== "";
}

// The problem with one field's answer, in words, or null; and the value to send.
function check(f: FormField, a: Answer | undefined): { error: string | null; values: unknown[] } {
  const required = f.required ?? true;
  if (!isAnswered(a)) return { error: required ? "This field is required" : null, values: [] };
  if (f.type === "category") {
    const picked = Array.isArray(a) ? a : [a as string];
    const min = f.min_choices ?? 1;
    const max = f.max_choices ?? 1;
    if (picked.length < min || picked.length > max) {
      return { error: min === max ? `Pick ${min}` : `Pick between ${min} and ${max}`, values: picked };
    }
    return { error: null, values: picked };
  }
  const text = Array.isArray(a) ? (a[0] ?? "") : (a as string);
  if (f.type === "number") {
    const n = Number(text.trim());
    if (!Number.isFinite(n) || text.trim() === "") return { error: "Enter a number", values: [] };
    if (f.min != null && n < f.min) return { error: `Must be at least ${f.min}`, values: [n] };
    if (f.max != null && n > f.max) return { error: `Must be at most ${f.max}`, values: [n] };
    return { error: null, values: [n] };
  }
  if (f.type === "datetime") {
    const t = text.trim();
    if (!ISO.test(t) || Number.isNaN(Date.parse(t.length === 10 ? t : t.replace(" ", "T")))) {
      return { error: "Use a date like 2024-05-01 or 2024-05-01T10:30", values: [] };
    }
    return { error: null, values: [t] };
  }
  const len = Array.from(text).length; // the server counts code points
  if (f.min_characters != null && len < f.min_characters) return { error: `At least ${f.min_characters} characters`, values: [text] };
  if (f.max_characters != null && len > f.max_characters) return { error: `At most ${f.max_characters} characters`, values: [text] };
  return { error: null, values: [text] };
}

export function TextCollectionWorkspace({ task, value, onChange, readOnly, registerShortcuts }: WorkspaceProps<TextCollectionValue>) {
  const p = params(task);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const answers = value?.annotations ?? {};
  useWorkspaceShortcuts([], readOnly, registerShortcuts);

  function set(fid: string, a: Answer) {
    setTouched((t) => ({ ...t, [fid]: true }));
    onChange({ annotations: { ...answers, [fid]: a } });
  }

  return (
    <div className="ws ws-form" data-testid="workspace-textcollection">
      {p.title && <h2>{p.title}</h2>}
      {p.description && <p className="muted">{p.description}</p>}
      {(p.attachments ?? []).map((att, i) => (
        <div className="ws-attachment" key={i}>
          <Attachment kind={att.type ?? "text"} content={att.content} label={`Attachment ${i + 1}`} />
        </div>
      ))}
      <div className="form-fields">
        {p.fields.map((f) => {
          const a = answers[f.field_id];
          const { error } = check(f, a);
          const show = error && (touched[f.field_id] || (isAnswered(a) && !readOnly));
          const required = f.required ?? true;
          const id = `field-${f.field_id}`;
          const help = [f.description, f.hint].filter(Boolean).join(" · ");
          return (
            <div className={`form-field${show ? " invalid" : ""}`} key={f.field_id} data-testid={id}>
              {f.type === "category" ? (
                <fieldset aria-describedby={`${id}-msg`}>
                  <legend>
                    {f.title}
                    {required && <span className="req" aria-hidden> *</span>}
                  </legend>
                  {help && <div className="muted form-help">{help}</div>}
                  {(f.choices ?? []).map((c) => {
                    const multi = (f.max_choices ?? 1) > 1;
                    const picked = Array.isArray(a) ? a : a ? [a] : [];
                    const on = picked.includes(c.value);
                    return (
                      <label className="form-choice" key={c.value}>
                        <input
                          type={multi ? "checkbox" : "radio"}
                          name={id}
                          checked={on}
                          disabled={readOnly}
                          onChange={() => {
                            if (multi) set(f.field_id, on ? picked.filter((v) => v !== c.value) : [...picked, c.value]);
                            else set(f.field_id, [c.value]);
                          }}
                        />
                        {c.label}
                      </label>
                    );
                  })}
                </fieldset>
              ) : (
                <label htmlFor={id}>
                  <span>
                    {f.title}
                    {required && <span className="req" aria-hidden> *</span>}
                  </span>
                  {help && <span className="muted form-help">{help}</span>}
                  {f.type === "text" && (f.max_characters == null || f.max_characters > 120) ? (
                    <textarea
                      id={id}
                      rows={3}
                      value={typeof a === "string" ? a : ""}
                      readOnly={readOnly}
                      aria-invalid={!!show}
                      aria-describedby={`${id}-msg`}
                      onChange={(e) => set(f.field_id, e.target.value)}
                      onBlur={() => setTouched((t) => ({ ...t, [f.field_id]: true }))}
                    />
                  ) : (
                    <input
                      id={id}
                      type="text"
                      inputMode={f.type === "number" ? "decimal" : undefined}
                      placeholder={f.type === "datetime" ? "YYYY-MM-DD or YYYY-MM-DDTHH:MM" : undefined}
                      value={typeof a === "string" ? a : ""}
                      readOnly={readOnly}
                      aria-invalid={!!show}
                      aria-describedby={`${id}-msg`}
                      onChange={(e) => set(f.field_id, e.target.value)}
                      onBlur={() => setTouched((t) => ({ ...t, [f.field_id]: true }))}
                    />
                  )}
                </label>
              )}
              <div id={`${id}-msg`} className="form-msg error" role={show ? "status" : undefined}>
                {show ? error : ""}
              </div>
            </div>
          );
        })}
      </div>
      {!readOnly && (
        <p className="muted ws-hint">
          <kbd>Tab</kbd> next field, <kbd>Ctrl</kbd>+<kbd>Enter</kbd> submit
        </p>
      )}
    </div>
  );
}

export const finalizeTextCollection: Finalize<TextCollectionValue> = (task, value) => {
  const p = params(task);
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const f of p.fields) {
    const { error, values } = check(f, value?.annotations?.[f.field_id]);
    if (error) problems.push(`${f.title}: ${error[0].toLowerCase()}${error.slice(1)}`);
    else if (values.length) out[f.field_id] = { type: f.type, field_id: f.field_id, response: [values] };
  }
  if (problems.length) return { error: problems.join("; ") };
  return { response: { annotations: out } };
};

// A delivered (or rejected) response back into what the form edits: the first respondent's
// answers, numbers as text.
export function textCollectionFromResponse(task: TaskView, response: unknown): TextCollectionValue | null {
  if (!isObject(response) || !isObject(response.annotations)) return null;
  const fields = new Map(params(task).fields.map((f) => [f.field_id, f]));
  const out: Record<string, Answer> = {};
  for (const [fid, raw] of Object.entries(response.annotations)) {
    const f = fields.get(fid);
    if (!f) continue;
    let values: unknown[];
    if (isObject(raw) && Array.isArray(raw.response)) values = Array.isArray(raw.response[0]) ? raw.response[0] : [];
    else values = Array.isArray(raw) ? raw : raw == null ? [] : [raw];
    out[fid] = f.type === "category" ? values.map(String) : values.length ? String(values[0]) : "";
  }
  return { annotations: out };
}
