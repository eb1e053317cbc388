import { z } from "zod";

const seedAccess = z.strictObject({
  access: z.string(),
  /** Omit (or null) for an organization-level grant. */
  database: z.string().nullable().optional(),
});

const seedBranch = z.strictObject({
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
});

const seedBackup = z.strictObject({
  id: z.string(),
  /** Name of the branch the backup was taken from. */
  branch: z.string(),
  name: z.string().optional(),
});

const seedDatabase = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  region: z.string().optional(),
  /** Name of the default (production) branch, created if not listed in `branches`. Default `main`. */
  defaultBranch: z.string().optional(),
  /** `false` makes the database refuse new branches ("still initializing"). Default true. */
  ready: z.boolean().optional(),
  /** `mysql` (Vitess, default) or `postgresql`: decides whether branches take passwords or roles. */
  kind: z.enum(["mysql", "postgresql"]).optional(),
  branches: z.array(seedBranch).optional(),
  backups: z.array(seedBackup).optional(),
});

const seedToken = z.strictObject({
  id: z.string().min(1),
  /** The plaintext secret; only its SHA-256 digest is kept. */
  token: z.string().min(1),
  name: z.string().nullable().optional(),
  /** ISO timestamp; omitted = never expires. */
  expiresAt: z.string().optional(),
  accesses: z.array(seedAccess).optional(),
});

const seedOrganization = z.strictObject({
  name: z.string(),
  id: z.string().optional(),
  databases: z.array(seedDatabase).optional(),
  serviceTokens: z.array(seedToken).optional(),
});

/** The zod schema of a seed file (`--seed FILE`). */
export const seedSchema = z.strictObject({
  organizations: z.array(seedOrganization).min(1),
});

/**
 * Initial content of the emulator: organizations, their databases (each with a default
 * production branch), extra branches, backups and pre-made service tokens with fixed secrets.
 */
export type Seed = z.input<typeof seedSchema>;

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

/** Parses untrusted seed JSON, with a readable error. */
export function parseSeed(value: unknown): z.output<typeof seedSchema> {
  const result = seedSchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first && first.path.length > 0 ? first.path.join(".") : "(root)";
    throw new Error(`invalid seed at ${where}: ${first?.message ?? "invalid"}`);
  }
  return result.data;
}
