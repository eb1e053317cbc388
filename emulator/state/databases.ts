/**
 * The one place databases are made: from the seed, by `create_database`, and by `create_branch`
 * with `create_database_if_missing`. Each caller checks its own input first and adds the
 * database's branches itself (`branches.ts`).
 */

import { publicId } from "./ids";
import { DATABASE_ACCESSES, type DatabaseAccess } from "./permissions";
import type { DatabaseKind, DatabaseRecord, StoreData, TokenRecord } from "./records";

/** A database's kind; state files from before Postgres support hold only MySQL databases. */
export function kindOf(database: DatabaseRecord): DatabaseKind {
  return database.kind ?? "mysql";
}

/** Database names PlanetScale accepts, in words. */
export const DATABASE_NAME_RULE =
  "must be 1 to 63 characters of lowercase letters, digits, underscores and hyphens, starting with a letter or digit";
const DATABASE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** True when `name` follows {@link DATABASE_NAME_RULE}. */
export function isValidDatabaseName(name: string): boolean {
  return DATABASE_NAME.test(name);
}

/** What a new database is. */
export interface NewDatabase {
  id: string;
  organization: string;
  name: string;
  region: string;
  kind: DatabaseKind;
  /** The name of its production branch (added separately). */
  defaultBranch: string;
  /** False keeps it "still initializing": it refuses new branches. */
  ready: boolean;
  createdAt: number;
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
  };
  data.databases.push(record);
  if (creator) {
    for (const access of Object.keys(DATABASE_ACCESSES) as DatabaseAccess[]) {
      creator.accesses.push({ id: publicId(), access, database: record.name, createdAt: database.createdAt });
    }
  }
  return record;
}
