import type { Shortcut } from "../ui/shortcuts";
import type { TaskView } from "../types";

// What every task-type workspace receives from the shell (WorkPage). The shell owns the
// lease, the heartbeat, the local draft, undo/redo and submit; a workspace only edits a value.
export interface WorkspaceProps<R = unknown> {
  task: TaskView;
  // The current response being built (null: nothing yet). For review-and-fix, the labeler's.
  value: R | null;
  // Every edit goes through here: the shell records it for undo/redo and saves the draft.
  // Continuous gestures (dragging) should call it once, when the gesture ends.
  onChange(value: R): void;
  readOnly?: boolean;
  // Pre-labels / proposals to show as editable suggestions (image annotation).
  // Workspaces publish their own shortcuts so the shell can show them in the help panel.
  registerShortcuts?(shortcuts: Shortcut[]): void;
}

// Turns a workspace's value into the response the server expects, or says what is missing.
export type Finalize<R = unknown> = (task: TaskView, value: R | null) => { response: unknown } | { error: string };
