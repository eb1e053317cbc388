import { z } from "zod";
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

/** "an int", "a string", "an array", "an object". */
function article(expected: string): string {
  const noun = expected === "int" ? "integer" : expected;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const at = issue.path.length > 0 ? ` in ${issue.path.join(".")}` : "";
    return `unknown field${issue.keys.length > 1 ? "s" : ""}${at}: ${issue.keys.join(", ")}`;
  }
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  if (issue.code === "invalid_type") {
    const input = (issue as { input?: unknown }).input;
    if (input === undefined) return `${where} is required`;
    return `${where} must be ${article(issue.expected)}`;
  }
  return `${where}: ${issue.message}`;
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
  const first = schema.safeParse(value, { reportInput: true });
  if (first.success) return first.data;
  const unknown = first.error.issues.filter((i) => i.code === "unrecognized_keys");
  const other = first.error.issues.filter((i) => i.code !== "unrecognized_keys");
  const reported = src.strict ? first.error.issues : other;
  if (reported.length > 0) {
    throw badRequest(`Invalid request body: ${reported.map(formatIssue).join("; ")}`);
  }
  const copy: unknown = JSON.parse(JSON.stringify(value));
  const ignored: string[] = [];
  for (const issue of unknown) {
    dropKeys(copy, issue.path, issue.keys);
    for (const k of issue.keys) ignored.push([...issue.path.map(String), k].join("."));
  }
  src.ignoreFields(ignored);
  const second = schema.safeParse(copy, { reportInput: true });
  if (!second.success) {
    throw badRequest(`Invalid request body: ${second.error.issues.map(formatIssue).join("; ")}`);
  }
  return second.data;
}
