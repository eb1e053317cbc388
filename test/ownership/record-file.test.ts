// The journal's record file: created private and exclusively, rewritten in place (shorter content
// padded so the file always holds exactly one JSON value), beyond a page rewritten aside, removed.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { RecordFile } from "../../provider/internal/ownership/record-file";

const dir = mkdtempSync(join(tmpdir(), "pps-record-file-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `r${++n}.json`);
const read = (file: string) => JSON.parse(readFileSync(file, "utf8"));

describe("a journal record file", () => {
  test("is created 0600 and holds the latest content, longer or shorter, as one JSON value", () => {
    const file = fresh();
    const record = new RecordFile(file, JSON.stringify({ attempts: [] }));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    record.rewrite(JSON.stringify({ attempts: [{ state: "sending", at: "2026-12-06T08:00:00.000Z" }] }));
    assert.deepEqual(read(file), { attempts: [{ state: "sending", at: "2026-12-06T08:00:00.000Z" }] });
    record.rewrite(JSON.stringify({ attempts: [{ state: "created", id: "x" }] }));
    assert.deepEqual(read(file), { attempts: [{ state: "created", id: "x" }] });
    record.remove();
    assert.deepEqual(
      readdirSync(dir).filter((f) => f === file.split("/").pop()),
      [],
    );
  });

  test("a record beyond a page is written aside and renamed over, and stays rewritable", () => {
    const file = fresh();
    const record = new RecordFile(file, JSON.stringify({ v: 1 }));
    const long = { v: 2, pad: "x".repeat(5000) };
    record.rewrite(JSON.stringify(long));
    assert.deepEqual(read(file), long);
    record.rewrite(JSON.stringify({ v: 3 }));
    assert.deepEqual(read(file), { v: 3 });
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith(".tmp")),
      [],
      "no file left aside",
    );
    record.remove();
  });

  test("never writes through an existing file, and removing twice is harmless", () => {
    const file = fresh();
    writeFileSync(file, "someone else's");
    assert.throws(() => new RecordFile(file, "{}"), { code: "EEXIST" });
    assert.equal(readFileSync(file, "utf8"), "someone else's");
    const other = fresh();
    const record = new RecordFile(other, "{}");
    record.remove();
    record.remove();
    assert.throws(() => record.rewrite("{}"), /was removed/);
  });
});
