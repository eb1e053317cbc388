/** The one place branch records are made: from the seed, by the branch and database routes. */

import { kindOf } from "./databases";
import type { ActorRef, BranchRecord, DatabaseRecord, StoreData } from "./records";
import { copyTables, type TableDef } from "./tables";

/** PlanetScale's documented limit of development branches per database. */
export const MAX_DEVELOPMENT_BRANCHES = 100;

/** What a new branch is. */
export interface NewBranch {
  id: string;
  name: string;
  /** The parent branch's name; null for a database's first branch. */
  parent: string | null;
  region: string;
  production: boolean;
  clusterName: string;
  deletionProtected: boolean;
  safeMigrations: boolean;
  /** The backup it is restored from, if any. */
  restoredFrom: BranchRecord["restoredFrom"];
  createdAt: number;
  /** When it becomes ready (`pending` until then). */
  readyAt: number;
  actor: ActorRef | null;
  /** Replicas asked for; absent: the kind's default. */
  replicas?: number;
  /** Its schema: its parent's, copied (a branch starts as its parent is); default none. */
  tables?: readonly TableDef[];
  /** A Postgres point-in-time restore's instant. */
  restorePoint?: number;
  /** The Postgres major version. */
  majorVersion?: string;
  /** Storage bounds asked for. */
  storage?: BranchRecord["storage"];
}

/** Adds a branch of `database` to `data`; it has the database's kind. */
export function addBranch(data: StoreData, database: DatabaseRecord, branch: NewBranch): BranchRecord {
  const record: BranchRecord = {
    id: branch.id,
    organization: database.organization,
    database: database.name,
    name: branch.name,
    parentBranch: branch.parent,
    production: branch.production,
    deletionProtected: branch.deletionProtected,
    safeMigrations: branch.safeMigrations,
    region: branch.region,
    clusterName: branch.clusterName,
    createdAt: branch.createdAt,
    updatedAt: branch.createdAt,
    readyAt: branch.readyAt,
    actor: branch.actor,
    restoredFrom: branch.restoredFrom,
    kind: kindOf(database),
    ...(branch.replicas === undefined ? {} : { replicas: branch.replicas }),
    tables: copyTables(branch.tables ?? []),
    ...(branch.restorePoint === undefined ? {} : { restorePoint: branch.restorePoint }),
    ...(branch.majorVersion === undefined ? {} : { majorVersion: branch.majorVersion }),
    ...(branch.storage === undefined ? {} : { storage: branch.storage }),
  };
  data.branches.push(record);
  return record;
}
