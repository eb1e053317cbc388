/**
 * The one place backups are made: from the seed (complete at once) and by `create_backup`, which
 * runs for the ready delay (as a new branch is pending for it) and then succeeds.
 */
import type { ActorRef, BackupRecord, BranchRecord, StoreData } from "./records";

/** A backup's state at `now`: `running` until it completes, then `success`. */
export function backupState(backup: BackupRecord, now: number): "running" | "success" {
  return backup.completeAt !== undefined && now < backup.completeAt ? "running" : "success";
}

/** The retention units of `create_backup`, in milliseconds (a month as 30 days, a year as 365). */
export const RETENTION_UNITS = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
  year: 365 * 86_400_000,
} as const;

/** What a backup made through the API is. */
export interface NewBackup {
  id: string;
  name: string;
  branch: BranchRecord;
  createdAt: number;
  completeAt: number;
  expiresAt: number | null;
  emergency: boolean;
  actor: ActorRef | null;
}

/** Adds a backup of `branch` to `data`. */
export function addBackup(data: StoreData, backup: NewBackup): BackupRecord {
  const record: BackupRecord = {
    id: backup.id,
    organization: backup.branch.organization,
    database: backup.branch.database,
    branchId: backup.branch.id,
    branchName: backup.branch.name,
    name: backup.name,
    createdAt: backup.createdAt,
    completeAt: backup.completeAt,
    expiresAt: backup.expiresAt,
    protected: false,
    emergency: backup.emergency,
    production: backup.branch.production,
    actor: backup.actor,
    deletedAt: null,
  };
  data.backups.push(record);
  return record;
}
