// Batches with their progress, filtered by project and status, newest first.

import { Link } from "react-router-dom";
import { api } from "../api";
import { useShortcuts } from "../ui/shortcuts";
import { Empty, ErrorBanner, fmtDate, Loading, Pager, ProgressBar, StatusBadge, useLoad } from "./common";
import { PAGE_SIZES, usePaged } from "./paging";
import { useProjectNames } from "./TasksPage";
import { BATCH_STATUSES, type Batch, type Page } from "./types";

const enc = encodeURIComponent;
const KEYS = ["project", "status"] as const;

export function BatchesPage() {
  const paged = usePaged(KEYS, 25);
  const { filters, cursor, limit } = paged;
  const projects = useProjectNames();
  const query = { ...filters, limit, cursor };
  const list = useLoad(
    (signal) => api.get<Page<Batch>>("/api/v1/batches", query, signal),
    JSON.stringify(query),
  );
  const items = list.data?.items ?? [];
  const nextCursor = list.data?.next_cursor ?? null;

  useShortcuts([
    { key: "n", label: "Next page", run: () => nextCursor && paged.next(nextCursor) },
    { key: "p", label: "Previous page", run: () => paged.hasPrev && paged.prev() },
  ]);

  return (
    <div className="page ops-page">
      <h1>Batches</h1>
      <div className="ops-filters" role="search" aria-label="Batch filters">
        <label>
          Project
          <select aria-label="Project" value={filters.project} onChange={(e) => paged.setFilters({ project: e.target.value })}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select aria-label="Status" value={filters.status} onChange={(e) => paged.setFilters({ status: e.target.value })}>
            <option value="">Any status</option>
            {BATCH_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Per page
          <select aria-label="Per page" value={limit} onChange={(e) => paged.setLimit(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={list.error} title="Could not load batches" />
      {list.loading && !list.data ? (
        <Loading what="batches" />
      ) : items.length === 0 && !list.error ? (
        <Empty>No batches match these filters.</Empty>
      ) : (
        <table className={`ops-table${list.loading ? " ops-stale" : ""}`} aria-label="Batches" aria-busy={list.loading}>
          <thead>
            <tr>
              <th>Batch</th>
              <th>Project</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Pending</th>
              <th>Completed</th>
              <th>Error</th>
              <th>Canceled</th>
              <th>Created</th>
              <th>Completed at</th>
            </tr>
          </thead>
          <tbody>
            {items.map((b) => (
              <tr key={`${b.project}/${b.name}`} data-testid={`batch-row-${b.name}`}>
                <td>
                  <Link to={`/ops/tasks?project=${enc(b.project)}&batch=${enc(b.name)}`}>{b.name}</Link>
                </td>
                <td>
                  <Link to={`/ops/projects/${enc(b.project)}`}>{b.project}</Link>
                </td>
                <td>
                  <StatusBadge status={b.status} />
                </td>
                <td>
                  <ProgressBar counts={b.counts} label={`${b.name} progress`} />
                </td>
                <td>{b.counts.pending}</td>
                <td>{b.counts.completed}</td>
                <td>{b.counts.error}</td>
                <td>{b.counts.canceled}</td>
                <td>{fmtDate(b.created_at)}</td>
                <td>{fmtDate(b.completed_at)}</td>
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
