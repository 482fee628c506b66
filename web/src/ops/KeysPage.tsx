// API keys: admins see the organization's, everyone else their own. A new key is shown once.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { api } from "../api";
import { isAdmin, useAuth } from "../auth";
import { Empty, ErrorBanner, fmtDate, Loading, useLoad } from "./common";
import type { ApiKey, NewApiKey } from "./types";

function ShownOnce({ created, onClose }: { created: NewApiKey; onClose(): void }) {
  const [copied, setCopied] = useState<string | null>(null);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.select(), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied("Copied to the clipboard.");
    } catch {
      // No clipboard access (an insecure origin, a denied permission): leave it selected.
      field.current?.select();
      setCopied("Copy was refused by the browser: the key is selected, press Ctrl+C.");
    }
  }

  return (
    <div className="banner warn ops-new-key" role="region" aria-label="New API key">
      <p>
        <strong>Key "{created.name}" ({created.environment}) created.</strong> Copy it now: it is shown only
        this once.
      </p>
      <div className="ops-row">
        <input
          ref={field}
          className="ops-mono ops-key"
          readOnly
          value={created.key}
          aria-label="New key"
          data-testid="new-key"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          Done
        </button>
      </div>
      {copied && <p role="status">{copied}</p>}
    </div>
  );
}

function RevokeButton({ k, onRevoked }: { k: ApiKey; onRevoked(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) cancelRef.current?.focus();
  }, [confirming]);

  async function revoke() {
    setBusy(true);
    setError(null);
    try {
      await api.del(`/api/v1/keys/${k.id}`);
      setConfirming(false);
      onRevoked();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (!confirming)
    return (
      <button type="button" className="danger" aria-label={`Revoke ${k.name || k.prefix}`} onClick={() => setConfirming(true)}>
        Revoke
      </button>
    );
  return (
    <div
      className="ops-confirm"
      role="alertdialog"
      aria-label={`Revoke key ${k.name || k.prefix}?`}
      onKeyDown={(e) => {
        if (e.key === "Escape") setConfirming(false);
      }}
    >
      <span>Revoke "{k.name || k.prefix}"? Scripts using it stop working at once.</span>
      <button type="button" className="danger" disabled={busy} onClick={() => void revoke()}>
        Yes, revoke
      </button>
      <button type="button" ref={cancelRef} onClick={() => setConfirming(false)}>
        Cancel <kbd>Esc</kbd>
      </button>
      <ErrorBanner error={error} title="Not revoked" />
    </div>
  );
}

export function KeysPage() {
  const { me } = useAuth();
  const admin = isAdmin(me?.role);
  const list = useLoad((signal) => api.get<{ items: ApiKey[] }>("/api/v1/keys", undefined, signal), "");
  const [name, setName] = useState("");
  const [environment, setEnvironment] = useState<"live" | "test">("live");
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [showRevoked, setShowRevoked] = useState(false);
  const all = list.data?.items ?? [];
  const items = showRevoked ? all : all.filter((k) => !k.revoked_at);

  async function create(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setCreated(await api.post<NewApiKey>("/api/v1/keys", { name: name.trim(), environment }));
      setName("");
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="page ops-page">
      <h1>API keys</h1>
      <p className="muted">{admin ? "Every key of the organization." : "Your keys."}</p>
      <form className="card ops-inline-form" aria-label="New API key" onSubmit={create}>
        <div className="ops-row">
          <label>
            Key name
            <input value={name} required maxLength={200} placeholder="e.g. ingest script" onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Environment
            <select value={environment} onChange={(e) => setEnvironment(e.target.value as "live" | "test")}>
              <option value="live">live</option>
              <option value="test">test</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={busy}>
            Create key
          </button>
        </div>
        <ErrorBanner error={error} title="Key not created" />
      </form>
      {created && <ShownOnce created={created} onClose={() => setCreated(null)} />}
      <label className="ops-check">
        <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
        Show revoked keys
      </label>
      <ErrorBanner error={list.error} title="Could not load keys" />
      {list.loading && !list.data ? (
        <Loading what="keys" />
      ) : items.length === 0 && !list.error ? (
        <Empty>No keys{showRevoked ? "" : " in use"}.</Empty>
      ) : (
        <table className="ops-table" aria-label="API keys">
          <thead>
            <tr>
              <th>Name</th>
              <th>Key</th>
              <th>Environment</th>
              {admin && <th>User</th>}
              <th>Created</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((k) => (
              <tr key={k.id} data-testid={`key-row-${k.name || k.prefix}`} className={k.revoked_at ? "ops-inactive" : undefined}>
                <td>{k.name || <span className="muted">unnamed</span>}</td>
                <td className="ops-mono">{k.prefix}…</td>
                <td>{k.environment}</td>
                {admin && <td>{k.user?.username ?? "—"}</td>}
                <td>{fmtDate(k.created_at)}</td>
                <td>
                  {k.revoked_at ? (
                    <span className="ops-badge ops-badge-canceled" title={fmtDate(k.revoked_at)}>
                      revoked
                    </span>
                  ) : (
                    <span className="ops-badge ops-badge-completed">active</span>
                  )}
                </td>
                <td>{!k.revoked_at && <RevokeButton k={k} onRevoked={list.reload} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
