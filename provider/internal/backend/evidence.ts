import type { PulumiCli } from "./pulumi-cli";
import { type Deployment, exportStack, listStacks, type StackSummary } from "./stacks";
import { mayBe, type Subject, type SubjectQuery, subjectKindOfType, subjectOf } from "./subjects";

/** How many `pulumi stack export`s run at once (each is a process reading the backend). */
const CONCURRENCY = 4;

/** What one stack's checkpoint says about PlanetScale objects. */
export interface StackHoldings {
  stack: string;
  /** Ids of the objects its resources (and its pending updates, deletes, reads) hold. */
  ids: Set<string>;
  /** What its pending creates may be making (a create under way, or interrupted). */
  creating: Subject[];
}

/** The evidence of one stack's checkpoint: its resources' ids and its pending creates. */
export function holdingsOf(stack: string, deployment: Deployment): StackHoldings {
  const ids = new Set<string>();
  const creating: Subject[] = [];
  for (const r of deployment.deployment.resources ?? []) {
    if (subjectKindOfType(r.type) !== undefined && r.id) ids.add(r.id);
  }
  for (const op of deployment.deployment.pending_operations ?? []) {
    const subject = subjectOf(op.resource);
    if (subject === undefined) continue;
    if (op.type === "creating") creating.push(subject);
    else if (op.resource.id) ids.add(op.resource.id);
  }
  return { stack, ids, creating };
}

/**
 * What every stack of a state backend holds and is creating, read through the Pulumi CLI
 * (`pulumi stack ls --all`, then `pulumi stack export` of each): the evidence that an object
 * belongs to someone. An object any stack holds, or that any stack has a pending create for, is
 * never deleted or taken by anyone else.
 */
export class BackendEvidence {
  private constructor(
    /** Every stack read, fully qualified. */
    readonly stacks: readonly StackHoldings[],
  ) {}

  /**
   * Reads every stack of the backend `cli` uses. `known` is a checkpoint already exported, of the
   * one stack whose fully qualified name `is` accepts: it is not exported again (each export is a CLI
   * process). Should `is` accept several names (one project and stack name in two organizations),
   * every stack is exported.
   */
  static async read(
    cli: PulumiCli,
    known?: { is: (stack: string) => boolean; deployment: Deployment },
  ): Promise<BackendEvidence> {
    const summaries = await listStacks(cli);
    const matching = known ? summaries.filter((s) => known.is(s.name)) : [];
    const reused =
      matching.length === 1 && known ? new Map([[matching[0]?.name, known.deployment]]) : new Map();
    const holdings: StackHoldings[] = new Array(summaries.length);
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        const summary = summaries[i] as StackSummary | undefined;
        if (summary === undefined) return;
        const deployment = reused.get(summary.name) ?? (await exportStack(cli, summary.name));
        holdings[i] = holdingsOf(summary.name, deployment);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, summaries.length) }, worker));
    return new BackendEvidence(holdings);
  }

  /** Evidence from checkpoints at hand (tests, and callers that exported them already). */
  static of(checkpoints: ReadonlyMap<string, Deployment>): BackendEvidence {
    return new BackendEvidence([...checkpoints].map(([stack, d]) => holdingsOf(stack, d)));
  }

  /**
   * The fully qualified name of stack `stack` (short name) of project `project` among those read,
   * if it is there (a project is needed: two projects may each have a stack of that name).
   */
  find(project: string | undefined, stack: string): string | undefined {
    if (project === undefined) return undefined;
    return this.stacks.map((s) => s.stack).find((name) => name.endsWith(`/${project}/${stack}`));
  }

  /** The stacks whose state holds the object `id`. */
  holders(id: string): string[] {
    return this.stacks.filter((s) => s.ids.has(id)).map((s) => s.stack);
  }

  /** The stacks other than `except` with a pending create that may be making the object `query` describes. */
  creators(query: SubjectQuery, except?: string): string[] {
    return this.stacks
      .filter((s) => s.stack !== except && s.creating.some((c) => mayBe(c, query)))
      .map((s) => s.stack);
  }

  /**
   * Why the object (`id`, described by `query`) belongs to a stack other than `except`, or
   * undefined when none holds it or is creating it.
   */
  claimedBy(id: string, query: SubjectQuery, except?: string): string | undefined {
    const holders = this.holders(id).filter((s) => s !== except);
    if (holders.length > 0) return `stack ${holders.join(", ")} holds it`;
    const creators = this.creators(query, except);
    if (creators.length > 0)
      return `stack ${creators.join(", ")} has a create of this name under way or interrupted`;
    return undefined;
  }
}
