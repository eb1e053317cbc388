import { PulumiCliMissingError } from "../backend/errors";
import { BackendEvidence } from "../backend/evidence";
import { PulumiCli } from "../backend/pulumi-cli";
import { describeSubject, type SubjectQuery } from "../backend/subjects";

export type { SubjectQuery };

import type { ProviderContext } from "../dynamic/resource-implementation";

/**
 * Reads every stack of the state backend, for the stack named `stack` (short name), with a read
 * that started at `since` (this machine's clock, ms) or later.
 */
export type ReadStacks = (
  stack: string,
  since: number,
) => Promise<{ evidence: BackendEvidence; self: string | undefined }>;

/**
 * What the other stacks of the state backend say (rules 3 and 4 of docs/RELIABILITY.md): which of
 * them hold an object, and which have a pending create that may be making one. The engine writes a
 * pending create into the stack's checkpoint before it calls the provider's `create`, so a stack
 * that made an object we find had its pending create in the backend before the object existed:
 * a read that starts after we found the object sees it there, or sees the object in its resources.
 */
export interface OtherStacks {
  /** The other stacks whose state holds `id`. */
  holding(id: string): string[];
  /** The other stacks with a pending create that may be making the object `query` describes. */
  creating(query: SubjectQuery): string[];
}

/** The backend's stacks could not be read: nothing is taken or deleted on a guess. */
export class OtherStacksUnreadable extends Error {}

/** How a context reads the backend, when not through the Pulumi CLI (tests give checkpoints at hand). */
const readers = new WeakMap<ProviderContext, ReadStacks>();

/** Makes `ctx` read the state backend with `read` instead of the Pulumi CLI. */
export function readStacksWith(ctx: ProviderContext, read: ReadStacks): void {
  readers.set(ctx, read);
}

/**
 * The other stacks of the backend as they are now (a read started at `since` or later), for the
 * resource of stack `stack`. Throws {@link OtherStacksUnreadable} when they cannot be read (no
 * Pulumi CLI, the backend unreachable) or this resource does not name its stack.
 */
export async function readOtherStacks(
  ctx: ProviderContext,
  stack: string | undefined,
  since: number,
): Promise<OtherStacks> {
  if (stack === undefined) {
    throw new OtherStacksUnreadable("this resource does not name its stack (the `__stack` input)");
  }
  const read = readers.get(ctx) ?? cliReader();
  let result: Awaited<ReturnType<ReadStacks>>;
  try {
    result = await read(stack, since);
  } catch (error) {
    const why =
      error instanceof PulumiCliMissingError
        ? "the Pulumi CLI (`pulumi`) is not on the provider host's PATH"
        : (error as Error).message;
    throw new OtherStacksUnreadable(why, { cause: error });
  }
  const { evidence, self } = result;
  return {
    holding: (id) => evidence.holders(id).filter((s) => s !== self),
    creating: (query) => evidence.creators(query, self),
  };
}

/** Why `id` (described by `query`) belongs to another stack, in words, or undefined. */
export function claimText(others: OtherStacks, query: SubjectQuery, id?: string): string | undefined {
  const holding = id === undefined ? [] : others.holding(id);
  if (holding.length > 0) return `stack ${holding.join(", ")} holds it`;
  const creating = others.creating(query);
  if (creating.length > 0)
    return `stack ${creating.join(", ")} has a create of ${describeSubject(query)} under way or interrupted`;
  return undefined;
}

/** The commands that tell by hand whether another stack holds `ids` or is creating `query`. */
export function checkByHand(query: SubjectQuery, ids: string[]): string {
  const what = ids.length > 0 ? `id ${ids.join(" or ")} in its resources, or ` : "";
  return (
    "`pulumi stack ls --all`, then `pulumi stack export --stack <name>` of each stack, looking for " +
    `${what}a pending create of ${describeSubject(query)}`
  );
}

/** Another stack's claim on an object found by name: `by` in words (undefined: none), or why unknown. */
export type OtherStackClaim = { by: string | undefined } | { unreadable: string; check: string };

/**
 * Whether another stack of the state backend holds `id` or is creating the object `query`
 * describes, read after `id` was found: or, when the backend cannot be read, why not and how to
 * check by hand.
 */
export async function otherStackClaim(
  ctx: ProviderContext,
  query: SubjectQuery,
  id: string,
  stack: string | undefined,
): Promise<OtherStackClaim> {
  try {
    const others = await readOtherStacks(ctx, stack, Date.now());
    return { by: claimText(others, query, id) };
  } catch (error) {
    if (!(error instanceof OtherStacksUnreadable)) throw error;
    return { unreadable: error.message, check: checkByHand(query, [id]) };
  }
}

let shared: ReadStacks | undefined;

/**
 * The backend this run's own stack lives in, through the Pulumi CLI on `PATH`, from the provider
 * host's project directory and environment (so the same login, `PULUMI_BACKEND_URL` and Pulumi
 * home as the run). Reads overlap: a call is served by the latest read if it started at `since` or
 * later, so the resources of one run that need the evidence at once share one read.
 */
function cliReader(): ReadStacks {
  shared ??= overlappingReads(new PulumiCli({ cwd: process.cwd(), env: process.env }));
  return shared;
}

/** Reads through `cli`, a call served by the latest read when it started at `since` or later. */
function overlappingReads(cli: PulumiCli): ReadStacks {
  let latest: { started: number; evidence: Promise<BackendEvidence> } | undefined;
  return async (stack, since) => {
    if (latest === undefined || latest.started < since) {
      const started = Date.now();
      latest = { started, evidence: BackendEvidence.read(cli) };
    }
    const evidence = await latest.evidence;
    return { evidence, self: evidence.find(process.env["PULUMI_PROJECT"], stack) };
  };
}
