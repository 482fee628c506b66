import { Link } from "react-router-dom";
import { useEffect, useState } from "react";
import { api, errorMessage } from "../api";
import { fmtInterval, fmtN, nuanceLabel, passShare, pct, qualificationText, shade } from "../ops/quality";
import type { MyProgress, ProgressSkill, ProjectProgress } from "../types";
import "./annotator.css";

// My progress: per project my status, my qualification, my skill per nuance (with how sure
// that estimate is) and my training so far. Plain bars, no chart library: annotators' bundle.

function SkillBar({ skill }: { skill: ProgressSkill }) {
  const name = nuanceLabel(skill.nuance);
  return (
    <li className={`prog-skill${skill.weak ? " weak" : ""}`} data-testid={`my-skill-${skill.nuance}`}>
      <span className="prog-skill-name">{name}</span>
      <span
        className="prog-bar"
        role="meter"
        aria-label={`${name} accuracy`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(skill.mean * 100)}
        aria-valuetext={`${pct(skill.mean)}, 90% interval ${fmtInterval(skill)}, evidence ${fmtN(skill.n)}`}
      >
        <span className="prog-band" style={{ left: `${skill.low * 100}%`, width: `${Math.max(0, skill.high - skill.low) * 100}%` }} />
        <span className="prog-fill" style={{ width: `${skill.mean * 100}%`, background: shade(skill.mean) }} />
        <span className="prog-mark" style={{ left: `${skill.mean * 100}%` }} />
      </span>
      <span className="prog-skill-text">
        <strong>{pct(skill.mean)}</strong>{" "}
        <span className="muted">
          ({fmtInterval(skill)}, evidence {fmtN(skill.n)})
        </span>
      </span>
      {skill.weak && (
        <span className="prog-weak" data-testid="weak">
          Weak: you will get training tasks on this.
        </span>
      )}
    </li>
  );
}

function StatusLine({ p }: { p: ProjectProgress }) {
  if (p.status === "paused") {
    return (
      <div className="banner bad" data-testid="my-status">
        <strong>Paused</strong>
        {p.status_reason ? `: ${p.status_reason}` : ""}. You cannot take tasks in this project until a reviewer resumes you.
      </div>
    );
  }
  if (p.status === "qualifying") {
    return (
      <div className="banner warn" data-testid="my-status">
        <strong>Qualifying</strong>: you answer training tasks first; real work starts once you pass.
      </div>
    );
  }
  return (
    <div className="banner ok" data-testid="my-status">
      <strong>Active</strong>: you work on real tasks.
    </div>
  );
}

function ProjectCard({ p }: { p: ProjectProgress }) {
  const q = p.qualification;
  const share = q ? passShare(q) : null;
  const byNuance = Object.entries(p.training.by_nuance).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section className="card prog-project" aria-labelledby={`prog-${p.project}`} data-testid={`progress-${p.project}`}>
      <h2 id={`prog-${p.project}`}>
        {p.project} <span className="muted">· {p.type}</span>
      </h2>
      <StatusLine p={p} />
      {q && (
        <div className="prog-qual" data-testid="my-qualification">
          <h3>{qualificationText(q)}</h3>
          <progress max={q.required} value={Math.min(q.answered, q.required)} aria-label="Qualification tasks answered" />
          <p>
            {q.correct} correct{share !== null && ` (${pct(share)})`}; {pct(q.pass)} must be correct to pass.
          </p>
        </div>
      )}
      <h3>Skills</h3>
      {p.skills.length === 0 ? (
        <p className="muted">No evidence yet: your skills show here once your answers are scored.</p>
      ) : (
        <ul className="prog-skills">
          {p.skills.map((s) => (
            <SkillBar key={s.nuance} skill={s} />
          ))}
        </ul>
      )}
      <h3>Training</h3>
      {p.training.answered === 0 ? (
        <p className="muted">No training tasks answered yet.</p>
      ) : (
        <>
          <p data-testid="my-training">
            {p.training.answered} answered, {p.training.correct} correct
          </p>
          {byNuance.length > 0 && (
            <table className="prog-training" aria-label={`Training in ${p.project} per nuance`}>
              <thead>
                <tr>
                  <th>Nuance</th>
                  <th className="num">Answered</th>
                  <th className="num">Correct</th>
                </tr>
              </thead>
              <tbody>
                {byNuance.map(([n, t]) => (
                  <tr key={n}>
                    <td>{nuanceLabel(n)}</td>
                    <td className="num">{t.answered}</td>
                    <td className="num">{t.correct}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

export function ProgressPage() {
  const [data, setData] = useState<MyProgress | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    api
      .get<MyProgress>("/api/v1/me/progress", undefined, ctrl.signal)
      .then(setData)
      .catch((err) => {
        if (!ctrl.signal.aborted) setError(errorMessage(err));
      });
    return () => ctrl.abort();
  }, []);

  return (
    <div className="page progress">
      <h1>My progress</h1>
      {error && (
        <div className="banner bad" role="alert">
          {error}
        </div>
      )}
      {data === null && !error && <p className="loading">Loading…</p>}
      {data && data.projects.length === 0 && (
        <p className="muted">
          Nothing yet: your progress shows here once you work on a project. <Link to="/queue">Go to the queue</Link>.
        </p>
      )}
      {data?.projects.map((p) => <ProjectCard key={p.project} p={p} />)}
    </div>
  );
}
