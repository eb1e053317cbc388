/**
 * A resource's property table: every input and output of one resource, declared once. It drives
 * the provider's `diff` (see `./property-diff`), the API boundary (`./property-api`: the create
 * request's body, the in-place calls, the outputs read from PlanetScale's answer), the echo of
 * inputs into outputs and back after a refresh, the outputs the resource class exposes and keeps
 * secret, and the README's reference tables and the `Args` TSDoc (rendered by
 * `test/support/readme-tables.ts` and `test/support/args-docs.ts`, tied to them by
 * `test/provider/property-tables.test.ts`).
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

/**
 * The PlanetScale API a resource's table is checked against: the fields of its create request, its
 * other calls that apply an input, and the object its outputs are read from. Each table is
 * declared `satisfies PropertyTable<ItsApi>`, so a row naming a field or a call that API does not
 * have fails the typecheck.
 */
export interface ResourceApi {
  /** The fields of the create request's body (`keyof` the `api/` body type). */
  readonly createBody: string;
  /**
   * The resource's other calls that apply an input, after the create request or in place, each
   * with the fields of its body (`never` for a call without one), as the row's `applied` names them.
   */
  readonly calls: { readonly [call: string]: string };
  /** PlanetScale's object the reported outputs are read from (the `api/` response type). */
  readonly object: object;
  /** Its fields (the zod schema's shape keys; the response type itself also allows any key). */
  readonly fields: string;
}

/** Any resource's API: what the functions that work on every table accept. */
export interface AnyApi extends ResourceApi {
  // `never`: a row's `read` of a specific object is assignable to it.
  readonly object: never;
}

/** The name of a call of the resource's API. */
export type CallName<A extends ResourceApi> = keyof A["calls"] & string;

/**
 * Why an input is not sent in a request body:
 * - `path`: it addresses the object in every request's path (organization, database, branch);
 * - `no API call`: PlanetScale never sees it; the provider keeps it for itself (naming, waiting,
 *   rotation);
 * - `used at create`: it decides what create does (take over an existing object);
 * - `used at delete`: the delete request carries it.
 */
export type NotInBody = "path" | "no API call" | "used at create" | "used at delete";

/**
 * How an input's value is encoded in a body: `seconds`, a duration (seconds, or text like
 * `"30d"`) in whole seconds, rounded up; `seconds until`, an instant (ISO 8601) as the whole
 * seconds from now until then, rounded up. Without one, the value is sent as given.
 */
export type Encoding = "seconds" | "seconds until";

/** How an input reaches PlanetScale when the object is created. */
export type Sent<A extends ResourceApi> =
  /** A field of the create request's body. */
  | { readonly body: A["createBody"]; readonly as?: Encoding }
  /** A call of its own after the create request (one of the API's `calls`). */
  | { readonly call: CallName<A> }
  | NotInBody;

/** How a change of an in-place input is applied to the existing object. */
export type Applied<A extends ResourceApi> =
  | {
      [C in CallName<A>]: string extends C
        ? { readonly call: C; readonly body?: string }
        : [A["calls"][C]] extends [never]
          ? { readonly call: C }
          : /** `body`: the field of the call's body that carries the input. */
            { readonly call: C; readonly body: A["calls"][C] };
    }[CallName<A>]
  | Exclude<NotInBody, "path">;

/** What every input says: whether the program must set it, how `diff` compares it, how it is sent. */
interface InputBase<A extends ResourceApi> {
  /** The program must set it. */
  readonly required?: true;
  /** PlanetScale fills it in when the program leaves it out: only compared when the program sets it. */
  readonly serverDefaulted?: true;
  /**
   * The value that leaving it out means; the provider enforces it (removing it restores it): a flag
   * (`false`), or a list (`[]`, e.g. no IP restrictions).
   */
  readonly default?: boolean | readonly string[];
  /** How `diff` compares it. Default: `value`. */
  readonly compare?: Comparison;
  /** The output key that records the input as given, when that is not its own key. */
  readonly echoKey?: string;
  /** How the value reaches PlanetScale when the object is created: the create body is built from these. */
  readonly sent: Sent<A>;
}

/** An input whose change needs a new object. */
export interface ReplacingInput<A extends ResourceApi = AnyApi> extends InputBase<A> {
  readonly change: "replace";
}

/**
 * An input changed in place (`update`), or as the resource's own `diff` decides (`custom`; the
 * README's "on change" says how).
 */
export interface InPlaceInput<A extends ResourceApi = AnyApi> extends InputBase<A> {
  readonly change: "update" | "custom";
  /** How a change reaches the existing object: the resource's update makes exactly these calls. */
  readonly applied: Applied<A>;
}

/** What a property is as an input: what changing it does, how it is compared and sent. */
export type InputSpec<A extends ResourceApi = AnyApi> = ReplacingInput<A> | InPlaceInput<A>;

/**
 * What a property is as an output:
 * - `echo`: the input as given, exposed on the resource;
 * - `reported`: what PlanetScale reports (for an input: possibly differing from what was given);
 * - `state`: the input as given, kept in the state for `diff` only, not declared on the resource.
 */
export type OutputKind = "echo" | "reported" | "state";

/** What every property says, whatever its output. */
interface SpecBase<A extends ResourceApi> {
  /** Present when the program can set it. */
  readonly input?: InputSpec<A>;
  /** A Pulumi secret output, whatever the caller passed (`additionalSecretOutputs`). */
  readonly secret?: true;
  /** What it is, for the README and the `Args` TSDoc (Markdown). */
  readonly doc: string;
  /** For the README and the TSDoc: what leaving the input out means (Markdown). */
  readonly defaultDoc?: string;
  /**
   * For the README and the TSDoc: what changing the input does, when its `change` and `applied`
   * say too little ("replace", "in place", "in place (no API call)") (Markdown).
   */
  readonly changeDoc?: string;
}

/** A property whose output is the input as given. */
export interface GivenSpec<A extends ResourceApi = AnyApi> extends SpecBase<A> {
  readonly output: "echo" | "state";
}

/** Where a reported output comes from when it is not a field of PlanetScale's object. */
export interface OtherSource {
  /** Which answer, for readers of the table: "the create answer", "the branch lookup". */
  readonly source: string;
}

/** A property whose output is what PlanetScale reports. */
export interface ReportedSpec<A extends ResourceApi = AnyApi> extends SpecBase<A> {
  readonly output: "reported";
  /**
   * The field of PlanetScale's object it is read from (the outputs are built from these), or the
   * other answer it comes from (the resource passes those values in, by key).
   */
  readonly from: A["fields"] | OtherSource;
  /** How to read it when it is not the field as is (a nested value, a derived flag, a normalized time). */
  readonly read?: (object: A["object"]) => unknown;
  /**
   * What PlanetScale's silence (the field null or absent) means: `false` for a flag it omits when
   * off. Without it, silence falls back to the input as given, then `null`.
   */
  readonly absent?: false;
}

/** One property of a resource. */
export type PropertySpec<A extends ResourceApi = AnyApi> = GivenSpec<A> | ReportedSpec<A>;

/** A resource's properties, in the order the README lists them. */
export type PropertyTable<A extends ResourceApi = AnyApi> = Readonly<Record<string, PropertySpec<A>>>;

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

/** Keys of the outputs read from a field of PlanetScale's object. */
export type FieldKeys<T extends PropertyTable> = {
  [K in keyof T]: T[K] extends { output: "reported"; from: string } ? K : never;
}[keyof T] &
  string;

/** Keys of the reported outputs that come from another answer (see {@link OtherSource}). */
export type SourcedKeys<T extends PropertyTable> = {
  [K in keyof T]: T[K] extends { output: "reported"; from: OtherSource } ? K : never;
}[keyof T] &
  string;

/** The call a row makes at create (`sent: { call }`), or never. */
type SentCall<S> = S extends { input: { sent: { call: infer C extends string } } } ? C : never;

/** The call that applies a row's change in place (`applied: { call }`), or never. */
type AppliedCall<S> = S extends { input: { applied: { call: infer C extends string } } } ? C : never;

/** The calls a table's rows name, at create (`sent`) or in place (`applied`). */
export type CallsOf<T extends PropertyTable> = {
  [K in keyof T]: SentCall<T[K]> | AppliedCall<T[K]>;
}[keyof T];

/** The body field a row sends at create, or never. */
type CreateField<S> = S extends { input: { sent: { body: infer F extends string } } } ? F : never;

/** The value a row sends: a number for an encoded duration or instant, else the input as given. */
type SentValue<S, V> = S extends { input: { sent: { as: Encoding } } } ? number | Extract<V, undefined> : V;

/**
 * The create request's body the table makes of inputs of type `I` (see `createBody` in
 * `./property-api`): a field per row sent in the body; rows sending one field share its type.
 */
export type CreateBody<T extends PropertyTable, I> = {
  [K in keyof T & keyof I as CreateField<T[K]>]: SentValue<T[K], I[K]>;
};

/** The body field a row's change sends through the in-place call `C`, or never. */
type CallField<S, C extends string> = S extends {
  input: { applied: { call: C; body: infer F extends string } };
}
  ? F
  : never;

/** The body of the in-place call `C` for inputs of type `I`: the fields of the rows that changed. */
export type CallBody<T extends PropertyTable, C extends string, I> = {
  [K in keyof T & keyof I as CallField<T[K], C>]?: Exclude<I[K], undefined>;
};

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
