import { describe, expect, it } from "vitest";
import {
  choicesToText,
  formChoicesToText,
  textToChoices,
  textToFormChoices,
  textToList,
  textToNerLabels,
} from "./choices";

describe("choice trees as indented lines", () => {
  it("nests by indentation and round-trips", () => {
    const text = "sign\n  stop sign\n    octagon\n  yield\ncar";
    const tree = textToChoices(text);
    expect(tree).toEqual([
      { choice: "sign", subchoices: [{ choice: "stop sign", subchoices: ["octagon"] }, "yield"] },
      "car",
    ]);
    expect(choicesToText(tree)).toBe(text);
  });

  it("ignores blank lines and trims", () => {
    expect(textToChoices("\n cat \n\ndog\n")).toEqual(["cat", "dog"]);
  });

  it("shows nothing for a value that is not a list", () => {
    expect(choicesToText(undefined)).toBe("");
  });
});

describe("comma lists", () => {
  it("splits, trims and drops empties", () => {
    expect(textToList(" a, b ,, c ")).toEqual(["a", "b", "c"]);
  });

  it("reads form choices as label=value or value", () => {
    const choices = textToFormChoices("Cat=cat, dog");
    expect(choices).toEqual([
      { label: "Cat", value: "cat" },
      { label: "dog", value: "dog" },
    ]);
    expect(formChoicesToText(choices)).toBe("Cat=cat, dog");
  });
});

describe("entity labels", () => {
  it("reads display names and keeps known descriptions", () => {
    const before = [{ name: "PER", description: "a person" }];
    expect(textToNerLabels("PER | Person\nLOC", before)).toEqual([
      { name: "PER", display_name: "Person", description: "a person" },
      { name: "LOC" },
    ]);
  });
});
