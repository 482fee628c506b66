// Throughput: completed tasks per hour, and time per task by annotator and by task type.

import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "../api";
import { Empty, ErrorBanner, fmtMs, Loading, useLoad } from "./common";
import { useProjectNames } from "./TasksPage";
import type { Throughput } from "./types";

const WINDOWS: [string, string, number][] = [
  ["24h", "Last 24 hours", 24],
  ["7d", "Last 7 days", 24 * 7],
  ["30d", "Last 30 days", 24 * 30],
];

// <input type="datetime-local"> speaks local time without a zone; the server wants ISO 8601.
const toIso = (local: string) => (local ? new Date(local).toISOString() : "");
const hourLabel = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit" });
const seconds = (ms: number | null) => (ms === null ? null : Math.round(ms / 100) / 10);

interface TimingRow {
  name: string;
  judgments: number;
  mean_ms: number | null;
  median_ms: number | null;
}

function TimingChart({ rows, title, testid }: { rows: TimingRow[]; title: string; testid: string }) {
  if (rows.length === 0) return <Empty>No judgments in this window.</Empty>;
  const data = rows.map((r) => ({ name: r.name, mean: seconds(r.mean_ms), median: seconds(r.median_ms) }));
  return (
    <>
      <div className="ops-chart" data-testid={testid} role="img" aria-label={title}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="name" />
            <YAxis unit=" s" />
            <Tooltip formatter={(v) => `${String(v)} s`} />
            <Legend />
            <Bar dataKey="mean" name="Mean" fill="#2f6fed" maxBarSize={56} isAnimationActive={false} />
            <Bar dataKey="median" name="Median" fill="#1f8a4c" maxBarSize={56} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="ops-table" aria-label={`${title} (table)`}>
        <thead>
          <tr>
            <th>{title.includes("annotator") ? "Annotator" : "Task type"}</th>
            <th>Judgments</th>
            <th>Mean</th>
            <th>Median</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <td>{r.name}</td>
              <td>{r.judgments}</td>
              <td>{fmtMs(r.mean_ms)}</td>
              <td>{fmtMs(r.median_ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function ThroughputPage() {
  const [search, setSearch] = useSearchParams();
  const projects = useProjectNames();
  const project = search.get("project") ?? "";
  const win = search.get("window") ?? "7d";
  const since = search.get("since") ?? "";
  const until = search.get("until") ?? "";
  const [customSince, setCustomSince] = useState(since);
  const [customUntil, setCustomUntil] = useState(until);

  const query: Record<string, string> = { project };
  if (win === "custom") {
    query.since = toIso(since);
    query.until = toIso(until);
  } else {
    const hours = WINDOWS.find(([k]) => k === win)?.[2] ?? 24 * 7;
    // Rounded to the minute so the key (and so the request) is stable across renders.
    const now = Math.floor(Date.now() / 60_000) * 60_000;
    query.since = new Date(now - hours * 3_600_000).toISOString();
  }
  const stats = useLoad(
    (signal) => api.get<Throughput>("/api/v1/stats/throughput", query, signal),
    JSON.stringify(query),
  );

  const update = (changes: Record<string, string>) => {
    const sp = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) sp.set(k, v);
      else sp.delete(k);
    }
    setSearch(sp, { replace: true });
  };

  const s = stats.data;
  const perHour = (s?.tasks_per_hour ?? []).map((h) => ({ hour: hourLabel(h.hour), completed: h.completed }));
  const completed = perHour.reduce((n, h) => n + h.completed, 0);

  return (
    <div className="page ops-page">
      <h1>Throughput</h1>
      <div className="ops-filters" role="search" aria-label="Throughput filters">
        <label>
          Project
          <select aria-label="Project" value={project} onChange={(e) => update({ project: e.target.value })}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label>
          Window
          <select aria-label="Window" value={win} onChange={(e) => update({ window: e.target.value === "7d" ? "" : e.target.value })}>
            {WINDOWS.map(([k, title]) => (
              <option key={k} value={k}>
                {title}
              </option>
            ))}
            <option value="custom">Custom…</option>
          </select>
        </label>
        {win === "custom" && (
          <form
            className="ops-row"
            onSubmit={(e) => {
              e.preventDefault();
              update({ since: customSince, until: customUntil });
            }}
          >
            <label>
              Since
              <input type="datetime-local" value={customSince} onChange={(e) => setCustomSince(e.target.value)} />
            </label>
            <label>
              Until
              <input type="datetime-local" value={customUntil} onChange={(e) => setCustomUntil(e.target.value)} />
            </label>
            <button type="submit">Show</button>
          </form>
        )}
      </div>
      <ErrorBanner error={stats.error} title="Could not load throughput" />
      {stats.loading && !s && <Loading what="throughput" />}
      {s && (
        <>
          <section className="card ops-section">
            <h2>
              Completed tasks per hour <span className="muted">({completed} in the window)</span>
            </h2>
            {completed === 0 ? (
              <Empty>No task completed in this window.</Empty>
            ) : (
              <div className="ops-chart" data-testid="chart-per-hour" role="img" aria-label="Completed tasks per hour">
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={perHour} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="hour" minTickGap={24} />
                    <YAxis allowDecimals={false} />
                    <Tooltip />
                    <Bar dataKey="completed" name="Completed" fill="#2f6fed" maxBarSize={56} isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            )}
          </section>
          <section className="card ops-section">
            <h2>Time per task by annotator</h2>
            <TimingChart
              title="Time per task by annotator"
              testid="chart-by-annotator"
              rows={s.by_annotator.map((r) => ({ ...r, name: r.annotator ?? "(deleted user)" }))}
            />
          </section>
          <section className="card ops-section">
            <h2>Time per task by task type</h2>
            <TimingChart
              title="Time per task by task type"
              testid="chart-by-type"
              rows={s.by_type.map((r) => ({ ...r, name: r.type }))}
            />
          </section>
        </>
      )}
    </div>
  );
}
