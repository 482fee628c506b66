// The quality dashboard of one project (?project=): annotators' skills per nuance with their
// status, inter-annotator agreement, gold accuracy over time, the tasks delivered below the
// target confidence, and the project's quality settings.

import { useEffect } from "react";
import { Link, useLocation } from "react-router-dom";
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { api } from "../api";
import { canManage, useAuth } from "../auth";
import type { QualityReport } from "../types";
import { Empty, ErrorBanner, fmtDate, Loading, useLoad } from "./common";
import { methodName, pct, sortNuances } from "./quality";
import { ProjectPicker, useChosenProject, useQualityProjects } from "./QualityCommon";
import { QualitySettingsForm } from "./QualitySettingsForm";
import { QualityTable } from "./QualityTable";

const enc = encodeURIComponent;

function AgreementCard({ agreement }: { agreement: QualityReport["agreement"] }) {
  return (
    <section className="card ops-section" aria-labelledby="q-agreement" data-testid="agreement">
      <h2 id="q-agreement">Agreement between annotators</h2>
      <p className="q-big" data-testid="agreement-value">
        {agreement.value === null ? (
          <span className="muted">not enough overlapping judgments</span>
        ) : (
          agreement.value.toFixed(3)
        )}
      </p>
      <p className="muted">
        <span data-testid="agreement-method">{methodName(agreement.method)}</span> over{" "}
        <span data-testid="agreement-tasks">{agreement.tasks}</span> tasks with two or more judgments (
        <span data-testid="agreement-judgments">{agreement.judgments}</span> judgments).
        {agreement.method === "krippendorff_alpha" && " 1 is perfect agreement, 0 what chance alone would give."}
      </p>
    </section>
  );
}

function GoldHistory({ history }: { history: QualityReport["gold_history"] }) {
  const scored = history.reduce((n, d) => n + d.scored, 0);
  const data = history.map((d) => ({
    day: d.day,
    scored: d.scored,
    mean: d.mean_score === null ? null : Math.round(d.mean_score * 1000) / 10,
  }));
  return (
    <section className="card ops-section" aria-labelledby="q-gold-history">
      <h2 id="q-gold-history">
        Gold accuracy over time <span className="muted">({scored} scored answers, last 60 days)</span>
      </h2>
      {history.length === 0 ? (
        <Empty>No gold answer scored yet.</Empty>
      ) : (
        <>
          <div className="ops-chart" data-testid="chart-gold-history" role="img" aria-label="Mean gold score per day, with the answers scored">
            <ResponsiveContainer width="100%" height={260}>
              <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="day" minTickGap={24} />
                <YAxis yAxisId="score" domain={[0, 100]} unit="%" />
                <YAxis yAxisId="n" orientation="right" allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar yAxisId="n" dataKey="scored" name="Scored answers" fill="#9db8f0" maxBarSize={40} isAnimationActive={false} />
                <Line
                  yAxisId="score"
                  dataKey="mean"
                  name="Mean score (%)"
                  stroke="#1f8a4c"
                  strokeWidth={2}
                  dot
                  connectNulls
                  isAnimationActive={false}
                />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>As a table</summary>
            <table className="ops-table" aria-label="Gold accuracy per day">
              <thead>
                <tr>
                  <th>Day</th>
                  <th className="num">Scored</th>
                  <th className="num">Correct</th>
                  <th className="num">Mean score</th>
                </tr>
              </thead>
              <tbody>
                {history.map((d) => (
                  <tr key={d.day}>
                    <td>{d.day}</td>
                    <td className="num">{d.scored}</td>
                    <td className="num">{d.correct}</td>
                    <td className="num">{pct(d.mean_score, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function BelowTarget({ report, linkTasks }: { report: QualityReport; linkTasks: boolean }) {
  const { count, tasks } = report.below_target;
  return (
    <section className="card ops-section" aria-labelledby="q-below">
      <h2 id="q-below">
        Tasks below target <span className="muted" data-testid="below-target-count">({count})</span>
      </h2>
      {report.target_confidence === null ? (
        <Empty>This project's label stage has no target confidence (adaptive redundancy is off).</Empty>
      ) : tasks.length === 0 ? (
        <Empty>Every completed task reached {pct(report.target_confidence)} confidence.</Empty>
      ) : (
        <>
          <p className="muted">
            Completed tasks whose answer is less than {pct(report.target_confidence)} sure, least sure first
            {count > tasks.length && ` (the first ${tasks.length} of ${count})`}.
          </p>
          <table className="ops-table" aria-label="Tasks below target">
            <thead>
              <tr>
                <th>Task</th>
                <th className="num">Confidence</th>
                <th className="num">Judgments</th>
                <th>Completed</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <tr key={t.task_id} data-testid="below-target-row">
                  <td className="ops-mono">{linkTasks ? <Link to={`/ops/tasks/${enc(t.task_id)}`}>{t.task_id}</Link> : t.task_id}</td>
                  <td className="num">{pct(t.confidence, 1)}</td>
                  <td className="num">{t.judgments}</td>
                  <td>{fmtDate(t.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function QualityPage() {
  const { me } = useAuth();
  const manage = canManage(me?.role);
  const names = useQualityProjects();
  const [project, choose] = useChosenProject(names);
  const location = useLocation();
  const report = useLoad(
    (signal) =>
      project ? api.get<QualityReport>(`/api/v1/projects/${enc(project)}/quality`, undefined, signal) : Promise.resolve(null),
    project,
  );
  const r = report.data;

  // /ops/quality?project=x#quality-settings (the project page's link): scroll there once loaded.
  const loaded = !!r;
  useEffect(() => {
    if (loaded && location.hash === "#quality-settings") document.getElementById("quality-settings")?.scrollIntoView();
  }, [loaded, location.hash]);

  return (
    <div className="page ops-page">
      <div className="ops-head">
        <h1>Quality</h1>
        {project && (
          <Link className="ops-button" to={`/ops/gold?project=${enc(project)}`}>
            Gold and training tasks
          </Link>
        )}
      </div>
      <div className="ops-filters" role="search" aria-label="Quality filters">
        <ProjectPicker names={names} value={project} onChange={choose} />
        <button type="button" onClick={report.reload} disabled={!project}>
          Refresh
        </button>
      </div>
      {names !== null && names.length === 0 && !project && <Empty>There are no projects to show.</Empty>}
      <ErrorBanner error={report.error} title={`Could not load the quality of ${project}`} />
      {report.loading && !r && project && <Loading what="the quality report" />}
      {r && r.project === project && (
        <>
          <section className="card ops-section" aria-labelledby="q-annotators">
            <h2 id="q-annotators">
              Annotators <span className="muted">({r.annotators.length})</span>
            </h2>
            {r.annotators.length === 0 ? (
              <Empty>No annotator has worked on this project yet.</Empty>
            ) : (
              <QualityTable project={r.project} annotators={r.annotators} nuances={sortNuances(r.nuances)} onChanged={report.reload} />
            )}
          </section>
          <div className="ops-detail-grid">
            <AgreementCard agreement={r.agreement} />
            <BelowTarget report={r} linkTasks={manage} />
          </div>
          <GoldHistory history={r.gold_history} />
          <section className="card ops-section" id="quality-settings" aria-labelledby="q-settings">
            <h2 id="q-settings">Quality settings</h2>
            <QualitySettingsForm project={r.project} settings={r.settings} canEdit={manage} onSaved={report.reload} />
          </section>
        </>
      )}
    </div>
  );
}
