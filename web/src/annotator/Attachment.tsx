import { safeHref } from "./markdown";

// One attachment shown by its type. Text is rendered as text (never as HTML); URLs are used
// only with http(s) (or relative) targets.
export type AttachmentKind = "image" | "text" | "website" | "video" | "pdf" | "audio";

export function Attachment({ kind, content, label }: { kind: string; content: string; label?: string }) {
  if (kind === "text") {
    return (
      <div className="att att-text" aria-label={label}>
        {content}
      </div>
    );
  }
  const href = safeHref(content);
  if (!href) return <div className="att att-text error">Cannot show this {kind}: unsupported address</div>;
  switch (kind) {
    case "image":
      return <img className="att att-image" src={href} alt={label ?? "attachment"} />;
    case "video":
      return <video className="att att-media" src={href} controls aria-label={label} />;
    case "audio":
      return <audio className="att att-media" src={href} controls aria-label={label} />;
    default:
      return (
        <div className="att att-link">
          <a href={href} target="_blank" rel="noopener noreferrer">
            Open the {kind === "pdf" ? "PDF" : "web page"} ↗
          </a>{" "}
          <span className="muted">{content}</span>
        </div>
      );
  }
}
