/** What a dynamic provider receives from the host, pointed at a test emulator. */
import type { Emulator } from "../../emulator";
import { contextFor, type ProviderContext } from "../../provider/internal/dynamic/resource-implementation";

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
  return { ...ctx, log: (message: string) => logs.push(message), logs };
}

/** The value Pulumi's engine sends for an output not known yet (at preview). */
export { UNKNOWN } from "../../provider/internal/inputs/unknown";
