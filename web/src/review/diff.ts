// The difference between two responses as a list of changes, with the server's semantics
// (src/assay/tasks/diff.py): objects are compared key by key, arrays index by index, anything
// else is replaced whole. A path is the "/"-joined keys and indexes from the root.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Change {
  path: string;
  op: "add" | "remove" | "replace";
  before?: unknown;
  after?: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function join(path: string, key: string): string {
  return path ? `${path}/${key}` : key;
}

// Deep equality of JSON values: true and 1 differ; 1 and 1.0 are the same number anyway.
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && same(a[k], b[k]));
  }
  return false;
}

export function diff(before: unknown, after: unknown, path = ""): Change[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: Change[] = [];
    for (const key of Object.keys(before)) {
      const sub = join(path, key);
      if (!(key in after)) out.push({ path: sub, op: "remove", before: before[key] });
      else out.push(...diff(before[key], after[key], sub));
    }
    for (const key of Object.keys(after)) {
      if (!(key in before)) out.push({ path: join(path, key), op: "add", after: after[key] });
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const sub = join(path, String(i));
      if (i >= after.length) out.push({ path: sub, op: "remove", before: before[i] });
      else if (i >= before.length) out.push({ path: sub, op: "add", after: after[i] });
      else out.push(...diff(before[i], after[i], sub));
    }
    return out;
  }
  return same(before, after) ? [] : [{ path, op: "replace", before, after }];
}
