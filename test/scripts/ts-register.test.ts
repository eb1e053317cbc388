// scripts/lib/ts-register.cjs, the TypeScript of the test processes: with its cache, a file is
// compiled by esbuild once, the next process takes the output without starting esbuild, a changed
// file is compiled again, and stack traces still name the TypeScript lines.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { TS_REGISTER } from "../../scripts/lib/test-files.mjs";

let dir: string;
let cache: string;
const probe = () => join(dir, "probe.ts");

before(() => {
  dir = mkdtempSync(join(tmpdir(), "pps-ts-register-"));
  cache = join(dir, "ts");
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Requires the probe in a new process: its result, and whether esbuild was loaded. */
function run(): { value: string; line: string; esbuild: boolean } {
  const script = [
    `const probe = require(${JSON.stringify(probe())});`,
    "const esbuild = Object.keys(require.cache).some((f) => f.endsWith('/esbuild/lib/main.js'));",
    "console.log(JSON.stringify({ ...probe.result(), esbuild }));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["--require", TS_REGISTER, "-e", script], {
    env: { ...process.env, PULUMI_PLANETSCALE_TS_CACHE: cache },
    encoding: "utf8",
  });
  return JSON.parse(out);
}

function writeProbe(value: string): void {
  writeFileSync(
    probe(),
    [
      "interface Result { value: string; line: string }",
      "export function result(): Result {",
      `  const value: string = ${JSON.stringify(value)};`,
      "  return { value, line: new Error().stack!.split('\\n')[1]!.replace(/.*probe\\.ts:/, '') };",
      "}",
    ].join("\n"),
  );
}

test("the first process compiles with esbuild and keeps the output; the next one takes it without esbuild", () => {
  writeProbe("one");
  const first = run();
  assert.deepEqual(first, { value: "one", line: "4:25)", esbuild: true });
  assert.equal(readdirSync(cache).length, 1);
  assert.deepEqual(run(), { value: "one", line: "4:25)", esbuild: false });
});

test("a changed file is compiled again", () => {
  writeProbe("two");
  assert.deepEqual(run(), { value: "two", line: "4:25)", esbuild: true });
  assert.equal(readdirSync(cache).length, 2);
  assert.equal(run().esbuild, false);
});
