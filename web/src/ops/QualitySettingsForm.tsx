// A project's quality settings: every field with what it does; saved with
// PATCH /api/v1/projects/{name} {"quality": {...changed fields}}. The server checks the ranges;
// its 400 is shown at the fields it names. Reviewers see the settings but cannot change them.

import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, ApiError } from "../api";
import type { QualitySettings } from "../types";
import { useShortcuts } from "../ui/shortcuts";
import { ErrorBanner } from "./common";
import { submitFrom } from "./QualityCommon";
import { errorsByField, SETTING_FIELDS, settingsChanges, settingsDraft, type SettingKey, type SettingsDraft } from "./quality";

const KEYS = SETTING_FIELDS.map((f) => f.key);

export function QualitySettingsForm({
  project,
  settings,
  canEdit,
  onSaved,
}: {
  project: string;
  settings: QualitySettings;
  canEdit: boolean;
  onSaved(): void;
}) {
  const [draft, setDraft] = useState<SettingsDraft>(() => settingsDraft(settings));
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<SettingKey, string>>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);

  // New settings from the server (after a save, or another project): the form starts over.
  const settingsKey = JSON.stringify(settings);
  useEffect(() => {
    setDraft(settingsDraft(JSON.parse(settingsKey) as QualitySettings));
    setFieldErrors({});
  }, [settingsKey, project]);

  // Only from inside the form: the page has other forms (the pause dialog) with the same key.
  useShortcuts(
    [{ key: "Enter", ctrl: true, inInputs: true, label: "Save the quality settings", run: (e) => submitFrom(formRef.current, e) }],
    canEdit,
  );

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(null);
    setError(null);
    const result = settingsChanges(draft, settings);
    if ("errors" in result) {
      setFieldErrors(result.errors);
      setError(new Error("Some fields need a number."));
      return;
    }
    setFieldErrors({});
    if (Object.keys(result.changes).length === 0) {
      setSaved("Nothing changed.");
      return;
    }
    setSaving(true);
    try {
      await api.patch(`/api/v1/projects/${encodeURIComponent(project)}`, { quality: result.changes });
      setSaved("Quality settings saved.");
      onSaved();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError) setFieldErrors(errorsByField(err.details, KEYS, err.message));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form ref={formRef} className="q-settings" onSubmit={submit} noValidate aria-label="Quality settings">
      {!canEdit && <p className="muted">Only admins and requesters can change these.</p>}
      <div className="ops-grid">
        {SETTING_FIELDS.map((f) => {
          const err = fieldErrors[f.key];
          const hintId = `q-help-${f.key}`;
          return (
            // The help and the error sit outside the label: the field's name stays its title.
            <div key={f.key} className={err ? "q-field q-invalid" : "q-field"} data-testid={`setting-${f.key}`}>
              <label>
                {f.label}
                <input
                  type="number"
                  inputMode="decimal"
                  step={f.step}
                  min={f.min}
                  max={f.max}
                  value={draft[f.key]}
                  placeholder={f.optional ? "off" : undefined}
                  disabled={!canEdit}
                  aria-invalid={!!err}
                  aria-describedby={err ? `${hintId} ${hintId}-error` : hintId}
                  onChange={(e) => setDraft((d) => ({ ...d, [f.key]: e.target.value }))}
                />
              </label>
              <span id={hintId} className="muted ops-hint">
                {f.help}
              </span>
              {err && (
                <span id={`${hintId}-error`} className="error q-field-error" data-testid={`setting-error-${f.key}`}>
                  {err}
                </span>
              )}
            </div>
          );
        })}
      </div>
      <ErrorBanner error={error} title="Not saved" />
      {saved && (
        <div className="banner ok" role="status">
          {saved}
        </div>
      )}
      {canEdit && (
        <div className="ops-actions">
          <button type="submit" className="primary" disabled={saving} aria-keyshortcuts="Control+Enter">
            {saving ? "Saving…" : "Save quality settings"} <kbd>Ctrl+Enter</kbd>
          </button>
          <button type="button" onClick={() => (setDraft(settingsDraft(settings)), setFieldErrors({}), setError(null))}>
            Reset
          </button>
        </div>
      )}
    </form>
  );
}
