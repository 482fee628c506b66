// The type-specific part of the project form: labels, choices, attributes, form fields,
// rubric. Each editor reads the params object and changes keys through `set`; keys it does not
// know stay untouched (the JSON editor can change everything).

import { useState } from "react";
import {
  choicesToText,
  formChoicesToText,
  listToText,
  nerLabelsToText,
  textToChoices,
  textToFormChoices,
  textToList,
  textToNerLabels,
} from "./choices";

type Params = Record<string, unknown>;
export interface EditorProps {
  params: Params;
  set(key: string, value: unknown): void; // undefined removes the key
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const numOrUndef = (s: string): number | undefined => (s.trim() === "" ? undefined : Number(s));

// Drops undefined values so the server never sees keys the user left empty.
function clean(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ""));
}

// A textarea whose text is parsed on every change; the text itself stays as typed.
function TextField({
  label,
  hint,
  initial,
  parse,
  rows = 4,
  placeholder,
}: {
  label: string;
  hint?: string;
  initial: string;
  parse(text: string): void;
  rows?: number;
  placeholder?: string;
}) {
  const [text, setText] = useState(initial);
  return (
    <label>
      {label}
      {hint && <span className="muted ops-hint">{hint}</span>}
      <textarea
        rows={rows}
        value={text}
        placeholder={placeholder}
        onChange={(e) => {
          setText(e.target.value);
          parse(e.target.value);
        }}
      />
    </label>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange(v: boolean): void }) {
  return (
    <label className="ops-check">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

function Select({
  label,
  value,
  options,
  onChange,
  blank,
}: {
  label: string;
  value: string;
  options: readonly string[];
  onChange(v: string): void;
  blank?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {blank !== undefined && <option value="">{blank}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

const CHOICE_HINT = "One a line; indent two spaces for a subchoice.";

function Categorization({ params, set }: EditorProps) {
  return (
    <div className="ops-grid">
      <Select
        label="Attachment type"
        value={str(params.attachment_type)}
        options={["image", "text", "website", "video", "pdf", "audio"]}
        blank="(per task; default image)"
        onChange={(v) => set("attachment_type", v || undefined)}
      />
      <TextField
        label="Categories"
        hint={CHOICE_HINT}
        initial={choicesToText(params.categories)}
        parse={(t) => {
          const c = textToChoices(t);
          set("categories", c.length ? c : undefined);
        }}
      />
      <Check
        label="Allow several categories"
        checked={params.allow_multiple === true}
        onChange={(v) => set("allow_multiple", v || undefined)}
      />
    </div>
  );
}

const GEOMETRIES = [
  ["box", "Boxes"],
  ["polygon", "Polygons"],
  ["line", "Lines"],
  ["point", "Points"],
] as const;
const ATTRIBUTE_TYPES = ["category", "number", "text", "boolean"] as const;

function ImageAnnotation({ params, set }: EditorProps) {
  const geometries = asObj(params.geometries);
  const setGeometry = (g: string, spec: Obj | undefined) => {
    const next = { ...geometries };
    if (spec) next[g] = spec;
    else delete next[g];
    set("geometries", Object.keys(next).length ? next : undefined);
  };
  const attrs = Object.entries(asObj(params.annotation_attributes)).map(([k, v]): [string, Obj] => [k, asObj(v)]);
  // Rows are keyed by position; a removal renumbers them, so their inputs start afresh.
  const [gen, setGen] = useState(0);
  const setAttrs = (rows: [string, Obj][]) =>
    set("annotation_attributes", rows.length ? Object.fromEntries(rows) : undefined);
  return (
    <div className="ops-grid">
      <fieldset>
        <legend>Geometries and their labels</legend>
        {GEOMETRIES.map(([g, title]) => {
          const spec = geometries[g] ? asObj(geometries[g]) : null;
          return (
            <div key={g} className="ops-geometry">
              <Check
                label={title}
                checked={spec !== null}
                onChange={(on) => setGeometry(g, on ? { objects_to_annotate: [] } : undefined)}
              />
              {spec && (
                <TextField
                  label={`${title}: labels`}
                  hint={CHOICE_HINT}
                  rows={3}
                  initial={choicesToText(spec.objects_to_annotate)}
                  parse={(t) => setGeometry(g, { ...spec, objects_to_annotate: textToChoices(t) })}
                />
              )}
            </div>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>Attributes asked about each object</legend>
        {attrs.length === 0 && <p className="muted">No attributes.</p>}
        {attrs.map(([name, spec], i) => {
          const update = (nextName: string, nextSpec: Obj) =>
            setAttrs(attrs.map((row, j) => (j === i ? [nextName, clean(nextSpec)] : row)));
          const type = str(spec.type) || "category";
          return (
            <div key={`${gen}-${i}`} className="ops-row">
              <label>
                Name
                <input
                  aria-label={`Attribute ${i + 1} name`}
                  value={name}
                  onChange={(e) => update(e.target.value, spec)}
                />
              </label>
              <label>
                Type
                <select
                  aria-label={`Attribute ${i + 1} type`}
                  value={type}
                  onChange={(e) =>
                    update(name, {
                      ...spec,
                      type: e.target.value,
                      choices: e.target.value === "category" ? spec.choices : undefined,
                    })
                  }
                >
                  {ATTRIBUTE_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              {type === "category" && (
                <label>
                  Choices
                  <input
                    aria-label={`Attribute ${i + 1} choices`}
                    placeholder="no, partly, mostly"
                    defaultValue={listToText(spec.choices)}
                    onChange={(e) => update(name, { ...spec, choices: textToList(e.target.value) })}
                  />
                </label>
              )}
              <label>
                Only for labels
                <input
                  aria-label={`Attribute ${i + 1} labels`}
                  placeholder="all labels"
                  defaultValue={listToText(spec.labels)}
                  onChange={(e) => {
                    const labels = textToList(e.target.value);
                    update(name, { ...spec, labels: labels.length ? labels : undefined });
                  }}
                />
              </label>
              <Check
                label="Required"
                checked={spec.required === true}
                onChange={(v) => update(name, { ...spec, required: v || undefined })}
              />
              <button
                type="button"
                className="danger"
                aria-label={`Remove attribute ${i + 1}`}
                onClick={() => {
                  setGen((g) => g + 1);
                  setAttrs(attrs.filter((_, j) => j !== i));
                }}
              >
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => setAttrs([...attrs, [`attribute_${attrs.length + 1}`, { type: "category", choices: [] }]])}>
          Add attribute
        </button>
      </fieldset>
    </div>
  );
}

const FIELD_TYPES = ["text", "category", "number", "datetime"] as const;

function TextCollection({ params, set }: EditorProps) {
  const fields = asList(params.fields);
  const setFields = (rows: Obj[]) => set("fields", rows.length ? rows : undefined);
  const [gen, setGen] = useState(0);
  return (
    <div className="ops-grid">
      <label>
        Form title
        <input value={str(params.title)} onChange={(e) => set("title", e.target.value || undefined)} />
      </label>
      <label>
        Responses required
        <input
          type="number"
          min={1}
          max={20}
          value={str(params.responses_required)}
          placeholder="1"
          onChange={(e) => set("responses_required", numOrUndef(e.target.value))}
        />
      </label>
      <fieldset>
        <legend>Form fields</legend>
        {fields.length === 0 && <p className="muted">No fields yet.</p>}
        {fields.map((f, i) => {
          const update = (next: Obj) => setFields(fields.map((row, j) => (j === i ? clean(next) : row)));
          const type = str(f.type) || "text";
          return (
            <div key={`${gen}-${i}`} className="ops-row">
              <label>
                Field id
                <input aria-label={`Field ${i + 1} id`} value={str(f.field_id)} onChange={(e) => update({ ...f, field_id: e.target.value })} />
              </label>
              <label>
                Title
                <input aria-label={`Field ${i + 1} title`} value={str(f.title)} onChange={(e) => update({ ...f, title: e.target.value })} />
              </label>
              <label>
                Type
                <select
                  aria-label={`Field ${i + 1} type`}
                  value={type}
                  onChange={(e) =>
                    update({ ...f, type: e.target.value, choices: e.target.value === "category" ? f.choices ?? [] : undefined })
                  }
                >
                  {FIELD_TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </label>
              {type === "category" && (
                <label>
                  Choices
                  <input
                    aria-label={`Field ${i + 1} choices`}
                    placeholder="Cat=cat, Dog=dog"
                    defaultValue={formChoicesToText(f.choices)}
                    onChange={(e) => update({ ...f, choices: textToFormChoices(e.target.value) })}
                  />
                </label>
              )}
              <Check
                label="Required"
                checked={f.required !== false}
                onChange={(v) => update({ ...f, required: v ? undefined : false })}
              />
              <button type="button" className="danger" aria-label={`Remove field ${i + 1}`} onClick={() => {
                  setGen((g) => g + 1);
                  setFields(fields.filter((_, j) => j !== i));
                }}>
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" onClick={() => setFields([...fields, { type: "text", field_id: `field_${fields.length + 1}`, title: "" }])}>
          Add field
        </button>
      </fieldset>
    </div>
  );
}

function NamedEntities({ params, set }: EditorProps) {
  return (
    <div className="ops-grid">
      <TextField
        label="Entity labels"
        hint='One a line: "PER" or "PER | Person".'
        initial={nerLabelsToText(params.labels)}
        parse={(t) => {
          const labels = textToNerLabels(t, params.labels);
          set("labels", labels.length ? labels : undefined);
        }}
      />
      <Check
        label="Spans may overlap"
        checked={params.allow_overlap !== false}
        onChange={(v) => set("allow_overlap", v ? undefined : false)}
      />
    </div>
  );
}

const MODES = ["pairwise", "ranking", "rating", "choice"] as const;

function Comparison({ params, set }: EditorProps) {
  const mode = str(params.mode);
  const rubric = asList(params.rubric);
  const setRubric = (rows: Obj[]) => set("rubric", rows.length ? rows : undefined);
  return (
    <div className="ops-grid">
      <Select
        label="Mode"
        value={mode}
        options={MODES}
        blank="(derived per task)"
        onChange={(v) => set("mode", v || undefined)}
      />
      <Select
        label="Attachment type"
        value={str(params.attachment_type)}
        options={["text", "image", "website", "audio", "video"]}
        blank="(default text)"
        onChange={(v) => set("attachment_type", v || undefined)}
      />
      {(mode === "choice" || params.choices !== undefined) && (
        <label>
          Choices
          <input
            placeholder="A is better, B is better, Same"
            defaultValue={listToText(params.choices)}
            onChange={(e) => {
              const c = textToList(e.target.value);
              set("choices", c.length ? c : undefined);
            }}
          />
        </label>
      )}
      {(mode === "pairwise" || mode === "") && (
        <label>
          Largest strength
          <input
            type="number"
            min={1}
            max={10}
            placeholder="3"
            value={str(params.max_strength)}
            onChange={(e) => set("max_strength", numOrUndef(e.target.value))}
          />
        </label>
      )}
      <Check
        label="Require a rationale"
        checked={params.require_rationale === true}
        onChange={(v) => set("require_rationale", v || undefined)}
      />
      {(mode === "rating" || rubric.length > 0) && (
        <fieldset>
          <legend>Rubric</legend>
          {rubric.map((r, i) => {
            const update = (next: Obj) => setRubric(rubric.map((row, j) => (j === i ? clean(next) : row)));
            return (
              <div key={i} className="ops-row">
                <label>
                  Id
                  <input aria-label={`Criterion ${i + 1} id`} value={str(r.id)} onChange={(e) => update({ ...r, id: e.target.value })} />
                </label>
                <label>
                  Title
                  <input aria-label={`Criterion ${i + 1} title`} value={str(r.title)} onChange={(e) => update({ ...r, title: e.target.value })} />
                </label>
                <label>
                  Min
                  <input aria-label={`Criterion ${i + 1} min`} type="number" value={str(r.min)} placeholder="1" onChange={(e) => update({ ...r, min: numOrUndef(e.target.value) })} />
                </label>
                <label>
                  Max
                  <input aria-label={`Criterion ${i + 1} max`} type="number" value={str(r.max)} placeholder="5" onChange={(e) => update({ ...r, max: numOrUndef(e.target.value) })} />
                </label>
                <button type="button" className="danger" aria-label={`Remove criterion ${i + 1}`} onClick={() => setRubric(rubric.filter((_, j) => j !== i))}>
                  Remove
                </button>
              </div>
            );
          })}
          <button type="button" onClick={() => setRubric([...rubric, { id: `c${rubric.length + 1}`, title: "" }])}>
            Add criterion
          </button>
        </fieldset>
      )}
    </div>
  );
}

export const EDITORS: Record<string, (p: EditorProps) => JSX.Element> = {
  categorization: Categorization,
  imageannotation: ImageAnnotation,
  textcollection: TextCollection,
  namedentityrecognition: NamedEntities,
  comparison: Comparison,
};
