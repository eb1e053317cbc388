import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type AdmissionState, FREE_ADMISSION, parseAdmission } from "./admission";
import type { AdmissionStore } from "./admission-store";

/**
 * How long a read of the shared file is reused on the fast path. Reading costs ~25 µs, too much for
 * every request; another process's 429 is noticed within this time, during which at most a few
 * requests go out.
 */
export const SHARED_FILE_REFRESH_MS = 50;
/** A lock older than this was left by a crashed process (an update holds it for microseconds). */
const STALE_LOCK_MS = 1_000;
/** How long an update tries to take the lock before going ahead without it (best effort). */
const LOCK_PATIENCE_MS = 200;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * The {@link AdmissionState} of one credential against one API, shared by every process on this
 * machine through a one-line file in the OS temp directory. Named by a hash of the API origin and
 * the credential's id (an OAuth token, which has no id, by a hash of the token): the file never holds
 * a secret. Updates take a lock file (`O_EXCL`), so two processes never claim the same admission
 * slot; a writer replaces the file with an atomic rename, so readers see the old or the new state,
 * never half of one. Robust by construction: a crashed process leaves a lock that is taken over
 * after a second and a state that a minute of silence frees; any I/O failure
 * only turns the coordination off for this process (it keeps the state in memory).
 */
export class SharedBackoffFile implements AdmissionStore {
  readonly file: string;
  private readonly lock: string;
  private cached: AdmissionState = FREE_ADMISSION;
  private readAt = Number.NEGATIVE_INFINITY;
  private broken = false;

  constructor(
    key: string,
    directory = defaultDirectory(),
    /** How long a fast-path read is reused (tests pass 0 to see every change at once). */
    private readonly refreshMs = SHARED_FILE_REFRESH_MS,
  ) {
    const name = crypto.createHash("sha256").update(key).digest("hex").slice(0, 32);
    this.file = path.join(directory, `backoff-${name}`);
    this.lock = `${this.file}.lock`;
  }

  /** The state recorded by any process, read at most every `refreshMs` ({@link SHARED_FILE_REFRESH_MS}). */
  read(monotonicNow: number): AdmissionState {
    if (this.broken || monotonicNow - this.readAt < this.refreshMs) return this.cached;
    this.readAt = monotonicNow;
    this.cached = this.readFile();
    return this.cached;
  }

  update<T>(change: (state: AdmissionState) => { state?: AdmissionState | undefined; result: T }): T {
    if (this.broken) return this.apply(change, this.cached);
    const locked = this.takeLock();
    try {
      return this.apply(change, this.readFile());
    } finally {
      if (locked) this.releaseLock();
    }
  }

  private apply<T>(
    change: (state: AdmissionState) => { state?: AdmissionState | undefined; result: T },
    current: AdmissionState,
  ): T {
    const { state, result } = change(current);
    this.cached = state ?? current;
    this.readAt = performance.now();
    if (state && !this.broken) this.write(state);
    return result;
  }

  private readFile(): AdmissionState {
    if (this.broken) return this.cached;
    try {
      return parseAdmission(fs.readFileSync(this.file, "utf8"));
    } catch (error) {
      // No file yet: nobody was rate limited. Any other failure: coordinate in-process only.
      if ((error as { code?: string }).code !== "ENOENT") this.broken = true;
      return this.cached;
    }
  }

  private write(state: AdmissionState): void {
    const temporary = `${this.file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
    try {
      fs.writeFileSync(temporary, JSON.stringify(state), { mode: 0o600 });
      fs.renameSync(temporary, this.file);
    } catch {
      this.broken = true;
      try {
        fs.rmSync(temporary, { force: true });
      } catch {
        // Nothing was written.
      }
    }
  }

  /** Takes the lock file; false when it could not (then the update goes ahead without it). */
  private takeLock(): boolean {
    const started = performance.now();
    for (;;) {
      try {
        fs.closeSync(fs.openSync(this.lock, "wx", 0o600));
        return true;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === "ENOENT") {
          try {
            fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
            continue;
          } catch {
            this.broken = true;
            return false;
          }
        }
        if (code !== "EEXIST") {
          this.broken = true;
          return false;
        }
      }
      try {
        if (Date.now() - fs.statSync(this.lock).mtimeMs > STALE_LOCK_MS) {
          fs.rmSync(this.lock, { force: true });
          continue;
        }
      } catch {
        continue; // released meanwhile
      }
      if (performance.now() - started > LOCK_PATIENCE_MS) return false;
      // Another process holds it for microseconds: sleep this thread 1 ms rather than spin.
      Atomics.wait(pause, 0, 0, 1);
    }
  }

  private releaseLock(): void {
    try {
      fs.rmSync(this.lock, { force: true });
    } catch {
      // Taken over as stale by another process: nothing to release.
    }
  }
}

/** `<tmp>/pulumi-planetscale-<uid>`: per user, so one user's file cannot slow down another's. */
function defaultDirectory(): string {
  const uid = typeof process.getuid === "function" ? process.getuid() : os.userInfo().username;
  return path.join(os.tmpdir(), `pulumi-planetscale-${uid}`);
}
