/**
 * `update_database_settings`: every setting the spec lists, kept on the database record (one plain
 * field each, which other routes read where PlanetScale documents an effect: Data Branching for
 * `seed_data`, the branch region restriction, approval for deploy requests), and renames.
 */
import { z } from "zod";
import { parseBody, type RequestContext, type Route, requireDatabase } from "../http/context";
import { unprocessable } from "../http/errors";
import { kindOf, renameDatabase } from "../state/databases";
import { accessesFor } from "../state/permissions";
import type { DatabaseRecord } from "../state/records";
import { checkDatabaseName } from "./checks";
import { renderDatabase } from "./serialize";

/**
 * The spec's `update_database_settings` body, plus `name`: the Terraform provider's generated
 * database models send the database's current name under it (`UpdateVitessDatabaseRequestBody`,
 * `UpdatePostgresDatabaseRequestBody` in `internal/sdk/models/operations/`), which the spec does
 * not list; it renames nothing (`new_name` does).
 */
const settingsBody = z.strictObject({
  new_name: z.string().optional(),
  name: z.string().optional(),
  automatic_migrations: z.boolean().optional(),
  migration_framework: z.string().optional(),
  migration_table_name: z.string().optional(),
  require_approval_for_deploy: z.boolean().optional(),
  restrict_branch_region: z.boolean().optional(),
  allow_data_branching: z.boolean().optional(),
  allow_foreign_key_constraints: z.boolean().optional(),
  insights_raw_queries: z.boolean().optional(),
  deletion_protected: z.boolean().optional(),
  production_branch_web_console: z.boolean().optional(),
  default_branch: z.string().optional(),
});
type SettingsBody = z.output<typeof settingsBody>;

/** Each plain setting: its body field and the record field it sets. */
const SETTINGS = [
  ["automatic_migrations", "automaticMigrations"],
  ["migration_framework", "migrationFramework"],
  ["migration_table_name", "migrationTableName"],
  ["require_approval_for_deploy", "requireApprovalForDeploy"],
  ["restrict_branch_region", "restrictBranchRegion"],
  ["allow_data_branching", "allowDataBranching"],
  ["allow_foreign_key_constraints", "allowForeignKeyConstraints"],
  ["insights_raw_queries", "insightsRawQueries"],
  ["deletion_protected", "deletionProtected"],
  ["production_branch_web_console", "productionBranchWebConsole"],
] as const satisfies ReadonlyArray<readonly [keyof SettingsBody, keyof DatabaseRecord]>;

/** The settings the spec marks "(Vitess only)". */
const VITESS_ONLY = [
  "automatic_migrations",
  "migration_framework",
  "migration_table_name",
  "allow_data_branching",
  "allow_foreign_key_constraints",
] as const;

/**
 * `PATCH /organizations/{org}/databases/{db}` → 200 with the database. Checks everything before
 * changing anything: Vitess-only settings on a Postgres database, a new name that is invalid or
 * taken, and a default branch that does not exist get 422.
 */
function updateDatabaseSettings(ctx: RequestContext) {
  const db = requireDatabase(ctx, accessesFor("update_database_settings"));
  const body = parseBody(ctx, settingsBody);
  if (kindOf(db) === "postgresql") {
    const sent = VITESS_ONLY.filter((field) => body[field] !== undefined);
    if (sent.length > 0)
      throw unprocessable(`${sent.join(", ")}: only available for Vitess (MySQL) databases`);
  }
  const newName = body.new_name !== undefined && body.new_name !== db.name ? body.new_name : undefined;
  if (newName !== undefined) {
    checkDatabaseName(newName);
    if (ctx.store.database(db.organization, newName)) {
      throw unprocessable(
        `Name has already been taken: a database named "${newName}" exists in ${db.organization}`,
      );
    }
  }
  if (body.default_branch !== undefined && !ctx.store.branch(db.organization, db.name, body.default_branch)) {
    throw unprocessable(`Default branch "${body.default_branch}" does not exist in database "${db.name}"`);
  }

  let changed = false;
  const record = db as Record<(typeof SETTINGS)[number][1], unknown>;
  for (const [field, key] of SETTINGS) {
    const value = body[field];
    if (value !== undefined && record[key] !== value) {
      record[key] = value;
      changed = true;
    }
  }
  if (body.default_branch !== undefined && body.default_branch !== db.defaultBranch) {
    // By name or id, as the other branch routes address branches; kept by name.
    db.defaultBranch =
      ctx.store.branch(db.organization, db.name, body.default_branch)?.name ?? db.defaultBranch;
    changed = true;
  }
  if (newName !== undefined) {
    renameDatabase(ctx.store.data, db, newName, ctx.now);
    changed = true;
  }
  if (changed) {
    db.updatedAt = ctx.now;
    ctx.changed();
  }
  return { status: 200, body: renderDatabase(db, ctx.store, ctx.base, ctx.now) };
}

/** The settings route. */
export const databaseSettingsRoutes: Route[] = [
  {
    method: "PATCH",
    pattern: "organizations/:organization/databases/:database",
    handler: updateDatabaseSettings,
  },
];
