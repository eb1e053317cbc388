/**
 * A resource's property table: every input and output of one resource, declared once. It drives
 * the provider's `diff` (see `./property-diff`), the echo of inputs into outputs and back after a
 * refresh, the outputs the resource class exposes and keeps secret, and the README's reference
 * tables (rendered by `./property-readme`, tied to the README by `test/provider/property-tables.test.ts`).
 *
 * This module holds types and plain data only, no zod and no client: the resource classes load it
 * in every Pulumi program.
 */

/** How `diff` compares a new input with the recorded one (see `./property-diff`). */
export type Comparison =
  /** Equal values (null and undefined alike). */
  | "value"
  /** The same elements in any order, duplicates ignored. */
  | "set"
  /** The same length of time (`90` and `"90s"` alike). */
  | "duration"
  /** Equal JSON (lists in order). */
  | "json"
  /** The same instant (ISO 8601 timestamps in any spelling). */
  | "instant"
  /** The same PlanetScale cluster size (`PS_10` and `PS-10` alike). */
  | "cluster size";

/** What a property is as an input: what changing it does and how it is compared. */
export interface InputSpec {
  /**
   * `replace`: a change needs a new object. `update`: changed in place. `custom`: the resource's
   * own `diff` decides (the README's "on change" says how).
   */
  readonly change: "replace" | "update" | "custom";
  /** The program must set it. */
  readonly required?: true;
  /** PlanetScale fills it in when the program leaves it out: only compared when the program sets it. */
  readonly serverDefaulted?: true;
  /** The value that leaving it out means; the provider enforces it (removing it restores it). */
  readonly default?: boolean;
  /** How `diff` compares it. Default: `value`. */
  readonly compare?: Comparison;
  /** The output key that records the input as given, when that is not its own key. */
  readonly echoKey?: string;
}

/**
 * What a property is as an output:
 * - `echo`: the input as given, exposed on the resource;
 * - `reported`: what PlanetScale reports (for an input: possibly differing from what was given);
 * - `state`: the input as given, kept in the state for `diff` only, not declared on the resource.
 */
export type OutputKind = "echo" | "reported" | "state";

/** One property of a resource. */
export interface PropertySpec {
  /** Present when the program can set it. */
  readonly input?: InputSpec;
  /** How it appears in the outputs. */
  readonly output: OutputKind;
  /** A Pulumi secret output, whatever the caller passed (`additionalSecretOutputs`). */
  readonly secret?: true;
  /** What it is, for the README (Markdown). */
  readonly doc: string;
  /** For the README: what leaving the input out means (Markdown). */
  readonly defaultDoc?: string;
  /** For the README: what changing the input does, when more than "replace" / "in place" (Markdown). */
  readonly changeDoc?: string;
}

/** A resource's properties, in the order the README lists them. */
export type PropertyTable = Readonly<Record<string, PropertySpec>>;

/** Keys of the properties that are inputs. */
export type InputKeys<T extends PropertyTable> = {
  [K in keyof T]: T[K] extends { input: InputSpec } ? K : never;
}[keyof T] &
  string;

/** Keys of the outputs a resource class declares (everything but `state`). */
export type ExposedKeys<T extends PropertyTable> = {
  [K in keyof T]: T[K]["output"] extends "state" ? never : K;
}[keyof T] &
  string;

/** Keys of the properties that are inputs. */
export function inputKeys<T extends PropertyTable>(table: T): InputKeys<T>[] {
  return Object.keys(table).filter((key) => table[key]?.input !== undefined) as InputKeys<T>[];
}

/** Keys of the secret outputs, for `additionalSecretOutputs`. */
export function secretKeys(table: PropertyTable): string[] {
  return Object.keys(table).filter((key) => table[key]?.secret === true);
}

/**
 * The exposed outputs the program did not set, as undefined: a dynamic resource only exposes the
 * outputs whose keys it was constructed with.
 */
export function declaredOutputs(table: PropertyTable, args: object): Record<string, undefined> {
  return Object.fromEntries(
    Object.keys(table)
      .filter((key) => table[key]?.output !== "state" && !(key in args))
      .map((key) => [key, undefined]),
  );
}

/** The resource options with the table's secret outputs added, whatever the caller passed. */
export function withSecretOutputs<O extends { additionalSecretOutputs?: string[] }>(
  table: PropertyTable,
  opts: O | undefined,
): O {
  const secrets = new Set([...(opts?.additionalSecretOutputs ?? []), ...secretKeys(table)]);
  return { ...opts, additionalSecretOutputs: [...secrets] } as O;
}

/**
 * The inputs as given, under their output keys: the start of a resource's outputs, on which it
 * sets what PlanetScale reports (for a `reported` input, the value given is the fallback).
 */
export function echoedInputs(table: PropertyTable, inputs: object): Record<string, unknown> {
  const given = inputs as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.input !== undefined && given[key] !== undefined) out[spec.input.echoKey ?? key] = given[key];
  }
  return out;
}

/**
 * The inputs as they stand after a refresh, taken from the outputs (where a `reported` input holds
 * what PlanetScale has now). With `previous` (the inputs before), an input PlanetScale defaults
 * stays unset when the program never set it.
 */
export function inputsFromOutputs(
  table: PropertyTable,
  outputs: Record<string, unknown>,
  previous?: Record<string, unknown>,
): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (spec.input === undefined) continue;
    const defaulted = spec.input.serverDefaulted === true || spec.input.default !== undefined;
    if (previous !== undefined && defaulted && previous[key] === undefined) continue;
    const value = outputs[spec.input.echoKey ?? key];
    if (value !== undefined && value !== null) inputs[key] = value;
  }
  return inputs;
}

/** The record without its undefined values. */
export function dropUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}
