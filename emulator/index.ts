/**
 * A local PlanetScale API emulator: organizations, MySQL and Postgres databases, branches, their
 * passwords and roles, and service tokens
 * with PlanetScale's status codes, error bodies, permission checks, pagination, asynchronous
 * branch readiness, rate limiting and fault injection. Use it in-process:
 *
 * ```ts
 * import { startEmulator } from "pulumi-planetscale/emulator";
 * const emu = await startEmulator({ readyDelayMs: 50, quiet: true });
 * // emu.apiUrl, emu.organization, emu.adminCredential
 * await emu.stop();
 * ```
 *
 * or as the `pulumi-planetscale-emulator` CLI.
 *
 * @module pulumi-planetscale/emulator
 */

import { Faults } from "./pipeline/fault-rules";
import { isLoopbackInterface } from "./pipeline/loopback";
import { EmulatorCore } from "./server";
import { EmulatorConfigError } from "./state/config-error";
import type { ConnectionCheck } from "./state/credentials";
import { applyDirectDdl, type DdlTarget } from "./state/direct-ddl";
import { type FaultRule, type FaultSettings, parseFaults } from "./state/fault-settings";
import { hashSecret, publicId, tokenSecret } from "./state/ids";
import { createTablesAsRole, type LoginOptions, login } from "./state/logins";
import type { RequestLogEntry } from "./state/request-log";
import { DEFAULT_SEED, type Seed } from "./state/seed";
import { type EmulatorSnapshot, Store } from "./state/store";

export { EmulatorConfigError } from "./state/config-error";
export type { DatabaseSettings } from "./state/databases";
export {
  type AccessName,
  DATABASE_ACCESSES,
  type DatabaseAccess,
  OPERATION_ACCESSES,
  ORGANIZATION_ACCESSES,
  type OrganizationAccess,
} from "./state/permissions";
export { DatabaseKind } from "./state/records";
export { REGION_SLUGS } from "./state/regions";
export { Seed } from "./state/seed";
export type {
  CredentialSnapshot,
  DeployRequestSnapshot,
  PasswordSnapshot,
  RoleSnapshot,
} from "./state/store";
export type {
  ConnectionCheck,
  DdlTarget,
  EmulatorSnapshot,
  FaultRule,
  FaultSettings,
  LoginOptions,
  RequestLogEntry,
};
export { DEFAULT_SEED };

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Interface to listen on (default `127.0.0.1`). Anything but loopback needs {@link allowRemote}. */
  host?: string;
  /**
   * Allow a non-loopback {@link host}. The emulator's admin credential and its unauthenticated
   * control API are meant for one machine; other machines can then reach the API (the control
   * API still answers only loopback `Host` names).
   */
  allowRemote?: boolean;
  /** Port (default 0: pick a free one). */
  port?: number;
  /** Initial data (default: org `acme` with databases `app` and `other`, each with production branch `main`). */
  seed?: Seed;
  /** Persist the data atomically after each change and load it on start when the file exists. */
  stateFile?: string;
  /**
   * How long a new branch stays `pending` (default 1500 ms); also how long each phase of a deploy
   * request takes (its check, the wait in the queue, the schema change, the cut-over, a revert).
   */
  readyDelayMs?: number;
  /** How long a deployed deploy request can be reverted (default 30 minutes, as on PlanetScale). */
  revertWindowMs?: number;
  /** Fixed admin credential (every access, organization level) for reproducible setups; random otherwise. */
  adminToken?: { id: string; token: string };
  /** Requests per minute per credential, sliding window (default 600). */
  rateLimitPerMinute?: number;
  /** Fault injection settings (none by default). */
  faults?: FaultSettings;
  /** Do not print a line per request to stderr. */
  quiet?: boolean;
  /**
   * Refuse unknown request-body fields with 400 `bad_request` (default false: ignore them and
   * record them as `ignoredFields` in the request log, as PlanetScale ignores them). Test suites
   * of API clients should run strict so a misspelt field fails loudly.
   */
  strict?: boolean;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `url + "/v1"`: what clients use as the API base URL. */
  apiUrl: string;
  /** The first seeded organization (`acme` by default). */
  organization: string;
  /** The admin credential: send `Authorization: <id>:<token>` (or `Bearer <token>`). */
  adminCredential: { id: string; token: string };
  /** Every request answered so far (never secrets). */
  requests(): RequestLogEntry[];
  /** Forgets the request log. */
  clearRequests(): void;
  /** Replaces the fault settings. */
  setFaults(f: FaultSettings): void;
  /** Sets how long branches created from now on stay `pending`. */
  setReadyDelay(ms: number): void;
  /** Sets the per-credential rate limit (resets the windows). */
  setRateLimit(perMinute: number): void;
  /** Sets the revert window of deploy requests opened from now on. */
  setRevertWindow(ms: number): void;
  /**
   * Emulator-only stand-in for a migration tool (also `POST /_emulator/schema`): runs MySQL DDL
   * (`CREATE TABLE`, `ALTER TABLE`, `DROP TABLE`, …) on a development branch, named by
   * organization, database and branch or by a password's username and plaintext. Returns the
   * branch's tables afterwards; throws when a statement fails (nothing is applied then), and on a
   * branch with safe migrations on ("direct DDL is disabled", as PlanetScale answers).
   */
  applySchema(target: DdlTarget, statements: readonly string[]): string[];
  /** Plain JSON of organizations, databases, branches, backups and service tokens (no secrets). */
  snapshot(): EmulatorSnapshot;
  /**
   * Emulator-only: the SHA-256 hex digests of every service-token and password secret this
   * emulator handed out, deleted ones included (never the secrets), so a leak scan can recognize a
   * secret even without its `pscale_…_` prefix. Not persisted in the state file.
   */
  issuedSecretDigests(): string[];
  /**
   * Emulator-only stand-in for a database login (also `POST /_emulator/connections`): whether a
   * client could connect with this password or role's username and plaintext right now, from
   * `options.from` (default `127.0.0.1`; a password's `cidrs` must allow it). With
   * `options.createTables`, a client logged in as a Postgres role creates those tables, which the
   * role then owns (PlanetScale refuses to delete it until they are reassigned); throws for a
   * MySQL password.
   */
  checkConnection(username: string, password: string, options?: LoginOptions): ConnectionCheck;
  /**
   * Emulator-only: makes the Postgres role with id `roleId` own `tables`, as if a client logged in
   * as it had created them (also `POST /_emulator/roles/{id}/objects`). Throws for an unknown id.
   */
  createTablesAs(roleId: string, tables: readonly string[]): void;
  /** Resolves once every request held back so far by an `apply-late` fault has been applied. */
  lateApplied(): Promise<void>;
  /** Stops the server (and writes the state file). */
  stop(): Promise<void>;
}

/** PlanetScale's revert window: "30 minutes" (planetscale.com/docs, "Deploy requests"). */
const DEFAULT_REVERT_WINDOW_MS = 30 * 60 * 1000;

function checkNonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0))
    throw new EmulatorConfigError(`${name} must be a non-negative number`);
}

/** Starts an emulator and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackInterface(host) && options.allowRemote !== true) {
    throw new EmulatorConfigError(
      `host "${host}" is not a loopback address: other machines could reach the emulator. Listen on 127.0.0.1, or set allowRemote (--allow-remote) if that is what you want`,
    );
  }
  checkNonNegative("readyDelayMs", options.readyDelayMs);
  checkNonNegative("revertWindowMs", options.revertWindowMs);
  const rate = options.rateLimitPerMinute ?? 600;
  if (!Number.isInteger(rate) || rate < 1)
    throw new EmulatorConfigError("rateLimitPerMinute must be a positive integer");
  const admin = options.adminToken ?? { id: publicId(), token: tokenSecret() };
  if (admin.id === "" || admin.token === "" || admin.id.includes(":") || /\s/.test(admin.id + admin.token)) {
    throw new EmulatorConfigError(
      "adminToken id and token must be non-empty, without spaces, and the id without ':'",
    );
  }
  const now = Date.now();
  const store = Store.open(options.seed ?? DEFAULT_SEED, options.stateFile, now);
  if (store.tokenById(admin.id))
    throw new EmulatorConfigError(`adminToken id "${admin.id}" is already used by a service token`);
  const organization = store.data.organizations[0]?.name;
  if (organization === undefined)
    throw new EmulatorConfigError("the emulator needs at least one organization");
  const core = new EmulatorCore({
    store,
    admin: { id: admin.id, secretHash: hashSecret(admin.token) },
    readyDelayMs: options.readyDelayMs ?? 1500,
    revertWindowMs: options.revertWindowMs ?? DEFAULT_REVERT_WINDOW_MS,
    rateLimitPerMinute: rate,
    faults: new Faults(options.faults ? parseFaults(options.faults) : undefined),
    quiet: options.quiet ?? false,
    organization,
    strict: options.strict ?? false,
  });
  await core.listen(host, options.port ?? 0);
  return {
    url: core.url,
    apiUrl: core.apiUrl,
    organization,
    adminCredential: { id: admin.id, token: admin.token },
    requests: () => core.log.all(),
    clearRequests: () => core.log.clear(),
    setFaults: (f) => core.faults.set(f),
    setReadyDelay: (ms) => {
      checkNonNegative("ready delay", ms);
      core.readyDelayMs = ms;
    },
    setRateLimit: (perMinute) => {
      if (!Number.isInteger(perMinute) || perMinute < 1)
        throw new EmulatorConfigError("rate limit must be a positive integer");
      core.setRateLimit(perMinute);
    },
    setRevertWindow: (ms) => {
      checkNonNegative("revert window", ms);
      core.revertWindowMs = ms;
    },
    snapshot: () => core.store.snapshot(Date.now()),
    issuedSecretDigests: () => [...core.store.issuedDigests],
    applySchema: (target, statements) => {
      const outcome = applyDirectDdl(core.store, target, statements, Date.now());
      if ("status" in outcome) throw new Error(outcome.message);
      core.persist();
      return outcome.tables;
    },
    checkConnection: (username, password, loginOptions) => {
      const outcome = login(core.store, username, password, Date.now(), loginOptions);
      if ("refusal" in outcome) throw new Error(outcome.refusal);
      if (outcome.changed) core.persist();
      return outcome.check;
    },
    createTablesAs: (roleId, tables) => {
      if (!createTablesAsRole(core.store, roleId, tables, Date.now()))
        throw new Error(`No role has id ${roleId}`);
      core.persist();
    },
    lateApplied: () => core.lateApplied(),
    stop: () => core.stop(),
  };
}
