import { describe, expect, it } from "vitest";
import type { QualitySettings } from "../types";
import {
  accTitle,
  errorsByField,
  fmtAcc,
  fmtN,
  methodName,
  nuanceLabel,
  paramsSummary,
  paramsTemplate,
  parseObject,
  passShare,
  pct,
  qualificationText,
  responseSummary,
  settingsChanges,
  settingsDraft,
  shade,
  sortNuances,
  trainingTitle,
} from "./quality";

const SETTINGS: QualitySettings = {
  gold_rate: 0.1,
  pass_score: 0.8,
  pause_below: 0.7,
  pause_min_gold: 10,
  qualification_tasks: 0,
  qualification_pass: 0.8,
  weak_below: 0.75,
  weak_min_evidence: 5,
  training_every: 5,
  hard_min_accuracy: null,
};

describe("accuracy formatting", () => {
  it("rounds to whole percents and shows nothing as a dash", () => {
    expect(pct(0.914)).toBe("91%");
    expect(pct(0.915)).toBe("92%");
    expect(pct(1)).toBe("100%");
    expect(pct(0.7125, 1)).toBe("71.3%");
    expect(pct(null)).toBe("—");
    expect(pct(undefined)).toBe("—");
    expect(pct(Number.NaN)).toBe("—");
  });

  it("writes evidence whole or with one decimal", () => {
    expect(fmtN(23)).toBe("23");
    expect(fmtN(4.25)).toBe("4.3");
    expect(fmtN(2.96)).toBe("3");
  });

  it("writes an Acc as mean, interval and evidence", () => {
    expect(fmtAcc({ mean: 0.91, low: 0.83, high: 0.96, n: 23 })).toBe("91% (83–96%, n 23)");
    expect(fmtAcc(null)).toBe("—");
    expect(accTitle("cat (label)", { mean: 0.5, low: 0.2, high: 0.8, n: 2.5 }, true)).toBe(
      "cat (label): 50% · 90% interval 20–80% · evidence n = 2.5 · weak: below the weak threshold",
    );
    expect(accTitle("overall", undefined)).toBe("overall: no evidence yet");
  });
});

describe("nuance names", () => {
  it("reads kind:name as name (kind)", () => {
    expect(nuanceLabel("*")).toBe("overall");
    expect(nuanceLabel("label:cat")).toBe("cat (label)");
    expect(nuanceLabel("field:age")).toBe("age (field)");
    expect(nuanceLabel("attribute:occluded")).toBe("occluded (attribute)");
    // Only the first colon separates: names may have their own.
    expect(nuanceLabel("taxonomy:a:b")).toBe("a:b (taxonomy)");
    expect(nuanceLabel("plain")).toBe("plain");
    expect(nuanceLabel("unknown:x")).toBe("unknown:x");
  });

  it("sorts overall first and drops duplicates", () => {
    expect(sortNuances(["label:dog", "*", "label:cat", "label:dog"])).toEqual(["*", "label:cat", "label:dog"]);
  });
});

describe("shading", () => {
  it("goes from red at 50% and below to green at 100%", () => {
    expect(shade(1)).toBe("hsl(120, 70%, 86%)");
    expect(shade(0.75)).toBe("hsl(60, 70%, 86%)");
    expect(shade(0.5)).toBe("hsl(0, 70%, 86%)");
    expect(shade(0.1)).toBe("hsl(0, 70%, 86%)");
    expect(shade(1.2)).toBe("hsl(120, 70%, 86%)");
  });

  it("is monotone in the mean", () => {
    const hue = (m: number) => Number(/hsl\((\d+)/.exec(shade(m))![1]);
    for (let m = 0.5; m < 1; m += 0.05) expect(hue(m + 0.05)).toBeGreaterThanOrEqual(hue(m));
  });
});

describe("words", () => {
  it("names agreement methods", () => {
    expect(methodName("krippendorff_alpha")).toBe("Krippendorff's alpha");
    expect(methodName("mean_pairwise")).toBe("Mean pairwise agreement");
    expect(methodName("cohen_kappa")).toBe("cohen kappa");
  });

  it("spells out qualification progress", () => {
    const q = { required: 5, answered: 2, correct: 1, pass: 0.8 };
    expect(qualificationText(q)).toBe("Qualification: 2 of 5 answered");
    expect(passShare(q)).toBe(0.5);
    expect(passShare({ ...q, answered: 0, correct: 0 })).toBeNull();
  });
});

describe("summaries", () => {
  it("summarizes params in one line by type", () => {
    expect(paramsSummary("categorization", { attachment: "https://x/a.png", categories: ["a"] })).toBe("https://x/a.png");
    expect(paramsSummary("namedentityrecognition", { text: "Ada   Lovelace\nmet Babbage" })).toBe("Ada Lovelace met Babbage");
    expect(paramsSummary("textcollection", { attachments: [{ type: "text", content: "Tom" }], fields: [] })).toBe("Tom");
    expect(paramsSummary("comparison", { prompt: "Which is kinder?", attachments: ["a", "b"] })).toBe("Which is kinder?");
    expect(paramsSummary("categorization", { attachment: "x".repeat(100) }, 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("summarizes responses by type", () => {
    expect(responseSummary("categorization", { category: "cat" })).toBe("cat");
    expect(responseSummary("categorization", { category: ["cat", "dog"] })).toBe("cat, dog");
    expect(responseSummary("categorization", { taxonomies: { color: ["red"], size: ["s", "m"] } })).toBe(
      "color: red; size: s, m",
    );
    const box = (label: string) => ({ type: "box", label, left: 0, top: 0, width: 1, height: 1 });
    expect(responseSummary("imageannotation", { annotations: [box("car"), box("car"), box("bus")] })).toBe(
      "3 objects: car ×2, bus",
    );
    expect(responseSummary("imageannotation", { annotations: [] })).toBe("0 objects");
    expect(responseSummary("namedentityrecognition", { annotations: [{ start: 0, end: 3, label: "PER" }] })).toBe("1 span: PER");
    expect(
      responseSummary("textcollection", {
        annotations: { kind: { type: "category", field_id: "kind", response: [["cat", "dog"]] } },
      }),
    ).toBe("kind: cat, dog");
    expect(responseSummary("comparison", { preferred: 1, strength: 2 })).toBe("output 2 preferred (strength 2)");
    expect(responseSummary("comparison", { ranking: [2, 0, 1] })).toBe("ranking 3 > 1 > 2");
    expect(responseSummary("comparison", { tie: true })).toBe("tie");
    expect(responseSummary("categorization", null)).toBe("—");
  });

  it("starts a gold task's params from the project's, without project-only keys", () => {
    expect(paramsTemplate("categorization", { categories: ["cat"], instruction: "x", examples: [] })).toEqual({
      categories: ["cat"],
      attachment: "",
    });
    expect(paramsTemplate("categorization", { attachment: "kept" })).toEqual({ attachment: "kept" });
    expect(paramsTemplate("namedentityrecognition", null)).toEqual({ text: "" });
  });
});

describe("the settings form", () => {
  it("sends only what changed, an emptied optional field as null", () => {
    const draft = settingsDraft({ ...SETTINGS, hard_min_accuracy: 0.9 });
    expect(draft.gold_rate).toBe("0.1");
    expect(draft.hard_min_accuracy).toBe("0.9");
    draft.gold_rate = "0.2";
    draft.hard_min_accuracy = "";
    expect(settingsChanges(draft, { ...SETTINGS, hard_min_accuracy: 0.9 })).toEqual({
      changes: { gold_rate: 0.2, hard_min_accuracy: null },
    });
    expect(settingsChanges(settingsDraft(SETTINGS), SETTINGS)).toEqual({ changes: {} });
  });

  it("refuses an empty required field and text that is no number", () => {
    const draft = settingsDraft(SETTINGS);
    draft.pass_score = "";
    draft.training_every = "often";
    expect(settingsChanges(draft, SETTINGS)).toEqual({
      errors: { pass_score: "a number is needed", training_every: "not a number" },
    });
  });

  it("maps a 400's details to fields", () => {
    const details = [
      { field: "quality.gold_rate", message: "must be at most 0.5" },
      { field: "gold_rate", message: "again" },
      { field: "quality.other", message: "ignored" },
      "junk",
    ];
    expect(errorsByField(details, ["gold_rate", "pass_score"])).toEqual({ gold_rate: "must be at most 0.5; again" });
    expect(errorsByField(null, ["gold_rate"])).toEqual({});
    // No details: the message's "field: message" parts.
    expect(errorsByField([], ["gold_rate", "pass_score"], "quality.pass_score: must be at most 1; other: x")).toEqual({
      pass_score: "must be at most 1",
    });
    expect(errorsByField(null, ["gold_rate"], "something broke")).toEqual({});
  });

  it("parses JSON objects only", () => {
    expect(parseObject('{"a": 1}', "Params")).toEqual({ value: { a: 1 } });
    expect(parseObject("[1]", "Params")).toEqual({ error: "Params must be a JSON object" });
    expect("error" in parseObject("{", "Params")).toBe(true);
  });
});

describe("trainingTitle", () => {
  it("lists each nuance's training results in order", () => {
    const t = { answered: 3, correct: 2, by_nuance: { "label:dog": { answered: 1, correct: 0 }, "label:cat": { answered: 2, correct: 2 } } };
    expect(trainingTitle(t)).toBe("Training tasks by nuance\ncat (label): 2 of 2 right\ndog (label): 0 of 1 right");
    expect(trainingTitle({ answered: 0, correct: 0, by_nuance: {} })).toBe("No training tasks answered");
  });
});
