/**
 * What a connection credential (a MySQL password or a Postgres role) is worth to a database
 * client: whether it has expired, which list `status` it has, and whether a login with it would
 * succeed.
 */
import { cidrsAllow } from "./cidrs";
import { secretMatches } from "./ids";
import type { CredentialRecord, DatabaseKind, PasswordRecord, RoleRecord } from "./records";
import type { Store } from "./store";

/** Whether the credential has expired at `now`. */
export function isExpired(credential: CredentialRecord, now: number): boolean {
  return credential.expiresAt !== null && now >= credential.expiresAt;
}

/**
 * The `status` values `list_passwords` and `list_roles` filter by, as pscale offers them:
 * `password list --status` (active, renewable, expired) and `role list --status` (also disabled).
 */
export const CREDENTIAL_STATUSES = ["active", "renewable", "expired", "disabled"] as const;
/** A `status` filter value. */
export type CredentialStatus = (typeof CREDENTIAL_STATUSES)[number];

/**
 * Whether the credential has `status` at `now`: active until it expires, renewable while active
 * with a ttl, expired after. The emulator never disables a credential, so none is `disabled`.
 */
export function hasStatus(credential: CredentialRecord, status: CredentialStatus, now: number): boolean {
  const expired = isExpired(credential, now);
  switch (status) {
    case "active":
      return !expired;
    case "renewable":
      return !expired && credential.ttlSeconds !== null;
    case "expired":
      return expired;
    case "disabled":
      return false;
  }
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

/** Where a client logs in from when the check names no address: this machine. */
export const LOCAL_CLIENT = "127.0.0.1";

/** The credential (a password or a role) whose database username is `username`. */
export function credentialByUsername(
  store: Store,
  username: string,
):
  | { kind: "mysql"; credential: PasswordRecord }
  | { kind: "postgresql"; credential: RoleRecord }
  | undefined {
  const password = store.data.passwords.find((candidate) => candidate.username === username);
  if (password) return { kind: "mysql", credential: password };
  const role = store.data.roles.find((candidate) => candidate.username === username);
  return role ? { kind: "postgresql", credential: role } : undefined;
}

/**
 * Emulator-only stand-in for a database login from `from` (default {@link LOCAL_CLIENT}): is
 * `username`/`password` a live credential (not deleted, not expired, on a branch that still
 * exists, and for a password with `cidrs`, used from an address they allow)? Tests use it to prove
 * that a credential works, and stops working once deleted, expired, reset or restricted.
 */
export function checkConnection(
  store: Store,
  username: string,
  password: string,
  now: number,
  from: string = LOCAL_CLIENT,
): ConnectionCheck {
  const found = credentialByUsername(store, username);
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
  if (found.kind === "mysql" && !cidrsAllow(found.credential.cidrs, from)) {
    return { valid: false, reason: `access denied: ${from} is outside the password's allowed IP ranges` };
  }
  return {
    valid: true,
    kind,
    organization: credential.organization,
    database: credential.database,
    branch: branch.name,
    credentialId: credential.id,
  };
}
