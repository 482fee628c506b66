import { useEffect, useMemo, useState } from "react";
import type { Assignment } from "../types";
import { useShortcuts, type Shortcut } from "../ui/shortcuts";
import { TextPrompt } from "../annotator/Dialog";
import "./review.css";

// The review stage's actions over the labeler's work: Accept (A), Fix (F: the workspace
// becomes editable, submitting sends the edited response) and Reject (R: with a comment, the
// work goes back to the labeler).

export interface ReviewBarProps {
  assignment: Assignment;
  fixing: boolean;
  busy: boolean;
  enabled: boolean; // keys off while another dialog is open or the lease is gone
  onAccept(): void;
  onFix(): void;
  onCancelFix(): void;
  onSubmitFix(): void;
  onReject(comment: string): void;
  registerShortcuts(s: Shortcut[]): void;
}

export function ReviewBar(props: ReviewBarProps) {
  const { assignment, fixing, busy, enabled } = props;
  const [rejecting, setRejecting] = useState(false);
  const judgments = assignment.review?.judgments ?? [];
  const who = [...new Set(judgments.map((j) => j.annotator ?? "unknown"))].join(", ");

  const shortcuts: Shortcut[] = useMemo(
    () =>
      // While fixing, keys belong to the workspace (Escape, letters): stopping is a button.
      fixing
        ? []
        : [
            { key: "a", label: "Accept", run: () => props.onAccept() },
            { key: "f", label: "Fix (edit the response)", run: () => props.onFix() },
            { key: "r", label: "Reject with a comment", run: () => setRejecting(true) },
          ],
    [fixing, props.onAccept, props.onFix],
  );
  useShortcuts(shortcuts, enabled && !busy && !rejecting);
  const { registerShortcuts } = props;
  useEffect(() => registerShortcuts(shortcuts), [shortcuts, registerShortcuts]);

  return (
    <div className="review-bar" role="region" aria-label="Review" data-testid="review-bar">
      <div className="review-who">
        <strong>{fixing ? "Fixing" : "Reviewing"}</strong> the work of {who || "the labeler"}
        {judgments.length > 1 && <span className="muted"> ({judgments.length} judgments)</span>}
      </div>
      {fixing ? (
        <>
          <button type="button" onClick={props.onCancelFix} disabled={busy}>
            Stop fixing
          </button>
          <button type="button" className="primary" onClick={props.onSubmitFix} disabled={busy || !enabled}>
            Submit fix <kbd>Ctrl+Enter</kbd>
          </button>
        </>
      ) : (
        <>
          <button type="button" className="accept" onClick={props.onAccept} disabled={busy || !enabled}>
            Accept <kbd>A</kbd>
          </button>
          <button type="button" onClick={props.onFix} disabled={busy || !enabled}>
            Fix <kbd>F</kbd>
          </button>
          <button type="button" className="danger" onClick={() => setRejecting(true)} disabled={busy || !enabled}>
            Reject <kbd>R</kbd>
          </button>
        </>
      )}
      <TextPrompt
        open={rejecting}
        title="Reject this work"
        label="Comment for the labeler (required)"
        submitLabel="Reject"
        danger
        busy={busy}
        onClose={() => setRejecting(false)}
        onSubmit={(comment) => {
          setRejecting(false);
          props.onReject(comment);
        }}
      />
    </div>
  );
}
