// The task browser: every filter on an index server-side, keyset paging, filters in the URL.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link } from "react-router-dom";
import { api } from "../api";
import type { Project } from "../types";
import { useShortcuts } from "../ui/shortcuts";
import { Empty, ErrorBanner, fmtDate, Loading, Pager, StatusBadge, useLoad } from "./common";
import { PAGE_SIZES, usePaged } from "./paging";
import { TASK_STATUSES, type Batch, type Page, type TaskRow } from "./types";

const KEYS = ["status", "project", "batch", "annotator", "tag", "created_after", "created_before"] as const;
type Key = (typeof KEYS)[number];

// Project names for the filter pickers (archived ones too: their tasks are still browsable).
export function useProjectNames(): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all([
      api.get<{ items: Project[] }>("/api/v1/projects", { archived: false }, ctrl.signal),
      api.get<{ items: Project[] }>("/api/v1/projects", { archived: true }, ctrl.signal).catch(() => ({ items: [] })),
    ])
      .then(([live, archived]) => {
        const all = new Set([...live.items, ...archived.items].map((p) => p.name));
        setNames([...all].sort());
      })
      .catch(() => setNames([])); // the pickers fall back to "All"; the page shows its own errors
    return () => ctrl.abort();
  }, []);
  return names;
}

function useBatchNames(project: string): string[] {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    if (!project) {
      setNames([]);
      return;
    }
    const ctrl = new AbortController();
    api
      .get<Page<Batch>>("/api/v1/batches", { project, limit: 200 }, ctrl.signal)
      .then((page) => setNames(page.items.map((b) => b.name)))
      .catch(() => setNames([]));
    return () => ctrl.abort();
  }, [project]);
  return names;
}

export function TasksPage() {
  const paged = usePaged(KEYS, 50);
  const { filters, cursor, limit } = paged;
  const projects = useProjectNames();
  const query = { ...filters, limit, cursor };
  const list = useLoad(
    (signal) => api.get<Page<TaskRow>>("/api/v1/tasks", query, signal),
    JSON.stringify(query),
  );
  const items = list.data?.items ?? [];
  const nextCursor = list.data?.next_cursor ?? null;

  // Text filters are drafts until applied (Enter or the button); pickers apply at once.
  const [draft, setDraft] = useState<Record<Key, string>>(filters);
  const filtersKey = JSON.stringify(filters);
  useEffect(() => setDraft(JSON.parse(filtersKey) as Record<Key, string>), [filtersKey]);
  const batches = useBatchNames(draft.project);
  const firstFilter = useRef<HTMLSelectElement>(null);

  useShortcuts([
    { key: "n", label: "Next page", run: () => nextCursor && paged.next(nextCursor) },
    { key: "p", label: "Previous page", run: () => paged.hasPrev && paged.prev() },
    { key: "/", label: "Filters", run: () => firstFilter.current?.focus() },
  ]);

  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    paged.setFilters(draft);
  };
  const pick = (key: Key, value: string) => {
    const next = { ...draft, [key]: value };
    if (key === "project") next.batch = "";
    setDraft(next);
    paged.setFilters(next);
  };
  const text = (key: Key, label: string, type = "text", placeholder?: string) => (
    <label>
      {label}
      <input
        aria-label={label}
        type={type}
        value={draft[key]}
        placeholder={placeholder}
        list={key === "batch" ? "ops-batch-names" : undefined}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
      />
    </label>
  );
  const active = KEYS.filter((k) => filters[k]).length;

  return (
    <div className="page ops-page">
      <h1>Tasks</h1>
      <form className="ops-filters" role="search" aria-label="Task filters" onSubmit={apply}>
        <label>
          Status
          <select aria-label="Status" ref={firstFilter} value={draft.status} onChange={(e) => pick("status", e.target.value)}>
            <option value="">Any status</option>
            {TASK_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Project
          <select aria-label="Project" value={draft.project} onChange={(e) => pick("project", e.target.value)}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p}>{p}</option>
            ))}
            {draft.project && !projects.includes(draft.project) && <option>{draft.project}</option>}
          </select>
        </label>
        {text("batch", "Batch")}
        <datalist id="ops-batch-names">
          {batches.map((b) => (
            <option key={b} value={b} />
          ))}
        </datalist>
        {text("annotator", "Annotator", "text", "username")}
        {text("tag", "Tag")}
        {text("created_after", "Created after", "date")}
        {text("created_before", "Created before", "date")}
        <label>
          Per page
          <select aria-label="Per page" value={limit} onChange={(e) => paged.setLimit(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <div className="ops-filter-actions">
          <button type="submit" className="primary">
            Apply filters <kbd>Enter</kbd>
          </button>
          <button
            type="button"
            disabled={active === 0}
            onClick={() => paged.setFilters(Object.fromEntries(KEYS.map((k) => [k, ""])) as Record<Key, string>)}
          >
            Clear
          </button>
        </div>
      </form>
      <p className="muted ops-hint">
        <kbd>/</kbd> filters · <kbd>n</kbd> next page · <kbd>p</kbd> previous page
      </p>
      <ErrorBanner error={list.error} title="Could not load tasks" />
      {list.loading && !list.data ? (
        <Loading what="tasks" />
      ) : items.length === 0 && !list.error ? (
        <Empty>{active ? "No tasks match these filters." : "No tasks yet."}</Empty>
      ) : (
        <table className={`ops-table${list.loading ? " ops-stale" : ""}`} aria-label="Tasks" aria-busy={list.loading}>
          <thead>
            <tr>
              <th>Task</th>
              <th>Project</th>
              <th>Batch</th>
              <th>Type</th>
              <th>Status</th>
              <th>Review</th>
              <th>Audit</th>
              <th>Tags</th>
              <th>Created</th>
              <th>Completed</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.task_id} data-testid="task-row">
                <td>
                  <Link className="ops-mono" to={`/ops/tasks/${t.task_id}`}>
                    {t.task_id}
                  </Link>
                </td>
                <td>{t.project}</td>
                <td>{t.batch ?? <span className="muted">—</span>}</td>
                <td>{t.type}</td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>
                  <StatusBadge status={t.last_review} />
                </td>
                <td>
                  <StatusBadge status={t.review_status} />
                </td>
                <td>
                  {t.tags.map((tag) => (
                    <span key={tag} className="ops-tag">
                      {tag}
                    </span>
                  ))}
                </td>
                <td>{fmtDate(t.created_at)}</td>
                <td>{fmtDate(t.completed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager
        hasPrev={paged.hasPrev}
        hasNext={!!nextCursor}
        onPrev={paged.prev}
        onNext={() => nextCursor && paged.next(nextCursor)}
        page={paged.page}
        shown={items.length}
        loading={list.loading}
      />
    </div>
  );
}
