// Text formats for the project form's list editors (pure, so they are easy to test).

// A choice tree (docs/task-types.md "Choice") as lines: one choice a line, two more spaces of
// indentation make a subchoice of the line above. Descriptions are kept by the JSON editor only.
export type Choice = string | { choice: string; description?: string; subchoices?: Choice[] };

export function choicesToText(value: unknown): string {
  if (!Array.isArray(value)) return "";
  const lines: string[] = [];
  const walk = (items: unknown[], depth: number) => {
    for (const item of items) {
      if (typeof item === "string") lines.push("  ".repeat(depth) + item);
      else if (item && typeof item === "object" && "choice" in item) {
        const c = item as { choice: unknown; subchoices?: unknown };
        lines.push("  ".repeat(depth) + String(c.choice));
        if (Array.isArray(c.subchoices)) walk(c.subchoices, depth + 1);
      }
    }
  };
  walk(value, 0);
  return lines.join("\n");
}

export function textToChoices(text: string): Choice[] {
  interface Node {
    choice: string;
    subchoices: Node[];
  }
  const root: Node[] = [];
  const stack: { depth: number; node: Node }[] = [];
  for (const raw of text.split("\n")) {
    if (!raw.trim()) continue;
    const indent = raw.length - raw.trimStart().length;
    const node: Node = { choice: raw.trim(), subchoices: [] };
    while (stack.length && stack[stack.length - 1].depth >= indent) stack.pop();
    if (stack.length) stack[stack.length - 1].node.subchoices.push(node);
    else root.push(node);
    stack.push({ depth: indent, node });
  }
  const out = (n: Node): Choice =>
    n.subchoices.length ? { choice: n.choice, subchoices: n.subchoices.map(out) } : n.choice;
  return root.map(out);
}

// "a, b, c" <-> ["a", "b", "c"]
export function listToText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(", ") : "";
}

export function textToList(text: string): string[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

// Named-entity labels, one a line: "PER" or "PER | Person".
export interface NerLabel {
  name: string;
  display_name?: string;
  description?: string;
}

export function nerLabelsToText(value: unknown): string {
  if (!Array.isArray(value)) return "";
  return value
    .map((l: NerLabel) => (l.display_name ? `${l.name} | ${l.display_name}` : l.name))
    .join("\n");
}

export function textToNerLabels(text: string, previous: unknown): NerLabel[] {
  const old = new Map<string, NerLabel>();
  if (Array.isArray(previous)) for (const l of previous as NerLabel[]) old.set(l.name, l);
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, display] = line.split("|").map((s) => s.trim());
      const label: NerLabel = { name };
      if (display) label.display_name = display;
      const description = old.get(name)?.description;
      if (description) label.description = description;
      return label;
    });
}

// Text-collection category choices: "Cat=cat, Dog=dog" or just "cat, dog".
export function formChoicesToText(value: unknown): string {
  if (!Array.isArray(value)) return "";
  return value
    .map((c: { label: string; value: string }) => (c.label === c.value ? c.value : `${c.label}=${c.value}`))
    .join(", ");
}

export function textToFormChoices(text: string): { label: string; value: string }[] {
  return textToList(text).map((item) => {
    const [label, value] = item.split("=").map((s) => s.trim());
    return { label, value: value || label };
  });
}
