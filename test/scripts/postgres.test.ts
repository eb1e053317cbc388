// scripts/lib/postgres.mjs: as root, PostgreSQL runs as the user `postgres`, which must be able to
// reach the binaries; a directory it may not traverse is named before anything is started.
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";

let pg: typeof import("../../scripts/lib/postgres.mjs");
before(async () => {
  pg = await import("../../scripts/lib/postgres.mjs");
});

test("names the first directory other users may not traverse, and none when all may", () => {
  const root = mkdtempSync(join(tmpdir(), "pps-traverse-"));
  try {
    chmodSync(root, 0o755);
    mkdirSync(join(root, "clone", "bin"), { recursive: true });
    const binary = join(root, "clone", "bin", "initdb");
    writeFileSync(binary, "");
    chmodSync(join(root, "clone"), 0o700);
    assert.equal(pg.untraversableDirectory(binary), join(root, "clone"));
    chmodSync(join(root, "clone"), 0o711);
    assert.equal(pg.untraversableDirectory(binary), undefined);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
