import { secretMatches } from "../state/ids";
import type { AccessName } from "../state/permissions";
import type { ActorRef, TokenRecord } from "../state/records";
import type { Store } from "../state/store";
import { unauthorized } from "./errors";

/** The fixed or random admin credential: every access, at organization level, in every organization. */
export interface AdminCredential {
  id: string;
  secretHash: string;
}

/** Who is calling: the admin credential or a service token created through the API (or seeded). */
export type Credential = { kind: "admin"; id: string } | { kind: "token"; id: string; token: TokenRecord };

type Parsed = { kind: "pair"; id: string; secret: string } | { kind: "bearer"; secret: string };

/** Splits an `Authorization` header value into its parts without judging them. */
function parseHeader(header: string | undefined): Parsed | "missing" | "malformed" {
  if (header === undefined || header.trim() === "") return "missing";
  const value = header.trim();
  const bearer = /^bearer\s+(\S+)$/i.exec(value);
  if (bearer) return { kind: "bearer", secret: bearer[1]! };
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1 || /\s/.test(value)) return "malformed";
  return { kind: "pair", id: value.slice(0, colon), secret: value.slice(colon + 1) };
}

function resolve(
  header: string | undefined,
  store: Store,
  admin: AdminCredential,
  now: number,
): Credential | { error: string } {
  const parsed = parseHeader(header);
  if (parsed === "missing") return { error: "Authentication required: send 'Authorization: <id>:<token>'" };
  if (parsed === "malformed")
    return {
      error:
        "Malformed Authorization header: expected '<SERVICE_TOKEN_ID>:<SERVICE_TOKEN>' or 'Bearer <token>'",
    };
  let token: TokenRecord | undefined;
  if (parsed.kind === "pair") {
    if (parsed.id === admin.id) {
      return secretMatches(parsed.secret, admin.secretHash)
        ? { kind: "admin", id: admin.id }
        : { error: "Invalid service token" };
    }
    token = store.tokenById(parsed.id);
    if (!token || !secretMatches(parsed.secret, token.secretHash)) return { error: "Invalid service token" };
  } else {
    if (secretMatches(parsed.secret, admin.secretHash)) return { kind: "admin", id: admin.id };
    token = store.data.serviceTokens.find((t) => secretMatches(parsed.secret, t.secretHash));
    if (!token) return { error: "Invalid access token" };
  }
  if (token.expiresAt !== null && now >= token.expiresAt) return { error: "The service token has expired" };
  return { kind: "token", id: token.id, token };
}

/**
 * Authenticates a request from its `Authorization` header: `<id>:<token>` or `Bearer <token>`.
 * Unknown, malformed, deleted or expired credentials throw 401 `unauthorized`.
 */
export function authenticate(
  header: string | undefined,
  store: Store,
  admin: AdminCredential,
  now: number,
): Credential {
  const resolved = resolve(header, store, admin, now);
  if ("error" in resolved) throw unauthorized(resolved.error);
  return resolved;
}

/** The id of the credential a header authenticates as, or null; no side effects (for the request log). */
export function credentialIdOf(
  header: string | undefined,
  store: Store,
  admin: AdminCredential,
  now: number,
): string | null {
  const resolved = resolve(header, store, admin, now);
  return "error" in resolved ? null : resolved.id;
}

/**
 * True when the credential holds `access` for `database` (a database-level grant on that
 * database, or an organization-level grant), or at organization level when `database` is null.
 */
export function holds(cred: Credential, access: AccessName, database: string | null): boolean {
  if (cred.kind === "admin") return true;
  return cred.token.accesses.some(
    (a) => a.access === access && (a.database === null || a.database === database),
  );
}

/** True when the credential holds at least one of `accesses` (see {@link holds}). */
export function holdsAny(
  cred: Credential,
  accesses: readonly AccessName[],
  database: string | null,
): boolean {
  return accesses.some((a) => holds(cred, a, database));
}

/** The `actor` recorded on things this credential creates. */
export function actorOf(cred: Credential): ActorRef {
  if (cred.kind === "admin") return { id: cred.id, displayName: "Emulator admin", type: "ServiceToken" };
  return { id: cred.token.id, displayName: cred.token.name ?? cred.token.id, type: "ServiceToken" };
}

/** The service token calling, if it is one (the admin credential is not a token). */
export function tokenOf(cred: Credential): TokenRecord | null {
  return cred.kind === "token" ? cred.token : null;
}
