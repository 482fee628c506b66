// Members of the organization (admins only): create, change role, deactivate / reactivate.

import { useState, type FormEvent } from "react";
import { api } from "../api";
import { useAuth } from "../auth";
import type { Role } from "../types";
import { Empty, ErrorBanner, fmtDate, Loading, useLoad } from "./common";
import { ROLES, type User } from "./types";

function NewUserForm({ onCreated }: { onCreated(u: User): void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const user = await api.post<User>("/api/v1/users", {
        username: username.trim(),
        password,
        role,
        email: email.trim() || undefined,
      });
      setUsername("");
      setPassword("");
      setEmail("");
      onCreated(user);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card ops-inline-form" aria-label="New user" onSubmit={submit}>
      <h2>New user</h2>
      <div className="ops-row">
        <label>
          Username
          <input value={username} required autoComplete="off" onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input
            type="password"
            value={password}
            required
            minLength={8}
            placeholder="at least 8 characters"
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <label>
          Email
          <input type="email" value={email} placeholder="optional" onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role
          <select aria-label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Create user
        </button>
      </div>
      <ErrorBanner error={error} title="User not created" />
    </form>
  );
}

export function UsersPage() {
  const { me } = useAuth();
  const list = useLoad((signal) => api.get<{ items: User[] }>("/api/v1/users", undefined, signal), "");
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const items = list.data?.items ?? [];

  async function update(user: User, change: Partial<Pick<User, "role" | "is_active">>, done: string) {
    setError(null);
    setNotice(null);
    try {
      await api.patch<User>(`/api/v1/users/${user.id}`, change);
      setNotice(done);
      list.reload();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="page ops-page">
      <h1>Users</h1>
      <NewUserForm
        onCreated={(u) => {
          setNotice(`Created ${u.username} (${u.role}).`);
          list.reload();
        }}
      />
      <ErrorBanner error={error} title="Not changed" />
      {notice && (
        <div className="banner ok" role="status">
          {notice}
        </div>
      )}
      <ErrorBanner error={list.error} title="Could not load users" />
      {list.loading && !list.data ? (
        <Loading what="users" />
      ) : items.length === 0 && !list.error ? (
        <Empty>No users.</Empty>
      ) : (
        <table className="ops-table" aria-label="Users">
          <thead>
            <tr>
              <th>Username</th>
              <th>Email</th>
              <th>Role</th>
              <th>Status</th>
              <th>Created</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((u) => {
              const self = u.id === me?.user.id;
              return (
                <tr key={u.id} data-testid={`user-row-${u.username}`} className={u.is_active ? undefined : "ops-inactive"}>
                  <td>
                    {u.username}
                    {self && <span className="muted"> (you)</span>}
                  </td>
                  <td>{u.email ?? "—"}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.username}`}
                      value={u.role}
                      disabled={self}
                      title={self ? "You cannot change your own role" : undefined}
                      onChange={(e) => void update(u, { role: e.target.value as Role }, `${u.username} is now ${e.target.value}.`)}
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <span className={`ops-badge ${u.is_active ? "ops-badge-completed" : "ops-badge-canceled"}`}>
                      {u.is_active ? "active" : "deactivated"}
                    </span>
                  </td>
                  <td>{fmtDate(u.created_at)}</td>
                  <td>
                    {u.is_active ? (
                      <button
                        type="button"
                        className="danger"
                        disabled={self}
                        aria-label={`Deactivate ${u.username}`}
                        onClick={() => void update(u, { is_active: false }, `${u.username} is deactivated.`)}
                      >
                        Deactivate
                      </button>
                    ) : (
                      <button
                        type="button"
                        aria-label={`Reactivate ${u.username}`}
                        onClick={() => void update(u, { is_active: true }, `${u.username} is active again.`)}
                      >
                        Reactivate
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
