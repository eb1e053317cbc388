import * as fs from "node:fs";
import * as os from "node:os";
import { kindOfType } from "../../internal/dynamic/kinds";
import type { ResourceKind } from "../../internal/dynamic/runtime-contract";
import type { JournalEntry } from "../../internal/ownership/journal";
import { type Deployment, processAlive, type StackLock } from "./stack";

/** The journal's name for the objects of each resource kind (see `internal/ownership/journal`). */
export const JOURNAL_KINDS: Readonly<Record<ResourceKind, string>> = {
  branch: "branch",
  apiToken: "serviceToken",
  branchPassword: "password",
  branchRole: "role",
  deployRequest: "deployRequest",
};

/** The journal kind of a resource of this package by its type token; undefined for any other resource. */
export function journalKindOfType(type: string): string | undefined {
  const kind = kindOfType(type);
  return kind === undefined ? undefined : JOURNAL_KINDS[kind];
}

/**
 * Allowance for the difference between the clock of the machine that took the lock and
 * PlanetScale's, when a lock's timestamp is the only lower bound of an interrupted create.
 */
export const LOCK_CLOCK_SKEW_MS = 5_000;

/** A create that was under way when its run was killed: what it may have left in PlanetScale. */
export interface Interrupted {
  kind: string;
  organization: string;
  database?: string;
  branch?: string;
  name: string;
  /** PlanetScale time (ms) before which nothing it made can have been created. */
  earliest: number;
  /** Our credential's id when known: what PlanetScale names as the creator of what it made. */
  actorId?: string;
  /** Where the evidence comes from: the pending operation's URN and/or the journal file. */
  sources: string[];
  /** Journal files to remove once resolved. */
  journalFiles: string[];
}

/** The evidence gathered, and what cannot be used (reported, never acted on). */
export interface Evidence {
  interrupted: Interrupted[];
  /** Pending creates without a lower time bound (no lock, no journal record): cannot be proven. */
  unbounded: string[];
  /** Journal records whose writer still runs, or ran on another machine: left alone. */
  skipped: string[];
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function identity(i: Pick<Interrupted, "kind" | "organization" | "database" | "branch" | "name">): string {
  return [i.kind, i.organization, i.database ?? "", i.branch ?? "", i.name].join("/");
}

/**
 * Joins the checkpoint's pending creates (a killed CLI) and the journal's records of this project
 * directory whose writer is gone (a killed host, or the host of a killed CLI) into the list of
 * interrupted creates, one per remote identity. The lower time bound is the journal's (taken just
 * before the first request) or else the lock's (taken before the run started).
 */
export function gatherEvidence(
  deployment: Deployment,
  journal: JournalEntry[],
  options: { cwd: string; backendUrl: string; defaultOrganization?: string; locks: StackLock[] },
): Evidence {
  const byIdentity = new Map<string, Interrupted>();
  const skipped: string[] = [];
  const cwd = fs.realpathSync(options.cwd);
  for (const { file, intent } of journal) {
    if (realpath(intent.cwd) !== cwd) continue;
    if (intent.backendUrl && options.backendUrl && intent.backendUrl !== options.backendUrl) continue;
    if (intent.hostname !== os.hostname()) {
      skipped.push(`${file}: written on ${intent.hostname}, whose process cannot be checked from here`);
      continue;
    }
    if (processAlive(intent.pid)) {
      skipped.push(`${file}: its provider host (pid ${intent.pid}) is still running`);
      continue;
    }
    const entry: Interrupted = {
      kind: intent.kind,
      organization: intent.organization,
      ...(intent.database ? { database: intent.database } : {}),
      ...(intent.branch ? { branch: intent.branch } : {}),
      name: intent.name,
      earliest: Date.parse(intent.earliest),
      ...(intent.actorId ? { actorId: intent.actorId } : {}),
      sources: [`journal ${file}`],
      journalFiles: [file],
    };
    const key = identity(entry);
    const known = byIdentity.get(key);
    if (known) {
      known.earliest = Math.min(known.earliest, entry.earliest);
      known.sources.push(...entry.sources);
      known.journalFiles.push(file);
    } else byIdentity.set(key, entry);
  }

  const unbounded: string[] = [];
  const lockTime = Math.min(...options.locks.map((l) => l.timestamp).filter((t) => !Number.isNaN(t)));
  for (const op of deployment.deployment.pending_operations ?? []) {
    if (op.type !== "creating") continue;
    const kind = journalKindOfType(op.resource.type);
    if (kind === undefined) continue;
    const inputs = op.resource.inputs ?? {};
    const organization = str(inputs["organization"]) ?? options.defaultOrganization;
    // A deploy request has no name: the branch it deploys identifies it (one open per branch).
    const name = str(inputs["name"]) ?? (kind === "deployRequest" ? str(inputs["branch"]) : undefined);
    if (!organization || !name) {
      unbounded.push(`${op.resource.urn}: its recorded inputs lack the organization or name`);
      continue;
    }
    const subject = {
      kind,
      organization,
      ...(str(inputs["database"]) ? { database: str(inputs["database"]) as string } : {}),
      ...(str(inputs["branch"]) && kind !== "branch" ? { branch: str(inputs["branch"]) as string } : {}),
      name,
    };
    const known = byIdentity.get(identity(subject));
    if (known) {
      known.sources.unshift(op.resource.urn);
      continue;
    }
    if (!Number.isFinite(lockTime)) {
      unbounded.push(
        `${op.resource.urn}: neither a lock of the interrupted run nor a journal record tells when it started`,
      );
      continue;
    }
    byIdentity.set(identity(subject), {
      ...subject,
      earliest: lockTime - LOCK_CLOCK_SKEW_MS,
      sources: [op.resource.urn],
      journalFiles: [],
    });
  }
  return { interrupted: [...byIdentity.values()], unbounded, skipped };
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
