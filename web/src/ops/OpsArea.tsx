// The ops / requester area, mounted at /ops/*: projects, batches, the task browser and task
// detail, throughput (admin and requester), quality and gold tasks (admin, requester and
// reviewer), users (admin), API keys (everyone: their own).

import type { ReactNode } from "react";
import { Navigate, Route, Routes } from "react-router-dom";
import { canManage, isAdmin, useAuth } from "../auth";
import { BatchesPage } from "./BatchesPage";
import { Refused } from "./common";
import { GoldPage } from "./GoldPage";
import { KeysPage } from "./KeysPage";
import { NewProjectPage, ProjectDetailPage, ProjectsPage } from "./ProjectsPages";
import { canJudgeQuality } from "./quality";
import { QualityPage } from "./QualityPage";
import { TaskDetailPage } from "./TaskDetailPage";
import { TasksPage } from "./TasksPage";
import { ThroughputPage } from "./ThroughputPage";
import { UsersPage } from "./UsersPage";
import "./ops.css";

function Managers({ what, children }: { what: string; children: ReactNode }) {
  const { me } = useAuth();
  return canManage(me?.role) ? <>{children}</> : <Refused what={what} need="admins and requesters" />;
}

function QualityRoles({ what, children }: { what: string; children: ReactNode }) {
  const { me } = useAuth();
  return canJudgeQuality(me?.role) ? <>{children}</> : <Refused what={what} need="admins, requesters and reviewers" />;
}

function Admins({ what, children }: { what: string; children: ReactNode }) {
  const { me } = useAuth();
  return isAdmin(me?.role) ? <>{children}</> : <Refused what={what} need="admins" />;
}

function OpsNotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>There is no ops page at this address.</p>
    </div>
  );
}

export function OpsArea() {
  const m = (what: string, page: ReactNode) => <Managers what={what}>{page}</Managers>;
  const q = (what: string, page: ReactNode) => <QualityRoles what={what}>{page}</QualityRoles>;
  return (
    <Routes>
      <Route index element={<Navigate to="projects" replace />} />
      <Route path="projects" element={m("Projects", <ProjectsPage />)} />
      <Route path="projects/new" element={m("Creating projects", <NewProjectPage />)} />
      <Route path="projects/:name" element={m("Projects", <ProjectDetailPage />)} />
      <Route path="batches" element={m("Batches", <BatchesPage />)} />
      <Route path="tasks" element={m("The task browser", <TasksPage />)} />
      <Route path="tasks/:taskId" element={m("Task detail", <TaskDetailPage />)} />
      <Route path="throughput" element={m("Throughput", <ThroughputPage />)} />
      <Route path="quality" element={q("The quality dashboard", <QualityPage />)} />
      <Route path="gold" element={q("Gold and training tasks", <GoldPage />)} />
      <Route
        path="users"
        element={
          <Admins what="User management">
            <UsersPage />
          </Admins>
        }
      />
      <Route path="keys" element={<KeysPage />} />
      <Route path="*" element={<OpsNotFound />} />
    </Routes>
  );
}
