// Creating a gold or training task: written out (params, instruction, expected response and
// explanation as JSON and text), or copied from a completed task (its params and instruction,
// its delivered response as the expected one).

import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../api";
import { canManage, useAuth } from "../auth";
import type { GoldItem, GoldPurpose } from "../types";
import { useShortcuts } from "../ui/shortcuts";
import { ErrorBanner } from "./common";
import { submitFrom } from "./QualityCommon";
import { paramsTemplate, parseObject, responseTemplate } from "./quality";

const enc = encodeURIComponent;
const pretty = (v: unknown) => JSON.stringify(v, null, 2);

// The project's type and params (for the templates); reviewers may not read projects, so
// they start from the newest existing item's params, or from nothing.
function useProjectTemplate(project: string, fallback: GoldItem | undefined): { type: string; params: Record<string, unknown> } | null {
  const { me } = useAuth();
  const manage = canManage(me?.role);
  const [found, setFound] = useState<{ type: string; params: Record<string, unknown> } | null>(null);
  useEffect(() => {
    setFound(null);
    if (!manage || !project) return;
    const ctrl = new AbortController();
    api
      .get<{ type: string; params: Record<string, unknown> }>(`/api/v1/projects/${enc(project)}`, undefined, ctrl.signal)
      .then((p) => setFound({ type: p.type, params: p.params ?? {} }))
      .catch(() => {}); // the form still works with a blank template
    return () => ctrl.abort();
  }, [project, manage]);
  if (found) return { type: found.type, params: paramsTemplate(found.type, found.params) };
  if (fallback) return { type: fallback.type, params: fallback.params };
  return null;
}

export function GoldForm({
  project,
  purpose: initialPurpose,
  newest,
  onCreated,
}: {
  project: string;
  purpose: GoldPurpose;
  newest?: GoldItem;
  onCreated(item: GoldItem): void;
}) {
  const [mode, setMode] = useState<"write" | "copy">("write");
  const [purpose, setPurpose] = useState<GoldPurpose>(initialPurpose);
  const template = useProjectTemplate(project, newest);
  const [paramsText, setParamsText] = useState("{}");
  const [expectedText, setExpectedText] = useState("{}");
  const [instruction, setInstruction] = useState("");
  const [explanation, setExplanation] = useState("");
  const [taskId, setTaskId] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const touched = useRef(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => setPurpose(initialPurpose), [initialPurpose]);
  // Fill the templates until the user edits them (the project's params load after the form).
  const templateKey = JSON.stringify(template);
  useEffect(() => {
    if (touched.current || !template) return;
    setParamsText(pretty(template.params));
    setExpectedText(pretty(responseTemplate(template.type)));
  }, [templateKey]);
  useEffect(() => {
    touched.current = false;
  }, [project]);

  useShortcuts([
    { key: "Enter", ctrl: true, inInputs: true, label: "Create the gold task", run: (e) => submitFrom(formRef.current, e) },
  ]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    let body: Record<string, unknown>;
    if (mode === "copy") {
      if (!taskId.trim()) {
        setError(new Error("Give the id of a completed task."));
        return;
      }
      body = { purpose, from_task: taskId.trim() };
    } else {
      const params = parseObject(paramsText, "Params");
      if ("error" in params) return setError(new Error(params.error));
      const expected = parseObject(expectedText, "The expected response");
      if ("error" in expected) return setError(new Error(expected.error));
      body = { purpose, params: params.value, expected_response: expected.value };
      if (instruction.trim()) body.instruction = instruction.trim();
    }
    if (explanation.trim()) body.explanation = explanation.trim();
    setSaving(true);
    try {
      const item = await api.post<GoldItem>(`/api/v1/projects/${enc(project)}/gold`, body);
      touched.current = false;
      setTaskId("");
      setExplanation("");
      setInstruction("");
      if (template) {
        setParamsText(pretty(template.params));
        setExpectedText(pretty(responseTemplate(template.type)));
      }
      onCreated(item);
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    touched.current = true;
    set(e.target.value);
  };

  return (
    <form ref={formRef} className="ops-form card" onSubmit={submit} aria-label="New gold or training task">
      <h2>New gold or training task</h2>
      <div className="ops-row">
        <label>
          Purpose
          <select value={purpose} onChange={(e) => setPurpose(e.target.value as GoldPurpose)}>
            <option value="gold">gold (hidden among real tasks, scored)</option>
            <option value="training">training (shown as training, with feedback)</option>
          </select>
        </label>
        <fieldset className="q-mode">
          <legend>Made from</legend>
          <label className="ops-check">
            <input type="radio" name="gold-mode" checked={mode === "write"} onChange={() => setMode("write")} />
            Written here
          </label>
          <label className="ops-check">
            <input type="radio" name="gold-mode" checked={mode === "copy"} onChange={() => setMode("copy")} />
            From a completed task
          </label>
        </fieldset>
      </div>
      {mode === "write" ? (
        <div className="ops-grid">
          <label>
            Params (JSON)
            <span className="muted ops-hint">The task as annotators see it, like a task's params; the project's are the defaults.</span>
            <textarea className="q-json" rows={10} spellCheck={false} value={paramsText} onChange={edit(setParamsText)} />
          </label>
          <label>
            Expected response (JSON)
            <span className="muted ops-hint">The right answer, in the shape of a response of this task type.</span>
            <textarea className="q-json" rows={10} spellCheck={false} value={expectedText} onChange={edit(setExpectedText)} />
          </label>
          <label>
            Instruction
            <span className="muted ops-hint">Optional: this task's own instruction.</span>
            <textarea rows={3} value={instruction} onChange={edit(setInstruction)} />
          </label>
        </div>
      ) : (
        <label>
          Task id
          <span className="muted ops-hint">A completed task of this project: its params, instruction and delivered response are copied.</span>
          <input className="ops-mono" value={taskId} onChange={edit(setTaskId)} />
        </label>
      )}
      <label>
        Explanation
        <span className="muted ops-hint">Optional; shown to annotators after they answer a training task (markdown).</span>
        <textarea rows={3} value={explanation} onChange={edit(setExplanation)} />
      </label>
      <ErrorBanner error={error} title="Not created" />
      <div className="ops-actions">
        <button type="submit" className="primary" disabled={saving || !project} aria-keyshortcuts="Control+Enter">
          {saving ? "Creating…" : `Create ${purpose} task`} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
    </form>
  );
}
