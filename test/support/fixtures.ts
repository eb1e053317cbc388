/** Shared fixtures for provider-level tests: an emulator, a config source and a raw API caller. */
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator";
import { contextFor, type ProviderContext } from "../../provider/internal/dynamic/resource-implementation";

export type { Emulator };

/**
 * Starts an in-process emulator with a fast readiness delay, strict about unknown body fields so
 * a misspelt field in our client fails the test instead of being ignored.
 */
export function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ readyDelayMs: 100, quiet: true, strict: true, ...options });
}

/** The stack configuration a dynamic provider's `configure` would receive for this emulator. */
export function configFor(
  emu: Emulator,
  extra: Record<string, string> = {},
): { get(key: string): string | undefined } {
  const values: Record<string, string> = {
    "planetscale:serviceTokenId": emu.adminCredential.id,
    "planetscale:serviceToken": emu.adminCredential.token,
    "planetscale:apiUrl": emu.apiUrl,
    "planetscale:organization": emu.organization,
    ...extra,
  };
  return { get: (key) => values[key] };
}

/** A provider context as the host builds it, plus a record of the progress lines it printed. */
export function contextForEmulator(
  emu: Emulator,
  extra: Record<string, string> = {},
): ProviderContext & { logs: string[] } {
  const ctx = contextFor(configFor(emu, extra));
  const logs: string[] = [];
  return { ...ctx, log: (m: string) => logs.push(m), logs };
}

/** Calls the emulator's API directly with a credential (admin by default). */
export async function api(
  emu: Emulator,
  method: string,
  path: string,
  body?: unknown,
  credential: { id: string; token: string } = emu.adminCredential,
  // biome-ignore lint/suspicious/noExplicitAny: parsed JSON of many shapes; tests index into it freely.
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emu.apiUrl}${path}`, {
    method,
    headers: {
      Authorization: `${credential.id}:${credential.token}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Branch names of a database, via the API. */
export async function branchNames(emu: Emulator, database = "app"): Promise<string[]> {
  const res = await api(
    emu,
    "GET",
    `/organizations/${emu.organization}/databases/${database}/branches?per_page=100`,
  );
  return (res.body.data as Array<{ name: string }>).map((b) => b.name).sort();
}

export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
