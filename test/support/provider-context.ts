/** What a dynamic provider receives from the host, pointed at a test emulator. */
import type { Emulator } from "../../emulator";
import { BackendEvidence } from "../../provider/internal/backend/evidence";
import type { Deployment } from "../../provider/internal/backend/stacks";
import { contextFor, type ProviderContext } from "../../provider/internal/dynamic/resource-implementation";
import { readStacksWith } from "../../provider/internal/ownership/other-stacks";

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

/** The stack the resources of provider tests name (`__stack`), in {@link TEST_PROJECT}. */
export const TEST_STACK = "test";
export const TEST_PROJECT = "e2e";

/**
 * A provider context as the host builds it, plus a record of the progress lines it printed. Its
 * state backend is {@link withTestBackend}'s.
 */
export function contextForEmulator(
  emu: Emulator,
  extra: Record<string, string> = {},
  stacks?: () => ReadonlyMap<string, Deployment>,
): ProviderContext & { logs: string[] } {
  const ctx = contextFor(configFor(emu, extra));
  const logs: string[] = [];
  return withTestBackend({ ...ctx, log: (message: string) => logs.push(message), logs }, stacks);
}

/**
 * Gives `ctx` a state backend (what the ownership checks read through the Pulumi CLI in a real
 * run) that holds this test's stack ({@link TEST_STACK} of {@link TEST_PROJECT}) and the `stacks`
 * given, as `pulumi stack export` prints them, keyed by fully qualified name (read at each check).
 */
export function withTestBackend<T extends ProviderContext>(
  ctx: T,
  stacks: () => ReadonlyMap<string, Deployment> = () => new Map(),
): T {
  const self = `organization/${TEST_PROJECT}/${TEST_STACK}`;
  readStacksWith(ctx, async (stack) => {
    const all = new Map(stacks());
    if (!all.has(self)) all.set(self, { version: 3, deployment: {} });
    const evidence = BackendEvidence.of(all);
    return { evidence, self: evidence.find(TEST_PROJECT, stack) };
  });
  return ctx;
}

/** The value Pulumi's engine sends for an output not known yet (at preview). */
export { UNKNOWN } from "../../provider/internal/inputs/unknown";
