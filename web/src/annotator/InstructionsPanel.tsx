import type { Assignment } from "../types";
import { Attachment } from "./Attachment";
import { Markdown } from "./markdown";
import { isObject } from "./workspaces/common";

// The project's instructions and examples, and the task's own instruction when it has one.
// Everything is requester-written text: rendered as text, never as HTML.

function Example({ example, index }: { example: unknown; index: number }) {
  if (typeof example === "string") return <Markdown text={example} />;
  if (!isObject(example)) return <pre className="instr-json">{JSON.stringify(example, null, 2)}</pre>;
  const { title, text, description, explanation, image, attachment, response, ...rest } = example;
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const picture = str(image) ?? (str(attachment)?.match(/^https?:\/\//) ? str(attachment) : null);
  return (
    <div className="instr-example">
      <h4>{str(title) ?? `Example ${index + 1}`}</h4>
      {str(text) && <Markdown text={str(text)!} />}
      {str(description) && <Markdown text={str(description)!} />}
      {picture && <Attachment kind="image" content={picture} label={`Example ${index + 1}`} />}
      {str(attachment) && !picture && <div className="att-text">{str(attachment)}</div>}
      {response !== undefined && (
        <>
          <div className="muted">Expected answer</div>
          <pre className="instr-json">{JSON.stringify(response, null, 2)}</pre>
        </>
      )}
      {str(explanation) && <Markdown text={str(explanation)!} />}
      {Object.keys(rest).length > 0 && <pre className="instr-json">{JSON.stringify(rest, null, 2)}</pre>}
    </div>
  );
}

export function InstructionsPanel({ assignment }: { assignment: Assignment }) {
  const projectText = assignment.instructions?.text ?? null;
  const taskText = assignment.task.instruction;
  const examples = assignment.instructions?.examples ?? [];
  const empty = !projectText && !taskText && !examples.length;
  return (
    <aside className="work-instructions" aria-label="Instructions" data-testid="instructions">
      <h2>Instructions</h2>
      {empty && <p className="muted">This project has no instructions.</p>}
      {projectText && <Markdown text={projectText} />}
      {taskText && taskText !== projectText && (
        <>
          {projectText && <h3>For this task</h3>}
          <Markdown text={taskText} />
        </>
      )}
      {examples.length > 0 && (
        <>
          <h3>Examples</h3>
          {examples.map((ex, i) => (
            <Example key={i} example={ex} index={i} />
          ))}
        </>
      )}
    </aside>
  );
}
