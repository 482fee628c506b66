import { describe, expect, it } from "vitest";
import type { TaskView } from "../types";
import { finalizeCategorization } from "./workspaces/Categorization";
import { finalizeComparison } from "./workspaces/Comparison";
import { finalizeNer, nerFromResponse } from "./workspaces/Ner";
import { finalizeTextCollection, textCollectionFromResponse } from "./workspaces/TextCollection";
import { uuid4 } from "./uuid";

const task = (type: string, params: Record<string, unknown>): TaskView => ({ task_id: "t", type, params, instruction: null });

describe("categorization", () => {
  const single = task("categorization", { attachment: "x", categories: ["cat", { choice: "dog", subchoices: ["puppy"] }] });
  const multi = task("categorization", { attachment: "x", categories: ["cat", "dog"], allow_multiple: true });
  const taxo = task("categorization", {
    attachment: "x",
    taxonomies: { color: { choices: ["red"] }, size: { choices: ["s", "m"], allow_multiple: true } },
  });

  it("needs a pick", () => {
    expect(finalizeCategorization(single, null)).toEqual({ error: "Pick a category" });
    expect(finalizeCategorization(multi, { category: [] })).toEqual({ error: "Pick at least one category" });
    expect(finalizeCategorization(taxo, { taxonomies: { color: ["red"] } })).toEqual({ error: "Answer “size”" });
  });

  it("answers in the server's shape", () => {
    expect(finalizeCategorization(single, { category: "puppy" })).toEqual({ response: { category: "puppy" } });
    expect(finalizeCategorization(multi, { category: ["dog", "cat"] })).toEqual({ response: { category: ["dog", "cat"] } });
    expect(finalizeCategorization(taxo, { taxonomies: { color: ["red"], size: ["m", "s"] } })).toEqual({
      response: { taxonomies: { color: ["red"], size: ["m", "s"] } },
    });
  });
});

describe("textcollection", () => {
  const t = task("textcollection", {
    fields: [
      { type: "category", field_id: "kind", title: "Kind", max_choices: 2, choices: [{ label: "Cat", value: "cat" }, { label: "Dog", value: "dog" }] },
      { type: "text", field_id: "name", title: "Name", max_characters: 3 },
      { type: "number", field_id: "age", title: "Age", min: 0, max: 30, required: false },
      { type: "datetime", field_id: "seen", title: "Seen", required: false },
    ],
  });

  it("reports every problem", () => {
    const r = finalizeTextCollection(t, { annotations: { name: "Toms", age: "x", seen: "May" } });
    expect(r).toEqual({
      error: "Kind: this field is required; Name: at most 3 characters; Age: enter a number; Seen: use a date like 2024-05-01 or 2024-05-01T10:30",
    });
  });

  it("counts characters as code points, like the server", () => {
    expect(finalizeTextCollection(t, { annotations: { kind: ["cat"], name: "😀😀😀" } })).toHaveProperty("response");
  });

  it("builds Scale's answer form and leaves unanswered optional fields out", () => {
    const r = finalizeTextCollection(t, { annotations: { kind: ["cat", "dog"], name: "Tom", age: " 3 ", seen: "" } });
    expect(r).toEqual({
      response: {
        annotations: {
          kind: { type: "category", field_id: "kind", response: [["cat", "dog"]] },
          name: { type: "text", field_id: "name", response: [["Tom"]] },
          age: { type: "number", field_id: "age", response: [[3]] },
        },
      },
    });
    // ...and reads it back.
    expect(textCollectionFromResponse(t, (r as { response: unknown }).response)).toEqual({
      annotations: { kind: ["cat", "dog"], name: "Tom", age: "3" },
    });
  });
});

describe("namedentityrecognition", () => {
  const t = task("namedentityrecognition", { text: "😀 Ada met Bob", labels: [{ name: "PER" }] });

  it("sorts spans, fills their text by code points and gives ids that do not collide", () => {
    const r = finalizeNer(t, {
      annotations: [
        { start: 10, end: 13, label: "PER" },
        { id: "span-1", start: 2, end: 5, label: "PER" },
      ],
    });
    expect(r).toEqual({
      response: {
        annotations: [
          { id: "span-1", start: 2, end: 5, label: "PER", text: "Ada" },
          { id: "span-1-1", start: 10, end: 13, label: "PER", text: "Bob" },
        ],
      },
    });
    expect(nerFromResponse(t, (r as { response: unknown }).response)?.annotations).toHaveLength(2);
  });
});

describe("comparison", () => {
  const pair = task("comparison", { attachments: ["a", "b"], mode: "pairwise", max_strength: 3 });
  const rank = task("comparison", { attachments: ["a", "b", "c"] });
  const rate = task("comparison", {
    attachments: ["a", "b"],
    rubric: [{ id: "ok", title: "OK", min: 0, max: 1 }],
    require_rationale: true,
  });

  it("pairwise: a preference with a strength, or a tie", () => {
    expect(finalizeComparison(pair, { preferred: 1 })).toEqual({ error: "Say how much better" });
    expect(finalizeComparison(pair, { preferred: 0, strength: 2, rationale: "  " })).toEqual({ response: { preferred: 0, strength: 2 } });
    expect(finalizeComparison(pair, { tie: true, rationale: "same" })).toEqual({ response: { tie: true, rationale: "same" } });
  });

  it("ranking: the order shown, derived mode", () => {
    expect(finalizeComparison(rank, null)).toEqual({ response: { ranking: [0, 1, 2] } });
    expect(finalizeComparison(rank, { ranking: [2, 0, 1] })).toEqual({ response: { ranking: [2, 0, 1] } });
  });

  it("rating: every criterion of every output, and the rationale when required", () => {
    expect(finalizeComparison(rate, { ratings: [{ ok: 1 }] })).toEqual({ error: "Rate “OK” for output B" });
    expect(finalizeComparison(rate, { ratings: [{ ok: 1 }, { ok: 0 }] })).toEqual({ error: "Write a rationale" });
    expect(finalizeComparison(rate, { ratings: [{ ok: 1 }, { ok: 0 }], rationale: "why" })).toEqual({
      response: { ratings: [{ ok: 1 }, { ok: 0 }], rationale: "why" },
    });
  });
});

describe("uuid4", () => {
  it("is a version 4 UUID, different each time", () => {
    const a = uuid4();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid4()).not.toEqual(a);
  });
});
