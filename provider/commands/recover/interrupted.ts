import * as fs from "node:fs";
import * as os from "node:os";
import type { Deployment } from "../../internal/backend/stacks";
import { describeSubject, type Subject, subjectOf } from "../../internal/backend/subjects";
import type { IntentAttempt, JournalEntry } from "../../internal/ownership/journal";
import { processAlive } from "./stack";

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
  /** Where the evidence comes from: the pending operation's URN and/or the journal file. */
  sources: string[];
  /** Journal files to remove once resolved. */
  journalFiles: string[];
  /**
   * The create requests its journal records saw, in order; undefined when no record tells (a
   * killed CLI whose host wrote its records on another machine, or none).
   */
  attempts?: IntentAttempt[];
  /**
   * Every record of it says the create returned or threw (its host lived on until then), and no
   * pending operation names it: only whether the engine received the answer is unknown.
   */
  settled?: boolean;
}

/** A create another process or stack has under way (or left interrupted): what it may make is not ours to delete. */
export interface Claim {
  subject: Subject;
  detail: string;
}

/** The evidence gathered, and what cannot be used (reported, never acted on). */
export interface Evidence {
  interrupted: Interrupted[];
  /** Pending creates without a lower time bound (no lock, no journal record): cannot be proven. */
  unbounded: string[];
  /** Records of this stack whose writer still runs: the stack belongs to a live process. */
  live: string[];
  /** Creates of other runs (live, or other stacks') whose objects must be left alone. */
  claims: Claim[];
  /** Journal records not used, with why. */
  skipped: string[];
}

/** Which stack, project and backend the recovery is for. */
export interface StackIdentity {
  /** The stack's short name (`pr-7`). */
  stack: string;
  project: string;
  /** The project directory (real path). */
  cwd: string;
  /** The backend URL with credentials removed. */
  backend: string;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function identity(i: Pick<Interrupted, "kind" | "organization" | "database" | "branch" | "name">): string {
  return [i.kind, i.organization, i.database ?? "", i.branch ?? "", i.name].join("/");
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * Whether a record was written for this stack: by its stack name when the record names one, else
 * (records of hosts that did not know their stack) by its project and project directory; and, when
 * both are known, on the same backend.
 */
export function recordOfStack(entry: JournalEntry, self: StackIdentity): boolean {
  const { intent } = entry;
  if (intent.backend && self.backend && intent.backend !== self.backend) return false;
  if (intent.project && intent.project !== self.project) return false;
  if (intent.stack) return intent.stack === self.stack;
  return realpath(intent.cwd) === self.cwd;
}

/**
 * The id of a settled create's object when this stack's state holds it (the engine received the
 * answer: only its records are left to remove); undefined otherwise. A settled create whose object
 * the state lacks lost its answer with its killed host, and is resolved as an interrupted create.
 */
export function recordedId(item: Interrupted, stateIds: ReadonlySet<string>): string | undefined {
  if (item.settled !== true) return undefined;
  return item.attempts?.find((a) => a.id !== undefined && stateIds.has(a.id))?.id;
}

/**
 * Joins the checkpoint's pending creates (a killed CLI) and this stack's journal records whose
 * writer is gone (a killed host, or the host of a killed CLI) into the list of interrupted creates,
 * one per remote identity. The lower time bound is the journal's (taken just before the first
 * request) or else the lock's (taken before the run started). Records of other stacks, and of
 * processes that still run, become claims: what they may make is never deleted here.
 */
export function gatherEvidence(
  deployment: Deployment,
  journal: JournalEntry[],
  options: { self: StackIdentity; defaultOrganization?: string; lockTime?: number },
): Evidence {
  const byIdentity = new Map<string, Interrupted>();
  const skipped: string[] = [];
  const live: string[] = [];
  const claims: Claim[] = [];
  for (const entry of journal) {
    const { file, intent } = entry;
    const subject: Subject = {
      kind: intent.kind,
      organization: intent.organization,
      database: intent.database,
      branch: intent.branch,
      name: intent.name,
    };
    const ours = recordOfStack(entry, options.self);
    const here = intent.hostname === os.hostname();
    if (here && processAlive(intent.pid)) {
      const detail = `${file}: its provider host (pid ${intent.pid}) is still running a create of ${describeSubject(subject)}`;
      if (ours) live.push(detail);
      claims.push({ subject, detail: `a running process (pid ${intent.pid}) is creating it` });
      continue;
    }
    if (!ours) {
      const whose = intent.stack ? `stack ${intent.stack}` : `project directory ${intent.cwd}`;
      claims.push({
        subject,
        detail: `an interrupted create of ${whose} may have made it (recover that stack)`,
      });
      skipped.push(`${file}: written for ${whose}, not this stack`);
      continue;
    }
    if (!here) {
      skipped.push(`${file}: written on ${intent.hostname}, whose process cannot be checked from here`);
      claims.push({ subject, detail: `a create on ${intent.hostname} (pid ${intent.pid}) may have made it` });
      continue;
    }
    const item: Interrupted = {
      kind: intent.kind,
      organization: intent.organization,
      ...(intent.database ? { database: intent.database } : {}),
      ...(intent.branch ? { branch: intent.branch } : {}),
      name: intent.name,
      earliest: Date.parse(intent.earliest),
      sources: [`journal ${file}`],
      journalFiles: [file],
      attempts: [...intent.attempts],
      settled: intent.settled === true,
    };
    const key = identity(item);
    const known = byIdentity.get(key);
    if (known) {
      known.settled = known.settled === true && item.settled === true;
      known.earliest = Math.min(known.earliest, item.earliest);
      known.sources.push(...item.sources);
      known.journalFiles.push(file);
      known.attempts = [...(known.attempts ?? []), ...(item.attempts ?? [])];
    } else byIdentity.set(key, item);
  }

  const unbounded: string[] = [];
  for (const op of deployment.deployment.pending_operations ?? []) {
    if (op.type !== "creating") continue;
    const subject = subjectOf(op.resource);
    if (subject === undefined) continue;
    const inputs = op.resource.inputs ?? {};
    const organization = subject.organization ?? options.defaultOrganization;
    // A deploy request has no name: the branch it deploys names it (one open per branch).
    const name = str(inputs["name"]) ?? (subject.kind === "deployRequest" ? subject.name : undefined);
    if (!organization || !name) {
      unbounded.push(`${op.resource.urn}: its recorded inputs lack the organization or name`);
      continue;
    }
    const item = {
      kind: subject.kind,
      organization,
      ...(subject.database ? { database: subject.database } : {}),
      ...(subject.branch ? { branch: subject.branch } : {}),
      name,
    };
    const known = byIdentity.get(identity(item));
    if (known) {
      known.sources.unshift(op.resource.urn);
      known.settled = false;
      continue;
    }
    const lockTime = options.lockTime;
    if (lockTime === undefined || !Number.isFinite(lockTime)) {
      unbounded.push(
        `${op.resource.urn}: neither a lock of the interrupted run nor a journal record of this machine tells when it started (missing evidence: the run's lock, e.g. removed by \`pulumi cancel\`, or the provider host's journal, kept on the machine that ran it)`,
      );
      continue;
    }
    byIdentity.set(identity(item), {
      ...item,
      earliest: lockTime - LOCK_CLOCK_SKEW_MS,
      sources: [op.resource.urn],
      journalFiles: [],
    });
  }
  return { interrupted: [...byIdentity.values()], unbounded, live, claims, skipped };
}
