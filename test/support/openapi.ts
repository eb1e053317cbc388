/**
 * Validates response bodies against PlanetScale's OpenAPI 3.0 spec (shared/planetscale/openapi.json)
 * with ajv: `nullable`, `$ref`s (to `#/components/...`) and the spec's loose `required` lists are
 * translated to JSON Schema first. Optionally rejects properties the spec does not list, so the
 * emulator cannot invent fields.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const repoRoot = resolve(__dirname, "..", "..");

const fullSpec = resolve(repoRoot, "..", "shared", "planetscale", "openapi.json");
/** The operations we emulate, trimmed from the full spec by scripts/trim-openapi.mjs. */
const vendoredSubset = resolve(repoRoot, "test", "fixtures", "planetscale-openapi.subset.json");

/**
 * Where the spec is read from: `$PLANETSCALE_OPENAPI_SPEC`, else the full spec beside the
 * repository (`../shared/planetscale/openapi.json`), else the subset kept in the repository.
 */
export const specPath: string =
  process.env["PLANETSCALE_OPENAPI_SPEC"] ?? (existsSync(fullSpec) ? fullSpec : vendoredSubset);

/** Whether the spec file exists (contract tests skip loudly without it, outside CI). */
export const specAvailable: boolean = existsSync(specPath);

let specCache: JsonObject | undefined;
function spec(): JsonObject {
  if (!specCache) specCache = JSON.parse(readFileSync(specPath, "utf8")) as JsonObject;
  return specCache;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

/** The method, path and operation object of `operationId`. */
export function findOperation(operationId: string): { method: string; path: string; op: JsonObject } {
  const paths = spec()["paths"] as JsonObject;
  for (const [path, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = (item as JsonObject)[m] as JsonObject | undefined;
      if (op && op["operationId"] === operationId) return { method: m.toUpperCase(), path, op };
    }
  }
  throw new Error(`operationId ${operationId} is not in the spec`);
}

function pointer(ref: string): Json {
  if (!ref.startsWith("#/")) throw new Error(`only local $refs are supported, got ${ref}`);
  let node: Json = spec();
  for (const raw of ref.slice(2).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || Array.isArray(node) || !(key in node)) {
      throw new Error(`unresolvable $ref ${ref}`);
    }
    node = (node as JsonObject)[key] as Json;
  }
  return node;
}

interface ConvertOptions {
  /** Reject properties the spec does not list (only where it sets no `additionalProperties`). */
  noAdditionalProperties: boolean;
}

/** Translates one OpenAPI 3.0 schema node into JSON Schema (draft-07 as ajv runs it). */
function convert(node: Json, opts: ConvertOptions, defs: Map<string, Json | null>): Json {
  if (Array.isArray(node)) return node.map((n) => convert(n, opts, defs));
  if (node === null || typeof node !== "object") return node;
  if (typeof node["$ref"] === "string") {
    const ref = node["$ref"];
    const name = ref.replace(/[^A-Za-z0-9_]/g, "_");
    if (!defs.has(name)) {
      defs.set(name, null); // placeholder first: recursion-safe
      defs.set(name, convert(pointer(ref), opts, defs));
    }
    const target: Json = { $ref: `#/definitions/${name}` };
    return node["nullable"] === true ? { anyOf: [target, { type: "null" }] } : target;
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === "nullable" || k === "description" || k === "example" || k === "examples" || k.startsWith("x-"))
      continue;
    if (k === "properties" && v && typeof v === "object" && !Array.isArray(v)) {
      const props: JsonObject = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = convert(pv, opts, defs);
      out[k] = props;
    } else {
      out[k] = convert(v, opts, defs);
    }
  }
  const isObject = out["type"] === "object" || out["properties"] !== undefined;
  if (opts.noAdditionalProperties && isObject && out["additionalProperties"] === undefined) {
    const props = (out["properties"] ?? {}) as JsonObject;
    // The spec sometimes requires a property it does not describe: allow it.
    for (const r of (out["required"] ?? []) as string[]) if (!(r in props)) props[r] = {};
    out["properties"] = props;
    out["additionalProperties"] = false;
  }
  if (node["nullable"] === true) return { anyOf: [out, { type: "null" }] };
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction | "no-content">();

/** The JSON Schema of `operationId`'s `status` response, or "no-content" when it declares no body. */
export function responseSchema(
  operationId: string,
  status: number,
  options: Partial<ConvertOptions> = {},
): JsonObject | "no-content" {
  const { op } = findOperation(operationId);
  const responses = op["responses"] as JsonObject;
  let response = responses[String(status)] as JsonObject | undefined;
  if (!response) throw new Error(`${operationId} declares no ${status} response`);
  if (typeof response["$ref"] === "string") response = pointer(response["$ref"]) as JsonObject;
  const content = response["content"] as JsonObject | undefined;
  const media = content?.["application/json"] as JsonObject | undefined;
  if (!media || media["schema"] === undefined) return "no-content";
  const defs = new Map<string, Json | null>();
  const opts: ConvertOptions = { noAdditionalProperties: options.noAdditionalProperties ?? false };
  const root = convert(media["schema"], opts, defs) as JsonObject;
  const definitions: JsonObject = {};
  for (const [k, v] of defs) if (v !== null) definitions[k] = v;
  return Object.keys(definitions).length > 0 ? { ...root, definitions } : root;
}

/**
 * Errors (empty when valid) of `body` against the spec's schema for `operationId` + `status`.
 * A response the spec declares without content must have an empty body (undefined or "").
 */
export function validateResponse(
  operationId: string,
  status: number,
  body: unknown,
  options: Partial<ConvertOptions> = {},
): string[] {
  const key = `${operationId} ${status} ${options.noAdditionalProperties ? "strict" : "loose"}`;
  let v = compiled.get(key);
  if (!v) {
    const schema = responseSchema(operationId, status, options);
    v = schema === "no-content" ? "no-content" : ajv.compile(schema);
    compiled.set(key, v);
  }
  if (v === "no-content") {
    return body === undefined || body === "" ? [] : [`${operationId} ${status} declares no body, got one`];
  }
  if (v(body)) return [];
  return (v.errors ?? []).map((e) => {
    const extra =
      e.keyword === "additionalProperties"
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : "";
    return `${e.instancePath || "(root)"} ${e.message ?? e.keyword}${extra}`;
  });
}

/** Throws an Error listing every violation when `body` does not match the spec. */
export function assertMatchesSpec(
  operationId: string,
  status: number,
  body: unknown,
  options: Partial<ConvertOptions> = {},
): void {
  const errors = validateResponse(operationId, status, body, options);
  if (errors.length > 0) {
    throw new Error(
      `${operationId} ${status} does not match the spec:\n  ${errors.slice(0, 20).join("\n  ")}`,
    );
  }
}

/**
 * The service-token accesses (any one of) the spec's "Authorization" block lists for an
 * operation, or null when the operation documents none.
 */
export function specServiceTokenAccesses(operationId: string): string[] | null {
  const { op } = findOperation(operationId);
  const description = typeof op["description"] === "string" ? op["description"] : "";
  const m = /\*\*Service Token Accesses\*\*\s*\n([^\n]*)/.exec(description);
  if (!m?.[1]) return null;
  return [...m[1].matchAll(/`([a-z_]+)`/g)].map((x) => x[1]!);
}

/** Every service-token access any operation's "Authorization" block names, across the whole spec. */
export function specAllServiceTokenAccesses(): Set<string> {
  const names = new Set<string>();
  for (const item of Object.values(spec()["paths"] as JsonObject)) {
    for (const m of METHODS) {
      const id = ((item as JsonObject)[m] as JsonObject | undefined)?.["operationId"];
      if (typeof id === "string") for (const name of specServiceTokenAccesses(id) ?? []) names.add(name);
    }
  }
  return names;
}
