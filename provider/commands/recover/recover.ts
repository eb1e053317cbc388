import * as fs from "node:fs";
import * as os from "node:os";
import type { PlanetScaleClient } from "../../internal/client/client";
import { journalDir, readJournal } from "../../internal/ownership/journal";
import { gatherEvidence, journalKindOfType } from "./interrupted";
import { type Resolution, resolveInterrupted } from "./resolve";
import { type PulumiStack, processAlive, projectOf, type StackLock } from "./stack";

/** How long to wait for the provider host of a killed CLI to notice and stop (it checks every 0.5 s). */
const HOST_EXIT_WAIT_MS = 15_000;

/** What `recover` was asked to do. */
export interface RecoverOptions {
  /** Remove the stack's lock even when its holder cannot be proven gone (another machine). */
  forceUnlock: boolean;
  env: NodeJS.ProcessEnv;
  report: (line: string) => void;
}

/** What `recover` did; `refused` lists what needs a person (then nothing else is changed in the state). */
export interface RecoverResult {
  interrupted: number;
  deleted: number;
  untouched: number;
  nothing: number;
  pendingCleared: number;
  lock: "none" | "removed" | "kept";
  refused: string[];
}

/** The stack's lock: none, stale (removable), or held by a run that may still be alive. */
function judgeLocks(locks: StackLock[], forceUnlock: boolean): { stale: StackLock[]; live: string[] } {
  const stale: StackLock[] = [];
  const live: string[] = [];
  for (const lock of locks) {
    const here = lock.hostname === os.hostname();
    if (forceUnlock || (here && !processAlive(lock.pid))) stale.push(lock);
    else
      live.push(
        here
          ? `${lock.file}: held by pid ${lock.pid}, which is still running; let it finish (or stop it), then run recover again`
          : `${lock.file}: held by pid ${lock.pid} on ${lock.hostname}, which cannot be checked from here; if that run is gone (e.g. its CI runner), run recover again with --force-unlock`,
      );
  }
  return { stale, live };
}

/** Waits until the journal's writers of this directory are gone (a killed CLI's host stops by itself). */
async function waitForHosts(dir: string, cwd: string): Promise<void> {
  const deadline = Date.now() + HOST_EXIT_WAIT_MS;
  const real = fs.realpathSync(cwd);
  for (;;) {
    const alive = readJournal(dir).filter(
      (e) => e.intent.hostname === os.hostname() && sameDir(e.intent.cwd, real) && processAlive(e.intent.pid),
    );
    if (alive.length === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function sameDir(a: string, real: string): boolean {
  try {
    return fs.realpathSync(a) === real;
  } catch {
    return false;
  }
}

/**
 * Recovers a stack after its `pulumi up` was killed (the CLI or the provider host): proves which
 * objects the interrupted creates made, deletes them (their values are lost, or nobody recorded
 * them), clears the checkpoint's pending operations and removes the stale lock, so that the next
 * `pulumi up` converges. Acts only with certainty; anything else is listed in `refused` with the
 * ids and the command that resolves it, and then the state is left as it was.
 */
export async function recover(
  stack: PulumiStack,
  client: PlanetScaleClient,
  options: RecoverOptions,
): Promise<RecoverResult> {
  const { report } = options;
  const result: RecoverResult = {
    interrupted: 0,
    deleted: 0,
    untouched: 0,
    nothing: 0,
    pendingCleared: 0,
    lock: "none",
    refused: [],
  };
  const backendUrl = stack.backendUrl();
  const deployment = stack.exportDeployment();
  const project = projectOf(deployment, stack.cwd);
  const locks = stack.locks(backendUrl, project) ?? [];
  const { stale, live } = judgeLocks(locks, options.forceUnlock);
  if (live.length > 0) {
    result.lock = "kept";
    result.refused.push(...live);
    return result;
  }
  const dir = journalDir(options.env);
  await waitForHosts(dir, stack.cwd);
  const credential = client.settings.credential;
  const evidence = gatherEvidence(deployment, readJournal(dir), {
    cwd: stack.cwd,
    backendUrl,
    ...(client.settings.organization ? { defaultOrganization: client.settings.organization } : {}),
    locks: stale,
  });
  for (const line of evidence.skipped) report(`skip     ${line}`);
  for (const line of evidence.unbounded) {
    result.refused.push(
      `${line}: cannot prove what it created. Find what it made by its name, delete it by hand, then run \`pulumi refresh --clear-pending-creates --yes --stack ${stack.stack}\``,
    );
  }

  const stateIds = new Set(
    (deployment.deployment.resources ?? [])
      .filter((r) => journalKindOfType(r.type) !== undefined && r.id)
      .map((r) => r.id as string),
  );
  // Credentials first: deleting a branch takes its passwords with it.
  const order = (kind: string) => (kind === "branch" ? 1 : 0);
  const items = [...evidence.interrupted].sort((a, b) => order(a.kind) - order(b.kind));
  result.interrupted = items.length;
  for (const item of items) {
    if (item.actorId === undefined && credential.kind === "serviceToken") item.actorId = credential.id;
    let resolution: Resolution;
    try {
      resolution = await resolveInterrupted(client, item, stateIds);
    } catch (error) {
      resolution = {
        outcome: "ambiguous",
        detail: `${item.sources.join(", ")}: PlanetScale could not be checked (${(error as Error).message}); run recover again`,
      };
    }
    switch (resolution.outcome) {
      case "deleted":
        result.deleted++;
        report(`deleted  ${resolution.detail}`);
        break;
      case "untouched":
        result.untouched++;
        report(`untouched ${resolution.detail}`);
        break;
      case "nothing":
        result.nothing++;
        report(`nothing  ${resolution.detail}`);
        break;
      case "ambiguous":
        result.refused.push(resolution.detail);
        continue;
    }
    for (const file of item.journalFiles) fs.rmSync(file, { force: true });
  }
  if (result.refused.length > 0) return result;

  const pending = deployment.deployment.pending_operations ?? [];
  if (pending.length > 0) {
    for (const op of pending) report(`cleared  pending ${op.type} of ${op.resource.urn}`);
    deployment.deployment.pending_operations = [];
  }
  for (const lock of stale) {
    fs.rmSync(lock.file, { force: true });
    const why = options.forceUnlock ? "--force-unlock" : "is gone";
    report(`unlocked ${lock.file} (pid ${lock.pid} on ${lock.hostname} ${why})`);
    result.lock = "removed";
  }
  if (pending.length > 0) {
    stack.importDeployment(deployment);
    result.pendingCleared = pending.length;
  }
  return result;
}

/** The one summary line a pipeline can parse. */
export function recoverSummary(result: RecoverResult): string {
  return (
    `recover: interrupted=${result.interrupted} deleted=${result.deleted} untouched=${result.untouched} ` +
    `never_created=${result.nothing} pending_cleared=${result.pendingCleared} lock=${result.lock} refused=${result.refused.length}`
  );
}
