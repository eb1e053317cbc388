import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * How long a read of the shared file is reused. Reading costs ~25 µs, too much for every request;
 * another process's 429 is noticed within this time, during which at most a few requests go out.
 */
export const SHARED_FILE_REFRESH_MS = 50;

/**
 * A "do not send before" instant (ms since the epoch) shared by every process on this machine that
 * uses one credential against one API, through a one-line file in the OS temp directory. Named by a
 * hash of the API origin and the credential's id (an OAuth token, which has no id, by a hash of the
 * token): the file never holds a secret. Robust by construction: a writer replaces the file with an
 * atomic rename (readers see the old or the new instant, never half of one); a crashed process leaves
 * at most an instant in the past; any I/O failure only turns the coordination off for this process.
 */
export class SharedBackoffFile {
  readonly file: string;
  private cached = 0;
  private readAt = Number.NEGATIVE_INFINITY;
  private broken = false;

  constructor(key: string, directory = defaultDirectory()) {
    const name = crypto.createHash("sha256").update(key).digest("hex").slice(0, 32);
    this.file = path.join(directory, `backoff-${name}`);
  }

  /** The instant recorded by any process, read at most every {@link SHARED_FILE_REFRESH_MS} ms. */
  read(monotonicNow: number): number {
    if (this.broken || monotonicNow - this.readAt < SHARED_FILE_REFRESH_MS) return this.cached;
    this.readAt = monotonicNow;
    let text: string;
    try {
      text = fs.readFileSync(this.file, "utf8");
    } catch (error) {
      // No file yet: nobody was rate limited. Any other failure: coordinate in-process only.
      if ((error as { code?: string }).code !== "ENOENT") this.broken = true;
      return this.cached;
    }
    const value = Number(text.trim());
    this.cached = Number.isFinite(value) ? value : 0;
    return this.cached;
  }

  /** Records `until` unless a later instant is recorded already. Never throws. */
  write(until: number, monotonicNow: number): void {
    if (this.broken || until <= this.read(monotonicNow)) return;
    const temporary = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(temporary, String(Math.ceil(until)), { mode: 0o600 });
      fs.renameSync(temporary, this.file);
      this.cached = until;
    } catch {
      this.broken = true;
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Nothing was written.
      }
    }
  }
}

/** `<tmp>/pulumi-planetscale-<uid>`: per user, so one user's file cannot slow down another's. */
function defaultDirectory(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `pulumi-planetscale-${uid}`);
}
