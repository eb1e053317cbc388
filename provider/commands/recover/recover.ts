import * as fs from "node:fs";
import * as os from "node:os";
import { redactBackendUrl } from "../../internal/backend/backend-url";
import { BackendEvidence } from "../../internal/backend/evidence";
import type { LockState, StackLock } from "../../internal/backend/locks";
import { shortName } from "../../internal/backend/stacks";
import { describeSubject, subjectKindOfType } from "../../internal/backend/subjects";
import type { PlanetScaleClient } from "../../internal/client/client";
import { journalDir, readJournal } from "../../internal/ownership/journal";
import { gatherEvidence, recordedId, recordOfStack, type StackIdentity } from "./interrupted";
import { type Ownership, type Resolution, resolveInterrupted } from "./resolve";
import { type PulumiStack, processAlive, projectOf } from "./stack";

/** How long to wait for the provider host of a killed CLI to notice and stop (it checks every 0.5 s). */
const HOST_EXIT_WAIT_MS = 15_000;

/** What `recover` was asked to do. */
export interface RecoverOptions {
  /**
   * Take over the stack's lock even when its holder cannot be checked from here (another machine,
   * or Pulumi Cloud's update in progress). Never a lock of a process of this machine that runs.
   */
  forceUnlock: boolean;
  env: NodeJS.ProcessEnv;
  report: (line: string) => void;
}

/** What `recover` did; `refused` lists what needs a person (then nothing else is changed). */
export interface RecoverResult {
  interrupted: number;
  deleted: number;
  untouched: number;
  nothing: number;
  pendingCleared: number;
  lock: "none" | "removed" | "kept";
  refused: string[];
}

/** The stack's locks: those that may be taken over, and why the others may not. */
function judgeLocks(
  state: LockState,
  forceUnlock: boolean,
  stack: string,
): { stale: boolean; live: string[]; locks: StackLock[] } {
  if (state.kind === "none") return { stale: false, live: [], locks: [] };
  if (state.kind === "update-in-progress") {
    return forceUnlock
      ? { stale: true, live: [], locks: [] }
      : {
          stale: false,
          locks: [],
          live: [
            `stack ${stack}: the backend reports an update in progress and does not name its process; if that run is gone (e.g. its CI runner), run recover again with --force-unlock`,
          ],
        };
  }
  const live: string[] = [];
  for (const lock of state.locks) {
    const here = lock.hostname === os.hostname();
    if (here && processAlive(lock.pid))
      live.push(
        `${lock.where}: held by pid ${lock.pid} on this machine, which is still running; let it finish (or stop it), then run recover again (--force-unlock never takes a lock from a running process)`,
      );
    else if (!here && !forceUnlock)
      live.push(
        `${lock.where}: held by pid ${lock.pid} on ${lock.hostname} since ${new Date(lock.timestamp).toISOString()}, which cannot be checked from here; if that run is gone (e.g. its CI runner), run recover again with --force-unlock`,
      );
  }
  return { stale: live.length === 0, live, locks: state.locks };
}

/** Lock holders as a comparable key, to notice a run that started while recover was deciding. */
function lockKey(state: LockState): string {
  if (state.kind !== "locked") return state.kind;
  return state.locks
    .map((l) => `${l.hostname}/${l.pid}/${l.timestamp}`)
    .sort()
    .join(",");
}

/** Waits until this stack's journal writers are gone (a killed CLI's host stops by itself). */
async function waitForHosts(
  dir: string,
  credentialId: string | undefined,
  self: StackIdentity,
): Promise<void> {
  const deadline = Date.now() + HOST_EXIT_WAIT_MS;
  for (;;) {
    const alive = readJournal(dir, credentialId).entries.filter(
      (e) => e.intent.hostname === os.hostname() && recordOfStack(e, self) && processAlive(e.intent.pid),
    );
    if (alive.length === 0 || Date.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Recovers a stack after its `pulumi up` was killed (the CLI or the provider host): proves which
 * objects the interrupted creates made, deletes them (their values are lost, or nobody recorded
 * them), clears the checkpoint's pending operations and takes over the dead run's lock, so that the
 * next `pulumi up` converges. Every check comes first: the stack's lock, the journal, and what every
 * stack of the backend holds or is creating; nothing is deleted or changed unless all of them pass.
 * Anything else is listed in `refused` with the ids and the command that resolves it.
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
  const backendUrl = await stack.cli.resolveBackendUrl();
  const deployment = await stack.exportDeployment(report);
  const self: StackIdentity = {
    stack: shortName(stack.stack),
    project: projectOf(deployment, stack.cwd),
    cwd: realpath(stack.cwd),
    backend: redactBackendUrl(backendUrl),
  };

  // 1. The lock: a live run's stack is never touched, with or without --force-unlock.
  const lockState = await stack.locks();
  const locks = judgeLocks(lockState, options.forceUnlock, stack.stack);
  if (locks.live.length > 0) {
    result.lock = "kept";
    result.refused.push(...locks.live);
    return result;
  }

  // 2. The journal of this machine: records private to this user, written for this credential.
  const credential = client.settings.credential;
  const actorId = credential.kind === "serviceToken" ? credential.id : undefined;
  const dir = journalDir(options.env);
  await waitForHosts(dir, actorId, self);
  const journal = readJournal(dir, actorId);
  for (const line of journal.ignored) report(`ignored  ${line}`);
  const lockTimes = locks.locks.map((l) => l.timestamp).filter((t) => Number.isFinite(t));
  const evidence = gatherEvidence(deployment, journal.entries, {
    self,
    ...(client.settings.organization ? { defaultOrganization: client.settings.organization } : {}),
    ...(lockTimes.length > 0 ? { lockTime: Math.min(...lockTimes) } : {}),
  });
  for (const line of evidence.skipped) report(`skip     ${line}`);
  if (evidence.live.length > 0) {
    result.lock = locks.stale ? "kept" : result.lock;
    result.refused.push(
      ...evidence.live.map(
        (l) => `${l}; it belongs to a live process: let it finish, then run recover again`,
      ),
    );
    return result;
  }
  for (const line of evidence.unbounded) {
    result.refused.push(
      `${line}: cannot prove what it created. Find what it made by its name, delete it by hand, then run \`pulumi refresh --clear-pending-creates --yes --stack ${stack.stack}\``,
    );
  }

  // 3. Every stack of the backend: what any of them holds or is creating is never ours to delete.
  const isSelf = (name: string) => name === stack.stack || name.endsWith(`/${self.project}/${self.stack}`);
  // This stack's checkpoint was exported above: one CLI process fewer per recover.
  const backend = await BackendEvidence.read(stack.cli, { is: isSelf, deployment });
  const selfName = backend.stacks.map((s) => s.stack).find(isSelf);
  report(`read     ${backend.stacks.length} stack(s) of ${self.backend}`);
  const own: Ownership = {
    stateIds: new Set(
      (deployment.deployment.resources ?? [])
        .filter((r) => subjectKindOfType(r.type) !== undefined && r.id)
        .map((r) => r.id as string),
    ),
    evidence: backend,
    self: selfName,
    claims: evidence.claims,
    actorId,
  };

  // 4. Decide every interrupted create before acting on any. A settled create whose object this
  // stack holds was recorded by the engine: only its records are left to remove.
  const recorded = evidence.interrupted.flatMap((item) => {
    const id = recordedId(item, own.stateIds);
    return id === undefined ? [] : [{ item, id }];
  });
  const order = (kind: string) => (kind === "branch" ? 1 : 0); // credentials first: a branch takes them with it
  const items = evidence.interrupted
    .filter((item) => !recorded.some((r) => r.item === item))
    .sort((a, b) => order(a.kind) - order(b.kind));
  result.interrupted = items.length;
  const decided: Array<{ files: string[]; resolution: Resolution }> = [];
  for (const item of items) {
    let resolution: Resolution;
    try {
      resolution = await resolveInterrupted(client, item, own);
    } catch (error) {
      resolution = {
        outcome: "ambiguous",
        detail: `${item.sources.join(", ")}: PlanetScale could not be checked (${(error as Error).message}); run recover again`,
      };
    }
    if (resolution.outcome === "ambiguous") result.refused.push(resolution.detail);
    decided.push({ files: item.journalFiles, resolution });
  }
  if (result.refused.length > 0) {
    for (const { resolution } of decided)
      if (resolution.outcome !== "ambiguous")
        report(`decided  ${resolution.outcome}: ${resolution.detail} (not acted on)`);
    return result;
  }
  // A run that took the stack while recover was deciding would own what it creates now.
  if (lockKey(await stack.locks()) !== lockKey(lockState)) {
    result.refused.push(
      `stack ${stack.stack}: its lock changed while recover was checking; another run started: run recover again once it ends`,
    );
    return result;
  }

  // 5. Act: deletions, then the lock and the checkpoint.
  for (const { item, id } of recorded) {
    report(`recorded ${describeSubject(item)} (id ${id}): its create returned and this stack holds it`);
    for (const file of item.journalFiles) fs.rmSync(file, { force: true });
  }
  for (const { files, resolution } of decided) {
    if (resolution.outcome === "deleted") {
      await resolution.remove();
      result.deleted++;
      report(`deleted  ${resolution.detail}`);
    } else if (resolution.outcome === "untouched") {
      result.untouched++;
      report(`untouched ${resolution.detail}`);
    } else if (resolution.outcome === "nothing") {
      result.nothing++;
      report(`nothing  ${resolution.detail}`);
    }
    for (const file of files) fs.rmSync(file, { force: true });
  }
  const pending = deployment.deployment.pending_operations ?? [];
  if (locks.stale) {
    await stack.cancel();
    for (const lock of locks.locks)
      report(
        `unlocked ${lock.where} (pid ${lock.pid} on ${lock.hostname} ${options.forceUnlock && lock.hostname !== os.hostname() ? "taken over with --force-unlock" : "is gone"})`,
      );
    if (lockState.kind === "update-in-progress")
      report(`unlocked stack ${stack.stack} (update cancelled with --force-unlock)`);
    result.lock = "removed";
  }
  if (pending.length > 0) {
    for (const op of pending) report(`cleared  pending ${op.type} of ${op.resource.urn}`);
    deployment.deployment.pending_operations = [];
    await stack.importDeployment(deployment);
    result.pendingCleared = pending.length;
  }
  return result;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The one summary line a pipeline can parse. */
export function recoverSummary(result: RecoverResult): string {
  return (
    `recover: interrupted=${result.interrupted} deleted=${result.deleted} untouched=${result.untouched} ` +
    `never_created=${result.nothing} pending_cleared=${result.pendingCleared} lock=${result.lock} refused=${result.refused.length}`
  );
}
