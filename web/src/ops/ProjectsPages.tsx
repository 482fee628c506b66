// Projects: the list with progress, the create form, and one project's detail and edit page.

import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { api } from "../api";
import type { Project } from "../types";
import { Empty, ErrorBanner, fmtDate, Json, Loading, ProgressBar, useLoad } from "./common";
import { ProjectForm, type ProjectValues } from "./ProjectForm";
import type { ParamVersion } from "./types";

export interface ProjectFull extends Project {
  instruction?: string | null;
  param_history?: ParamVersion[];
}

const enc = encodeURIComponent;

function workflowText(p: Project): string {
  return (p.workflow ?? [])
    .map((s) => {
      if (s.max_judgments !== undefined && s.target_confidence !== undefined) {
        return `${s.name} (${s.judgments}–${s.max_judgments} judgments, until ${Math.round(s.target_confidence * 100)}% sure)`;
      }
      return s.judgments > 1 ? `${s.name} (${s.judgments} judgments)` : s.name;
    })
    .join(" → ");
}

export function ProjectsPage() {
  const [archived, setArchived] = useState(false);
  const list = useLoad(
    (signal) => api.get<{ items: ProjectFull[] }>("/api/v1/projects", { archived }, signal),
    String(archived),
  );
  const items = list.data?.items ?? [];
  return (
    <div className="page ops-page">
      <div className="ops-head">
        <h1>Projects</h1>
        <Link className="ops-button primary" to="/ops/projects/new">
          New project
        </Link>
      </div>
      <label className="ops-check">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} />
        Show archived projects
      </label>
      <ErrorBanner error={list.error} title="Could not load projects" />
      {list.loading && !list.data ? (
        <Loading what="projects" />
      ) : items.length === 0 && !list.error ? (
        <Empty>
          No projects yet. <Link to="/ops/projects/new">Create the first one</Link>.
        </Empty>
      ) : (
        <table className="ops-table" aria-label="Projects">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Workflow</th>
              <th>Tasks</th>
              <th>Pending</th>
              <th>Completed</th>
              <th>Progress</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.name} data-testid={`project-row-${p.name}`}>
                <td>
                  <Link to={`/ops/projects/${enc(p.name)}`}>{p.name}</Link>
                  {p.archived && <span className="ops-badge"> archived</span>}
                </td>
                <td>{p.type}</td>
                <td>{workflowText(p)}</td>
                <td>{p.counts?.total ?? 0}</td>
                <td>{p.counts?.pending ?? 0}</td>
                <td>{p.counts?.completed ?? 0}</td>
                <td>{p.counts && <ProgressBar counts={p.counts} label={`${p.name} progress`} />}</td>
                <td>{fmtDate(p.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function NewProjectPage() {
  const navigate = useNavigate();
  async function create(v: ProjectValues) {
    const p = await api.post<Project>("/api/v1/projects", v);
    navigate(`/ops/projects/${enc(p.name)}`);
  }
  return (
    <div className="page ops-page">
      <p>
        <Link to="/ops/projects">← Projects</Link>
      </p>
      <h1>New project</h1>
      <ProjectForm submitLabel="Create project" onSubmit={create} onCancel={() => navigate("/ops/projects")} />
    </div>
  );
}

// Which keys differ between two param versions (added, removed or changed).
function changedKeys(before: Record<string, unknown> | undefined, after: Record<string, unknown>): string[] {
  if (!before) return Object.keys(after);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
}

function ParamHistory({ history }: { history: ParamVersion[] }) {
  if (history.length === 0) return <Empty>No history.</Empty>;
  const rows = history.map((h, i) => ({ h, changed: changedKeys(history[i - 1]?.params, h.params) })).reverse();
  return (
    <table className="ops-table" aria-label="Param history">
      <thead>
        <tr>
          <th>Version</th>
          <th>When</th>
          <th>Changed</th>
          <th>Params</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ h, changed }) => (
          <tr key={h.version}>
            <td>v{h.version}</td>
            <td>{fmtDate(h.created_at)}</td>
            <td>{changed.length ? changed.join(", ") : <span className="muted">nothing</span>}</td>
            <td>
              <details>
                <summary>show</summary>
                <Json value={h.params} />
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ProjectDetailPage() {
  const { name = "" } = useParams();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const project = useLoad(
    (signal) => api.get<ProjectFull>(`/api/v1/projects/${enc(name)}`, undefined, signal),
    name,
  );
  const [archiveError, setArchiveError] = useState<unknown>(null);
  const p = project.data;

  async function save(v: ProjectValues) {
    await api.patch<ProjectFull>(`/api/v1/projects/${enc(name)}`, { params: v.params, workflow: v.workflow });
    setEditing(false);
    setSaved(true);
    project.reload();
  }

  async function setArchived(archived: boolean) {
    setArchiveError(null);
    try {
      await api.patch(`/api/v1/projects/${enc(name)}`, { archived });
      project.reload();
    } catch (err) {
      setArchiveError(err);
    }
  }

  return (
    <div className="page ops-page">
      <p>
        <Link to="/ops/projects">← Projects</Link>
      </p>
      <ErrorBanner error={project.error} title={`Could not load project ${name}`} />
      {project.loading && !p && <Loading what="the project" />}
      {p && (
        <>
          <div className="ops-head">
            <h1>
              {p.name} <span className="muted">· {p.type}</span>
              {p.archived && <span className="ops-badge"> archived</span>}
            </h1>
            <div className="ops-actions">
              <Link className="ops-button" to={`/ops/batches?project=${enc(p.name)}`}>
                Batches
              </Link>
              <Link className="ops-button" to={`/ops/tasks?project=${enc(p.name)}`}>
                Tasks
              </Link>
              <Link className="ops-button" to={`/ops/quality?project=${enc(p.name)}#quality-settings`}>
                Quality settings
              </Link>
              {!editing && (
                <button type="button" className="primary" onClick={() => { setSaved(false); setEditing(true); }}>
                  Edit
                </button>
              )}
              <button type="button" onClick={() => void setArchived(!p.archived)}>
                {p.archived ? "Unarchive" : "Archive"}
              </button>
            </div>
          </div>
          <ErrorBanner error={archiveError} />
          {saved && (
            <div className="banner ok" role="status">
              Saved.
            </div>
          )}
          {editing ? (
            <ProjectForm
              initial={{ name: p.name, type: p.type, params: p.params, workflow: p.workflow }}
              submitLabel="Save changes"
              onSubmit={save}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <div className="ops-detail-grid">
              <section className="card">
                <h2>Summary</h2>
                <dl className="ops-dl">
                  <dt>Workflow</dt>
                  <dd data-testid="project-workflow">{workflowText(p)}</dd>
                  <dt>Tasks</dt>
                  <dd>
                    <ProgressBar counts={p.counts} label={`${p.name} progress`} />
                  </dd>
                  <dt>Created</dt>
                  <dd>{fmtDate(p.created_at)}</dd>
                  <dt>Updated</dt>
                  <dd>{fmtDate(p.updated_at)}</dd>
                </dl>
                <h2>Instructions</h2>
                {typeof p.params.instruction === "string" && p.params.instruction ? (
                  <p className="ops-pre" data-testid="project-instruction">
                    {p.params.instruction}
                  </p>
                ) : (
                  <p className="muted">No instructions.</p>
                )}
              </section>
              <section className="card">
                <h2>Params</h2>
                <Json value={p.params} label="Project params" />
              </section>
            </div>
          )}
          <section>
            <h2>Param history</h2>
            <ParamHistory history={p.param_history ?? []} />
          </section>
        </>
      )}
    </div>
  );
}
