import * as z from "zod";
import { NAME_MAX, NAME_PATTERN, slug, suggestName } from "../inputs/names";
import type { InputKeys } from "../inputs/property-table";
import { readyTimeout } from "../inputs/ready-timeout";
import { quoted, textReason } from "../inputs/text";
import type { DATABASE_PROPERTIES } from "./properties";

/** PlanetScale's database names: lowercase letters, digits, underscores and hyphens. */
const DATABASE_NAME = /^[a-z0-9][a-z0-9_-]*$/;

function databaseName(what: string) {
  return z
    .string({ error: `${what} must be a string` })
    .max(NAME_MAX, `${what} must be at most ${NAME_MAX} characters`)
    .refine((v) => DATABASE_NAME.test(v), {
      error: (issue) =>
        `${what} ${quoted(String(issue.input))} is not a valid PlanetScale database name: use lowercase letters, digits, hyphens and underscores, starting with a letter or digit (for example '${suggestName(String(issue.input), "app")}')`,
    });
}

function flag(what: string) {
  return z.boolean({ error: `${what} must be true or false` }).optional();
}

/** A string input with a message that names it and shows an example. */
function text(what: string, example: string) {
  return z.string({ error: `${what} must be a string, for example '${example}'` });
}

/**
 * The inputs of a Database as the provider receives them. Unknown keys are refused so that a typo
 * such as `cluster_size` is caught at preview. Its keys are exactly the inputs of
 * {@link DATABASE_PROPERTIES} (the typechecker holds them together).
 */
export const DatabaseInputFields = z.strictObject({
  organization: slug("organization", "acme").optional(),
  name: databaseName("name").optional(),
  namePrefix: text("namePrefix", "app")
    .superRefine((value, ctx) => {
      const reason = textReason("namePrefix", value);
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
    })
    .optional(),
  kind: z
    .enum(["mysql", "postgresql"], { error: "kind must be 'mysql' (Vitess) or 'postgresql'" })
    .optional(),
  region: text("region", "us-east")
    .regex(/^[a-z0-9-]+$/, "region must be a PlanetScale region slug such as 'us-east' or 'eu-west'")
    .optional(),
  clusterSize: text("clusterSize", "PS_10")
    .regex(
      /^[A-Z0-9][A-Z0-9_-]*$/,
      "clusterSize must be a PlanetScale cluster size such as 'PS_10' (or, for Postgres, 'PS_10_AWS_X86')",
    )
    .optional(),
  replicas: z
    .number({ error: "replicas must be a whole number: 0 for non-HA, 2 or more for HA" })
    .int("replicas must be a whole number: 0 for non-HA, 2 or more for HA")
    .min(0, "replicas must not be negative: 0 for non-HA, 2 or more for HA")
    .max(100, "replicas must be at most 100")
    .optional(),
  majorVersion: text("majorVersion", "17")
    .regex(/^\d{1,3}$/, "majorVersion must be a Postgres major version such as '17'")
    .optional(),
  defaultBranch: z
    .string({ error: "defaultBranch must be a string, for example 'main'" })
    .max(NAME_MAX, `defaultBranch must be at most ${NAME_MAX} characters`)
    .refine((v) => NAME_PATTERN.test(v), {
      error: (issue) =>
        `defaultBranch ${quoted(String(issue.input))} is not a valid PlanetScale branch name: use lowercase letters, digits and hyphens`,
    })
    .optional(),
  requireApprovalForDeploy: flag("requireApprovalForDeploy"),
  restrictBranchRegion: flag("restrictBranchRegion"),
  allowDataBranching: flag("allowDataBranching"),
  allowForeignKeyConstraints: flag("allowForeignKeyConstraints"),
  automaticMigrations: flag("automaticMigrations"),
  migrationFramework: text("migrationFramework", "rails")
    .min(1, "migrationFramework must not be empty")
    .optional(),
  migrationTableName: text("migrationTableName", "schema_migrations")
    .regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, "migrationTableName must be a table name such as 'schema_migrations'")
    .optional(),
  insightsRawQueries: flag("insightsRawQueries"),
  productionBranchWebConsole: flag("productionBranchWebConsole"),
  deletionProtected: flag("deletionProtected"),
  adopt: flag("adopt"),
  readyTimeout: readyTimeout().optional(),
} satisfies Record<InputKeys<typeof DATABASE_PROPERTIES>, z.ZodType>);

/** The settings the spec marks "(Vitess only)", refused on a Postgres database. */
export const VITESS_ONLY = [
  "allowDataBranching",
  "allowForeignKeyConstraints",
  "automaticMigrations",
  "migrationFramework",
  "migrationTableName",
] as const;

/** The inputs of a Database after `check` (the rules between properties are in `./cross-check`). */
export const DatabaseInputs = DatabaseInputFields;
export type DatabaseInputs = z.infer<typeof DatabaseInputs>;
