// Gold and training tasks of a project (?project=, ?purpose=, ?inactive=1): what each asks and
// expects, how annotators did on it, switching it on and off, correcting its expected response
// or explanation, and creating new ones.

import { useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api } from "../api";
import type { GoldItem, GoldPurpose } from "../types";
import { useShortcuts } from "../ui/shortcuts";
import { Empty, ErrorBanner, fmtDate, Json, Loading, useLoad } from "./common";
import { GoldForm } from "./GoldForm";
import { nuanceLabel, paramsSummary, parseObject, pct, responseSummary } from "./quality";
import { ProjectPicker, submitFrom, useChosenProject, useQualityProjects } from "./QualityCommon";

const enc = encodeURIComponent;
const PURPOSES: [GoldPurpose, string][] = [
  ["gold", "Gold"],
  ["training", "Training"],
];

function EditItem({ item, onSaved, onCancel }: { item: GoldItem; onSaved(item: GoldItem): void; onCancel(): void }) {
  const [expected, setExpected] = useState(() => JSON.stringify(item.expected_response, null, 2));
  const [explanation, setExplanation] = useState(item.explanation ?? "");
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useShortcuts([
    { key: "Enter", ctrl: true, inInputs: true, label: "Save", run: (e) => submitFrom(formRef.current, e) },
    { key: "Escape", inInputs: true, label: "Cancel", run: (e) => formRef.current?.contains(e.target as Node) && onCancel() },
  ]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const parsed = parseObject(expected, "The expected response");
    if ("error" in parsed) return setError(new Error(parsed.error));
    const body: Record<string, unknown> = {};
    if (JSON.stringify(parsed.value) !== JSON.stringify(item.expected_response)) body.expected_response = parsed.value;
    const text = explanation.trim() || null;
    if (text !== (item.explanation ?? null)) body.explanation = text;
    if (Object.keys(body).length === 0) return onCancel();
    setSaving(true);
    setError(null);
    try {
      onSaved(await api.patch<GoldItem>(`/api/v1/gold/${enc(item.id)}`, body));
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} className="q-edit" onSubmit={save} aria-label={`Edit ${item.id}`}>
      <div className="ops-grid">
        <label>
          Expected response (JSON)
          <textarea className="q-json" rows={8} spellCheck={false} value={expected} autoFocus onChange={(e) => setExpected(e.target.value)} />
        </label>
        <label>
          Explanation
          <span className="muted ops-hint">Shown after a training answer (markdown); empty for none.</span>
          <textarea rows={8} value={explanation} onChange={(e) => setExplanation(e.target.value)} />
        </label>
        <div>
          <div className="muted">Params</div>
          <Json value={item.params} label="Params" />
        </div>
      </div>
      <ErrorBanner error={error} title="Not saved" />
      <div className="ops-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? "Saving…" : "Save"} <kbd>Ctrl+Enter</kbd>
        </button>
        <button type="button" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
      </div>
    </form>
  );
}

export function GoldPage() {
  const names = useQualityProjects();
  const [project, choose] = useChosenProject(names);
  const [search, setSearch] = useSearchParams();
  const purpose: GoldPurpose = search.get("purpose") === "training" ? "training" : "gold";
  const inactive = search.get("inactive") === "1";
  const [editing, setEditing] = useState<string | null>(null);
  const [toggling, setToggling] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const query = { purpose, include_inactive: inactive };
  const list = useLoad(
    (signal) =>
      project
        ? api.get<{ items: GoldItem[] }>(`/api/v1/projects/${enc(project)}/gold`, query, signal)
        : Promise.resolve({ items: [] as GoldItem[] }),
    JSON.stringify([project, query]),
  );
  const items = list.data?.items ?? [];

  const update = (changes: Record<string, string>) => {
    const sp = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v) sp.set(k, v);
      else sp.delete(k);
    }
    setSearch(sp, { replace: true });
  };

  async function setActive(item: GoldItem, active: boolean) {
    setToggling(item.id);
    setError(null);
    try {
      await api.patch<GoldItem>(`/api/v1/gold/${enc(item.id)}`, { active });
      setNotice(`${item.id} is ${active ? "active" : "inactive"} now.`);
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setToggling(null);
    }
  }

  return (
    <div className="page ops-page">
      <div className="ops-head">
        <h1>Gold and training tasks</h1>
        {project && (
          <Link className="ops-button" to={`/ops/quality?project=${enc(project)}`}>
            Quality dashboard
          </Link>
        )}
      </div>
      <div className="ops-filters" role="search" aria-label="Gold filters">
        <ProjectPicker names={names} value={project} onChange={(p) => (setEditing(null), choose(p))} />
        <div className="q-tabs" role="group" aria-label="Purpose">
          {PURPOSES.map(([p, title]) => (
            <button
              key={p}
              type="button"
              aria-pressed={purpose === p}
              className={purpose === p ? "primary" : undefined}
              onClick={() => update({ purpose: p === "gold" ? "" : p })}
            >
              {title}
            </button>
          ))}
        </div>
        <label className="ops-check">
          <input type="checkbox" checked={inactive} onChange={(e) => update({ inactive: e.target.checked ? "1" : "" })} />
          Include inactive
        </label>
      </div>
      <ErrorBanner error={list.error} title={`Could not load the gold tasks of ${project}`} />
      <ErrorBanner error={error} title="Not changed" />
      {notice && (
        <div className="banner ok" role="status">
          {notice}
        </div>
      )}
      {list.loading && !list.data ? (
        <Loading what="gold tasks" />
      ) : items.length === 0 && !list.error ? (
        <Empty>
          No {purpose} tasks{inactive ? "" : " active"} in {project || "this project"} yet.
        </Empty>
      ) : (
        <table className="ops-table" aria-label={purpose === "gold" ? "Gold tasks" : "Training tasks"}>
          <thead>
            <tr>
              <th>Task</th>
              <th>Asks</th>
              <th>Expects</th>
              <th>Nuances</th>
              <th className="num">Answered</th>
              <th className="num">Correct</th>
              <th className="num">Mean score</th>
              <th>Active</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <GoldRow
                key={item.id}
                item={item}
                editing={editing === item.id}
                toggling={toggling === item.id}
                onEdit={() => setEditing(item.id)}
                onCancel={() => setEditing(null)}
                onSaved={(saved) => {
                  setEditing(null);
                  setNotice(`${saved.id} saved.`);
                  list.reload();
                }}
                onActive={(active) => void setActive(item, active)}
              />
            ))}
          </tbody>
        </table>
      )}
      {project && (
        <GoldForm
          project={project}
          purpose={purpose}
          newest={items[0]}
          onCreated={(item) => {
            setNotice(`Created ${item.purpose} task ${item.id}.`);
            if (item.purpose !== purpose) update({ purpose: item.purpose === "gold" ? "" : item.purpose });
            else list.reload();
          }}
        />
      )}
    </div>
  );
}

function GoldRow({
  item,
  editing,
  toggling,
  onEdit,
  onCancel,
  onSaved,
  onActive,
}: {
  item: GoldItem;
  editing: boolean;
  toggling: boolean;
  onEdit(): void;
  onCancel(): void;
  onSaved(item: GoldItem): void;
  onActive(active: boolean): void;
}) {
  return (
    <>
      <tr data-testid={`gold-row-${item.id}`} className={item.active ? undefined : "ops-inactive"}>
        <td className="ops-mono" title={`Created ${fmtDate(item.created_at)}`}>
          {item.id}
        </td>
        <td title={item.instruction ?? undefined}>{paramsSummary(item.type, item.params)}</td>
        <td data-testid="gold-expected" title={item.explanation ?? undefined}>
          {responseSummary(item.type, item.expected_response)}
        </td>
        <td>
          {item.nuances.map((n) => (
            <span key={n} className="ops-tag">
              {nuanceLabel(n)}
            </span>
          ))}
        </td>
        <td className="num" data-testid="gold-answered">
          {item.stats.answered}
        </td>
        <td className="num" data-testid="gold-correct">
          {item.stats.correct}
        </td>
        <td className="num" data-testid="gold-mean">
          {pct(item.stats.mean_score)}
        </td>
        <td>
          <label className="ops-check">
            <input
              type="checkbox"
              checked={item.active}
              disabled={toggling}
              aria-label={`Active ${item.id}`}
              onChange={(e) => onActive(e.target.checked)}
            />
            {item.active ? "active" : "off"}
          </label>
        </td>
        <td>
          {!editing && (
            <button type="button" onClick={onEdit} aria-label={`Edit ${item.id}`}>
              Edit
            </button>
          )}
        </td>
      </tr>
      {editing && (
        <tr className="q-edit-row">
          <td colSpan={9}>
            <EditItem item={item} onSaved={onSaved} onCancel={onCancel} />
          </td>
        </tr>
      )}
    </>
  );
}
