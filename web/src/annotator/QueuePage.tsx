import { useCallback, useEffect, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, errorMessage } from "../api";
import { useAuth } from "../auth";
import { qualificationText } from "../ops/quality";
import type { QueueEntry, Role, StageCount } from "../types";
import "./annotator.css";

// My queue: the projects I can work on, with what is waiting in each stage. Review stages are
// for reviewers (and admins and requesters); annotators see label stages only.

const REFRESH_MS = 10_000;

const canReview = (role: Role | undefined) => role === "reviewer" || role === "admin" || role === "requester";

// The project's quality status for me: qualifying (training first) or paused (no work).
function QualityNote({ entry }: { entry: QueueEntry }) {
  if (entry.quality_status === "paused") {
    return (
      <div className="queue-paused" data-testid="quality-status">
        Paused{entry.status_reason ? `: ${entry.status_reason}` : ""}
      </div>
    );
  }
  if (entry.quality_status === "qualifying") {
    return (
      <div className="queue-qualifying" data-testid="quality-status">
        {entry.qualification ? qualificationText(entry.qualification) : "Qualification: training tasks first"}
      </div>
    );
  }
  return null;
}

function stagesOf(entry: QueueEntry): (StageCount | { stage: null; kind: "label"; available: number; leased: number })[] {
  // A server without stages in its answer: the project as one label stage.
  if (entry.stages?.length) return entry.stages;
  return [{ stage: null, kind: "label", available: entry.available, leased: entry.leased }];
}

export function QueuePage() {
  const { me } = useAuth();
  const navigate = useNavigate();
  const [entries, setEntries] = useState<QueueEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [updated, setUpdated] = useState<Date | null>(null);

  const load = useCallback(async () => {
    try {
      setEntries(await api.get<QueueEntry[]>("/api/v1/queue"));
      setError(null);
      setUpdated(new Date());
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => {
      if (document.visibilityState === "visible") void load();
    }, REFRESH_MS);
    const onFocus = () => void load();
    window.addEventListener("focus", onFocus);
    return () => {
      clearInterval(t);
      window.removeEventListener("focus", onFocus);
    };
  }, [load]);

  const reviewer = canReview(me?.role);
  const rows = (entries ?? []).flatMap((e) =>
    stagesOf(e)
      .filter((s) => s.kind === "label" || reviewer)
      .map((s) => ({ entry: e, stage: s })),
  );

  function start(project: string, stage: string | null) {
    navigate(`/work/${encodeURIComponent(project)}${stage ? `?stage=${encodeURIComponent(stage)}` : ""}`);
  }

  return (
    <div className="page queue">
      <h1>My queue</h1>
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {entries === null && !error && <p className="loading">Loading…</p>}
      {entries !== null && rows.length === 0 && <p className="muted">There are no projects for you to work on.</p>}
      {rows.length > 0 && (
        <table className="queue-table" aria-label="Projects">
          <thead>
            <tr>
              <th>Project</th>
              <th>Type</th>
              <th>Stage</th>
              <th className="num">Waiting</th>
              <th className="num">In progress</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map(({ entry, stage }) => {
              const name = stage.stage ?? "label";
              const paused = stage.kind === "label" && entry.quality_status === "paused";
              return (
                <tr key={`${entry.project}:${name}`} data-testid={`queue-${entry.project}-${name}`}>
                  <td>
                    <strong>{entry.project}</strong>
                    {stage.kind === "label" && <QualityNote entry={entry} />}
                  </td>
                  <td>{entry.type}</td>
                  <td>
                    {name}
                    {stage.kind === "review" && <span className="queue-kind"> review</span>}
                  </td>
                  <td className="num" data-testid="available">
                    {stage.available}
                  </td>
                  <td className="num" data-testid="leased">
                    {stage.leased}
                  </td>
                  <td>
                    <button
                      type="button"
                      disabled={paused}
                      title={paused ? "You are paused in this project" : undefined}
                      className={stage.available > 0 && !paused ? "primary" : undefined}
                      aria-label={`Start ${stage.kind === "review" ? "reviewing" : "labeling"} ${entry.project}${stage.stage ? ` (${stage.stage})` : ""}`}
                      data-testid={`start-${entry.project}-${name}`}
                      onClick={() => start(entry.project, stage.stage)}
                    >
                      Start
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {updated && (
        <p className="muted queue-updated">
          Counts refresh every {REFRESH_MS / 1000} seconds · last at {updated.toLocaleTimeString()}
        </p>
      )}
    </div>
  );
}
