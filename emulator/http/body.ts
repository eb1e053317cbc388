import { z } from "zod";
import { explain, validate } from "../state/validation";
import { badRequest } from "./errors";

/**
 * What {@link parseBody} needs from a request: the raw body, whether unknown fields are refused,
 * and where to report the unknown fields it ignored (they go to the request log).
 */
export interface BodySource {
  /** The raw body text ("" when none). */
  rawBody: string;
  /** Refuse unknown body fields with 400 (`--strict`), instead of ignoring them as PlanetScale does. */
  strict: boolean;
  /** Records the dotted paths of unknown fields that were ignored. */
  ignoreFields(paths: string[]): void;
}

/**
 * An optional text field where `""` means "not provided". PlanetScale's Go SDK serialises some
 * optional strings without `omitempty`, so its clients send `""` for "none": e.g. `parent_branch`
 * in `CreateDatabaseBranchRequest` (planetscale/planetscale-go `planetscale/branches.go`, sent by
 * `pscale branch create` in planetscale/cli `internal/cmd/branch/create.go`) and `database` in
 * `AddServiceTokenAccessRequest` (`planetscale/service_tokens.go`). PlanetScale's Rails API reads a
 * blank value as absent (the spec: "defaults to the database's default branch if not provided").
 */
export function blankAsAbsent<T extends z.ZodType>(schema: T) {
  return z.preprocess((v) => (v === "" ? undefined : v), schema.optional());
}

/** Deletes `keys` from the object found at `path` inside `root` (a fresh JSON copy). */
function dropKeys(root: unknown, path: PropertyKey[], keys: string[]): void {
  let node: unknown = root;
  for (const step of path) {
    if (node === null || typeof node !== "object") return;
    node = (node as Record<PropertyKey, unknown>)[step];
  }
  if (node === null || typeof node !== "object") return;
  for (const k of keys) delete (node as Record<string, unknown>)[k];
}

/**
 * Parses the JSON body with a zod schema built from `z.strictObject`s. An empty body counts as
 * `{}`. Invalid JSON, a non-object, wrong types and missing required fields answer 400
 * `bad_request`, as PlanetScale does. Unknown fields are ignored and reported through
 * {@link BodySource.ignoreFields}, as PlanetScale (a Rails application with strong parameters)
 * ignores them; with `strict` they answer 400 instead, so a client's typo is caught.
 */
export function parseBody<T extends z.ZodType>(src: BodySource, schema: T): z.output<T> {
  let value: unknown = {};
  if (src.rawBody.trim() !== "") {
    try {
      value = JSON.parse(src.rawBody);
    } catch {
      throw badRequest("Invalid JSON in request body");
    }
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw badRequest("The request body must be a JSON object");
  }
  const first = validate(schema, value);
  if (first.success) return first.data;
  const unknown = first.error.issues.filter((issue) => issue.code === "unrecognized_keys");
  const other = first.error.issues.filter((issue) => issue.code !== "unrecognized_keys");
  const reported = src.strict ? first.error.issues : other;
  if (reported.length > 0) throw invalidBody(new z.ZodError(reported));
  const copy: unknown = JSON.parse(JSON.stringify(value));
  const ignored: string[] = [];
  for (const issue of unknown) {
    dropKeys(copy, issue.path, issue.keys);
    for (const key of issue.keys) ignored.push([...issue.path.map(String), key].join("."));
  }
  src.ignoreFields(ignored);
  const second = validate(schema, copy);
  if (!second.success) throw invalidBody(second.error);
  return second.data;
}

/** 400 `bad_request` explaining every problem of a body. */
function invalidBody(error: z.ZodError) {
  return badRequest(`Invalid request body:\n${explain(error)}`);
}
