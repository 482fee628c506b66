import { lazy, Suspense, type ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router-dom";
import { ProgressPage } from "./annotator/ProgressPage";
import { QueuePage } from "./annotator/QueuePage";
import { WorkPage } from "./annotator/WorkPage";
import { canManage, useAuth } from "./auth";
import { Layout } from "./Layout";
import { LoginPage } from "./LoginPage";

// The ops pages (and their charts) load on first visit: annotators never download them.
const OpsArea = lazy(() => import("./ops/OpsArea").then((m) => ({ default: m.OpsArea })));

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading } = useAuth();
  const location = useLocation();
  if (loading) return <div className="loading">Loading…</div>;
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function Home() {
  const { me } = useAuth();
  return <Navigate to={canManage(me?.role) ? "/ops/projects" : "/queue"} replace />;
}

function NotFound() {
  return (
    <div className="page">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
    </div>
  );
}

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <Layout />
          </RequireAuth>
        }
      >
        <Route index element={<Home />} />
        <Route path="queue" element={<QueuePage />} />
        <Route path="work/:project" element={<WorkPage />} />
        <Route path="progress" element={<ProgressPage />} />
        <Route
          path="ops/*"
          element={
            <Suspense fallback={<div className="loading">Loading…</div>}>
              <OpsArea />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
