import { describe, expect, it } from "vitest";
import { diff } from "./diff";

describe("diff", () => {
  it("finds nothing between equal values", () => {
    expect(diff({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] })).toEqual([]);
    expect(diff(null, null)).toEqual([]);
    expect(diff(3, 3)).toEqual([]);
  });

  it("compares objects key by key: removed keys first, in order, then added keys", () => {
    expect(diff({ a: 1, b: 2, c: 3 }, { a: 1, c: 4, d: 5 })).toEqual([
      { path: "b", op: "remove", before: 2 },
      { path: "c", op: "replace", before: 3, after: 4 },
      { path: "d", op: "add", after: 5 },
    ]);
  });

  it("compares arrays index by index", () => {
    expect(diff([1, 2, 3], [1, 5])).toEqual([
      { path: "1", op: "replace", before: 2, after: 5 },
      { path: "2", op: "remove", before: 3 },
    ]);
    expect(diff([], ["x"])).toEqual([{ path: "0", op: "add", after: "x" }]);
  });

  it("joins nested paths with slashes", () => {
    const before = { annotations: [{ left: 1, top: 2 }, { label: "car" }] };
    const after = { annotations: [{ left: 3, top: 2 }, { label: "bus" }] };
    expect(diff(before, after)).toEqual([
      { path: "annotations/0/left", op: "replace", before: 1, after: 3 },
      { path: "annotations/1/label", op: "replace", before: "car", after: "bus" },
    ]);
  });

  it("replaces whole values whose kinds differ", () => {
    expect(diff({ a: [1] }, { a: { 0: 1 } })).toEqual([{ path: "a", op: "replace", before: [1], after: { 0: 1 } }]);
    expect(diff({ a: null }, { a: {} })).toEqual([{ path: "a", op: "replace", before: null, after: {} }]);
    expect(diff("dog", ["dog"])).toEqual([{ path: "", op: "replace", before: "dog", after: ["dog"] }]);
  });

  it("tells booleans from numbers, as JSON does", () => {
    expect(diff({ a: true }, { a: 1 })).toEqual([{ path: "a", op: "replace", before: true, after: 1 }]);
    expect(diff({ a: 1 }, { a: 1.0 })).toEqual([]);
  });

  it("matches the server on a category fix", () => {
    expect(diff({ category: ["cat"] }, { category: ["cat", "dog"] })).toEqual([
      { path: "category/1", op: "add", after: "dog" },
    ]);
  });
});
