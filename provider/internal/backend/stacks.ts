import type { PulumiCli } from "./pulumi-cli";
import { isTruncatedAttrsFailure } from "./truncated-attrs";

/**
 * The waits before each new try of a read that failed with "EOF" (~1.5 s in all). The file
 * backend rewrites a checkpoint's `.attrs` file in place (gocloud.dev's fileblob `setAttrs`:
 * `os.Create`, then the JSON), so a read made while a running update saves its checkpoint can find
 * it empty for a moment: the ownership check of an unknown-outcome create runs `pulumi stack ls`
 * while its own `up` saves the resources that finished. A file a killed CLI left empty still fails
 * after the last try (`recover` moves it aside).
 */
const EMPTY_ATTRS_RETRY_MS: readonly number[] = [50, 100, 200, 400, 800];

/** `cli.run(args)`, tried again after each wait of `waits` while it fails with "EOF". */
async function readBackend(cli: PulumiCli, args: string[], waits: readonly number[]): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await cli.run(args);
    } catch (error) {
      const wait = waits[attempt];
      if (wait === undefined || !(error instanceof Error) || !isTruncatedAttrsFailure(error.message))
        throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

/** A resource or a pending operation's resource, as `pulumi stack export` writes it. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A pending operation of a checkpoint: what the engine was doing when the run stopped. */
export interface PendingOperation {
  resource: StateResource;
  /** `creating`, `updating`, `deleting`, `reading`, `importing`. */
  type: string;
}

/** The part of `pulumi stack export` that ownership reads and recovery edits. */
export interface Deployment {
  version: number;
  deployment: {
    resources?: StateResource[];
    pending_operations?: PendingOperation[];
    [key: string]: unknown;
  };
}

/**
 * One stack as `pulumi stack ls --all --json --fully-qualify-stack-names` lists it. Which fields a
 * backend fills in (checked in Pulumi 3.248's `stack_list.go` and the backends):
 * - `lastUpdate`: file, PostgreSQL and bucket backends give the checkpoint's manifest time, which
 *   every checkpoint save rewrites; Pulumi Cloud gives the last update's time, and leaves it out
 *   while an update runs;
 * - `updateInProgress`: only Pulumi Cloud (the others do not track runs: they report none).
 */
export interface StackSummary {
  /** Fully qualified (`organization/project/stack` on the file backend, `org/project/stack` on Cloud). */
  name: string;
  lastUpdate?: string;
  updateInProgress?: boolean;
  resourceCount?: number;
}

/** Every stack of the backend, of every project. */
export async function listStacks(
  cli: PulumiCli,
  waits: readonly number[] = EMPTY_ATTRS_RETRY_MS,
): Promise<StackSummary[]> {
  const text = await readBackend(
    cli,
    ["stack", "ls", "--all", "--json", "--fully-qualify-stack-names"],
    waits,
  );
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((s): s is { name: string } => typeof (s as { name?: unknown })?.name === "string")
    .map((s) => s as StackSummary);
}

/** A stack's checkpoint, secrets encrypted (`pulumi stack export --stack <name>`). */
export async function exportStack(
  cli: PulumiCli,
  stack: string,
  waits: readonly number[] = EMPTY_ATTRS_RETRY_MS,
): Promise<Deployment> {
  return JSON.parse(await readBackend(cli, ["stack", "export", "--stack", stack], waits)) as Deployment;
}

/** The short name of a stack (`organization/app/pr-7` → `pr-7`). */
export function shortName(stack: string): string {
  return stack.split("/").at(-1) ?? stack;
}

/** The project of a fully qualified stack name (`organization/app/pr-7` → `app`), if it has one. */
export function projectOfStack(stack: string): string | undefined {
  const parts = stack.split("/");
  return parts.length >= 3 ? parts.at(-2) : undefined;
}
