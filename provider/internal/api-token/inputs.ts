import type * as pulumi from "@pulumi/pulumi";
import * as z from "zod";
import { closestName } from "../inputs/closest-name";
import { displayName } from "../inputs/display-name";
import { parseDuration } from "../inputs/duration";
import { lifetime, MAX_LIFETIME_MS, MAX_LIFETIME_TEXT } from "../inputs/lifetime";
import { SLUG_PATTERN, slug } from "../inputs/names";
import type { InputKeys } from "../inputs/property-table";
import { quoted } from "../inputs/text";
import { parseTimestamp } from "../inputs/timestamp";
import {
  DATABASE_PERMISSIONS,
  expandPermissions,
  isPermission,
  isScope,
  ORGANIZATION_PERMISSIONS,
  SCOPES,
} from "./permissions";
import type { API_TOKEN_PROPERTIES } from "./properties";

const ALL_PERMISSIONS: readonly string[] = [...ORGANIZATION_PERMISSIONS, ...DATABASE_PERMISSIONS];

/** A list of distinct strings, each checked by `validate` (which returns a reason or undefined). */
function nameList(
  what: string,
  example: string,
  validate: (value: string) => string | undefined,
  options: { nonEmpty?: boolean } = {},
) {
  const listError = `${what} must be a list of strings, for example ['${example}']`;
  const itemError = (issue: { input?: unknown }) =>
    `${what} must be a list of strings, for example ['${example}']; it holds ${describeValue(issue.input)}`;
  return z.array(z.string({ error: itemError }), { error: listError }).superRefine((values, ctx) => {
    if (options.nonEmpty && values.length === 0) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `${what} must not be empty: omit it to grant at organization level (every database)`,
      });
      return;
    }
    const seen = new Set<string>();
    for (const value of values) {
      const reason = seen.has(value) ? `${what} lists ${quoted(value)} more than once` : validate(value);
      seen.add(value);
      // Every bad entry, not only the first.
      if (reason !== undefined) ctx.addIssue({ code: "custom", path: [], message: reason });
    }
  });
}

/** A value as a message may show it: JSON, shortened, with its type. */
function describeValue(value: unknown): string {
  const type = value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`;
  const text = JSON.stringify(value) ?? String(value);
  return `${text.length > 40 ? `${text.slice(0, 39)}…` : text} (${type})`;
}

function scopeReason(value: string): string | undefined {
  if (isScope(value)) return undefined;
  return `scopes: ${quoted(value)} is not a scope${hint(value, SCOPES)}. Known scopes: ${SCOPES.join(", ")}`;
}

function permissionReason(value: string): string | undefined {
  if (isPermission(value)) return undefined;
  return (
    `permissions: ${quoted(value)} is not a PlanetScale access name${hint(value, ALL_PERMISSIONS)}. ` +
    `Organization accesses: ${ORGANIZATION_PERMISSIONS.join(", ")}. Database accesses: ${DATABASE_PERMISSIONS.join(", ")}`
  );
}

function databaseReason(value: string): string | undefined {
  return SLUG_PATTERN.test(value)
    ? undefined
    : `databases: ${quoted(value)} is not a database name (lowercase letters, digits, '-' or '_')`;
}

function hint(value: string, candidates: readonly string[]): string {
  const close = closestName(value, candidates);
  return close === undefined ? "" : ` (did you mean '${close}'?)`;
}

/**
 * The inputs of an ApiToken as the provider receives them (the program's `Input`s resolved).
 * Validates each property alone; {@link crossCheck} adds the rules that combine properties or
 * depend on the clock. Unknown keys are refused so that a typo such as `expires_at` is caught at
 * preview. Its keys are exactly the inputs of {@link API_TOKEN_PROPERTIES} (the typechecker holds
 * them together).
 */
export const ApiTokenInputs = z.strictObject({
  organization: slug("organization", "acme").optional(),
  name: displayName("name").optional(),
  namePrefix: displayName("namePrefix").optional(),
  scopes: nameList("scopes", "read_only", scopeReason).optional(),
  permissions: nameList("permissions", "read_branch", permissionReason).optional(),
  databases: nameList("databases", "app", databaseReason, { nonEmpty: true }).optional(),
  expiresAt: z
    .string({ error: "expiresAt must be an ISO 8601 timestamp string such as '2027-01-01T00:00:00Z'" })
    .refine((v) => parseTimestamp(v) !== undefined, {
      error: (issue) =>
        `expiresAt ${quoted(String(issue.input))} is not an ISO 8601 timestamp with a time zone, such as '2027-01-01T00:00:00Z' or '2027-01-01'`,
    })
    .optional(),
  ttl: lifetime("ttl", "token").optional(),
  rotateBefore: lifetime("rotateBefore", "token").optional(),
} satisfies Record<InputKeys<typeof API_TOKEN_PROPERTIES>, z.ZodType>);
export type ApiTokenInputs = z.infer<typeof ApiTokenInputs>;

/**
 * Rules across properties and against the clock, on inputs that passed {@link ApiTokenInputs}.
 * `unknown` names properties whose value is not known yet (preview): rules needing them are skipped.
 */
export function crossCheck(
  inputs: ApiTokenInputs,
  unknown: ReadonlySet<string>,
  now: number,
): pulumi.dynamic.CheckFailure[] {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const expiryUnknown = unknown.has("ttl") || unknown.has("expiresAt");
  if (inputs.ttl !== undefined && inputs.expiresAt !== undefined) {
    failures.push({
      property: "ttl",
      reason: "set either ttl (a lifetime) or expiresAt (a point in time), not both",
    });
  }
  const expiresAt = inputs.expiresAt === undefined ? undefined : parseTimestamp(inputs.expiresAt);
  if (expiresAt !== undefined && expiresAt <= now) {
    failures.push({
      property: "expiresAt",
      reason: `expiresAt '${inputs.expiresAt}' is in the past: set a later time (a token cannot be created expired)`,
    });
  } else if (expiresAt !== undefined && expiresAt - now > MAX_LIFETIME_MS) {
    failures.push({
      property: "expiresAt",
      reason:
        `expiresAt '${inputs.expiresAt}' is ${Math.round((expiresAt - now) / 86_400_000)} days away, longer than the ${MAX_LIFETIME_TEXT} ` +
        `a token may live: set a time before ${new Date(now + MAX_LIFETIME_MS).toISOString().slice(0, 10)}, or leave expiresAt out for a token that never expires`,
    });
  }
  if (!unknown.has("scopes") && !unknown.has("permissions")) {
    const { organization, database } = expandPermissions(inputs.scopes, inputs.permissions);
    if (organization.length === 0 && database.length === 0) {
      failures.push({
        property: "scopes",
        reason: `nothing to grant: set scopes (${SCOPES.join(", ")}) and/or permissions`,
      });
    }
  }
  if (inputs.rotateBefore !== undefined) {
    const window = parseDuration(inputs.rotateBefore) ?? 0;
    const ttl = inputs.ttl === undefined ? undefined : parseDuration(inputs.ttl);
    if (!expiryUnknown && inputs.ttl === undefined && inputs.expiresAt === undefined) {
      failures.push({
        property: "rotateBefore",
        reason: "rotateBefore needs ttl or expiresAt: a token that never expires is never rotated",
      });
    } else if (ttl !== undefined && window >= ttl) {
      failures.push({
        property: "rotateBefore",
        reason: "rotateBefore must be shorter than ttl, or every new token would be due for rotation at once",
      });
    } else if (expiresAt !== undefined && expiresAt > now && expiresAt - now <= window) {
      failures.push({
        property: "expiresAt",
        reason:
          `expiresAt '${inputs.expiresAt}' is within rotateBefore of now, so the token is due for rotation, ` +
          "but a new token would expire at the same time: set a later expiresAt (or use ttl, which rotates by itself)",
      });
    }
  }
  return failures;
}
