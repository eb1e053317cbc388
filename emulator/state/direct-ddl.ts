/**
 * DDL run straight on a branch, as a migration tool does over the branch's connection: the
 * emulator has no database server, so its control API (`POST /_emulator/schema`) and
 * `Emulator.applySchema` stand in. PlanetScale refuses it on a branch with safe migrations on
 * ("ERROR 1105 (HY000): direct DDL is disabled", its Prisma guide, quoted in prisma/orm#22585):
 * schema changes reach such a branch through deploy requests only.
 */
import { checkConnection, credentialByUsername, LOCAL_CLIENT } from "./credentials";
import { applyDdl, DdlError } from "./ddl";
import { schemaChanged } from "./deploy-requests";
import type { BranchRecord } from "./records";
import type { Store } from "./store";
import { sortedTables } from "./tables";

/** Which branch: by its names, or by a connection credential of it (a migration tool's DATABASE_URL). */
export type DdlTarget =
  | { organization: string; database: string; branch: string }
  | { username: string; password: string; from?: string | undefined };

/** The outcome: the branch and its tables afterwards, or why nothing was applied (and the HTTP status). */
export type DdlOutcome = { branch: BranchRecord; tables: string[] } | { status: 400 | 404; message: string };

/** Applies `statements` (whole or not at all) to the branch `target` names, at `now`. */
export function applyDirectDdl(
  store: Store,
  target: DdlTarget,
  statements: readonly string[],
  now: number,
): DdlOutcome {
  const found = branchOf(store, target, now);
  if ("status" in found) return found;
  const branch = found.branch;
  if ((branch.kind ?? "mysql") !== "mysql") {
    return { status: 400, message: "the emulator keeps schemas of Vitess (MySQL) databases only" };
  }
  if (branch.safeMigrations) {
    return {
      status: 400,
      message: `ERROR 1105 (HY000): direct DDL is disabled (branch ${branch.name} has safe migrations on: change its schema with a deploy request)`,
    };
  }
  if (now < branch.readyAt) return { status: 400, message: `branch ${branch.name} is not ready yet` };
  try {
    branch.tables = applyDdl(branch.tables, statements, branch.database);
  } catch (error) {
    if (error instanceof DdlError) return { status: 400, message: error.message };
    throw error;
  }
  branch.schemaUpdatedAt = now;
  schemaChanged(store.data, branch.id, now);
  return { branch, tables: sortedTables(branch.tables).map((t) => t.name) };
}

function branchOf(store: Store, target: DdlTarget, now: number): { branch: BranchRecord } | DdlOutcome {
  if ("username" in target) {
    const check = checkConnection(store, target.username, target.password, now, target.from ?? LOCAL_CLIENT);
    if (!check.valid) return { status: 400, message: `login refused: ${check.reason}` };
    const credential = credentialByUsername(store, target.username)?.credential;
    const branch = store.data.branches.find((b) => b.id === credential?.branchId);
    return branch ? { branch } : { status: 404, message: "the credential's branch no longer exists" };
  }
  const branch = store.branch(target.organization, target.database, target.branch);
  return branch
    ? { branch }
    : { status: 404, message: `no branch ${target.branch} in ${target.organization}/${target.database}` };
}
