import { randomBytes } from "node:crypto";
import { type RequestContext, requireDatabase } from "./context";
import { notFound, unprocessable } from "./errors";
import { iso, publicId, secretMatches } from "./ids";
import { accessesFor } from "./permissions";
import type { BranchRecord, CredentialRecord, DatabaseKind, DatabaseRecord } from "./records";
import { regionObject } from "./regions";
import { kindOf, type Store } from "./store";

const SECRET_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Longest lifetime the emulator accepts for a password or role (PlanetScale documents none). */
export const MAX_CREDENTIAL_TTL_SECONDS = 10 * 365 * 24 * 3600;

/** A plaintext connection password shaped like PlanetScale's: `pscale_pw_` and 43 random characters. */
export function credentialSecret(): string {
  let out = "pscale_pw_";
  for (const b of randomBytes(43)) out += SECRET_ALPHABET[b % SECRET_ALPHABET.length];
  return out;
}

/** A database username: random, like PlanetScale's. */
export function credentialUsername(prefix = ""): string {
  return `${prefix}${publicId()}${publicId().slice(0, 8)}`;
}

/** Whether the credential has expired at `now`. */
export function isExpired(credential: CredentialRecord, now: number): boolean {
  return credential.expiresAt !== null && now >= credential.expiresAt;
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
  const key = ctx.params["branch"] ?? "";
  const branch = ctx.store.branch(db.organization, db.name, key);
  if (!branch) throw notFound(`branch "${key}" does not exist in database "${db.name}"`);
  if (kindOf(db) !== kind) {
    throw unprocessable(
      kind === "mysql"
        ? `Database ${db.name} is a PostgreSQL database: it has roles (…/roles), not passwords`
        : `Database ${db.name} is a MySQL (Vitess) database: it has passwords (…/passwords), not roles`,
    );
  }
  return { db, branch };
}

/** Refuses a `ttl` that is not a whole number of seconds in range. */
export function checkTtl(ttl: number | undefined): void {
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_CREDENTIAL_TTL_SECONDS)) {
    throw unprocessable(`TTL must be a whole number of seconds between 1 and ${MAX_CREDENTIAL_TTL_SECONDS}`);
  }
}

/** Extends a credential by its ttl from now (`…/renew`); one without a ttl cannot be renewed. */
export function renew(ctx: RequestContext, credential: CredentialRecord): void {
  if (credential.ttlSeconds === null)
    throw unprocessable("This credential does not expire, so it cannot be renewed");
  if (isExpired(credential, ctx.now))
    throw unprocessable("This credential has expired and can no longer be renewed");
  credential.expiresAt = ctx.now + credential.ttlSeconds * 1000;
  credential.updatedAt = ctx.now;
  ctx.changed();
}

/** The region object of a branch, as credentials embed it. */
export function credentialRegion(branch: BranchRecord): ReturnType<typeof regionObject> {
  return regionObject(branch.region);
}

/** `iso` of a nullable epoch. */
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

/** What `POST /_emulator/connections` answers: whether a database client could log in. */
export type ConnectionCheck =
  | {
      valid: true;
      kind: DatabaseKind;
      organization: string;
      database: string;
      branch: string;
      credentialId: string;
    }
  | { valid: false; reason: string };

/**
 * Emulator-only stand-in for a database login: is `username`/`password` a live credential (not
 * deleted, not expired, on a branch that still exists)? Tests use it to prove that a credential
 * works, and stops working once deleted or expired.
 */
export function checkConnection(
  store: Store,
  username: string,
  password: string,
  now: number,
): ConnectionCheck {
  const all: Array<{ credential: CredentialRecord; kind: DatabaseKind }> = [
    ...store.data.passwords.map((credential) => ({ credential, kind: "mysql" as const })),
    ...store.data.roles.map((credential) => ({ credential, kind: "postgresql" as const })),
  ];
  const found = all.find(({ credential }) => credential.username === username);
  if (!found || !secretMatches(password, found.credential.secretHash)) {
    return { valid: false, reason: "access denied: unknown username or wrong password" };
  }
  const { credential, kind } = found;
  if (isExpired(credential, now))
    return { valid: false, reason: "access denied: the credential has expired" };
  const branch = store
    .branches(credential.organization, credential.database)
    .find((b) => b.id === credential.branchId);
  if (!branch) return { valid: false, reason: "access denied: the branch no longer exists" };
  return {
    valid: true,
    kind,
    organization: credential.organization,
    database: credential.database,
    branch: branch.name,
    credentialId: credential.id,
  };
}
