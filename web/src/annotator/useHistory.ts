import { useCallback, useReducer } from "react";

// The value history behind undo/redo. Keystrokes typed into one field within a second are
// one step, so undo takes back a word or a sentence rather than a single character.

const LIMIT = 300;
const COALESCE_MS = 1000;

interface State<T> {
  past: (T | null)[];
  present: T | null;
  future: (T | null)[];
  // The text field that made the last change and when: the next change from it coalesces.
  lastField: Element | null;
  lastAt: number;
}

type Action<T> =
  | { type: "set"; value: T; field: Element | null; at: number }
  | { type: "undo" }
  | { type: "redo" }
  | { type: "reset"; value: T | null };

function reducer<T>(s: State<T>, a: Action<T>): State<T> {
  switch (a.type) {
    case "set": {
      const coalesce = a.field !== null && a.field === s.lastField && a.at - s.lastAt < COALESCE_MS;
      if (coalesce) return { ...s, present: a.value, future: [], lastAt: a.at };
      return {
        past: [...s.past, s.present].slice(-LIMIT),
        present: a.value,
        future: [],
        lastField: a.field,
        lastAt: a.at,
      };
    }
    case "undo":
      if (!s.past.length) return s;
      return {
        past: s.past.slice(0, -1),
        present: s.past[s.past.length - 1],
        future: [s.present, ...s.future],
        lastField: null,
        lastAt: 0,
      };
    case "redo":
      if (!s.future.length) return s;
      return {
        past: [...s.past, s.present],
        present: s.future[0],
        future: s.future.slice(1),
        lastField: null,
        lastAt: 0,
      };
    case "reset":
      return { past: [], present: a.value, future: [], lastField: null, lastAt: 0 };
  }
}

function typingField(): Element | null {
  const el = document.activeElement;
  if (!el) return null;
  if (el.tagName === "TEXTAREA") return el;
  if (el.tagName === "INPUT") {
    const t = (el as HTMLInputElement).type;
    return t === "text" || t === "number" || t === "search" || t === "" ? el : null;
  }
  return null;
}

export interface History<T> {
  value: T | null;
  set(value: T): void;
  undo(): void;
  redo(): void;
  reset(value: T | null): void;
  canUndo: boolean;
  canRedo: boolean;
}

export function useHistory<T>(): History<T> {
  const [s, dispatch] = useReducer(reducer<T>, {
    past: [],
    present: null,
    future: [],
    lastField: null,
    lastAt: 0,
  } as State<T>);
  const set = useCallback((value: T) => dispatch({ type: "set", value, field: typingField(), at: Date.now() }), []);
  const undo = useCallback(() => dispatch({ type: "undo" }), []);
  const redo = useCallback(() => dispatch({ type: "redo" }), []);
  const reset = useCallback((value: T | null) => dispatch({ type: "reset", value }), []);
  return { value: s.present, set, undo, redo, reset, canUndo: s.past.length > 0, canRedo: s.future.length > 0 };
}
