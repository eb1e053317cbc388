import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type AttemptState, type CreateAttempt, observeCreates } from "../api/create-attempts";
import { redactBackendUrl } from "../backend/backend-url";
import type { PlanetScaleClient } from "../client/client";
import { isDynamicProviderHost } from "../provider-host";
import { RecordFile } from "./record-file";

/** Environment variable naming the journal directory (default: under the Pulumi home). */
export const JOURNAL_DIR_ENV = "PULUMI_PLANETSCALE_JOURNAL_DIR";

/** Allowance for PlanetScale's clock when no answer has shown it yet (as in `judge`). */
const FALLBACK_SKEW_MS = 5_000;

/** The version of the record format this module writes; other versions are not read. */
export const JOURNAL_VERSION = 2;

/** One create request of an intent and how it ended (see {@link AttemptState}). */
export interface IntentAttempt {
  /** When it was about to be sent (this machine's clock). */
  at: string;
  state: AttemptState;
  /** The object it created, when PlanetScale answered with it. */
  id?: string;
  status?: number;
}

/**
 * What a create is about to make, written before its first request and updated as each request
 * ends. Once the create returns or throws it is marked `settled`, and removed: at once in a process
 * that is not a dynamic-provider host, else when the engine ends the host
 * ({@link keepSettledRecordsUntilEngineCloses}). A record that outlives its process is the only
 * trace of a create interrupted by a killed provider host (the engine records nothing then), so
 * `pulumi-planetscale recover` can find what the create left behind. A record is evidence of
 * what was attempted, never of who made an object: the creator is always compared with the
 * recovering stack's own credential.
 */
export interface Intent {
  version: 2;
  /** `branch`, `serviceToken`, `password` or `role`. */
  kind: string;
  organization: string;
  database?: string;
  /** For a password or role: the branch it belongs to (as the program gives it). */
  branch?: string;
  /** The remote name the create sends. */
  name: string;
  /**
   * The earliest PlanetScale time at which the create's first request may have been applied, from
   * the server clock the client has seen (ISO 8601): whatever it made has `created_at` at or after.
   */
  earliest: string;
  /** The credential's id (a service token's id): a record is only read by the same credential. */
  actorId?: string;
  /** Who wrote it: a record is only acted on once this process is provably gone. */
  pid: number;
  hostname: string;
  /** The provider host's working directory: the Pulumi project's directory. */
  cwd: string;
  /** The Pulumi project (`PULUMI_PROJECT` of the provider host). */
  project?: string;
  /** The stack, when the resource names it. */
  stack?: string;
  /** The state backend (`PULUMI_BACKEND_URL`) with every credential removed. */
  backend?: string;
  /** The create requests sent so far, in order. */
  attempts: IntentAttempt[];
  /**
   * The create returned or threw, in a host the engine had not ended yet: whether the engine
   * received its answer is unknown (the host may have been killed before the answer left).
   */
  settled?: true;
}

/** The journal directory: {@link JOURNAL_DIR_ENV}, else `$PULUMI_HOME/planetscale/journal`. */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[JOURNAL_DIR_ENV];
  if (configured) return path.resolve(configured);
  const home = env["PULUMI_HOME"] || path.join(os.homedir(), ".pulumi");
  return path.join(home, "planetscale", "journal");
}

/** The identifying part of an intent, as the caller knows it. */
export type IntentSubject = Pick<Intent, "kind" | "organization" | "database" | "branch" | "name"> & {
  stack?: string | undefined;
};

/** Why a directory or record is not private to this user, or undefined when it is. */
export function notPrivate(stat: fs.Stats, what: "directory" | "file"): string | undefined {
  if (stat.isSymbolicLink()) return "is a symbolic link";
  if (what === "directory" ? !stat.isDirectory() : !stat.isFile()) return `is not a ${what}`;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) return `belongs to uid ${stat.uid}, not to this user (${uid})`;
  if ((stat.mode & 0o077) !== 0)
    return `is readable or writable by others (mode ${(stat.mode & 0o777).toString(8)})`;
  return undefined;
}

/** Whether settled records wait for the engine to end this process (the provider host). */
let keepSettled = false;
/** Records of settled creates that wait for the engine to end this process. */
const settledRecords = new Set<string>();

/**
 * In the dynamic-provider host: keeps each settled create's record until the engine ends the host.
 * The engine records a create's object only once the answer reaches it, and ends its provider hosts
 * with SIGINT only after the run's steps are saved (`TerminateProcessGroup` in Pulumi's
 * `plugin.Close`; a host has its own process group, so a terminal's Ctrl-C never reaches it). A
 * host killed in between (by SIGKILL, or stopped by the engine watchdog because the CLI died) leaves
 * its settled records: `recover` drops those whose object the stack holds and deals with the others
 * as interrupted creates. On SIGINT the records are removed and the signal is raised again, so the
 * host ends as it would without this handler.
 */
function keepSettledRecordsUntilEngineCloses(): void {
  if (keepSettled) return;
  keepSettled = true;
  process.once("SIGINT", () => {
    for (const file of settledRecords) fs.rmSync(file, { force: true });
    settledRecords.clear();
    process.kill(process.pid, "SIGINT");
  });
}

/** Directories {@link privateDir} has made or checked in this process. */
const checkedDirs = new Set<string>();

/**
 * Creates the journal directory (0700), or checks that an existing one is this user's own and
 * private: once per directory per process (it was 4 system calls of every create; a process that
 * could replace this user's directory meanwhile could as well write its records).
 */
function privateDir(dir: string): void {
  if (checkedDirs.has(dir)) return;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(dir);
  const uid = process.getuid?.();
  // Our own directory made by an earlier version (0755): tighten it; anything else is refused.
  if (!stat.isSymbolicLink() && stat.isDirectory() && (uid === undefined || stat.uid === uid))
    fs.chmodSync(dir, 0o700);
  const problem = notPrivate(fs.lstatSync(dir), "directory");
  if (problem) throw new Error(`${dir} ${problem}`);
  checkedDirs.add(dir);
}

/** Whether an attempt event is about this intent's subject. */
function concerns(attempt: CreateAttempt, intent: Intent): boolean {
  const s = attempt.subject;
  return (
    s.kind === intent.kind &&
    s.organization === intent.organization &&
    (s.database ?? "") === (intent.database ?? "") &&
    s.name === intent.name
  );
}

/**
 * Writes the intent record for a create that is about to start and returns the function that
 * settles it (call it when the create returns or throws): it is removed at once, or marked settled
 * and kept until the engine ends the host ({@link keepSettledRecordsUntilEngineCloses}). Each
 * create request the client sends for this subject meanwhile is added to the record, before it is
 * sent and when it ends. Each write
 * replaces the whole record at once (see `RecordFile`), so a kill never leaves half a record. A journal that cannot be
 * written does not stop the create: the CLI's own pending operation still covers a killed CLI; the
 * failure is logged.
 */
export function recordIntent(
  client: PlanetScaleClient,
  subject: IntentSubject,
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const now = Date.now();
  const credential = client.settings.credential;
  const { stack, ...object } = subject;
  const intent: Intent = {
    version: 2,
    ...object,
    earliest: new Date(client.serverClock.range(now, FALLBACK_SKEW_MS).earliest).toISOString(),
    ...(credential.kind === "serviceToken" ? { actorId: credential.id } : {}),
    pid: process.pid,
    hostname: os.hostname(),
    cwd: process.cwd(),
    ...(env["PULUMI_PROJECT"] ? { project: env["PULUMI_PROJECT"] } : {}),
    ...(stack ? { stack } : {}),
    ...(env["PULUMI_BACKEND_URL"] ? { backend: redactBackendUrl(env["PULUMI_BACKEND_URL"]) } : {}),
    attempts: [],
  };
  if (isDynamicProviderHost()) keepSettledRecordsUntilEngineCloses();
  const dir = journalDir(env);
  const file = path.join(dir, `${now}-${process.pid}-${randomBytes(4).toString("hex")}.json`);
  let record: RecordFile;
  try {
    privateDir(dir);
    record = new RecordFile(file, JSON.stringify(intent));
  } catch (error) {
    log(`could not write the recovery journal in ${dir} (${(error as Error).message})`);
    return () => {};
  }
  let open = true;
  const stop = observeCreates(client, (attempt) => {
    if (!open || !concerns(attempt, intent)) return;
    const last = intent.attempts.at(-1);
    const entry: IntentAttempt = {
      at: attempt.state === "sending" || !last ? new Date().toISOString() : last.at,
      state: attempt.state,
      ...(attempt.id ? { id: attempt.id } : {}),
      ...(attempt.status === undefined ? {} : { status: attempt.status }),
    };
    if (attempt.state !== "sending" && last?.state === "sending")
      intent.attempts[intent.attempts.length - 1] = entry;
    else intent.attempts.push(entry);
    try {
      record.rewrite(JSON.stringify(intent));
    } catch (error) {
      log(`could not update the recovery journal in ${dir} (${(error as Error).message})`);
    }
  });
  return () => {
    open = false;
    stop();
    if (!keepSettled) {
      record.remove();
      return;
    }
    intent.settled = true;
    try {
      record.rewrite(JSON.stringify(intent));
    } catch (error) {
      // Unmarked, it still proves no more than an interrupted create: recover checks it as one.
      log(`could not update the recovery journal in ${dir} (${(error as Error).message})`);
    }
    record.close();
    settledRecords.add(file);
  };
}

/** A record found in the journal, with its file. */
export interface JournalEntry {
  file: string;
  intent: Intent;
}

/** What the journal holds that may be used, and what was set aside and why. */
export interface JournalContents {
  entries: JournalEntry[];
  /** Files or the directory set aside, each with the reason (reported, never acted on). */
  ignored: string[];
}

/**
 * The intent records of the journal that may be used as evidence by the credential `credentialId`:
 * the directory and every record must be private to this user (owned by it, not a symbolic link,
 * not readable or writable by others), and a record must name that credential as its writer's
 * (anything else may have been planted, or belongs to someone else's runs).
 */
export function readJournal(dir: string, credentialId: string | undefined): JournalContents {
  const ignored: string[] = [];
  let names: string[];
  try {
    const problem = notPrivate(fs.lstatSync(dir), "directory");
    if (problem) return { entries: [], ignored: [`${dir}: ${problem}; none of its records is used`] };
    names = fs.readdirSync(dir);
  } catch {
    return { entries: [], ignored };
  }
  const entries: JournalEntry[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const file = path.join(dir, name);
    let intent: Intent;
    try {
      const problem = notPrivate(fs.lstatSync(file), "file");
      if (problem) {
        ignored.push(`${file}: ${problem}`);
        continue;
      }
      const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        intent = JSON.parse(fs.readFileSync(fd, "utf8")) as Intent;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue; // Removed meanwhile (its create settled).
    }
    if (
      intent?.version !== JOURNAL_VERSION ||
      typeof intent.name !== "string" ||
      !Array.isArray(intent.attempts)
    ) {
      ignored.push(`${file}: not a record this version writes`);
      continue;
    }
    if (credentialId === undefined || intent.actorId !== credentialId) {
      ignored.push(`${file}: written for another credential than this stack's`);
      continue;
    }
    entries.push({ file, intent });
  }
  return { entries, ignored };
}
