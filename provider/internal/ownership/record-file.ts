import { randomBytes } from "node:crypto";
import * as fs from "node:fs";

/**
 * Records up to this size are rewritten in place: a `write(2)` of one page at offset 0 of a
 * regular file is not cut short by a kill on Linux (it checks for a fatal signal only between
 * pages), so a killed process leaves the old record or the new one. Should a kernel ever tear
 * one, the record fails to parse and `readJournal` passes over it as if removed. (Nothing is
 * fsync'ed, before or now: the records are for a killed process, not a lost machine.)
 */
const IN_PLACE_MAX = 4096;

/**
 * One private record file (0600) that a create rewrites as it goes, kept open until it is removed.
 * Each rewrite is one `write(2)` at offset 0, padded with spaces (JSON allows them) to the longest
 * content written so far, so nothing needs truncating; a record beyond one page is written aside
 * and renamed over, as every rewrite was before (with the directory checks, a create made 20 system
 * calls for its record, counted with strace; now 6).
 */
export class RecordFile {
  private fd: number | undefined;
  private written = 0;

  /**
   * Creates `file` with `content`; throws if it exists (`O_EXCL`: no existing file or link can
   * redirect the write).
   */
  constructor(
    readonly file: string,
    content: string,
  ) {
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    this.fd = fd;
    try {
      this.rewrite(content);
    } catch (error) {
      this.remove();
      throw error;
    }
  }

  /** Replaces the record's content (see the class). */
  rewrite(content: string): void {
    const bytes = Buffer.from(content);
    if (this.fd === undefined) throw new Error(`${this.file} was removed`);
    if (bytes.length > IN_PLACE_MAX) {
      this.replaceAside(content);
      return;
    }
    const padded =
      bytes.length >= this.written
        ? bytes
        : Buffer.concat([bytes, Buffer.alloc(this.written - bytes.length, " ")]);
    fs.writeSync(this.fd, padded, 0, padded.length, 0);
    this.written = padded.length;
  }

  /** Closes the record and keeps it: it can no longer be rewritten. */
  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** Closes and deletes the record (a record already gone is fine). */
  remove(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    try {
      fs.unlinkSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  /** A record longer than a page: written to a new file beside it, renamed over it, and reopened. */
  private replaceAside(content: string): void {
    const tmp = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      fs.writeSync(fd, content);
    } catch (error) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw error;
    }
    fs.renameSync(tmp, this.file);
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = fd;
    this.written = Buffer.byteLength(content);
  }
}
