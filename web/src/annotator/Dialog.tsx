import { useEffect, useId, useRef, useState, type ReactNode } from "react";

// A modal that asks for one required piece of text (a skip reason, a reject comment).
export function TextPrompt({
  open,
  title,
  label,
  submitLabel,
  busy,
  danger,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  label: string;
  submitLabel: string;
  busy?: boolean;
  danger?: boolean;
  onSubmit(text: string): void;
  onClose(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState("");
  const [tried, setTried] = useState(false);
  const id = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      setText("");
      setTried(false);
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);

  function submit(e: { preventDefault(): void }) {
    e.preventDefault();
    setTried(true);
    if (text.trim()) onSubmit(text.trim());
  }

  return (
    <dialog ref={ref} className="prompt" aria-labelledby={`${id}-t`} onCancel={(e) => (e.preventDefault(), onClose())}>
      <form onSubmit={submit} method="dialog">
        <h2 id={`${id}-t`}>{title}</h2>
        <label>
          {label}
          <textarea
            rows={3}
            value={text}
            autoFocus
            aria-invalid={tried && !text.trim()}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
            }}
          />
        </label>
        {tried && !text.trim() && (
          <p className="error" role="alert">
            This is required.
          </p>
        )}
        <div className="prompt-actions">
          <button type="button" onClick={onClose}>
            Cancel <kbd>Esc</kbd>
          </button>
          <button type="submit" className={danger ? "danger" : "primary"} disabled={busy}>
            {submitLabel} <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
      </form>
    </dialog>
  );
}

// A modal that just shows something (the shortcuts help).
export function InfoDialog({ open, title, onClose, children }: { open: boolean; title: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="prompt info" aria-labelledby={`${id}-t`} onCancel={(e) => (e.preventDefault(), onClose())} onClose={onClose}>
      <h2 id={`${id}-t`}>{title}</h2>
      {children}
      <div className="prompt-actions">
        <button type="button" onClick={onClose} autoFocus>
          Close <kbd>Esc</kbd>
        </button>
      </div>
    </dialog>
  );
}
