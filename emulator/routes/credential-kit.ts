/**
 * What passwords and roles share besides their routes: the shape of a {@link CredentialKind}, the
 * branch and credential a request names, and the rules for names and ttls.
 */
import type { z } from "zod";
import type { RequestContext } from "../http/context";
import { requireDatabase } from "../http/context";
import { notFound, unprocessable } from "../http/errors";
import type { CredentialStatus } from "../state/credentials";
import { kindOf } from "../state/databases";
import { accessesFor } from "../state/permissions";
import type { BranchRecord, CredentialRecord, DatabaseKind, DatabaseRecord } from "../state/records";
import type { Store } from "../state/store";
import { requireBranch } from "./checks";

/** Longest lifetime the emulator accepts for a password or role (PlanetScale documents none). */
const MAX_CREDENTIAL_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** Longest name the emulator accepts (PlanetScale documents none). */
const MAX_NAME_LENGTH = 255;

/** The fields every create body of a credential may carry. */
export interface CreateBodyBase {
  name?: string | undefined;
  ttl?: number | undefined;
}

/** The field every update body of a credential may carry. */
export interface UpdateBodyBase {
  name?: string | undefined;
}

/** What one kind of credential adds to the shared routes (`credential-routes.ts`). */
export interface CredentialKind<
  Kind extends CredentialRecord,
  Body extends CreateBodyBase,
  Update extends UpdateBodyBase,
> {
  /** The singular noun of its operation ids and messages: `password` (`get_password`). */
  noun: string;
  /** The path segment and plural of its operation ids: `passwords` (`list_passwords`). */
  collection: string;
  /** The kind of database whose branches hold it; asking another kind answers 422. */
  databaseKind: DatabaseKind;
  /** The status of a successful create, as the spec gives it. */
  createdStatus: 200 | 201;
  /** The create request body (the fields PlanetScale's own clients send). */
  createBody: z.ZodType<Body>;
  /** The `PATCH …/{id}` body. */
  updateBody: z.ZodType<Update>;
  /** The `DELETE …/{id}` body its clients may send. */
  deleteBody: z.ZodType<Record<string, unknown>>;
  /** The `status` filter values its list takes. */
  statuses: readonly CredentialStatus[];
  /** The store's (live) list of this kind. */
  records(store: Store): Kind[];
  /** Whether the record appears in lists (a role kind hides the branch's default role). */
  listed(record: Kind): boolean;
  /** Whether the list's `q` (lowercased) matches the record. */
  matches(record: Kind, q: string): boolean;
  /**
   * Checks what only this kind refuses, then adds its own fields to `common` (name, username and
   * secret digest already set).
   */
  build(common: CredentialRecord, body: Body, branch: BranchRecord): Kind;
  /** Checks and applies the fields of an update besides `name`; true when something changed. */
  update(record: Kind, body: Update): boolean;
  /** Checks and does what must happen before the record is deleted (422 to refuse). */
  beforeDelete(ctx: RequestContext, record: Kind, branch: BranchRecord, body: Record<string, unknown>): void;
  /** A name for a credential created without one. */
  defaultName(branch: BranchRecord, now: number): string;
  /** A new random database username. */
  newUsername(branch: BranchRecord): string;
  /** The API object; `secret` is the plaintext, given only when it was just set. */
  render(record: Kind, branch: BranchRecord, now: number, secret: string | null): unknown;
}

/**
 * The database and branch of a password or role request. Passwords exist on MySQL (Vitess)
 * databases and roles on Postgres ones: asking the other kind answers 422, naming the right API.
 */
export function requireCredentialBranch(
  ctx: RequestContext,
  op: string,
  kind: DatabaseKind,
): { db: DatabaseRecord; branch: BranchRecord } {
  const db = requireDatabase(ctx, accessesFor(op));
  const branch = requireBranch(ctx, db);
  if (kindOf(db) !== kind) {
    throw unprocessable(
      kind === "mysql"
        ? `Database ${db.name} is a PostgreSQL database: it has roles (…/roles), not passwords`
        : `Database ${db.name} is a MySQL (Vitess) database: it has passwords (…/passwords), not roles`,
    );
  }
  return { db, branch };
}

/** The credential of `branch` with the `id` of the path; 404 otherwise. */
export function requireCredentialIn<Kind extends CredentialRecord>(
  ctx: RequestContext,
  records: readonly Kind[],
  branch: BranchRecord,
  noun: string,
): Kind {
  const id = ctx.params["id"] ?? "";
  const record = records.find(
    (candidate) =>
      candidate.id === id &&
      candidate.organization === branch.organization &&
      candidate.database === branch.database &&
      candidate.branchId === branch.id,
  );
  if (!record) throw notFound(`${noun} "${id}" does not exist on branch "${branch.name}"`);
  return record;
}

/** Refuses a `ttl` that is not a whole number of seconds in range. */
export function checkTtl(ttl: number | undefined): void {
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_CREDENTIAL_TTL_SECONDS)) {
    throw unprocessable(`TTL must be a whole number of seconds between 1 and ${MAX_CREDENTIAL_TTL_SECONDS}`);
  }
}

/** Refuses a name that is too long, or blank where a name is required (`required`: renames). */
export function checkName(name: string | undefined, required: boolean): void {
  if (name === undefined) return;
  if (name.length > MAX_NAME_LENGTH) throw unprocessable(`Name is too long (at most ${MAX_NAME_LENGTH})`);
  if (required && name.trim() === "") throw unprocessable("Name can't be blank");
}
