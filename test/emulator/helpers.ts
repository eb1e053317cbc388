/** Small HTTP helpers shared by the emulator tests (plain fetch against the real server). */
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator/index";

/** A credential as sent in `Authorization: <id>:<token>`. */
export interface Cred {
  id: string;
  token: string;
}

/** A response, with the body parsed as JSON when possible. */
export interface Res {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
  text: string;
  headers: Headers;
}

/** The fixed admin credential the tests use. */
export const ADMIN: Cred = { id: "admintest001", token: "pscale_tkn_admin_for_tests_only_0000000000" };

/**
 * Starts an emulator for one test file: quiet, fixed admin, short ready delay, strict about
 * unknown body fields, and a rate limit high enough not to interfere (rate-limit tests set their own).
 */
export function start(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    quiet: true,
    strict: true,
    readyDelayMs: 50,
    adminToken: ADMIN,
    rateLimitPerMinute: 100_000,
    ...options,
  });
}

/** Sends one request to `emu.apiUrl + path`. `cred: null` sends no Authorization header. */
export async function call(
  emu: { apiUrl: string },
  method: string,
  path: string,
  options: { cred?: Cred | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...options.headers };
  const cred = options.cred === undefined ? ADMIN : options.cred;
  if (cred) headers["authorization"] = `${cred.id}:${cred.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const r = await fetch(emu.apiUrl + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await r.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: r.status, body: parsed, text, headers: r.headers };
}

/** `/organizations/acme/databases/<db>/branches` */
export function branchesPath(db = "app", org = "acme"): string {
  return `/organizations/${org}/databases/${db}/branches`;
}

/** Creates a service token (as admin) and grants it `grants`; returns its credential. */
export async function makeToken(
  emu: { apiUrl: string },
  grants: Array<{ access: string[]; database?: string }>,
  extra: { name?: string; ttl?: number } = {},
): Promise<Cred> {
  const r = await call(emu, "POST", "/organizations/acme/service-tokens", {
    body: { name: "test", ...extra },
  });
  if (r.status !== 200) throw new Error(`token create failed: ${r.status} ${r.text}`);
  const id = r.body.id as string;
  for (const g of grants) {
    const a = await call(emu, "POST", `/organizations/acme/service-tokens/${id}/access`, { body: g });
    if (a.status !== 200) throw new Error(`grant failed: ${a.status} ${a.text}`);
  }
  return { id, token: r.body.token as string };
}

/** Waits until `branch` reports `state: "ready"` (polls every 10 ms, up to 5 s). */
export async function waitReady(emu: { apiUrl: string }, branch: string, db = "app"): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = await call(emu, "GET", `${branchesPath(db)}/${branch}`);
    if (r.status === 200 && r.body.state === "ready") return;
    if (Date.now() > deadline) throw new Error(`branch ${branch} never became ready`);
    await new Promise((res) => setTimeout(res, 10));
  }
}
