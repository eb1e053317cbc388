/**
 * The one place databases are made, renamed and removed: from the seed, by `create_database`, by
 * `create_branch` with `create_database_if_missing`, by `update_database_settings`, by
 * `delete_database` and by the deletion of a database's last branch. Each caller checks its own
 * input first and adds the database's branches itself (`branches.ts`).
 */

import { publicId } from "./ids";
import { DATABASE_ACCESSES, type DatabaseAccess } from "./permissions";
import type { DatabaseKind, DatabaseRecord, StoreData, TokenRecord } from "./records";

/** A database's kind; state files from before Postgres support hold only MySQL databases. */
export function kindOf(database: DatabaseRecord): DatabaseKind {
  return database.kind ?? "mysql";
}

/**
 * `pending` until the database can take new branches: a seeded database marked `ready: false`
 * never is, one created through the API is from its `readyAt` (the ready delay, as a branch).
 */
export function databaseState(database: DatabaseRecord, now: number): "pending" | "ready" {
  if (!database.ready) return "pending";
  return database.readyAt === undefined || now >= database.readyAt ? "ready" : "pending";
}

/** Database names PlanetScale accepts, in words. */
export const DATABASE_NAME_RULE =
  "must be 1 to 63 characters of lowercase letters, digits, underscores and hyphens, starting with a letter or digit";
const DATABASE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** True when `name` follows {@link DATABASE_NAME_RULE}. */
export function isValidDatabaseName(name: string): boolean {
  return DATABASE_NAME.test(name);
}

/** The settings of `update_database_settings`, as a database keeps them (see `records.ts`). */
export interface DatabaseSettings {
  /** Deploy requests need an approval by someone other than their creator. */
  requireApprovalForDeploy: boolean;
  /** New branches must be in the database's region. */
  restrictBranchRegion: boolean;
  /** Branches may be seeded with data (`seed_data`); Vitess only. */
  allowDataBranching: boolean;
  /** Foreign key constraints are allowed (`foreign_keys_enabled`); Vitess only. */
  allowForeignKeyConstraints: boolean;
  /** Migration data is copied to new branches and deploy requests; Vitess only. Null: never set. */
  automaticMigrations: boolean | null;
  /** The migration framework (e.g. `rails`); Vitess only. */
  migrationFramework: string | null;
  /** The table holding migration data; Vitess only. */
  migrationTableName: string | null;
  /** Query Insights collects full queries. */
  insightsRawQueries: boolean;
  /** The database refuses deletion. */
  deletionProtected: boolean;
  /** The web console may be used on production branches. */
  productionBranchWebConsole: boolean;
}

/**
 * A new database's settings. Data Branching is off until enabled: the spec and the Terraform
 * provider describe `seed_data` as needing it "enabled" (`create_branch`, `planetscale_vitess_branch`
 * `seed_data`). Seeded databases pass their own (Data Branching on, so seeding works out of the box).
 */
export const NEW_DATABASE_SETTINGS: Readonly<DatabaseSettings> = {
  requireApprovalForDeploy: false,
  restrictBranchRegion: false,
  allowDataBranching: false,
  allowForeignKeyConstraints: true,
  automaticMigrations: null,
  migrationFramework: null,
  migrationTableName: null,
  insightsRawQueries: false,
  deletionProtected: false,
  productionBranchWebConsole: false,
};

/** What a new database is. */
export interface NewDatabase {
  id: string;
  organization: string;
  name: string;
  region: string;
  kind: DatabaseKind;
  /** The name of its production branch (added separately). */
  defaultBranch: string;
  /** False keeps it "still initializing" forever: it refuses new branches. */
  ready: boolean;
  /** When it becomes ready, for one created through the API. */
  readyAt?: number;
  createdAt: number;
  settings: DatabaseSettings;
}

/**
 * Adds a database to `data`. A service token that creates one receives every database access on
 * it, as on PlanetScale since 2024-08-29 (its changelog, cited in the Terraform provider's PR #90).
 */
export function addDatabase(
  data: StoreData,
  database: NewDatabase,
  creator: TokenRecord | null,
): DatabaseRecord {
  const record: DatabaseRecord = {
    id: database.id,
    organization: database.organization,
    name: database.name,
    region: database.region,
    defaultBranch: database.defaultBranch,
    ready: database.ready,
    kind: database.kind,
    createdAt: database.createdAt,
    updatedAt: database.createdAt,
    ...(database.readyAt === undefined ? {} : { readyAt: database.readyAt }),
    ...database.settings,
  };
  data.databases.push(record);
  if (creator) {
    for (const access of Object.keys(DATABASE_ACCESSES) as DatabaseAccess[]) {
      creator.accesses.push({ id: publicId(), access, database: record.name, createdAt: database.createdAt });
    }
  }
  return record;
}

/**
 * Renames a database everywhere its name is kept: its branches, their resizes, passwords, roles
 * and backups, and every token access granted on it (PlanetScale addresses all of them by the
 * database's name).
 */
export function renameDatabase(data: StoreData, database: DatabaseRecord, name: string, now: number): void {
  const old = database.name;
  const inIt = <T extends { organization: string; database: string }>(x: T): boolean =>
    x.organization === database.organization && x.database === old;
  for (const list of [
    data.branches,
    data.resizes,
    data.changes,
    data.backups,
    data.passwords,
    data.roles,
    data.deployRequests,
  ]) {
    for (const item of list as Array<{ organization: string; database: string }>) {
      if (inIt(item)) item.database = name;
    }
  }
  for (const token of data.serviceTokens) {
    if (token.organization !== database.organization) continue;
    for (const access of token.accesses) if (access.database === old) access.database = name;
  }
  database.name = name;
  database.updatedAt = now;
}

/**
 * Removes a database with everything that belongs to it: its branches, their resize requests,
 * passwords and roles, its backups, its deploy requests and every token access granted on it.
 */
export function removeDatabase(data: StoreData, database: DatabaseRecord): void {
  const inIt = (x: { organization: string; database: string }): boolean =>
    x.organization === database.organization && x.database === database.name;
  const gone = new Set(data.branches.filter(inIt).map((b) => b.id));
  data.resizes = data.resizes.filter((r) => !gone.has(r.branchId));
  data.changes = data.changes.filter((c) => !gone.has(c.branchId));
  data.branches = data.branches.filter((b) => !gone.has(b.id));
  data.passwords = data.passwords.filter((p) => !gone.has(p.branchId));
  data.roles = data.roles.filter((r) => !gone.has(r.branchId));
  data.backups = data.backups.filter((b) => !inIt(b));
  data.deployRequests = data.deployRequests.filter((r) => !inIt(r));
  for (const token of data.serviceTokens) {
    if (token.organization !== database.organization) continue;
    token.accesses = token.accesses.filter((a) => a.database !== database.name);
  }
  data.databases = data.databases.filter((x) => x !== database);
}

// The record keeps every setting under the same name: a setting added to one but not the other
// fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _settingsMatchRecord: Same<DatabaseSettings, Pick<DatabaseRecord, keyof DatabaseSettings>> = true;
void _settingsMatchRecord;
