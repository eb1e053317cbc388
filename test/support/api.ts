/** Calling the emulator's API directly over HTTP, as a user's script or PlanetScale's CLI would. */
import { Agent, fetch } from "undici";
import type { Emulator } from "../../emulator";
import type { Credential } from "./emulator";

/**
 * One connection per request. With keep-alive, a request may go out on an idle socket the server
 * is closing at that moment ("other side closed"): a race a loaded machine wins now and then, and
 * one no test here is about (the provider's own client handles it, and its tests cover that).
 */
const oneConnectionPerRequest = new Agent({ pipelining: 0 });

/** An answer, with the body parsed as JSON when it is JSON. */
export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of many shapes; tests index into it freely.
  body: any;
  text: string;
  headers: { get(name: string): string | null };
}

/** What {@link call} may send besides the method and path. */
export interface CallOptions {
  /** The credential to send; the emulator's admin by default, `null` for no `Authorization` header. */
  cred?: Credential | null;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, instead of `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** Sends one request to `emu.apiUrl + path`. */
export async function call(
  emu: Pick<Emulator, "apiUrl" | "adminCredential">,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const cred = options.cred === undefined ? emu.adminCredential : options.cred;
  if (cred) headers["authorization"] = `${cred.id}:${cred.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const response = await fetch(emu.apiUrl + path, {
    dispatcher: oneConnectionPerRequest,
    method,
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** `/organizations/<org>/databases/<database>/branches` */
export function branchesPath(database = "app", organization = "acme"): string {
  return `/organizations/${organization}/databases/${database}/branches`;
}

/** Creates a service token (as admin) and grants it `grants`; returns its credential. */
export async function makeToken(
  emu: Pick<Emulator, "apiUrl" | "adminCredential">,
  grants: Array<{ access: string[]; database?: string }>,
  extra: { name?: string; ttl?: number } = {},
): Promise<Credential> {
  const created = await call(emu, "POST", "/organizations/acme/service-tokens", {
    body: { name: "test", ...extra },
  });
  if (created.status !== 200) throw new Error(`token create failed: ${created.status} ${created.text}`);
  const id = created.body.id as string;
  for (const grant of grants) {
    const granted = await call(emu, "POST", `/organizations/acme/service-tokens/${id}/access`, {
      body: grant,
    });
    if (granted.status !== 200) throw new Error(`grant failed: ${granted.status} ${granted.text}`);
  }
  return { id, token: created.body.token as string };
}

/**
 * Polls until `condition()` holds (every `intervalMs`, up to `timeoutMs`): tests wait on what they
 * need, never on a fixed delay that a slow machine can outrun.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 10_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `branch` reports `state: "ready"`. */
export async function waitReady(
  emu: Pick<Emulator, "apiUrl" | "adminCredential">,
  branch: string,
  database = "app",
): Promise<void> {
  await waitFor(`branch ${branch} to be ready`, async () => {
    const response = await call(emu, "GET", `${branchesPath(database)}/${branch}`);
    return response.status === 200 && response.body.state === "ready";
  });
}

/** Branch names of a database, sorted, via the API. */
export async function branchNames(emu: Emulator, database = "app"): Promise<string[]> {
  const response = await call(emu, "GET", `${branchesPath(database, emu.organization)}?per_page=100`);
  return (response.body.data as Array<{ name: string }>).map((branch) => branch.name).sort();
}
