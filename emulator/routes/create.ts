/**
 * How a request adds databases and branches: the records of `state/databases.ts` and
 * `state/branches.ts`, stamped with the request's time, ready delay and caller. Used by
 * `create_database`, and by `create_branch` (which may create its database first).
 */
import { actorOf, tokenOf } from "../http/auth";
import type { RequestContext } from "../http/context";
import { addBranch } from "../state/branches";
import { addDatabase, NEW_DATABASE_SETTINGS } from "../state/databases";
import { publicId } from "../state/ids";
import type { BranchRecord, DatabaseKind, DatabaseRecord } from "../state/records";
import type { TableDef } from "../state/tables";

/**
 * Adds a database of `kind` whose default branch is `main` (added by the caller), `pending` for the
 * ready delay as a new branch is, with a new database's settings. A service token that creates it
 * receives every database access on it.
 */
export function newDatabase(
  ctx: RequestContext,
  organization: string,
  name: string,
  region: string,
  kind: DatabaseKind,
): DatabaseRecord {
  const database = addDatabase(
    ctx.store.data,
    {
      id: publicId(),
      organization,
      name,
      region,
      kind,
      defaultBranch: "main",
      ready: true,
      readyAt: ctx.now + ctx.readyDelayMs,
      createdAt: ctx.now,
      settings: NEW_DATABASE_SETTINGS,
    },
    tokenOf(ctx.cred),
  );
  ctx.changed();
  return database;
}

/** What a new branch is; its id, times, actor and kind follow from the request. */
export interface BranchSpec {
  name: string;
  /** The parent branch's name; null for a database's first branch. */
  parent: string | null;
  region: string;
  production: boolean;
  clusterName: string;
  /** Default false. */
  deletionProtected?: boolean;
  /** Default false. */
  safeMigrations?: boolean;
  /** The backup it is restored from; default none. */
  restoredFrom?: BranchRecord["restoredFrom"];
  /** Replicas asked for (pscale's Postgres `replicas`); default: the kind's. */
  replicas?: number | undefined;
  /** Its schema at creation: its parent's (or its backup's branch's); default none. */
  tables?: readonly TableDef[];
  /** The instant a Postgres branch is restored to (`restore_point`). */
  restorePoint?: number | undefined;
  /** The Postgres major version (`major_version`). */
  majorVersion?: string | undefined;
  /** The storage bounds asked for (`storage`). */
  storage?:
    | { minimum_storage_bytes?: number | undefined; maximum_storage_bytes?: number | undefined }
    | undefined;
}

/** Adds a branch to `database`, `pending` for the ready delay. */
export function newBranch(ctx: RequestContext, database: DatabaseRecord, branch: BranchSpec): BranchRecord {
  const record = addBranch(ctx.store.data, database, {
    id: publicId(),
    name: branch.name,
    parent: branch.parent,
    region: branch.region,
    production: branch.production,
    clusterName: branch.clusterName,
    deletionProtected: branch.deletionProtected ?? false,
    safeMigrations: branch.safeMigrations ?? false,
    restoredFrom: branch.restoredFrom ?? null,
    createdAt: ctx.now,
    readyAt: ctx.now + ctx.readyDelayMs,
    actor: actorOf(ctx.cred),
    ...(branch.replicas === undefined ? {} : { replicas: branch.replicas }),
    ...(branch.tables === undefined ? {} : { tables: branch.tables }),
    ...(branch.restorePoint === undefined ? {} : { restorePoint: branch.restorePoint }),
    ...(branch.majorVersion === undefined ? {} : { majorVersion: branch.majorVersion }),
    ...(branch.storage === undefined ? {} : { storage: storageOf(branch.storage) }),
  });
  ctx.changed();
  return record;
}

/** The storage bounds as kept: only those asked for. */
function storageOf(storage: NonNullable<BranchSpec["storage"]>): NonNullable<BranchRecord["storage"]> {
  return {
    ...(storage.minimum_storage_bytes === undefined ? {} : { minimumBytes: storage.minimum_storage_bytes }),
    ...(storage.maximum_storage_bytes === undefined ? {} : { maximumBytes: storage.maximum_storage_bytes }),
  };
}
