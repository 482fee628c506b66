import { describe, expect, it } from "vitest";
import type { TaskView } from "../../types";
import { finalize, readTask, readValue } from "./model";
import { fitView, toImage, zoomAt } from "./view";

const task = (params: Record<string, unknown>): TaskView => ({
  task_id: "t",
  type: "imageannotation",
  params: { attachment: "/v1/files/x", ...params },
  instruction: null,
});

const street = task({
  geometries: {
    box: { objects_to_annotate: ["car", { choice: "person", subchoices: ["child"] }], min_width: 4, min_height: 4, integer_pixels: true },
    polygon: { objects_to_annotate: ["road"], max_vertices: 4 },
    line: { objects_to_annotate: ["lane"] },
    point: { objects_to_annotate: ["eye"] },
  },
  annotation_attributes: {
    occluded: { type: "category", choices: ["no", "yes"], required: true, labels: ["car"] },
    speed: { type: "number", min: 0, max: 200, labels: ["car"] },
    tags: { type: "category", choices: ["a", "b"], allow_multiple: true },
  },
});

const box = (extra: Record<string, unknown> = {}) => ({
  uuid: "b1", type: "box", label: "car", left: 10.4, top: 20.6, width: 30, height: 40, attributes: { occluded: "no" }, ...extra,
});

describe("image annotation params", () => {
  it("flattens nested labels per geometry and colours each label once", () => {
    const t = readTask(street);
    expect(t.kinds).toEqual(["box", "polygon", "line", "point"]);
    expect(t.labels.box?.map((l) => [l.value, l.depth])).toEqual([["car", 0], ["person", 0], ["child", 1]]);
    expect(new Set(t.colors.values()).size).toBe(t.colors.size);
  });

  it("starts from the pre-labels, as proposals, until the first edit", () => {
    const t = readTask(task({ geometries: { point: { objects_to_annotate: ["eye"] } }, hypothesis: { annotations: [{ type: "point", label: "eye", x: 1, y: 2 }] } }));
    expect(readValue(null, t)).toEqual([{ uuid: "hypothesis-0", type: "point", label: "eye", x: 1, y: 2, proposal: true }]);
    expect(readValue({ annotations: [] }, t)).toEqual([]);
  });
});

describe("finalize", () => {
  it("answers an empty list when nothing was drawn", () => {
    expect(finalize(street, null)).toEqual({ response: { annotations: [] } });
  });

  it("writes each geometry's own fields, whole pixels for boxes when asked", () => {
    const value = {
      annotations: [
        box({ attributes: { occluded: "no", speed: 30, tags: ["a"] } }),
        { uuid: "p1", type: "polygon", label: "road", vertices: [{ x: 0, y: 0 }, { x: 10.123, y: 0 }, { x: 0, y: 10 }] },
        { uuid: "l1", type: "line", label: "lane", vertices: [{ x: 1, y: 1 }, { x: 2, y: 2 }] },
        { uuid: "e1", type: "point", label: "eye", x: 5.555, y: 6 },
      ],
    };
    expect(finalize(street, value)).toEqual({
      response: {
        annotations: [
          { uuid: "b1", type: "box", label: "car", attributes: { occluded: "no", speed: 30, tags: ["a"] }, left: 10, top: 21, width: 30, height: 40 },
          { uuid: "p1", type: "polygon", label: "road", vertices: [{ x: 0, y: 0 }, { x: 10.12, y: 0 }, { x: 0, y: 10 }] },
          { uuid: "l1", type: "line", label: "lane", vertices: [{ x: 1, y: 1 }, { x: 2, y: 2 }] },
          { uuid: "e1", type: "point", label: "eye", x: 5.56, y: 6 },
        ],
      },
    });
  });

  it("says which object misses what", () => {
    const err = (v: unknown) => (finalize(street, { annotations: [v] }) as { error: string }).error;
    expect(err(box({ attributes: {} }))).toBe("object 1 (box “car”): attribute “occluded” is required");
    expect(err(box({ width: 3 }))).toBe("object 1 (box “car”): its width must be positive and at least 4 px");
    expect(err(box({ attributes: { occluded: "no", speed: 300 } }))).toMatch(/speed.*at most 200/);
    expect(err(box({ label: "road" }))).toMatch(/not a label for boxes/);
    const poly = (n: number) => ({ uuid: "p", type: "polygon", label: "road", vertices: Array.from({ length: n }, (_, i) => ({ x: i, y: i * i })) });
    expect(err(poly(2))).toMatch(/at least 3 vertices/);
    expect(err(poly(5))).toMatch(/at most 4 vertices/);
    expect(err({ uuid: "p", type: "polygon", label: "road", vertices: [{ x: 0, y: 0 }, { x: 1, y: 1 }, { x: 2, y: 2 }] })).toMatch(/zero area/);
  });

  it("drops attributes that do not apply to the object's label", () => {
    const r = finalize(street, { annotations: [box({ label: "person", attributes: { occluded: "no", tags: ["b"] } })] });
    expect(r).toEqual({ response: { annotations: [expect.objectContaining({ label: "person", attributes: { tags: ["b"] } })] } });
  });

  it("refuses pre-labels nobody accepted or rejected", () => {
    const t = task({ geometries: { point: { objects_to_annotate: ["eye"] } }, hypothesis: { annotations: [{ type: "point", label: "eye", x: 1, y: 2 }] } });
    expect(finalize(t, null)).toEqual({ error: "1 pre-label is still a proposal: accept it (A) or reject it (Delete)" });
    const accepted = { annotations: [{ uuid: "hypothesis-0", type: "point", label: "eye", x: 1, y: 2 }] };
    expect(finalize(t, accepted)).toEqual({ response: accepted });
  });
});

describe("view", () => {
  it("fits the image, centred, and zooms about the cursor", () => {
    const v = fitView({ w: 1000, h: 500 }, { w: 4000, h: 3000 });
    expect(v.scale).toBeCloseTo((500 / 3000) * 0.98);
    expect(v.x + 2000 * v.scale).toBeCloseTo(500);
    const before = toImage(v, 300, 200);
    const z = zoomAt(v, 2, 300, 200);
    expect(z.scale).toBeCloseTo(v.scale * 2);
    expect(toImage(z, 300, 200).x).toBeCloseTo(before.x);
    expect(toImage(z, 300, 200).y).toBeCloseTo(before.y);
  });
});
