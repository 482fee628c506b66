import { useEffect, useRef } from "react";
import { diff } from "../review/diff";
import { DiffView } from "../review/DiffView";
import type { TrainingFeedbackData } from "../types";
import { useShortcuts } from "../ui/shortcuts";
import { pct } from "../ops/quality";
import { Markdown } from "./markdown";

// What a training task's submit taught: right or wrong, the score, the requester's explanation,
// the mistakes, and what would turn the annotator's answer into the expected one. Shown before
// the next task; Continue (or Enter) moves on.

export function TrainingFeedback({
  feedback,
  busy,
  onContinue,
}: {
  feedback: TrainingFeedbackData;
  busy?: boolean;
  onContinue(): void;
}) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  useShortcuts([{ key: "Enter", label: "Continue", run: () => !busy && onContinue() }]);
  const changes = diff(feedback.your_response, feedback.expected_response);

  return (
    <section className={`card training-feedback ${feedback.correct ? "right" : "wrong"}`} aria-label="Training feedback" data-testid="training-feedback">
      <h2 data-testid="feedback-result">{feedback.correct ? "Correct" : "Not quite"}</h2>
      <p>
        Your score: <strong data-testid="feedback-score">{pct(feedback.score)}</strong>
      </p>
      {feedback.explanation && (
        <div className="training-explanation" data-testid="feedback-explanation">
          <Markdown text={feedback.explanation} />
        </div>
      )}
      {feedback.mistakes.length > 0 && (
        <>
          <h3>Mistakes</h3>
          <ul data-testid="feedback-mistakes">
            {feedback.mistakes.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </>
      )}
      {changes.length > 0 && <DiffView changes={changes} title="From your answer to the expected one" />}
      <details>
        <summary>Both answers in full</summary>
        <div className="training-answers">
          <div>
            <div className="muted">Your answer</div>
            <pre className="instr-json">{JSON.stringify(feedback.your_response, null, 2)}</pre>
          </div>
          <div>
            <div className="muted">Expected answer</div>
            <pre className="instr-json">{JSON.stringify(feedback.expected_response, null, 2)}</pre>
          </div>
        </div>
      </details>
      <div className="row">
        <button ref={button} type="button" className="primary" onClick={onContinue} disabled={busy}>
          Continue <kbd>Enter</kbd>
        </button>
      </div>
    </section>
  );
}
