/**
 * The property table at the API boundary: the create request's body, the bodies of the in-place
 * calls and the outputs read from PlanetScale's answers are all made here from the rows (their
 * `sent`, `applied` and `from`), so a row cannot be declared without reaching PlanetScale and
 * coming back. See {@link PropertyTable}.
 */
import { parseDuration } from "./duration";
import { same } from "./property-diff";
import {
  type CallBody,
  type CallsOf,
  type CreateBody,
  dropUndefined,
  type Encoding,
  echoedInputs,
  type FieldKeys,
  type PropertySpec,
  type PropertyTable,
  type ReportedSpec,
  type SourcedKeys,
} from "./property-table";
import { parseTimestamp } from "./timestamp";

type Props = Record<string, unknown>;

/**
 * The create request's body: each input the table sends in the body (`sent: { body }`), under its
 * field, encoded as the row says (`now` is when the request starts, for `seconds until`). Inputs
 * left out are left out.
 */
export function createBody<T extends PropertyTable, I extends object>(
  table: T,
  inputs: I,
  now: number,
): CreateBody<T, I> {
  const given = inputs as Props;
  const body: Props = {};
  for (const [key, spec] of Object.entries(table)) {
    const sent = spec.input?.sent;
    if (typeof sent !== "object" || !("body" in sent) || given[key] === undefined) continue;
    body[sent.body] = encode(given[key], sent.as, now);
  }
  return body as CreateBody<T, I>;
}

function encode(value: unknown, as: Encoding | undefined, now: number): unknown {
  if (as === undefined) return value;
  const ms =
    as === "seconds"
      ? typeof value === "number" || typeof value === "string"
        ? parseDuration(value)
        : undefined
      : typeof value === "string"
        ? subtract(parseTimestamp(value), now)
        : undefined;
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

function subtract(at: number | undefined, now: number): number | undefined {
  return at === undefined ? undefined : at - now;
}

/** One reported row's value in PlanetScale's object: its `read`, or its field; silence is `absent`, else null. */
function readRow(spec: ReportedSpec, object: object): unknown {
  const value =
    spec.read !== undefined
      ? (spec.read as (object: object) => unknown)(object)
      : (object as Props)[spec.from as string];
  return value ?? spec.absent ?? null;
}

function isFieldRow(spec: PropertySpec): spec is ReportedSpec & { from: string } {
  return spec.output === "reported" && typeof spec.from === "string";
}

/**
 * What PlanetScale's object reports, under the outputs' names: every reported row read from a field
 * (`from`), null where PlanetScale says nothing (or the row's `absent`).
 */
export function readFields<T extends PropertyTable>(table: T, object: object): Record<FieldKeys<T>, unknown> {
  const fields: Props = {};
  for (const [key, spec] of Object.entries(table)) if (isFieldRow(spec)) fields[key] = readRow(spec, object);
  return fields as Record<FieldKeys<T>, unknown>;
}

/**
 * A resource's outputs: the inputs as given (under their echo keys), then what PlanetScale reports
 * (`fields`, from {@link readFields}; where it says nothing, the input as given, else null), then
 * the outputs that come from other answers (`sourced`, by key; undefined ones are left out).
 */
export function outputsOf<T extends PropertyTable>(
  table: T,
  inputs: object,
  fields: Readonly<Record<FieldKeys<T>, unknown>>,
  sourced: Readonly<Record<SourcedKeys<T>, unknown>>,
): Props {
  const out = echoedInputs(table, inputs);
  for (const [key, spec] of Object.entries(table)) {
    if (spec.output !== "reported") continue;
    out[key] = isFieldRow(spec) ? ((fields as Props)[key] ?? out[key] ?? null) : (sourced as Props)[key];
  }
  return dropUndefined(out);
}

/** What an in-place call must change (see {@link inPlaceChange}). */
export interface InPlaceChange<B> {
  /** The wanted values of the inputs that differ, by property key. */
  values: Props;
  /** The call's body that applies them, by the rows' body fields. */
  body: B;
}

/**
 * What the in-place call `call` must change: the inputs it applies (`applied: { call }`) whose
 * wanted value (as given, else the row's `default`) differs from `current` (by property key: the
 * recorded outputs, or {@link readFields} of the live object), compared as `diff` compares them.
 * An input left out with no default, or one whose current value is unknown (null), is left
 * alone. Undefined when nothing differs.
 */
export function inPlaceChange<T extends PropertyTable, C extends CallsOf<T>, I extends object>(
  table: T,
  call: C,
  inputs: I,
  current: object,
): InPlaceChange<CallBody<T, C, I>> | undefined {
  const values: Props = {};
  const body: Props = {};
  for (const [key, spec] of Object.entries(table)) {
    const input = spec.input;
    if (input === undefined || input.change === "replace") continue;
    const applied = input.applied;
    if (typeof applied !== "object" || applied.call !== call) continue;
    const wanted = (inputs as Props)[key] ?? input.default;
    const now = (current as Props)[key];
    if (wanted === undefined || now === undefined || now === null) continue;
    if (same(input.compare ?? "value", wanted, now)) continue;
    values[key] = wanted;
    if (applied.body !== undefined) body[applied.body] = wanted;
  }
  return Object.keys(values).length === 0 ? undefined : { values, body: body as CallBody<T, C, I> };
}
