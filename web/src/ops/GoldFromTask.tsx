// "Make gold / training task" on a completed task's page: copies the task (params,
// instruction, its delivered response as the expected answer) into a new gold or training task.

import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../api";
import type { GoldItem, GoldPurpose } from "../types";
import { ErrorBanner } from "./common";

const enc = encodeURIComponent;

export function GoldFromTask({ taskId, project }: { taskId: string; project: string }) {
  const [open, setOpen] = useState(false);
  const [purpose, setPurpose] = useState<GoldPurpose>("gold");
  const [explanation, setExplanation] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [made, setMade] = useState<GoldItem | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { purpose, from_task: taskId };
      if (explanation.trim()) body.explanation = explanation.trim();
      setMade(await api.post<GoldItem>(`/api/v1/projects/${enc(project)}/gold`, body));
      setOpen(false);
      setExplanation("");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="q-from-task">
      {!open && (
        <button type="button" onClick={() => (setMade(null), setOpen(true))}>
          Make gold / training task
        </button>
      )}
      {made && (
        <div className="banner ok" role="status" data-testid="gold-made">
          Created {made.purpose} task <span className="ops-mono">{made.id}</span>:{" "}
          <Link to={`/ops/gold?project=${enc(made.project)}${made.purpose === "training" ? "&purpose=training" : ""}`}>
            see the gold page
          </Link>
          .
        </div>
      )}
      {open && (
        <form className="card q-from-task-form" onSubmit={submit} aria-label="Make gold or training task">
          <p className="muted">A copy of this task with its delivered response as the expected answer.</p>
          <label>
            Purpose
            <select value={purpose} onChange={(e) => setPurpose(e.target.value as GoldPurpose)} autoFocus>
              <option value="gold">gold</option>
              <option value="training">training</option>
            </select>
          </label>
          <label>
            Explanation (optional)
            <textarea rows={2} value={explanation} onChange={(e) => setExplanation(e.target.value)} />
          </label>
          <ErrorBanner error={error} title="Not created" />
          <div className="ops-actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? "Creating…" : `Create ${purpose} task`}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
