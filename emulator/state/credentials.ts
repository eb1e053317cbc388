/**
 * What a connection credential (a MySQL password or a Postgres role) is worth to a database
 * client: whether it has expired, and whether a login with it would succeed.
 */
import { secretMatches } from "./ids";
import type { CredentialRecord, DatabaseKind } from "./records";
import type { Store } from "./store";

/** Whether the credential has expired at `now`. */
export function isExpired(credential: CredentialRecord, now: number): boolean {
  return credential.expiresAt !== null && now >= credential.expiresAt;
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
