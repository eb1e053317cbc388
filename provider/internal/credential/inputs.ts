import type * as pulumi from "@pulumi/pulumi";
import * as z from "zod";
import { PASSWORD_ROLES } from "../api/passwords";
import { INHERITABLE_ROLES, QUERY_SAFETY } from "../api/roles";
import { displayName } from "../inputs/display-name";
import { parseDuration } from "../inputs/duration";
import { lifetime } from "../inputs/lifetime";
import { NAME_MAX, NAME_PATTERN, slug, suggestName } from "../inputs/names";
import type { InputKeys } from "../inputs/property-table";
import { quoted } from "../inputs/text";
import type { BRANCH_PASSWORD_PROPERTIES, BRANCH_ROLE_PROPERTIES } from "./properties";

/**
 * The branch: the Branch resource (its public id) or a branch's name. Both are PlanetScale branch
 * names in form (ids are twelve lowercase letters and digits), and the value goes into every
 * request's path, so anything else (`../main`, `main?x=1`, a newline) is refused here.
 */
const branch = z
  .string({
    error: (issue) => (issue.input === undefined ? "branch is required" : "branch must be a string"),
  })
  .min(1, { error: "branch must not be empty: pass the Branch resource, or a branch's name", abort: true })
  .refine((value) => value.length <= NAME_MAX && NAME_PATTERN.test(value), {
    error: (issue) =>
      `branch ${quoted(String(issue.input))} is not a branch name or id: PlanetScale's are lowercase letters, digits and ` +
      `hyphens (at most ${NAME_MAX}), for example '${suggestName(String(issue.input), "main")}'; pass the Branch resource, or a branch's name`,
  });

/**
 * A password's IP restrictions: distinct IPv4 or IPv6 addresses and CIDR ranges (the spec's
 * "List of IP addresses or CIDR ranges that can use this password"), checked here so that a typo
 * fails the preview rather than PlanetScale's create. The empty list restricts nothing.
 */
function cidrList() {
  const entry = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
  return z
    .array(z.string({ error: "cidrs must be a list of strings" }), {
      error: 'cidrs must be a list of IP addresses or CIDR ranges, for example ["203.0.113.0/24"]',
    })
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      for (const value of values) {
        const reason = seen.has(value)
          ? `cidrs lists ${quoted(value)} more than once`
          : entry.safeParse(value).success
            ? undefined
            : `cidrs: ${quoted(value)} is neither an IP address nor a CIDR range (IPv4 '203.0.113.7', '203.0.113.0/24', or IPv6 '2001:db8::/32')`;
        seen.add(value);
        if (reason !== undefined) {
          ctx.addIssue({ code: "custom", message: reason });
          return;
        }
      }
    });
}

/** A role's query-safety setting (pg_strict), as the spec's enum names them. */
function querySafety(what: string) {
  return z.enum(QUERY_SAFETY, { error: `${what} must be one of ${QUERY_SAFETY.join(", ")}` });
}

/**
 * Another role of the branch, as PlanetScale's `successor` takes it: its id, or its user name with
 * or without the branch id suffix (`postgres`, `pscale_api_1a2b3c.x9y8z7w6v5u4`). It goes into a
 * query string, so only the characters such names have are let through.
 */
function roleReference(what: string) {
  return z
    .string({ error: `${what} must be a string, for example 'postgres'` })
    .refine((value) => /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(value) && value.length <= 128, {
      error: (issue) =>
        `${what} ${quoted(String(issue.input))} is not a role of the branch: give a role's id, or its user name ` +
        "(letters, digits, '_', '.' and '-'), for example 'postgres', the branch's default role",
    });
}

/** Inputs every connection credential has; names follow the same rules as tokens' (`displayName`). */
const common = {
  organization: slug("organization", "acme").optional(),
  database: slug("database", "app"),
  branch,
  name: displayName("name").optional(),
  namePrefix: displayName("namePrefix").optional(),
  ttl: lifetime("ttl", "credential").optional(),
  rotateBefore: lifetime("rotateBefore", "credential").optional(),
};

/**
 * The inputs of a BranchPassword (MySQL). Unknown keys are refused, so a typo fails at preview.
 * Its keys are the inputs of {@link BRANCH_PASSWORD_PROPERTIES}.
 */
export const BranchPasswordInputs = z.strictObject({
  ...common,
  role: z.enum(PASSWORD_ROLES, { error: `role must be one of ${PASSWORD_ROLES.join(", ")}` }).optional(),
  replica: z.boolean({ error: "replica must be true or false" }).optional(),
  cidrs: cidrList().optional(),
  directVtgate: z.boolean({ error: "directVtgate must be true or false" }).optional(),
} satisfies Record<InputKeys<typeof BRANCH_PASSWORD_PROPERTIES>, z.ZodType>);
export type BranchPasswordInputs = z.infer<typeof BranchPasswordInputs>;

/**
 * The inputs of a BranchRole (Postgres). Unknown keys are refused, so a typo fails at preview.
 * Its keys are the inputs of {@link BRANCH_ROLE_PROPERTIES}.
 */
export const BranchRoleInputs = z.strictObject({
  ...common,
  inheritedRoles: z
    .array(
      z.enum(INHERITABLE_ROLES, {
        error: (issue) =>
          `inheritedRoles: '${String(issue.input)}' is not a role PlanetScale lets a role inherit; use any of ${INHERITABLE_ROLES.join(", ")}`,
      }),
      { error: "inheritedRoles must be a list of role names" },
    )
    .refine((v) => new Set(v).size === v.length, { error: "inheritedRoles lists a role more than once" })
    .optional(),
  withReplication: z.boolean({ error: "withReplication must be true or false" }).optional(),
  requireWhereOnDelete: querySafety("requireWhereOnDelete").optional(),
  requireWhereOnUpdate: querySafety("requireWhereOnUpdate").optional(),
  successor: roleReference("successor").optional(),
  reassignTo: roleReference("reassignTo").optional(),
} satisfies Record<InputKeys<typeof BRANCH_ROLE_PROPERTIES>, z.ZodType>);
export type BranchRoleInputs = z.infer<typeof BranchRoleInputs>;

/** Either kind's inputs, after `check` filled in the organization and the name. */
export type ResolvedCredentialInputs = (BranchPasswordInputs | BranchRoleInputs) & {
  organization: string;
  name: string;
};

/**
 * Rules across properties, on inputs that passed the schema. `unknown` names properties whose
 * value is not known yet (preview): rules needing them are skipped.
 */
export function crossCheck(
  inputs: { ttl?: number | string | undefined; rotateBefore?: number | string | undefined },
  unknown: ReadonlySet<string>,
): pulumi.dynamic.CheckFailure[] {
  if (inputs.rotateBefore === undefined || unknown.has("ttl")) return [];
  if (inputs.ttl === undefined) {
    return [
      {
        property: "rotateBefore",
        reason: "rotateBefore needs ttl: a credential that never expires is never rotated",
      },
    ];
  }
  const window = parseDuration(inputs.rotateBefore) ?? 0;
  const ttl = parseDuration(inputs.ttl) ?? 0;
  if (window >= ttl) {
    return [
      {
        property: "rotateBefore",
        reason:
          "rotateBefore must be shorter than ttl, or every new credential would be due for rotation at once",
      },
    ];
  }
  return [];
}
