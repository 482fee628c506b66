// Drafts in localStorage, one per user, project, stage and task: written on every change and
// read back when the same task is leased again (a reload, a lease that expired, a dropped
// connection). Only a successful submit (or a skip) removes one; an expiry never does.

const PREFIX = "assay.draft:";
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

export interface Draft {
  value: unknown;
  fixing?: boolean; // review stage: the reviewer was fixing the response
  saved_at: number;
}

export interface DraftKey {
  user: string;
  project: string;
  stage: string;
  taskId: string;
}

function storageKey(k: DraftKey): string {
  return `${PREFIX}${k.user}:${k.project}:${k.stage}:${k.taskId}`;
}

export function loadDraft(k: DraftKey): Draft | null {
  try {
    const raw = localStorage.getItem(storageKey(k));
    if (!raw) return null;
    const d = JSON.parse(raw) as Draft;
    return d && typeof d === "object" && "value" in d ? d : null;
  } catch {
    return null;
  }
}

export function saveDraft(k: DraftKey, value: unknown, fixing?: boolean): boolean {
  try {
    const d: Draft = { value, fixing, saved_at: Date.now() };
    localStorage.setItem(storageKey(k), JSON.stringify(d));
    return true;
  } catch {
    return false; // storage full or disabled: the work stays in memory
  }
}

export function clearDraft(k: DraftKey): void {
  try {
    localStorage.removeItem(storageKey(k));
  } catch {
    // nothing to do
  }
}

// Old drafts (tasks that went to someone else) would pile up forever otherwise.
export function pruneDrafts(now = Date.now()): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (!key?.startsWith(PREFIX)) continue;
      try {
        const d = JSON.parse(localStorage.getItem(key) ?? "null") as Draft | null;
        if (!d || typeof d.saved_at !== "number" || now - d.saved_at > MAX_AGE_MS) localStorage.removeItem(key);
      } catch {
        localStorage.removeItem(key);
      }
    }
  } catch {
    // storage disabled
  }
}
