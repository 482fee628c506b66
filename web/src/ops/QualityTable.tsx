// The dashboard's annotator x nuance table: each cell an accuracy estimate (the mean, shaded;
// the interval and the evidence in small text and in the tooltip), the overall per evidence
// source, and the annotator's status with Pause / Resume.

import { useState } from "react";
import { api } from "../api";
import { TextPrompt } from "../annotator/Dialog";
import type { Acc, AnnotatorQuality, AnnotatorStatusChange, QualitySource } from "../types";
import { ErrorBanner } from "./common";
import { accTitle, fmtInterval, fmtN, NONE, nuanceLabel, pct, shade, trainingTitle } from "./quality";

const enc = encodeURIComponent;
const SOURCES: [QualitySource, string][] = [
  ["gold", "Gold"],
  ["review", "Review"],
  ["agreement", "Agreement"],
  ["training", "Training"],
];

function AccCell({ acc, what, weak, testid }: { acc: Acc | null | undefined; what: string; weak?: boolean; testid: string }) {
  if (!acc) {
    return (
      <td className="q-cell q-none" title={accTitle(what, null)} data-testid={testid}>
        {NONE}
      </td>
    );
  }
  return (
    <td
      className={`q-cell${weak ? " q-weak" : ""}`}
      style={{ background: shade(acc.mean) }}
      title={accTitle(what, acc, weak)}
      data-testid={testid}
      data-mean={acc.mean}
    >
      <span className="q-mean">{pct(acc.mean)}</span>
      <small className="q-interval">
        {fmtInterval(acc)} · n {fmtN(acc.n)}
      </small>
      {weak && <small className="q-weak-flag">weak</small>}
    </td>
  );
}

export function QualityTable({
  project,
  annotators,
  nuances,
  onChanged,
}: {
  project: string;
  annotators: AnnotatorQuality[];
  nuances: string[];
  onChanged(): void;
}) {
  const [pausing, setPausing] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function setStatus(annotator: string, status: "active" | "paused", reason?: string) {
    setBusy(annotator);
    setError(null);
    try {
      await api.post<AnnotatorStatusChange>(`/api/v1/projects/${enc(project)}/annotators/${enc(annotator)}/status`, {
        status,
        ...(reason ? { reason } : {}),
      });
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <ErrorBanner error={error} title="Status not changed" />
      <div className="q-scroll">
        <table className="ops-table q-table" aria-label="Annotator skills">
          <thead>
            <tr>
              <th rowSpan={2}>Annotator</th>
              <th rowSpan={2}>Status</th>
              <th rowSpan={2} className="num">
                Judgments
              </th>
              <th colSpan={nuances.length} className="q-group">
                Skill per nuance (all sources)
              </th>
              <th colSpan={SOURCES.length} className="q-group">
                Overall per source
              </th>
              <th rowSpan={2} className="num">
                Training tasks
              </th>
            </tr>
            <tr>
              {nuances.map((n) => (
                <th key={n} scope="col" data-testid={`nuance-${n}`}>
                  {nuanceLabel(n)}
                </th>
              ))}
              {SOURCES.map(([, title]) => (
                <th key={title} scope="col">
                  {title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {annotators.map((a) => (
              <tr key={a.annotator} data-testid={`annotator-row-${a.annotator}`}>
                <th scope="row">{a.annotator}</th>
                <td data-testid="annotator-status">
                  <span className={`ops-badge q-status-${a.status}`}>{a.status}</span>
                  {a.status_reason && <div className="muted q-reason">{a.status_reason}</div>}
                  <div className="q-status-actions">
                    {a.status === "paused" ? (
                      <button
                        type="button"
                        disabled={busy === a.annotator}
                        onClick={() => void setStatus(a.annotator, "active")}
                        aria-label={`Resume ${a.annotator}`}
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="danger"
                        disabled={busy === a.annotator}
                        onClick={() => setPausing(a.annotator)}
                        aria-label={`Pause ${a.annotator}`}
                      >
                        Pause
                      </button>
                    )}
                  </div>
                </td>
                <td className="num">{a.judgments}</td>
                {nuances.map((n) => (
                  <AccCell
                    key={n}
                    acc={a.skills[n]}
                    what={`${a.annotator} · ${nuanceLabel(n)}`}
                    weak={a.weak.includes(n)}
                    testid={`skill-${a.annotator}-${n}`}
                  />
                ))}
                {SOURCES.map(([s, title]) => (
                  <AccCell key={s} acc={a.sources[s]} what={`${a.annotator} · ${title.toLowerCase()} (overall)`} testid={`source-${a.annotator}-${s}`} />
                ))}
                <td className="num" data-testid={`training-${a.annotator}`} title={trainingTitle(a.training)}>
                  {a.training.answered ? `${a.training.correct} of ${a.training.answered} right` : "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted q-legend">
        Each cell: the estimated accuracy, its 90% interval and the evidence behind it (n). Shading runs from red (50% or
        less) to green (100%); <span className="q-weak-flag">weak</span> marks a nuance below the weak threshold.
      </p>
      <TextPrompt
        open={pausing !== null}
        title={`Pause ${pausing ?? ""}`}
        label="Why? The annotator sees this reason. (required)"
        submitLabel="Pause"
        danger
        busy={busy !== null}
        onClose={() => setPausing(null)}
        onSubmit={(reason) => {
          // Closed first: an error shows on the page, not behind the modal.
          const who = pausing;
          setPausing(null);
          if (who) void setStatus(who, "paused", reason);
        }}
      />
    </>
  );
}
