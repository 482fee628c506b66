// The objects on the canvas. One memoized component per object: selecting an object re-renders
// two shapes, an edit re-renders the shapes it changed, and nothing re-renders while the pointer
// moves. While an object is dragged or resized it is lifted into the (otherwise empty) drag
// layer, so each frame redraws that one shape, not the hundreds of others.

import type Konva from "konva";
import { memo, useCallback, useEffect, useMemo, useRef } from "react";
import { Circle, Group, Label, Line, Rect, Tag, Text, Transformer } from "react-konva";
import { bbox, TYPE_NAMES, type ImageTask, type ImgObject, type Vertex } from "./model";

export interface ShapeHandlers {
  select(uuid: string): void;
  moved(uuid: string, dx: number, dy: number): void;
  boxChanged(uuid: string, box: { left: number; top: number; width: number; height: number; rotation: number }): void;
  vertexMoved(uuid: string, index: number, v: Vertex): void;
  vertexDeleted(uuid: string, index: number): void;
}

interface Props {
  objects: ImgObject[];
  t: ImageTask;
  selected: string | null;
  hidden: ReadonlySet<string>;
  locked: ReadonlySet<string>;
  scale: number;
  editable: boolean;
  imageSize: { w: number; h: number };
  handlers: ShapeHandlers;
}

const NOOP = () => undefined;
const FILL_ALPHA = "26"; // ~15% opacity, so a click inside a box or polygon hits it

function flat(vs: Vertex[]): number[] {
  const out = new Array<number>(vs.length * 2);
  for (let i = 0; i < vs.length; i++) {
    out[2 * i] = vs[i].x;
    out[2 * i + 1] = vs[i].y;
  }
  return out;
}

function findNode(from: Konva.Node | null | undefined, uuid: string): Konva.Shape | undefined {
  return from?.getStage()?.findOne((n: Konva.Node) => n.getAttr("objId") === uuid) as Konva.Shape | undefined;
}

interface Gestures {
  lift(...nodes: Konva.Node[]): void;
  drop(): void;
}

interface ShapeProps {
  o: ImgObject;
  color: string;
  selected: boolean;
  draggable: boolean;
  px: number; // one screen pixel in image units (only points and dashes use it)
}

const ObjectShape = memo(function ObjectShape({ o, color, selected, draggable, px }: ShapeProps) {
  // Events (press, drag, resize) are handled once, on the group around all shapes (Shapes).
  const common = {
    objId: o.uuid,
    name: "obj",
    stroke: color,
    strokeWidth: selected ? 3 : 2,
    strokeScaleEnabled: false,
    perfectDrawEnabled: false,
    shadowForStrokeEnabled: false,
    dash: o.proposal ? [6 * px, 4 * px] : undefined,
    draggable,
    onDragEnd: NOOP, // handled on the node when a drag starts (see Shapes); this quiets react-konva
  };
  if (o.type === "box") {
    const w = o.width!;
    const h = o.height!;
    return (
      <Rect
        {...common}
        x={o.left! + w / 2}
        y={o.top! + h / 2}
        width={w}
        height={h}
        offsetX={w / 2}
        offsetY={h / 2}
        rotation={((o.rotation ?? 0) * 180) / Math.PI}
        fill={color + FILL_ALPHA}
      />
    );
  }
  if (o.type === "point") {
    return (
      <Circle
        {...common}
        x={o.x!}
        y={o.y!}
        radius={(selected ? 6 : 5) * px}
        fill={color}
        stroke={selected ? "#ffffff" : "#000000"}
        strokeWidth={selected ? 2 : 1}
        hitStrokeWidth={8}
      />
    );
  }
  const closed = o.type === "polygon";
  return (
    <Line
      {...common}
      points={flat(o.vertices ?? [])}
      closed={closed}
      fill={closed ? color + FILL_ALPHA : undefined}
      hitStrokeWidth={12}
      lineJoin="round"
    />
  );
}, sameShape);

// A shell that copies the value (drafts, undo) hands over equal objects that are not identical.
function sameShape(a: ShapeProps, b: ShapeProps): boolean {
  return (
    a.color === b.color && a.selected === b.selected && a.draggable === b.draggable && a.px === b.px &&
    (a.o === b.o || JSON.stringify(a.o) === JSON.stringify(b.o))
  );
}

// Keeps a dragged object's bounding box inside the image (positions are absolute: screen px).
function boundFor(o: ImgObject, imageW: number, imageH: number) {
  const b = bbox(o);
  const origin =
    o.type === "box" ? { x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 } : o.type === "point" ? { x: b.x0, y: b.y0 } : { x: 0, y: 0 };
  return function (this: Konva.Node, pos: Konva.Vector2d): Konva.Vector2d {
    const stage = this.getStage();
    if (!stage || !imageW || !imageH) return pos;
    const s = stage.scaleX();
    const dx = Math.min(Math.max((pos.x - stage.x()) / s - origin.x, -b.x0), imageW - b.x1);
    const dy = Math.min(Math.max((pos.y - stage.y()) / s - origin.y, -b.y0), imageH - b.y1);
    return { x: (origin.x + dx) * s + stage.x(), y: (origin.y + dy) * s + stage.y() };
  };
}

export const Shapes = memo(function Shapes(props: Props) {
  const { objects, t, selected, hidden, locked, scale, editable, imageSize, handlers } = props;
  const trRef = useRef<Konva.Transformer>(null);
  const labelRef = useRef<Konva.Label>(null);
  const lifted = useRef<{ node: Konva.Node; home: Konva.Container; index: number }[]>([]);
  const sel = objects.find((o) => o.uuid === selected && !hidden.has(o.uuid)) ?? null;
  const selEditable = !!sel && editable && !locked.has(sel.uuid);

  // Keep the transformer on the selected box (the node is found by its objId attribute).
  const pressed = useRef(false);
  const attach = useCallback(() => {
    const tr = trRef.current;
    // Not while the button is down on an object: an attached transformer joins the drag that
    // follows (Konva drags it along), and redraws the whole objects layer on every move.
    if (!tr || pressed.current || lifted.current.length) return;
    const node = sel && sel.type === "box" && selEditable ? findNode(tr, sel.uuid) : undefined;
    tr.nodes(node ? [node] : []);
    tr.getLayer()?.batchDraw();
  }, [sel, selEditable]);
  useEffect(attach, [attach]);
  const attachRef = useRef(attach);
  attachRef.current = attach;

  const byId = useMemo(() => new Map(objects.map((o) => [o.uuid, o])), [objects]);
  const byIdRef = useRef(byId);
  byIdRef.current = byId;
  const sizeRef = useRef(imageSize);
  sizeRef.current = imageSize;

  const g = useMemo<Gestures>(() => {
    // Moves nodes into the drag layer for the gesture; React's tree is untouched (the nodes are
    // put back, at their index, before the commit that ends the gesture re-renders them).
    const lift = (...nodes: Konva.Node[]) => {
      const drag = nodes[0]?.getStage()?.findOne<Konva.Layer>(".drag-layer");
      if (!drag) return;
      for (const node of nodes) {
        const home = node.getParent();
        if (!home || home === drag) continue;
        lifted.current.push({ node, home, index: node.zIndex() });
        node.moveTo(drag);
        home.getLayer()?.batchDraw();
      }
      labelRef.current?.visible(false);
    };
    const drop = () => {
      for (const { node, home, index } of lifted.current.reverse()) {
        node.moveTo(home);
        node.zIndex(Math.min(index, home.getChildren().length - 1));
        home.getLayer()?.batchDraw();
      }
      lifted.current = [];
      labelRef.current?.visible(true);
    };
    return { lift, drop };
  }, []);

  // One set of handlers for every object shape (events bubble to the group): cheaper to mount
  // and update than four listeners on each of hundreds of shapes.
  const objectOf = (e: Konva.KonvaEventObject<unknown>) => byIdRef.current.get(e.target.getAttr("objId"));
  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const o = objectOf(e);
    if (!o || e.evt.button !== 0) return;
    pressed.current = true;
    trRef.current?.nodes([]);
    window.addEventListener(
      "mouseup",
      () => {
        pressed.current = false;
        attachRef.current(); // after the drag's end (Konva's own mouseup listeners come first)
      },
      { once: true },
    );
    handlers.select(o.uuid);
  };
  const onDragStart = (e: Konva.KonvaEventObject<DragEvent>) => {
    const o = objectOf(e);
    if (!o) return;
    const node = e.target;
    node.dragBoundFunc(boundFor(o, sizeRef.current.w, sizeRef.current.h));
    g.lift(node);
    // Lifted out of the group, the node's dragend no longer bubbles here: listen on the node.
    node.on("dragend.gesture", (ev: Konva.KonvaEventObject<DragEvent>) => {
      node.off("dragend.gesture");
      onDragEnd(ev);
    });
  };
  const onDragEnd = (e: Konva.KonvaEventObject<DragEvent>) => {
    g.drop();
    const o = objectOf(e);
    if (!o) return;
    const n = e.target;
    let dx: number;
    let dy: number;
    if (o.type === "box") {
      dx = n.x() - (o.left! + o.width! / 2);
      dy = n.y() - (o.top! + o.height! / 2);
    } else if (o.type === "point") {
      dx = n.x() - o.x!;
      dy = n.y() - o.y!;
    } else {
      dx = n.x();
      dy = n.y();
      // The props keep x = y = 0 and absolute points: put the node back before the commit.
      n.position({ x: 0, y: 0 });
      (n as Konva.Line).points(flat((o.vertices ?? []).map((v) => ({ x: v.x + dx, y: v.y + dy }))));
    }
    // A drag that went nowhere is no edit (and no undo step).
    if (Math.abs(dx) > 1e-9 || Math.abs(dy) > 1e-9) handlers.moved(o.uuid, dx, dy);
  };
  const onTransformEnd = () => {
    g.drop();
    const n = trRef.current?.nodes()[0] as Konva.Rect | undefined;
    const o = n && byIdRef.current.get(n.getAttr("objId"));
    if (!n || !o) return;
    const nw = n.width() * n.scaleX();
    const nh = n.height() * n.scaleY();
    // Bake the scale into width/height so the node matches the props that follow.
    n.setAttrs({ scaleX: 1, scaleY: 1, width: nw, height: nh, offsetX: nw / 2, offsetY: nh / 2 });
    handlers.boxChanged(o.uuid, {
      left: n.x() - nw / 2,
      top: n.y() - nh / 2,
      width: nw,
      height: nh,
      rotation: (n.rotation() * Math.PI) / 180,
    });
  };

  const px = 1 / scale;
  const shapes = objects.map((o) =>
    hidden.has(o.uuid) ? null : (
      <ObjectShape
        key={o.uuid}
        o={o}
        color={t.colors.get(o.label) ?? "#ffffff"}
        selected={o.uuid === selected}
        draggable={editable && !locked.has(o.uuid)}
        px={o.type === "point" || o.proposal ? px : 1}
      />
    ),
  );

  let overlay = null;
  if (sel) {
    const color = t.colors.get(sel.label) ?? "#ffffff";
    const b = bbox(sel);
    const name = `${TYPE_NAMES[sel.type]} · ${sel.label}${sel.proposal ? " (proposal)" : ""}${locked.has(sel.uuid) ? " (locked)" : ""}`;
    overlay = (
      <>
        <Label ref={labelRef} x={b.x0} y={b.y0 - 22 * px} listening={false}>
          <Tag fill={color} />
          <Text text={name} fontSize={12 * px} padding={3 * px} fill="#111" perfectDrawEnabled={false} />
        </Label>
        {selEditable &&
          (sel.type === "polygon" || sel.type === "line") &&
          (sel.vertices ?? []).map((v, i) => (
            <Circle
              key={`${sel.uuid}:${i}`}
              x={v.x}
              y={v.y}
              radius={5 * px}
              fill="#ffffff"
              stroke={color}
              strokeWidth={2}
              strokeScaleEnabled={false}
              perfectDrawEnabled={false}
              hitStrokeWidth={6}
              draggable
              name="vertex"
              onMouseDown={(e) => {
                e.cancelBubble = true;
              }}
              onDragStart={(e) => {
                const line = findNode(e.target, sel.uuid);
                if (line) g.lift(line, e.target);
              }}
              onDragMove={(e) => {
                const line = findNode(e.target, sel.uuid) as Konva.Line | undefined;
                if (!line) return;
                const pts = line.points().slice();
                pts[2 * i] = e.target.x();
                pts[2 * i + 1] = e.target.y();
                line.points(pts);
              }}
              onDragEnd={(e) => {
                g.drop();
                handlers.vertexMoved(sel.uuid, i, { x: e.target.x(), y: e.target.y() });
              }}
              onDblClick={(e) => {
                e.cancelBubble = true;
                handlers.vertexDeleted(sel.uuid, i);
              }}
            />
          ))}
      </>
    );
  }

  const spec = sel?.type === "box" ? t.geometries.box : undefined;
  const minW = Math.max(spec?.min_width ?? 0, 1);
  const minH = Math.max(spec?.min_height ?? 0, 1);
  return (
    <>
      <Group onMouseDown={onMouseDown} onDragStart={onDragStart}>
        {shapes}
      </Group>
      {overlay}
      <Transformer
        ref={trRef}
        rotateEnabled={!!spec?.can_rotate}
        keepRatio={false}
        flipEnabled={false}
        ignoreStroke
        anchorSize={9}
        borderStroke="#ffffff"
        anchorStroke="#2f6fed"
        onTransformStart={() => {
          const tr = trRef.current;
          const node = tr?.nodes()[0];
          if (tr && node) g.lift(node, tr);
        }}
        onTransformEnd={onTransformEnd}
        boundBoxFunc={(oldBox, newBox) =>
          // Boxes in screen pixels here: refuse a resize below the task's minimum size.
          Math.abs(newBox.width) < minW * scale || Math.abs(newBox.height) < minH * scale ? oldBox : newBox
        }
      />
    </>
  );
});
