import { useEffect, useMemo } from "react";
import { useShortcuts, type Shortcut } from "../../ui/shortcuts";

// Workspaces handle their own keys and tell the shell about them (for the help panel). Keys
// are off while read-only (the review stage before "fix").
export function useWorkspaceShortcuts(
  shortcuts: Shortcut[],
  readOnly: boolean | undefined,
  register: ((s: Shortcut[]) => void) | undefined,
): void {
  useShortcuts(shortcuts, !readOnly);
  const labels = useMemo(() => shortcuts.map((s) => `${s.key}|${s.ctrl}|${s.shift}|${s.alt}|${s.label}`).join("\n"), [shortcuts]);
  useEffect(() => {
    register?.(readOnly ? [] : shortcuts);
    // Only re-register when what the help panel shows changes (`labels`), not every render.
  }, [labels, readOnly, register]);
}

export const DIGITS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
