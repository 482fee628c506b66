// Create and edit a project: name and type, the type's labels/choices/attributes, the
// instructions and examples annotators see, and the workflow (label, or label -> review).

import { useEffect, useRef, useState, type FormEvent } from "react";
import { useShortcuts } from "../ui/shortcuts";
import type { Stage } from "../types";
import { ErrorBanner } from "./common";
import { EDITORS } from "./ParamEditors";
import { TASK_TYPES } from "./types";

type Params = Record<string, unknown>;

export interface ProjectValues {
  name: string;
  type: string;
  params: Params;
  workflow: Stage[];
}

// The shape the annotator's instructions panel shows (title, text, image).
interface Example {
  title?: string;
  text?: string;
  image?: string;
}

const TYPE_TITLES: Record<string, string> = {
  categorization: "Categorization",
  imageannotation: "Image annotation",
  textcollection: "Text collection (forms)",
  namedentityrecognition: "Named entities",
  comparison: "Comparison (LLM outputs)",
};

function stageJudgments(workflow: Stage[] | undefined, kind: "label" | "review"): number {
  return workflow?.find((s) => s.kind === kind)?.judgments ?? 1;
}

// Types whose judgments are votes that can agree (textcollection's respondents are not).
const VOTING_TYPES = new Set(["categorization", "imageannotation", "namedentityrecognition", "comparison"]);

export function ProjectForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial?: ProjectValues;
  submitLabel: string;
  onSubmit(values: ProjectValues): Promise<void>;
  onCancel?(): void;
}) {
  const editing = initial !== undefined;
  const [name, setName] = useState(initial?.name ?? "");
  const [type, setType] = useState(initial?.type ?? "categorization");
  const [params, setParams] = useState<Params>(initial?.params ?? {});
  const [review, setReview] = useState(initial?.workflow.some((s) => s.kind === "review") ?? false);
  const [labelJudgments, setLabelJudgments] = useState(stageJudgments(initial?.workflow, "label"));
  const initialLabel = initial?.workflow.find((st) => st.kind === "label");
  const initialReview = initial?.workflow.find((st) => st.kind === "review");
  // Empty means off: a fixed number of judgments per task.
  const [maxJudgments, setMaxJudgments] = useState(String(initialLabel?.max_judgments ?? ""));
  const [target, setTarget] = useState(
    initialLabel?.target_confidence !== undefined ? String(initialLabel.target_confidence) : "",
  );
  // Bumped when params are replaced wholesale (type change, JSON edit): editors start afresh.
  const [generation, setGeneration] = useState(0);
  const [jsonText, setJsonText] = useState(() => JSON.stringify(params, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const jsonIsSource = useRef(false);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (jsonIsSource.current) jsonIsSource.current = false;
    else setJsonText(JSON.stringify(params, null, 2));
  }, [params]);

  useShortcuts([
    { key: "Enter", ctrl: true, inInputs: true, label: "Save", run: () => formRef.current?.requestSubmit() },
  ]);

  const set = (key: string, value: unknown) =>
    setParams((p) => {
      const next = { ...p };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });

  const examples: Example[] = Array.isArray(params.examples) ? (params.examples as Example[]) : [];
  const setExamples = (rows: Example[]) => set("examples", rows.length ? rows : undefined);

  const Editor = EDITORS[type];

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (jsonError) {
      setError(new Error(`Params JSON: ${jsonError}`));
      return;
    }
    const label: Stage = { name: initialLabel?.name ?? "label", kind: "label", judgments: labelJudgments };
    if (VOTING_TYPES.has(type) && maxJudgments !== "" && target !== "") {
      label.max_judgments = Number(maxJudgments);
      label.target_confidence = Number(target);
    }
    const workflow: Stage[] = [label];
    // One reviewer's verdict decides a task: a review stage has one judgment.
    if (review) workflow.push({ name: initialReview?.name ?? "review", kind: "review", judgments: 1 });
    setSaving(true);
    setError(null);
    try {
      await onSubmit({ name: name.trim(), type, params, workflow });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} className="ops-form card" onSubmit={submit} aria-label={editing ? "Edit project" : "New project"}>
      <div className="ops-grid">
        <label>
          Name
          <input
            value={name}
            required
            maxLength={255}
            disabled={editing}
            autoFocus={!editing}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Task type
          <select
            value={type}
            disabled={editing}
            onChange={(e) => {
              // The old type's params mean nothing to the new one; keep what every type has.
              const keep: Params = {};
              if (params.instruction !== undefined) keep.instruction = params.instruction;
              if (params.examples !== undefined) keep.examples = params.examples;
              setType(e.target.value);
              setParams(keep);
              setGeneration((g) => g + 1);
            }}
          >
            {TASK_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_TITLES[t]}
              </option>
            ))}
          </select>
        </label>
      </div>

      <h2>Labels and options</h2>
      {Editor && <Editor key={`${type}-${generation}`} params={params} set={set} />}

      <h2>Instructions</h2>
      <label>
        Instructions
        <span className="muted ops-hint">Shown to annotators next to every task of this project.</span>
        <textarea
          rows={5}
          value={typeof params.instruction === "string" ? params.instruction : ""}
          onChange={(e) => set("instruction", e.target.value === "" ? undefined : e.target.value)}
        />
      </label>
      <fieldset>
        <legend>Examples</legend>
        {examples.length === 0 && <p className="muted">No examples.</p>}
        {examples.map((ex, i) => (
          <div key={`${generation}-${i}`} className="ops-row">
            <label>
              Title
              <input
                aria-label={`Example ${i + 1} title`}
                value={ex.title ?? ""}
                onChange={(e) => setExamples(examples.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))}
              />
            </label>
            <label className="ops-wide">
              Text
              <textarea
                aria-label={`Example ${i + 1} text`}
                rows={2}
                value={ex.text ?? ""}
                onChange={(e) => setExamples(examples.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))}
              />
            </label>
            <label>
              Image URL
              <input
                aria-label={`Example ${i + 1} image URL`}
                value={ex.image ?? ""}
                placeholder="optional"
                onChange={(e) =>
                  setExamples(examples.map((x, j) => (j === i ? { ...x, image: e.target.value || undefined } : x)))
                }
              />
            </label>
            <button
              type="button"
              className="danger"
              aria-label={`Remove example ${i + 1}`}
              onClick={() => {
                setGeneration((g) => g + 1);
                setExamples(examples.filter((_, j) => j !== i));
              }}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => setExamples([...examples, { title: "", text: "" }])}>
          Add example
        </button>
      </fieldset>

      <h2>Workflow</h2>
      <fieldset className="ops-workflow">
        <legend>Stages</legend>
        <label className="ops-check">
          <input type="radio" name="workflow" checked={!review} onChange={() => setReview(false)} />
          Label only
        </label>
        <label className="ops-check">
          <input type="radio" name="workflow" checked={review} onChange={() => setReview(true)} />
          Label → review
        </label>
        <label>
          Judgments per task (label)
          <input
            type="number"
            min={1}
            max={20}
            value={labelJudgments}
            onChange={(e) => setLabelJudgments(Math.max(1, Number(e.target.value) || 1))}
          />
        </label>
        {VOTING_TYPES.has(type) && (
          <>
            <label>
              Adaptive: at most (judgments)
              <input
                type="number"
                min={labelJudgments}
                max={100}
                value={maxJudgments}
                placeholder="off"
                onChange={(e) => setMaxJudgments(e.target.value)}
              />
            </label>
            <label>
              Adaptive: until the answer is this sure (0.5 to 0.99)
              <input
                type="number"
                min={0.5}
                max={0.99}
                step={0.01}
                value={target}
                placeholder="off"
                onChange={(e) => setTarget(e.target.value)}
              />
            </label>
          </>
        )}
      </fieldset>

      <details className="ops-json-editor">
        <summary>All params as JSON</summary>
        <label>
          Params JSON
          <span className="muted ops-hint">Everything the form has, and what it has no field for (taxonomies, descriptions).</span>
          <textarea
            rows={10}
            spellCheck={false}
            value={jsonText}
            onChange={(e) => {
              setJsonText(e.target.value);
              try {
                const parsed: unknown = JSON.parse(e.target.value);
                if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("must be a JSON object");
                setJsonError(null);
                jsonIsSource.current = true;
                setParams(parsed as Params);
                setGeneration((g) => g + 1);
              } catch (err) {
                setJsonError(err instanceof Error ? err.message : String(err));
              }
            }}
          />
        </label>
        {jsonError && <p className="error">Not valid: {jsonError}</p>}
      </details>

      <ErrorBanner error={error} title="Not saved" />
      <div className="ops-actions">
        <button type="submit" className="primary" disabled={saving} aria-keyshortcuts="Control+Enter">
          {saving ? "Saving…" : submitLabel} <kbd>Ctrl+Enter</kbd>
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
