// Small pieces every ops page uses: loading data, showing errors and empty lists, progress
// bars, dates, and the "you may not see this" page.

import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { ApiError } from "../api";
import type { Counts } from "../types";

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload(): void;
}

// Runs `load` whenever `key` changes (a string of everything it depends on); a newer load
// aborts the older one so a slow answer never overwrites a newer one.
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, key: string): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  // The key the shown data (or error) belongs to: until it matches, the page is loading, even
  // in the render right after the key changed (before the effect has started the request).
  const [doneKey, setDoneKey] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    loadRef
      .current(ctrl.signal)
      .then((value) => {
        if (!ctrl.signal.aborted) setData(value);
      })
      .catch((err) => {
        if (ctrl.signal.aborted || (err instanceof DOMException && err.name === "AbortError")) return;
        setError(err);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) {
          setLoading(false);
          setDoneKey(key);
        }
      });
    return () => ctrl.abort();
  }, [key, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading: loading || doneKey !== key, reload };
}

function fieldErrors(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details
    .filter((d): d is { field?: unknown; message?: unknown } => typeof d === "object" && d !== null)
    .map((d) => `${String(d.field ?? "")}: ${String(d.message ?? "")}`);
}

// An error from the server (or the network) as the user should read it.
export function ErrorBanner({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  let message: string;
  let code: string | null = null;
  let details: string[] = [];
  if (error instanceof ApiError) {
    message = error.message;
    code = error.status ? `${error.status} ${error.code}` : error.code;
    details = fieldErrors(error.details);
  } else if (error instanceof Error) {
    message = error.message;
  } else {
    message = String(error);
  }
  return (
    <div className="banner bad ops-error" role="alert">
      {title && <strong>{title}: </strong>}
      {message}
      {code && <span className="muted"> ({code})</span>}
      {details.length > 1 && (
        <ul>
          {details.map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      Loading {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="ops-empty muted" data-testid="empty">
      {children}
    </div>
  );
}

export function Refused({ what, need }: { what: string; need: string }) {
  return (
    <div className="page">
      <h1>Not allowed</h1>
      <div className="banner bad" role="alert" data-testid="refused">
        {what} is only for {need}. Your role cannot open this page.
      </div>
    </div>
  );
}

const STATUS_ORDER: (keyof Omit<Counts, "total">)[] = ["completed", "pending", "error", "canceled"];

// Counts per status as one stacked bar, with the numbers spelled out for screen readers.
export function ProgressBar({ counts, label }: { counts: Counts; label?: string }) {
  const total = counts.total || 0;
  const done = counts.completed + counts.canceled;
  const pct = total ? Math.round((done / total) * 100) : 0;
  const text = STATUS_ORDER.map((s) => `${counts[s]} ${s}`).join(", ");
  return (
    <div className="ops-progress" title={text}>
      <div
        className="ops-bar"
        role="progressbar"
        aria-label={label ?? "Progress"}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}% done: ${text}`}
      >
        {STATUS_ORDER.map((s) =>
          counts[s] > 0 ? (
            <span key={s} className={`seg seg-${s}`} style={{ width: `${(counts[s] / total) * 100}%` }} />
          ) : null,
        )}
      </div>
      <span className="ops-progress-text">
        {done}/{total}
        {counts.error > 0 && <span className="error"> · {counts.error} error</span>}
      </span>
    </div>
  );
}

export function StatusBadge({ status }: { status: string | null | undefined }) {
  if (!status) return <span className="muted">—</span>;
  return <span className={`ops-badge ops-badge-${status}`}>{status}</span>;
}

export function fmtDate(value: string | null | undefined): string {
  if (!value) return "—";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return value;
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function Json({ value, label }: { value: unknown; label?: string }) {
  return (
    <pre className="ops-json" aria-label={label}>
      {value === undefined ? "—" : JSON.stringify(value, null, 2)}
    </pre>
  );
}

// Keyset paging: the cursors of the pages before this one, so Previous can go back.
export function Pager({
  hasPrev,
  hasNext,
  onPrev,
  onNext,
  page,
  shown,
  loading,
}: {
  hasPrev: boolean;
  hasNext: boolean;
  onPrev(): void;
  onNext(): void;
  page: number;
  shown: number;
  loading?: boolean;
}) {
  return (
    <nav className="ops-pager" aria-label="Pages">
      <button type="button" onClick={onPrev} disabled={!hasPrev} aria-keyshortcuts="p">
        ← Previous <kbd>p</kbd>
      </button>
      <span className="muted" data-testid="page-info">
        Page {page} · {loading ? "loading…" : `${shown} shown`}
      </span>
      <button type="button" onClick={onNext} disabled={!hasNext} aria-keyshortcuts="n">
        Next <kbd>n</kbd> →
      </button>
    </nav>
  );
}
