// The side panels: label picker, the selected object's attributes, and the objects list.

import { memo, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { icons } from "./icons";
import {
  attributesFor,
  describeObject,
  objectError,
  TYPE_NAMES,
  TYPE_PLURALS,
  type AttributeSpec,
  type AttrValue,
  type Geometry,
  type ImageTask,
  type ImgObject,
} from "./model";

export function Kbd({ k }: { k: string }) {
  return <kbd>{k}</kbd>;
}

export function LabelPicker(props: {
  t: ImageTask;
  geometry: Geometry | null;
  current: string | null;
  disabled: boolean;
  onPick(label: string): void;
}) {
  const { t, geometry, current, disabled, onPick } = props;
  if (!geometry) return null;
  const labels = t.labels[geometry] ?? [];
  return (
    <section className="imgws-panel" aria-label="Labels">
      <h3>
        Label <span className="muted">for {TYPE_PLURALS[geometry]}</span>
      </h3>
      <div className="imgws-labels" role="group" aria-label="Label">
        {labels.map((l, i) => (
          <button
            type="button"
            key={l.value}
            className="imgws-label"
            aria-pressed={l.value === current}
            disabled={disabled}
            title={l.description ?? undefined}
            style={{ paddingLeft: 8 + l.depth * 14 }}
            onClick={(e) => {
              onPick(l.value);
              e.currentTarget.blur();
            }}
          >
            <span className="imgws-swatch" style={{ background: t.colors.get(l.value) }} />
            <span className="imgws-label-name">{l.value}</span>
            {i < 9 && <Kbd k={String(i + 1)} />}
          </button>
        ))}
      </div>
    </section>
  );
}

function isEmpty(v: AttrValue | undefined): boolean {
  return v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
}

// Text and number fields keep a local draft and commit on blur or Enter (one undo step per edit).
function DraftInput(props: {
  name: string;
  spec: AttributeSpec;
  value: AttrValue | undefined;
  disabled: boolean;
  onCommit(v: AttrValue | undefined): void;
}) {
  const { name, spec, value, disabled, onCommit } = props;
  const shown = value === undefined ? "" : String(value);
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  const isNumber = spec.type === "number";
  function commit() {
    if (draft === shown) return;
    if (draft.trim() === "") return onCommit(undefined);
    if (isNumber) {
      const n = Number(draft);
      if (Number.isFinite(n)) onCommit(n);
      else setDraft(shown);
    } else onCommit(draft);
  }
  function onKey(e: ReactKeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter") {
      e.preventDefault();
      commit();
      e.currentTarget.blur();
    } else if (e.key === "Escape") {
      setDraft(shown);
      e.currentTarget.blur();
    }
  }
  return (
    <input
      aria-label={name}
      type={isNumber ? "number" : "text"}
      min={spec.min ?? undefined}
      max={spec.max ?? undefined}
      step="any"
      value={draft}
      disabled={disabled}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={onKey}
    />
  );
}

function AttributeField(props: {
  name: string;
  spec: AttributeSpec;
  value: AttrValue | undefined;
  disabled: boolean;
  onSet(v: AttrValue | undefined): void;
}) {
  const { name, spec, value, disabled, onSet } = props;
  const kind = spec.type ?? "category";
  const title = (
    <span className="imgws-attr-name">
      {name}
      {spec.required && <span className="imgws-req" title="required"> *</span>}
      {spec.description && <span className="muted"> — {spec.description}</span>}
    </span>
  );
  if (kind === "category" && spec.allow_multiple) {
    const picked = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
    return (
      <fieldset className="imgws-attr" disabled={disabled}>
        <legend>{title}</legend>
        {(spec.choices ?? []).map((c) => (
          <label key={c} className="imgws-check">
            <input
              type="checkbox"
              checked={picked.includes(c)}
              onChange={(e) => {
                const next = e.target.checked ? [...picked, c] : picked.filter((p) => p !== c);
                onSet(next.length ? next : undefined);
                e.currentTarget.blur();
              }}
            />
            {c}
          </label>
        ))}
      </fieldset>
    );
  }
  if (kind === "boolean") {
    return (
      <label className="imgws-attr imgws-check">
        <input
          type="checkbox"
          aria-label={name}
          checked={value === true}
          disabled={disabled}
          onChange={(e) => {
            onSet(e.target.checked);
            e.currentTarget.blur();
          }}
        />
        {title}
      </label>
    );
  }
  return (
    <div className="imgws-attr">
      <label>
        {title}
        {kind === "category" ? (
          <select
            aria-label={name}
            value={typeof value === "string" ? value : ""}
            disabled={disabled}
            onChange={(e) => {
              onSet(e.target.value === "" ? undefined : e.target.value);
              e.currentTarget.blur();
            }}
          >
            <option value="">—</option>
            {(spec.choices ?? []).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        ) : (
          <DraftInput name={name} spec={spec} value={value} disabled={disabled} onCommit={onSet} />
        )}
      </label>
    </div>
  );
}

const n0 = (v: number | undefined) => Math.round((v ?? 0) * 10) / 10;

// Where the object is, in image pixels (what the response will say).
function geometryText(o: ImgObject): string {
  if (o.type === "box") return `x ${n0(o.left)}, y ${n0(o.top)} · ${n0(o.width)} × ${n0(o.height)} px`;
  if (o.type === "point") return `x ${n0(o.x)}, y ${n0(o.y)}`;
  const n = o.vertices?.length ?? 0;
  return `${n} point${n === 1 ? "" : "s"}`;
}

export function ObjectPanel(props: {
  t: ImageTask;
  object: ImgObject | null;
  index: number;
  readOnly: boolean;
  locked: boolean;
  onLabel(label: string): void;
  onAttribute(name: string, v: AttrValue | undefined): void;
  onAccept(): void;
  onReject(): void;
}) {
  const { t, object: o, index, readOnly, locked, onLabel, onAttribute, onAccept, onReject } = props;
  if (!o) {
    return (
      <section className="imgws-panel" aria-label="Selected object">
        <h3>Selected object</h3>
        <p className="muted">Nothing selected. Click an object, or draw one.</p>
      </section>
    );
  }
  const attrs = attributesFor(t, o.label);
  const problem = objectError(t, o);
  const disabled = readOnly || locked;
  return (
    <section className="imgws-panel" aria-label="Selected object" data-testid="object-panel">
      <h3>
        Object {index + 1} <span className="muted">· {TYPE_NAMES[o.type]}</span>
      </h3>
      {o.proposal && (
        <div className="imgws-proposal">
          <span>Pre-label (proposal)</span>
          <button type="button" className="primary" disabled={readOnly} onClick={onAccept}>
            Accept <Kbd k="A" />
          </button>
          <button type="button" disabled={readOnly} onClick={onReject}>
            Reject <Kbd k="Del" />
          </button>
        </div>
      )}
      <div className="imgws-attr">
        <label>
          <span className="imgws-attr-name">label</span>
          <select aria-label="Object label" value={o.label} disabled={disabled} onChange={(e) => { onLabel(e.target.value); e.currentTarget.blur(); }}>
            {(t.labels[o.type] ?? []).map((l) => (
              <option key={l.value} value={l.value}>
                {"\u00a0".repeat(l.depth * 2)}
                {l.value}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="imgws-geometry muted" data-testid="object-geometry">
        {geometryText(o)}
      </p>
      {attrs.length > 0 && <h4>Attributes</h4>}
      {attrs.map(([name, spec]) => (
        <AttributeField
          key={`${o.uuid}:${name}`}
          name={name}
          spec={spec}
          value={o.attributes?.[name]}
          disabled={disabled}
          onSet={(v) => onAttribute(name, isEmpty(v) ? undefined : v)}
        />
      ))}
      {problem && (
        <p className="imgws-problem" role="status">
          {describeObject(o, index)}: {problem}
        </p>
      )}
    </section>
  );
}

const ROW_HEIGHT = 28; // px; .imgws-row's height in image.css
const OVERSCAN = 8;

// Only the rows in view (and a few around) are in the DOM: with hundreds of objects, laying out
// every row costs more than the canvas does.
function VirtualList(props: { count: number; selectedIndex: number; row(i: number): JSX.Element }) {
  const { count, selectedIndex, row } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(400);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || 400);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // The selected row scrolls into view (selected on the canvas, or with [ and ]).
  useEffect(() => {
    const el = ref.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selectedIndex]);
  const first = Math.max(0, Math.floor(scroll / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scroll + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) rows.push(row(i));
  return (
    <div ref={ref} className="imgws-list" onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
      <ol className="imgws-list-inner" data-testid="object-list" style={{ height: count * ROW_HEIGHT }}>
        {rows}
      </ol>
    </div>
  );
}

export function ObjectList(props: {
  t: ImageTask;
  objects: ImgObject[];
  selected: string | null;
  hidden: ReadonlySet<string>;
  locked: ReadonlySet<string>;
  readOnly: boolean;
  onSelect(uuid: string): void;
  onToggleHidden(uuid: string): void;
  onToggleLocked(uuid: string): void;
  onDelete(uuid: string): void;
  onAccept(uuid: string): void;
  onAcceptAll(): void;
}) {
  const { t, objects, selected, hidden, locked, readOnly } = props;
  const proposals = objects.filter((o) => o.proposal).length;
  return (
    <section className="imgws-panel imgws-objects" aria-label="Objects">
      <h3>
        Objects <span className="muted">({objects.length})</span>
      </h3>
      {proposals > 0 && (
        <div className="imgws-proposal">
          <span>
            {proposals} pre-label{proposals === 1 ? "" : "s"} to review
          </span>
          <button type="button" disabled={readOnly} onClick={props.onAcceptAll}>
            Accept all <Kbd k="Shift+A" />
          </button>
        </div>
      )}
      <p className="muted imgws-hints">
        <Kbd k="H" /> hide · <Kbd k="K" /> lock · <Kbd k="Del" /> delete · <Kbd k="[" /> <Kbd k="]" /> previous/next
      </p>
      <VirtualList
        count={objects.length}
        selectedIndex={selected ? objects.findIndex((o) => o.uuid === selected) : -1}
        row={(i) => {
          const o = objects[i];
          return (
            <ObjectRow
              key={o.uuid}
              t={t}
              o={o}
              index={i}
              selected={o.uuid === selected}
              hidden={hidden.has(o.uuid)}
              locked={locked.has(o.uuid)}
              readOnly={readOnly}
              onSelect={props.onSelect}
              onToggleHidden={props.onToggleHidden}
              onToggleLocked={props.onToggleLocked}
              onDelete={props.onDelete}
              onAccept={props.onAccept}
            />
          );
        }}
      />
      {objects.length === 0 && <p className="muted">No objects yet.</p>}
    </section>
  );
}

// One row; memoized so that an edit re-renders the rows it changed, not all of them.
const ObjectRow = memo(function ObjectRow(props: {
  t: ImageTask;
  o: ImgObject;
  index: number;
  selected: boolean;
  hidden: boolean;
  locked: boolean;
  readOnly: boolean;
  onSelect(uuid: string): void;
  onToggleHidden(uuid: string): void;
  onToggleLocked(uuid: string): void;
  onDelete(uuid: string): void;
  onAccept(uuid: string): void;
}) {
  const { t, o, index: i, selected, hidden, locked, readOnly, onSelect, onToggleHidden, onToggleLocked, onDelete, onAccept } = props;
  const bad = !o.proposal && objectError(t, o) !== null;
  return (
    <li
      className={`imgws-row${selected ? " selected" : ""}${o.proposal ? " proposal" : ""}`}
      style={{ top: i * ROW_HEIGHT }}
      data-testid="object-row"
      data-uuid={o.uuid}
    >
      <button
        type="button"
        className="imgws-row-main"
        aria-pressed={selected}
        onClick={(e) => {
          onSelect(o.uuid);
          e.currentTarget.blur();
        }}
      >
        <span className="imgws-swatch" style={{ background: t.colors.get(o.label) }} />
        <span>
          {i + 1}. {o.label}
        </span>
        <span className="muted">{TYPE_NAMES[o.type]}</span>
        {o.proposal && <span className="imgws-tag">proposal</span>}
        {bad && (
          <span className="imgws-tag bad" title="incomplete">
            !
          </span>
        )}
      </button>
      {o.proposal && (
        <button type="button" className="imgws-icon" disabled={readOnly} aria-label={`Accept object ${i + 1}`} title="Accept (A)" onClick={() => onAccept(o.uuid)}>
          {icons.check}
        </button>
      )}
      <button
        type="button"
        className="imgws-icon"
        aria-label={`${hidden ? "Show" : "Hide"} object ${i + 1}`}
        aria-pressed={hidden}
        title="Hide (H)"
        onClick={() => onToggleHidden(o.uuid)}
      >
        {hidden ? icons.eyeOff : icons.eye}
      </button>
      <button
        type="button"
        className="imgws-icon"
        aria-label={`${locked ? "Unlock" : "Lock"} object ${i + 1}`}
        aria-pressed={locked}
        title="Lock (K)"
        onClick={() => onToggleLocked(o.uuid)}
      >
        {locked ? icons.lock : icons.unlock}
      </button>
      <button
        type="button"
        className="imgws-icon"
        disabled={readOnly}
        aria-label={`${o.proposal ? "Reject" : "Delete"} object ${i + 1}`}
        title={o.proposal ? "Reject (Del)" : "Delete (Del)"}
        onClick={() => onDelete(o.uuid)}
      >
        {icons.trash}
      </button>
    </li>
  );
}, (a, b) =>
  a.t === b.t && a.index === b.index && a.selected === b.selected && a.hidden === b.hidden && a.locked === b.locked &&
  a.readOnly === b.readOnly && a.onSelect === b.onSelect && a.onToggleHidden === b.onToggleHidden &&
  a.onToggleLocked === b.onToggleLocked && a.onDelete === b.onDelete && a.onAccept === b.onAccept &&
  // A shell that copies the value (drafts, undo) gives new objects with the same content.
  (a.o === b.o || JSON.stringify(a.o) === JSON.stringify(b.o)),
);
