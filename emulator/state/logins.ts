/**
 * The emulator's stand-in for a database server: a login (`checkConnection`) from an address, and
 * the tables a client creates once logged in as a Postgres role, which that role then owns. Used by
 * the control API (`POST /_emulator/connections`, `POST /_emulator/roles/{id}/objects`) and the
 * in-process `Emulator`.
 */
import { type ConnectionCheck, checkConnection, credentialByUsername, LOCAL_CLIENT } from "./credentials";
import type { RoleRecord } from "./records";
import { createTablesAs } from "./roles";
import type { Store } from "./store";

/** What a login may also say: where the client is, and the tables it creates once logged in. */
export interface LoginOptions {
  /** The client's IP address (default `127.0.0.1`): a password's `cidrs` must allow it. */
  from?: string | undefined;
  /** Tables the client creates after logging in: the Postgres role owns them from then on. */
  createTables?: readonly string[] | undefined;
}

/** A login's outcome, or why its options cannot apply (tables need a Postgres role). */
export type LoginOutcome = { check: ConnectionCheck; changed: boolean } | { refusal: string };

/** Tries a login as `username`/`password` and, when it succeeds, creates `createTables` as that role. */
export function login(
  store: Store,
  username: string,
  password: string,
  now: number,
  options: LoginOptions = {},
): LoginOutcome {
  const check = checkConnection(store, username, password, now, options.from ?? LOCAL_CLIENT);
  const tables = options.createTables ?? [];
  if (!check.valid || tables.length === 0) return { check, changed: false };
  const found = credentialByUsername(store, username);
  if (found?.kind !== "postgresql") {
    return { refusal: "createTables needs a Postgres role: a MySQL password owns no tables in the emulator" };
  }
  createTablesAs(found.credential, tables, now);
  return { check, changed: true };
}

/** Makes the role with id `roleId` own `tables`, as if a client logged in as it created them. */
export function createTablesAsRole(
  store: Store,
  roleId: string,
  tables: readonly string[],
  now: number,
): RoleRecord | undefined {
  const role = store.data.roles.find((candidate) => candidate.id === roleId);
  if (role) createTablesAs(role, tables, now);
  return role;
}
