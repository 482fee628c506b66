import type { Change } from "./diff";
import "./review.css";

// A diff list as the server stores it in reviews.diff: one row per change, with the path, what
// it was and what it became.

function show(v: unknown): string {
  if (v === undefined) return "";
  const s = JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

const OPS: Record<Change["op"], string> = { add: "added", remove: "removed", replace: "changed" };

export function DiffView({ changes, title = "Changes" }: { changes: Change[]; title?: string }) {
  return (
    <section className="diffview" aria-label={title} data-testid="diff-view">
      <h3>
        {title} <span className="muted">({changes.length})</span>
      </h3>
      {changes.length === 0 ? (
        <p className="muted">No changes.</p>
      ) : (
        <ul>
          {changes.map((c, i) => (
            <li key={`${c.path}-${i}`} className={`diff-${c.op}`}>
              <code className="diff-path">{c.path || "(whole response)"}</code> <span className="diff-op">{OPS[c.op]}</span>{" "}
              {c.op !== "add" && <del className="diff-before">{show(c.before)}</del>}
              {c.op === "replace" && " → "}
              {c.op !== "remove" && <ins className="diff-after">{show(c.after)}</ins>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
