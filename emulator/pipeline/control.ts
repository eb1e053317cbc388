/**
 * The first stage: the unauthenticated control API under `/_emulator` (outside `/v1`). Its
 * requests are answered here and never reach the later stages, so they are never logged, faulted
 * or rate limited.
 */
import { z } from "zod";
import { applyDirectDdl } from "../state/direct-ddl";
import { FaultSettings } from "../state/fault-settings";
import { createTablesAsRole, login } from "../state/logins";
import type { RequestLog } from "../state/request-log";
import type { Store } from "../state/store";
import { explain, validate } from "../state/validation";
import type { Answer, Stage } from "./exchange";
import type { Faults } from "./fault-rules";
import { controlRefusal, type RequestHeaders } from "./loopback";

/** `PUT /_emulator/ready-delay`: how long new branches stay pending. */
const ReadyDelay = z.object({ ms: z.number().min(0).max(Number.MAX_SAFE_INTEGER) });

/** A table name, as `createTables` lists them. */
const Tables = z.array(z.string().min(1)).min(1);

/**
 * `POST /_emulator/connections`: the login a database client would attempt, from where, and the
 * tables it would create once logged in (a Postgres role then owns them).
 */
const ConnectionAttempt = z.object({
  username: z.string(),
  password: z.string(),
  from: z.string().optional(),
  createTables: Tables.optional(),
});

/** `POST /_emulator/roles/{id}/objects`: tables created as that role, without its password. */
const RoleObjects = z.object({ tables: Tables });

/**
 * `POST /_emulator/schema`: DDL a migration tool runs on a branch, named by its organization,
 * database and branch, or by a connection credential of it (what a tool's DATABASE_URL holds).
 */
const SchemaChange = z.union([
  z.strictObject({
    organization: z.string().optional(),
    database: z.string(),
    branch: z.string(),
    statements: z.array(z.string()).min(1),
  }),
  z.strictObject({
    username: z.string(),
    password: z.string(),
    from: z.string().optional(),
    statements: z.array(z.string()).min(1),
  }),
]);

/** `/_emulator/roles/{id}/objects`, capturing the role id. */
const ROLE_OBJECTS = /^\/_emulator\/roles\/([^/]+)\/objects$/;

/** A control endpoint's answer. */
interface ControlResult {
  status: number;
  body?: unknown;
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: raw.trim() === "" ? {} : JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

function bad(message: string): ControlResult {
  return { status: 400, body: { code: "bad_request", message } };
}

/** The body parsed with `schema`, or the 400 answer explaining its problems. */
function parseControlBody<T extends z.ZodType>(
  raw: string,
  schema: T,
): { ok: true; value: z.output<T> } | { ok: false; answer: ControlResult } {
  const json = parseJson(raw);
  if (!json.ok) return { ok: false, answer: bad("Invalid JSON") };
  const parsed = validate(schema, json.value);
  if (!parsed.success) return { ok: false, answer: bad(`Invalid body:\n${explain(parsed.error)}`) };
  return { ok: true, value: parsed.data };
}

/** What the control API reads and changes: the running emulator's settings, log and data. */
export interface ControlTarget {
  readonly apiUrl: string;
  readonly organization: string;
  readyDelayMs: number;
  readonly log: RequestLog;
  readonly faults: Faults;
  readonly store: Store;
  /** Writes the state file now (after a control request changed the data). */
  persist(): void;
}

/** The parts of a control request that decide its answer. */
interface ControlRequest {
  method: string;
  path: string;
  headers: RequestHeaders;
  rawBody: string;
}

/**
 * The unauthenticated control API under `/_emulator` (outside `/v1`): request log, fault
 * settings, ready delay, state snapshot, health. Never logged, faulted or rate limited. Answers
 * only local tools: see {@link controlRefusal} (403 otherwise).
 */
function handleControl(core: ControlTarget, request: ControlRequest): ControlResult {
  const refusal = controlRefusal(request.headers);
  if (refusal !== undefined) return { status: 403, body: { code: "forbidden", message: refusal } };
  const { method, path, rawBody: raw } = request;
  const trimmed = path.replace(/\/+$/, "");
  const route = `${method} ${trimmed}`;
  switch (route) {
    case "GET /_emulator/health":
      return {
        status: 200,
        body: {
          ok: true,
          apiUrl: core.apiUrl,
          organization: core.organization,
          readyDelayMs: core.readyDelayMs,
        },
      };
    case "GET /_emulator/requests":
      return { status: 200, body: core.log.all() };
    case "DELETE /_emulator/requests":
      core.log.clear();
      return { status: 204 };
    case "GET /_emulator/faults":
      return { status: 200, body: core.faults.get() };
    case "PUT /_emulator/faults": {
      const settings = parseControlBody(raw, FaultSettings);
      if (!settings.ok) return settings.answer;
      core.faults.set(settings.value);
      return { status: 200, body: core.faults.get() };
    }
    case "PUT /_emulator/ready-delay": {
      const delay = parseControlBody(raw, ReadyDelay);
      if (!delay.ok) return delay.answer;
      core.readyDelayMs = delay.value.ms;
      return { status: 200, body: { ms: delay.value.ms } };
    }
    case "POST /_emulator/connections": {
      // Emulator-only: would a database client log in with this username and password?
      const attempt = parseControlBody(raw, ConnectionAttempt);
      if (!attempt.ok) return attempt.answer;
      const { username, password, ...options } = attempt.value;
      const outcome = login(core.store, username, password, Date.now(), options);
      if ("refusal" in outcome) return bad(outcome.refusal);
      if (outcome.changed) core.persist();
      return { status: 200, body: outcome.check };
    }
    case "POST /_emulator/schema": {
      // Emulator-only: the DDL a migration tool would run on the branch over its connection.
      const change = parseControlBody(raw, SchemaChange);
      if (!change.ok) return change.answer;
      const { statements, ...named } = change.value;
      const target =
        "username" in named ? named : { ...named, organization: named.organization ?? core.organization };
      const outcome = applyDirectDdl(core.store, target, statements, Date.now());
      if ("status" in outcome) {
        const code = outcome.status === 404 ? "not_found" : "bad_request";
        return { status: outcome.status, body: { code, message: outcome.message } };
      }
      core.persist();
      const { branch } = outcome;
      return {
        status: 200,
        body: {
          organization: branch.organization,
          database: branch.database,
          branch: branch.name,
          tables: outcome.tables,
        },
      };
    }
    case "GET /_emulator/state":
      return { status: 200, body: core.store.snapshot(Date.now()) };
    default:
      return method === "POST" && ROLE_OBJECTS.test(trimmed) ? roleObjects(core, trimmed, raw) : NOT_FOUND;
  }
}

const NOT_FOUND: ControlResult = { status: 404, body: { code: "not_found", message: "Not Found" } };

/** `POST /_emulator/roles/{id}/objects {tables}` → 200 `{roleId, ownedObjects}`. */
function roleObjects(core: ControlTarget, path: string, raw: string): ControlResult {
  let roleId: string;
  try {
    roleId = decodeURIComponent(ROLE_OBJECTS.exec(path)?.[1] ?? "");
  } catch {
    return bad("Malformed percent-encoding in the role id");
  }
  const body = parseControlBody(raw, RoleObjects);
  if (!body.ok) return body.answer;
  const role = createTablesAsRole(core.store, roleId, body.value.tables, Date.now());
  if (!role) return { status: 404, body: { code: "not_found", message: `No role has id ${roleId}` } };
  core.persist();
  return { status: 200, body: { roleId: role.id, ownedObjects: role.ownedObjects } };
}

/** True for a path of the control API. */
function isControlPath(path: string): boolean {
  return path === "/_emulator" || path.startsWith("/_emulator/");
}

/** Answers `/_emulator` requests from `target`; hands every other request on. */
export function control(target: ControlTarget): Stage {
  return (next) => async (exchange) => {
    if (!isControlPath(exchange.path)) return next(exchange);
    const answer: Answer = { kind: "json", ...handleControl(target, exchange) };
    return answer;
  };
}
