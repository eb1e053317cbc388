/**
 * Postgres branch change requests (`PATCH …/changes`): the cluster size, replicas and parameters a
 * Postgres branch has at a time, from its creation and the changes completed by then.
 */
import type { BranchRecord, ChangeRecord, PostgresConfig, StoreData } from "./records";
import { clusterNameAt } from "./store";

/** A change request's state at `now`: `resizing` until it completes, then `completed`; or `canceled`. */
export function changeState(change: ChangeRecord, now: number): "resizing" | "completed" | "canceled" {
  if (change.canceledAt !== null) return "canceled";
  return now >= change.completeAt ? "completed" : "resizing";
}

/** The branch's change requests, newest first. */
export function changesOf(data: StoreData, branch: BranchRecord): ChangeRecord[] {
  return data.changes.filter((c) => c.branchId === branch.id).reverse();
}

/** Replicas a Postgres branch has without asking: production branches have two, others none. */
function defaultReplicas(branch: BranchRecord): number {
  return branch.production ? 2 : 0;
}

/** What the branch was created with (before any change request). */
function initialConfig(branch: BranchRecord, now: number): PostgresConfig {
  return {
    clusterName: clusterNameAt(branch, now),
    replicas: branch.replicas ?? defaultReplicas(branch),
    parameters: {},
  };
}

/** The branch's cluster size, replicas and parameters at `now`: the newest completed change's. */
export function postgresConfigAt(data: StoreData, branch: BranchRecord, now: number): PostgresConfig {
  const done = changesOf(data, branch).find((c) => changeState(c, now) === "completed");
  return done?.target ?? initialConfig(branch, now);
}

/** The change still in progress at `now`, if any (a new request updates it). */
export function changeInProgress(
  data: StoreData,
  branch: BranchRecord,
  now: number,
): ChangeRecord | undefined {
  return changesOf(data, branch).find((c) => changeState(c, now) === "resizing");
}

/** Whether two configurations are the same (parameters compared by namespace and name). */
export function sameConfig(a: PostgresConfig, b: PostgresConfig): boolean {
  const flat = (c: PostgresConfig): string =>
    JSON.stringify(
      Object.entries(c.parameters)
        .flatMap(([ns, entries]) => Object.entries(entries).map(([name, value]) => `${ns}.${name}=${value}`))
        .sort(),
    );
  return a.clusterName === b.clusterName && a.replicas === b.replicas && flat(a) === flat(b);
}
