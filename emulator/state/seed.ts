import { z } from "zod";
import { parseOrThrow } from "./validation";

const SeedAccess = z.strictObject({
  access: z.string(),
  /** Omit (or null) for an organization-level grant. */
  database: z.string().nullable().optional(),
});

/** A branch to create in a seeded database. */
export const SeedBranch = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  /** Parent branch name; defaults to the database's default branch. */
  parent: z.string().optional(),
  production: z.boolean().optional(),
  /** `false` keeps the branch `pending` forever (to exercise "still initializing"). Default true. */
  ready: z.boolean().optional(),
  deletionProtected: z.boolean().optional(),
  safeMigrations: z.boolean().optional(),
  region: z.string().optional(),
  /** DDL applied to the branch after it copies its parent's schema (Vitess only). */
  schema: z.array(z.string()).optional(),
});

/** A backup of a seeded branch. */
export const SeedBackup = z.strictObject({
  id: z.string(),
  /** Name of the branch the backup was taken from. */
  branch: z.string(),
  name: z.string().optional(),
});

/** A database to create in a seeded organization. */
export const SeedDatabase = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  region: z.string().optional(),
  /** Name of the default (production) branch, created if not listed in `branches`. Default `main`. */
  defaultBranch: z.string().optional(),
  /** `false` makes the database refuse new branches ("still initializing"). Default true. */
  ready: z.boolean().optional(),
  /** `mysql` (Vitess, default) or `postgresql`: decides whether branches take passwords or roles. */
  kind: z.enum(["mysql", "postgresql"]).optional(),
  // Settings (`update_database_settings`); the defaults are a new database's, but Data Branching.
  /** Deploy requests need an approval by someone else. Default false. */
  requireApprovalForDeploy: z.boolean().optional(),
  /** New branches must be in the database's region. Default false. */
  restrictBranchRegion: z.boolean().optional(),
  /** Branches may be seeded with data. Default true (a new database through the API: false). */
  allowDataBranching: z.boolean().optional(),
  /** The database refuses deletion. Default false. */
  deletionProtected: z.boolean().optional(),
  /** DDL of its default branch's schema, e.g. `["CREATE TABLE users (id bigint PRIMARY KEY)"]` (Vitess only). */
  schema: z.array(z.string()).optional(),
  branches: z.array(SeedBranch).optional(),
  backups: z.array(SeedBackup).optional(),
});

/** A service token with a fixed secret, for scripts that need a known credential. */
export const SeedToken = z.strictObject({
  id: z.string().min(1),
  /** The plaintext secret; only its SHA-256 digest is kept. */
  token: z.string().min(1),
  name: z.string().nullable().optional(),
  /** ISO timestamp; omitted = never expires. */
  expiresAt: z.string().optional(),
  accesses: z.array(SeedAccess).optional(),
});

const SeedOrganization = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  databases: z.array(SeedDatabase).optional(),
  serviceTokens: z.array(SeedToken).optional(),
});

/**
 * Initial content of the emulator (a seed file, `--seed FILE`): organizations, their databases
 * (each with a default production branch), extra branches, backups and pre-made service tokens
 * with fixed secrets.
 */
export const Seed = z.strictObject({
  organizations: z.array(SeedOrganization).min(1),
});
/** Initial content of the emulator; see the schema. */
export type Seed = z.infer<typeof Seed>;
/** A branch to create in a seeded database. */
export type SeedBranch = z.infer<typeof SeedBranch>;
/** A database to create in a seeded organization. */
export type SeedDatabase = z.infer<typeof SeedDatabase>;
/** A backup of a seeded branch. */
export type SeedBackup = z.infer<typeof SeedBackup>;
/** A service token with a fixed secret. */
export type SeedToken = z.infer<typeof SeedToken>;

/**
 * Org `acme` with MySQL databases `app` and `other` and the Postgres database `pg-app`, each with a
 * ready production branch `main`, in us-east.
 */
export const DEFAULT_SEED: Seed = {
  organizations: [
    {
      name: "acme",
      databases: [{ name: "app" }, { name: "other" }, { name: "pg-app", kind: "postgresql" }],
    },
  ],
};

/** Parses untrusted seed JSON, throwing an Error that explains every problem. */
export function parseSeed(value: unknown): Seed {
  return parseOrThrow(Seed, value, "invalid seed");
}
