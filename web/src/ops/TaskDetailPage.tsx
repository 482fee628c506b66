// One task with everything that happened to it: params (with an image preview), response,
// judgments, reviews and their diffs, assignments (leases, skips), callback attempts, audits;
// and the requester's audit (accept / reject with a comment, Scale's POST /v1/task/{id}/audit).

import { useRef, useState, type FormEvent, type ReactNode } from "react";
import { Link, useParams } from "react-router-dom";
import { api } from "../api";
import { useShortcuts } from "../ui/shortcuts";
import { Empty, ErrorBanner, fmtDate, fmtMs, Json, Loading, StatusBadge, useLoad } from "./common";
import { diff, type Change } from "../review/diff";
import { DiffView } from "../review/DiffView";
import { GoldFromTask } from "./GoldFromTask";
import type { TaskDetail } from "./types";

const enc = encodeURIComponent;
type Obj = Record<string, unknown>;

interface Pt {
  x: number;
  y: number;
}

// The response's objects drawn over the image, so a requester sees what was labeled.
function Overlay({ response, width, height }: { response: unknown; width: number; height: number }) {
  const annotations = (response as { annotations?: unknown } | null)?.annotations;
  if (!Array.isArray(annotations)) return null;
  const stroke = Math.max(1, width / 400);
  return (
    <svg className="ops-overlay" viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-hidden="true">
      {(annotations as Obj[]).map((a, i) => {
        const label = String(a.label ?? "");
        if (a.type === "box") {
          const [l, t, w, h] = [a.left, a.top, a.width, a.height].map(Number);
          return (
            <g key={i}>
              <rect x={l} y={t} width={w} height={h} fill="none" stroke="#ff3b6b" strokeWidth={stroke} />
              <text x={l} y={t - stroke * 2} fontSize={stroke * 12} fill="#ff3b6b">
                {label}
              </text>
            </g>
          );
        }
        if ((a.type === "polygon" || a.type === "line") && Array.isArray(a.vertices)) {
          const pts = (a.vertices as Pt[]).map((v) => `${v.x},${v.y}`).join(" ");
          return a.type === "polygon" ? (
            <polygon key={i} points={pts} fill="rgba(47,111,237,0.15)" stroke="#2f6fed" strokeWidth={stroke} />
          ) : (
            <polyline key={i} points={pts} fill="none" stroke="#1f8a4c" strokeWidth={stroke} />
          );
        }
        if (a.type === "point") {
          return <circle key={i} cx={Number(a.x)} cy={Number(a.y)} r={stroke * 4} fill="#b26b00" />;
        }
        return null;
      })}
    </svg>
  );
}

function ImagePreview({ src, response }: { src: string; response: unknown }) {
  const [size, setSize] = useState<{ w: number; h: number } | null>(null);
  const [failed, setFailed] = useState(false);
  if (failed) return <p className="muted">The image could not be loaded: {src}</p>;
  return (
    <figure className="ops-preview" data-testid="image-preview">
      <div className="ops-preview-box">
        <img
          src={src}
          alt="Task attachment"
          onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
          onError={() => setFailed(true)}
        />
        {size && <Overlay response={response} width={size.w} height={size.h} />}
      </div>
      <figcaption className="muted ops-mono">{src}</figcaption>
    </figure>
  );
}

function imageOf(type: string, params: Obj): string | null {
  const attachment = typeof params.attachment === "string" ? params.attachment : null;
  // Only addresses: a categorization attachment may be the text itself.
  if (!attachment || !/^(https?:\/\/|\/)/.test(attachment)) return null;
  if (type === "imageannotation") return attachment;
  if (type === "categorization" && (params.attachment_type ?? "image") === "image") return attachment;
  return null;
}

function AuditForm({ taskId, onDone }: { taskId: string; onDone(): void }) {
  const [comment, setComment] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const commentRef = useRef<HTMLTextAreaElement>(null);

  async function audit(accepted: boolean) {
    if (!accepted && !comment.trim()) {
      setError(new Error("Say why you reject it: a comment is required."));
      commentRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post(`/v1/task/${enc(taskId)}/audit`, { accepted, comments: comment.trim() || null });
      setComment("");
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  useShortcuts([
    { key: "a", alt: true, inInputs: true, label: "Accept", run: () => void audit(true) },
    { key: "r", alt: true, inInputs: true, label: "Reject", run: () => void audit(false) },
  ]);

  return (
    <form
      className="ops-audit"
      aria-label="Audit"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        void audit(true);
      }}
    >
      <label>
        Audit comment
        <textarea ref={commentRef} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <div className="ops-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void audit(true)} aria-keyshortcuts="Alt+A">
          Accept <kbd>Alt+A</kbd>
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => void audit(false)} aria-keyshortcuts="Alt+R">
          Reject <kbd>Alt+R</kbd>
        </button>
      </div>
      <ErrorBanner error={error} title="Audit not saved" />
    </form>
  );
}

function Section({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  const id = `ops-sec-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section className="card ops-section" aria-labelledby={id}>
      <h2 id={id}>
        {title}
        {count !== undefined && <span className="muted"> ({count})</span>}
      </h2>
      {children}
    </section>
  );
}

export function TaskDetailPage() {
  const { taskId = "" } = useParams();
  const detail = useLoad(
    (signal) => api.get<TaskDetail>(`/api/v1/tasks/${enc(taskId)}/detail`, undefined, signal),
    taskId,
  );
  const [audited, setAudited] = useState(false);
  const d = detail.data;
  const t = d?.task;
  const image = t ? imageOf(t.type, t.params ?? {}) : null;

  return (
    <div className="page ops-page">
      <p>
        <Link to="/ops/tasks">← Tasks</Link>
      </p>
      <ErrorBanner error={detail.error} title={`Could not load task ${taskId}`} />
      {detail.loading && !d && <Loading what="the task" />}
      {d && t && (
        <>
          <div className="ops-head">
            <h1>
              Task <span className="ops-mono">{t.task_id}</span> <StatusBadge status={t.status} />
            </h1>
            {t.status === "completed" && <GoldFromTask taskId={t.task_id} project={t.project} />}
          </div>
          <dl className="ops-dl ops-summary card">
            <dt>Project</dt>
            <dd>
              <Link to={`/ops/projects/${enc(t.project)}`}>{t.project}</Link>
            </dd>
            <dt>Batch</dt>
            <dd>{t.batch ? <Link to={`/ops/tasks?batch=${enc(t.batch)}`}>{t.batch}</Link> : "—"}</dd>
            <dt>Type</dt>
            <dd>{t.type}</dd>
            <dt>Created</dt>
            <dd>{fmtDate(t.created_at)}</dd>
            <dt>Completed</dt>
            <dd>{fmtDate(t.completed_at)}</dd>
            <dt>Review</dt>
            <dd>
              <StatusBadge status={d.reviews.length ? d.reviews[d.reviews.length - 1].action : null} />
            </dd>
            <dt>Customer audit</dt>
            <dd data-testid="audit-status">
              <StatusBadge status={t.customer_review_status ?? null} />
            </dd>
            {t.unique_id && (
              <>
                <dt>Unique id</dt>
                <dd className="ops-mono">{t.unique_id}</dd>
              </>
            )}
            {t.tags && t.tags.length > 0 && (
              <>
                <dt>Tags</dt>
                <dd>
                  {t.tags.map((tag) => (
                    <span key={tag} className="ops-tag">
                      {tag}
                    </span>
                  ))}
                </dd>
              </>
            )}
            {t.callback_url && (
              <>
                <dt>Callback</dt>
                <dd className="ops-mono">{t.callback_url}</dd>
              </>
            )}
          </dl>

          <div className="ops-detail-grid">
            <Section title="Params">
              {image && <ImagePreview src={image} response={t.response} />}
              {t.instruction && <p className="ops-pre">{t.instruction}</p>}
              <Json value={t.params} label="Task params" />
            </Section>
            <Section title="Response">
              {t.response === undefined || t.response === null ? (
                <Empty>No response yet.</Empty>
              ) : (
                <Json value={t.response} label="Task response" />
              )}
            </Section>
          </div>

          <Section title="Audits" count={d.audits.length}>
            {d.audits.length === 0 ? (
              <Empty>Not audited.</Empty>
            ) : (
              <table className="ops-table" aria-label="Audits">
                <thead>
                  <tr>
                    <th>Result</th>
                    <th>By</th>
                    <th>Source</th>
                    <th>Comment</th>
                    <th>When</th>
                  </tr>
                </thead>
                <tbody>
                  {d.audits.map((a, i) => (
                    <tr key={i}>
                      <td>
                        <StatusBadge status={a.audit_result} />
                      </td>
                      <td>{a.audited_by ?? "—"}</td>
                      <td>{a.audit_source ?? "—"}</td>
                      <td>{a.comments ?? ""}</td>
                      <td>{fmtDate(a.audited_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {audited && (
              <div className="banner ok" role="status">
                Audit saved.
              </div>
            )}
            {t.status === "completed" ? (
              <AuditForm
                taskId={t.task_id}
                onDone={() => {
                  setAudited(true);
                  detail.reload();
                }}
              />
            ) : (
              <p className="muted">Only completed tasks can be audited.</p>
            )}
          </Section>

          <Section title="Judgments" count={d.judgments.length}>
            {d.judgments.length === 0 ? (
              <Empty>No judgments yet.</Empty>
            ) : (
              <table className="ops-table" aria-label="Judgments">
                <thead>
                  <tr>
                    <th>Annotator</th>
                    <th>Stage</th>
                    <th>Time spent</th>
                    <th>When</th>
                    <th>State</th>
                    <th>Response</th>
                  </tr>
                </thead>
                <tbody>
                  {d.judgments.map((j) => (
                    <tr key={j.id} className={j.superseded_at ? "ops-superseded" : undefined} data-testid="judgment-row">
                      <td>{j.annotator ?? "—"}</td>
                      <td>
                        {j.stage ?? "—"}
                        {j.source && j.source !== "human" && <span className="muted"> ({j.source})</span>}
                      </td>
                      <td>{fmtMs(j.time_spent_ms)}</td>
                      <td>{fmtDate(j.created_at)}</td>
                      <td>
                        {j.superseded_at ? (
                          <span className="ops-badge ops-badge-superseded" title={fmtDate(j.superseded_at)}>
                            superseded
                          </span>
                        ) : (
                          <span className="ops-badge ops-badge-completed">counts</span>
                        )}
                      </td>
                      <td>
                        <details>
                          <summary>show</summary>
                          <Json value={j.response} />
                        </details>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>

          <Section title="Reviews" count={d.reviews.length}>
            {d.reviews.length === 0 ? (
              <Empty>No reviews.</Empty>
            ) : (
              d.reviews.map((r) => (
                <article key={r.id} className="ops-review" data-testid="review">
                  <header>
                    <StatusBadge status={r.action} /> by <strong>{r.reviewer ?? "—"}</strong>
                    {r.labelers && r.labelers.length > 0 && <> of {r.labelers.map((l) => l ?? "—").join(", ")}'s work</>}{" "}
                    <span className="muted">
                      {fmtDate(r.created_at)} · {fmtMs(r.time_spent_ms)}
                    </span>
                  </header>
                  {r.comment && <blockquote>{r.comment}</blockquote>}
                  {r.action === "fix" && (
                    // The stored diff; one computed the same way when an older row has none.
                    <DiffView changes={Array.isArray(r.diff) ? (r.diff as Change[]) : diff(r.original, r.response)} />
                  )}
                </article>
              ))
            )}
          </Section>

          <Section title="Assignments" count={d.assignments.length}>
            {d.assignments.length === 0 ? (
              <Empty>Never handed out.</Empty>
            ) : (
              <table className="ops-table" aria-label="Assignments">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Stage</th>
                    <th>Annotator</th>
                    <th>Status</th>
                    <th>Leased</th>
                    <th>Lease expires</th>
                    <th>Leases</th>
                    <th>Skips</th>
                    <th>Closed</th>
                  </tr>
                </thead>
                <tbody>
                  {d.assignments.map((a) => (
                    <tr key={a.id}>
                      <td>{a.id}</td>
                      <td>
                        {a.stage ?? "—"}
                        {a.kind && a.kind !== a.stage && <span className="muted"> ({a.kind})</span>}
                      </td>
                      <td>
                        {a.annotator ?? "—"}
                        {a.reserved_for && <span className="muted"> (reserved for {a.reserved_for})</span>}
                      </td>
                      <td>
                        <StatusBadge status={a.status} />
                        {a.leased && <span className="ops-badge ops-badge-leased"> leased</span>}
                      </td>
                      <td>{fmtDate(a.leased_at)}</td>
                      <td>{a.status === "open" ? fmtDate(a.lease_expires_at) : "—"}</td>
                      <td>{a.lease_count ?? "—"}</td>
                      <td>
                        {(a.skips ?? []).map((s, i) => (
                          <div key={i} className="ops-skip">
                            {s.annotator ?? "—"}: {s.reason ?? <span className="muted">no reason</span>}{" "}
                            <span className="muted">{fmtDate(s.created_at)}</span>
                          </div>
                        ))}
                      </td>
                      <td>{fmtDate(a.completed_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>

          <Section title="Callback attempts" count={d.callback_attempts.length}>
            {d.callback_attempts.length === 0 ? (
              <Empty>{t.callback_url ? "No delivery attempted yet." : "This task has no callback URL."}</Empty>
            ) : (
              <table className="ops-table" aria-label="Callback attempts">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>When</th>
                    <th>Status code</th>
                    <th>Error</th>
                    <th>Duration</th>
                    <th>URL</th>
                  </tr>
                </thead>
                <tbody>
                  {d.callback_attempts.map((c, i) => (
                    <tr key={i}>
                      <td>{c.attempt ?? i + 1}</td>
                      <td>{fmtDate(c.attempted_at)}</td>
                      <td className={c.status_code && c.status_code < 300 ? "" : "error"}>{c.status_code ?? "—"}</td>
                      <td className="error">{c.error ?? ""}</td>
                      <td>{fmtMs(c.duration_ms)}</td>
                      <td className="ops-mono">{c.url ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Section>

          {t.metadata && Object.keys(t.metadata).length > 0 && (
            <Section title="Metadata">
              <Json value={t.metadata} />
            </Section>
          )}
        </>
      )}
    </div>
  );
}
