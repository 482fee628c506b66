// What the quality and gold pages share. The project picker, kept in the URL (?project=): admins and
// requesters pick from all projects; reviewers may not list projects, so they pick from the
// projects of their queue (the ones they work on).

import { useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api } from "../api";
import { canManage, useAuth } from "../auth";
import type { Project, QueueEntry } from "../types";

export function useQualityProjects(): string[] | null {
  const { me } = useAuth();
  const manage = canManage(me?.role);
  const [names, setNames] = useState<string[] | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    const load = manage
      ? api.get<{ items: Project[] }>("/api/v1/projects", { archived: false }, ctrl.signal).then((r) => r.items.map((p) => p.name))
      : api.get<QueueEntry[]>("/api/v1/queue", undefined, ctrl.signal).then((r) => r.map((e) => e.project));
    load
      .then((all) => setNames([...new Set(all)].sort()))
      .catch(() => {
        if (!ctrl.signal.aborted) setNames([]); // the page still works with ?project= typed in
      });
    return () => ctrl.abort();
  }, [manage]);
  return names;
}

const LAST = "assay.quality.project";

function remembered(): string | null {
  try {
    return window.localStorage.getItem(LAST);
  } catch {
    return null; // storage may be off; then the first project it is
  }
}

// The chosen project. When the URL names none: the one last looked at on either page (the
// nav links carry no project), else the first.
export function useChosenProject(names: string[] | null): [string, (name: string) => void] {
  const [search, setSearch] = useSearchParams();
  const project = search.get("project") ?? "";
  const choose = (name: string) => {
    const sp = new URLSearchParams(search);
    if (name) sp.set("project", name);
    else sp.delete("project");
    setSearch(sp, { replace: true });
  };
  useEffect(() => {
    if (project) {
      try {
        window.localStorage.setItem(LAST, project);
      } catch {
        // not remembered: fine
      }
    } else if (names && names.length > 0) {
      const last = remembered();
      const sp = new URLSearchParams(search);
      sp.set("project", last && names.includes(last) ? last : names[0]);
      setSearch(sp, { replace: true });
    }
  }, [project, names, search, setSearch]);
  return [project, choose];
}

export function ProjectPicker({ names, value, onChange }: { names: string[] | null; value: string; onChange(name: string): void }) {
  const options = names ?? [];
  return (
    <label>
      Project
      <select aria-label="Project" value={value} onChange={(e) => onChange(e.target.value)} disabled={names === null}>
        {!value && <option value="">{names === null ? "Loading…" : "Pick a project"}</option>}
        {value && !options.includes(value) && <option value={value}>{value}</option>}
        {options.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
    </label>
  );
}

// Ctrl+Enter submits the form the key was pressed in: these pages have several forms.
export function submitFrom(form: HTMLFormElement | null, e: KeyboardEvent): void {
  if (form && e.target instanceof Node && form.contains(e.target)) form.requestSubmit();
}
