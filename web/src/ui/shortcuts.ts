import { useEffect, useRef } from "react";

// Keyboard shortcuts: one keydown listener per hook, skipped while the user types in a field
// (unless the binding says otherwise), so number keys pick categories but not inside a form.

export interface Shortcut {
  key: string; // KeyboardEvent.key, e.g. "1", "Enter", "z", "ArrowLeft"
  ctrl?: boolean; // Ctrl or Cmd
  shift?: boolean;
  alt?: boolean;
  inInputs?: boolean; // fire even when focus is in an input/textarea
  label: string; // shown in the shortcuts help
  run: (e: KeyboardEvent) => void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
}

export function matches(s: Shortcut, e: KeyboardEvent): boolean {
  const ctrl = e.ctrlKey || e.metaKey;
  return (
    e.key.toLowerCase() === s.key.toLowerCase() &&
    !!s.ctrl === ctrl &&
    !!s.shift === e.shiftKey &&
    !!s.alt === e.altKey
  );
}

export function useShortcuts(shortcuts: Shortcut[], enabled = true): void {
  const ref = useRef(shortcuts);
  ref.current = shortcuts;
  useEffect(() => {
    if (!enabled) return;
    function onKey(e: KeyboardEvent) {
      for (const s of ref.current) {
        if (matches(s, e) && (s.inInputs || !typing(e.target))) {
          e.preventDefault();
          s.run(e);
          return;
        }
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}

export function describe(s: Shortcut): string {
  return [s.ctrl && "Ctrl", s.alt && "Alt", s.shift && "Shift", s.key === " " ? "Space" : s.key]
    .filter(Boolean)
    .join("+");
}
