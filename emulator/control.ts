import { checkConnection } from "./credentials";
import { parseFaults } from "./faults";
import { controlRefusal, type RequestHeaders } from "./loopback";
import type { EmulatorCore } from "./server";

/** A control endpoint's answer. */
export interface ControlResult {
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

/** The parts of a control request that decide its answer (besides the body). */
export interface ControlRequest {
  method: string;
  path: string;
  headers: RequestHeaders;
}

/**
 * The unauthenticated control API under `/_emulator` (outside `/v1`): request log, fault
 * settings, ready delay, state snapshot, health. Never logged, faulted or rate limited. Answers
 * only local tools: see {@link controlRefusal} (403 otherwise).
 */
export function handleControl(core: EmulatorCore, request: ControlRequest, raw: string): ControlResult {
  const refusal = controlRefusal(request.headers);
  if (refusal !== undefined) return { status: 403, body: { code: "forbidden", message: refusal } };
  const { method, path } = request;
  const route = `${method} ${path.replace(/\/+$/, "")}`;
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
      const j = parseJson(raw);
      if (!j.ok) return bad("Invalid JSON");
      try {
        core.faults.set(parseFaults(j.value));
      } catch (e) {
        return bad((e as Error).message);
      }
      return { status: 200, body: core.faults.get() };
    }
    case "PUT /_emulator/ready-delay": {
      const j = parseJson(raw);
      if (!j.ok) return bad("Invalid JSON");
      const v = j.value as { ms?: unknown } | null;
      const ms = v && typeof v === "object" ? v.ms : undefined;
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0)
        return bad('Body must be {"ms": <non-negative number>}');
      core.readyDelayMs = ms;
      return { status: 200, body: { ms } };
    }
    case "POST /_emulator/connections": {
      // Emulator-only: would a database client log in with this username and password?
      const j = parseJson(raw);
      if (!j.ok) return bad("Invalid JSON");
      const v = j.value as { username?: unknown; password?: unknown } | null;
      if (!v || typeof v.username !== "string" || typeof v.password !== "string")
        return bad('Body must be {"username": <string>, "password": <string>}');
      return { status: 200, body: checkConnection(core.store, v.username, v.password, Date.now()) };
    }
    case "GET /_emulator/state":
      return { status: 200, body: core.store.snapshot(Date.now()) };
    default:
      return { status: 404, body: { code: "not_found", message: "Not Found" } };
  }
}
