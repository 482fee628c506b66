import { NavLink, Outlet } from "react-router-dom";
import { errorMessage } from "./api";
import { canManage, isAdmin, useAuth } from "./auth";
import { canJudgeQuality } from "./ops/quality";

export function Layout() {
  const { me, logout, switchEnvironment } = useAuth();
  if (!me) return null;
  const manage = canManage(me.role);
  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">Assay</span>
        <nav aria-label="Main">
          <NavLink to="/queue">Queue</NavLink>
          <NavLink to="/progress">My progress</NavLink>
          {manage && (
            <>
              <NavLink to="/ops/projects">Projects</NavLink>
              <NavLink to="/ops/batches">Batches</NavLink>
              <NavLink to="/ops/tasks">Tasks</NavLink>
              <NavLink to="/ops/throughput">Throughput</NavLink>
            </>
          )}
          {canJudgeQuality(me.role) && (
            <>
              <NavLink to="/ops/quality">Quality</NavLink>
              <NavLink to="/ops/gold">Gold</NavLink>
            </>
          )}
          {isAdmin(me.role) && <NavLink to="/ops/users">Users</NavLink>}
          <NavLink to="/ops/keys">API keys</NavLink>
        </nav>
        <span className="spacer" />
        <label className="env" title="Live data or the test environment's data">
          <select
            aria-label="Environment"
            value={me.environment}
            onChange={(e) =>
              switchEnvironment(e.target.value as "live" | "test").catch((err) => alert(errorMessage(err)))
            }
          >
            <option value="live">live</option>
            <option value="test">test</option>
          </select>
        </label>
        <span className="who" data-testid="whoami">
          {me.user.username} · {me.organization.name} · {me.role}
        </span>
        <button type="button" onClick={() => void logout()}>
          Log out
        </button>
      </header>
      <main>
        <Outlet />
      </main>
    </div>
  );
}
