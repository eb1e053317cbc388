import * as z from "zod";
import { NAME_MAX, NAME_PATTERN, slug, suggestName } from "../inputs/names";
import type { InputKeys } from "../inputs/property-table";
import { readyTimeout } from "../inputs/ready-timeout";
import { quoted, textReason } from "../inputs/text";
import { parseTimestamp } from "../inputs/timestamp";
import { parametersInput } from "./parameters";
import type { BRANCH_PROPERTIES } from "./properties";

function branchName(what: string) {
  return z
    .string({ error: `${what} must be a string` })
    .max(NAME_MAX, `${what} must be at most ${NAME_MAX} characters`)
    .refine((v) => NAME_PATTERN.test(v), {
      error: (issue) =>
        `${what} ${quoted(String(issue.input))} is not a valid PlanetScale branch name: use lowercase letters, digits and hyphens, starting and ending with a letter or digit (for example '${suggestName(String(issue.input))}')`,
    });
}

/** A string input with a message that names it and shows an example. */
function text(what: string, example: string) {
  return z.string({ error: `${what} must be a string, for example '${example}'` });
}

/**
 * The inputs of a Branch as the provider receives them (after the program's `Input`s resolved).
 * Unknown keys are refused so that a typo such as `parent_branch` is caught at preview. Its keys
 * are exactly the inputs of {@link BRANCH_PROPERTIES} (the typechecker holds them together).
 */
export const BranchInputFields = z.strictObject({
  organization: slug("organization", "acme").optional(),
  database: slug("database", "app"),
  name: branchName("name").optional(),
  namePrefix: text("namePrefix", "preview")
    .superRefine((value, ctx) => {
      const reason = textReason("namePrefix", value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    })
    .optional(),
  parentBranch: branchName("parentBranch").optional(),
  region: text("region", "us-east")
    .regex(/^[a-z0-9-]+$/, "region must be a PlanetScale region slug such as 'us-east' or 'eu-west'")
    .optional(),
  backupId: text("backupId", "a1b2c3d4e5f6").min(1, "backupId must not be empty").optional(),
  seedData: z
    .enum(["last_successful_backup"], {
      error: "seedData must be 'last_successful_backup' (the only value PlanetScale accepts)",
    })
    .optional(),
  restorePoint: text("restorePoint", "2026-01-01T00:00:00Z")
    .refine((v) => parseTimestamp(v) !== undefined, {
      error: "restorePoint must be an ISO 8601 time with a time zone, for example '2026-01-01T00:00:00Z'",
    })
    .refine((v) => (parseTimestamp(v) ?? 0) <= Date.now(), {
      error: "restorePoint must be in the past: PlanetScale restores to a point that has happened",
    })
    .optional(),
  majorVersion: text("majorVersion", "17")
    .regex(/^\d{1,3}$/, "majorVersion must be a Postgres major version such as '17'")
    .optional(),
  parameters: parametersInput().optional(),
  clusterSize: text("clusterSize", "PS_10")
    .regex(
      /^[A-Z0-9][A-Z0-9_-]*$/,
      "clusterSize must be a PlanetScale cluster size such as 'PS_10' or 'PS_DEV'",
    )
    .optional(),
  deletionProtected: z.boolean({ error: "deletionProtected must be true or false" }).optional(),
  safeMigrations: z.boolean({ error: "safeMigrations must be true or false" }).optional(),
  deleteDescendants: z.boolean({ error: "deleteDescendants must be true or false" }).optional(),
  adopt: z.boolean({ error: "adopt must be true or false" }).optional(),
  readyTimeout: readyTimeout().optional(),
} satisfies Record<InputKeys<typeof BRANCH_PROPERTIES>, z.ZodType>);

/** {@link BranchInputFields} plus the rules that involve several properties. */
export const BranchInputs = BranchInputFields.superRefine((v, ctx) => {
  if (v.backupId !== undefined && v.restorePoint !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["restorePoint"],
      message:
        "restorePoint cannot be combined with backupId: restore from one backup, or to one point in time",
    });
  }
  if (v.backupId !== undefined && v.seedData !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["seedData"],
      message:
        "seedData cannot be combined with backupId: restore from one backup, or seed from the last successful one",
    });
  }
});
export type BranchInputs = z.infer<typeof BranchInputs>;
