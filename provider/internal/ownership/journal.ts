import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PlanetScaleClient } from "../client/client";

/** Environment variable naming the journal directory (default: under the Pulumi home). */
export const JOURNAL_DIR_ENV = "PULUMI_PLANETSCALE_JOURNAL_DIR";

/** Allowance for PlanetScale's clock when no answer has shown it yet (as in `judge`). */
const FALLBACK_SKEW_MS = 5_000;

/**
 * What a create is about to make, written before its first request and removed once the create
 * returns or throws. A record that outlives its process is the only trace of a create interrupted
 * by a killed provider host (the engine records nothing then), so `pulumi-planetscale recover` can
 * find what the create left behind and prove it ours.
 */
export interface Intent {
  version: 1;
  /** Registry kind: `branch`, `serviceToken`, `password` or `role`. */
  kind: string;
  organization: string;
  database?: string;
  /** For a password or role: the branch it belongs to (its name). */
  branch?: string;
  /** The remote name the create sends. */
  name: string;
  /**
   * The earliest PlanetScale time at which the create's first request may have been applied, from
   * the server clock the client has seen (ISO 8601): whatever it made has `created_at` at or after.
   */
  earliest: string;
  /** Our credential's id (a service token's id), which PlanetScale reports as the creator. */
  actorId?: string;
  /** Who wrote it: a record is only acted on once this process is provably gone. */
  pid: number;
  hostname: string;
  /** The provider host's working directory: the Pulumi project's directory. */
  cwd: string;
  /** The state backend, when the environment names it. */
  backendUrl?: string;
}

/** The journal directory: {@link JOURNAL_DIR_ENV}, else `$PULUMI_HOME/planetscale/journal`. */
export function journalDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[JOURNAL_DIR_ENV];
  if (configured) return path.resolve(configured);
  const home = env["PULUMI_HOME"] || path.join(os.homedir(), ".pulumi");
  return path.join(home, "planetscale", "journal");
}

/** The identifying part of an intent, as the caller knows it. */
export type IntentSubject = Pick<Intent, "kind" | "organization" | "database" | "branch" | "name">;

/**
 * Writes the intent record for a create that is about to start and returns the function that
 * removes it (call it when the create returns or throws). Atomic (written aside, then renamed), so
 * a kill never leaves half a record. A journal that cannot be written does not stop the create: the
 * CLI's own pending operation still covers a killed CLI; the failure is logged.
 */
export function recordIntent(
  client: PlanetScaleClient,
  subject: IntentSubject,
  log: (message: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): () => void {
  const now = Date.now();
  const credential = client.settings.credential;
  const intent: Intent = {
    version: 1,
    ...subject,
    earliest: new Date(client.serverClock.range(now, FALLBACK_SKEW_MS).earliest).toISOString(),
    ...(credential.kind === "serviceToken" ? { actorId: credential.id } : {}),
    pid: process.pid,
    hostname: os.hostname(),
    cwd: process.cwd(),
    ...(env["PULUMI_BACKEND_URL"] ? { backendUrl: env["PULUMI_BACKEND_URL"] } : {}),
  };
  const dir = journalDir(env);
  const file = path.join(dir, `${now}-${process.pid}-${randomBytes(4).toString("hex")}.json`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(intent));
    fs.renameSync(`${file}.tmp`, file);
  } catch (error) {
    log(`could not write the recovery journal in ${dir} (${(error as Error).message})`);
    return () => {};
  }
  return () => {
    fs.rmSync(file, { force: true });
  };
}

/** A record found in the journal, with its file. */
export interface JournalEntry {
  file: string;
  intent: Intent;
}

/** Every intent record of the journal (unreadable files are skipped: a record is written atomically). */
export function readJournal(dir: string): JournalEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const entries: JournalEntry[] = [];
  for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
    const file = path.join(dir, name);
    try {
      const intent = JSON.parse(fs.readFileSync(file, "utf8")) as Intent;
      if (intent.version === 1 && typeof intent.name === "string") entries.push({ file, intent });
    } catch {
      // Removed meanwhile, or not ours.
    }
  }
  return entries;
}
