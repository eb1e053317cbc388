// `npm run docs` (TypeDoc, typedoc.json) validates the public API on the way: a type used in a public
// signature but not exported, a `{@link}` that does not resolve, or an export without TSDoc is a
// warning, and warnings are errors. Here it runs without writing the site (`--emit none`).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

describe("the API reference", () => {
  test("builds from the TSDoc with every public type exported and every {@link} resolved", async () => {
    const typedoc = join(repoRoot, "node_modules", "typedoc", "bin", "typedoc");
    const run = await runProcess(process.execPath, [typedoc, "--emit", "none"], { cwd: repoRoot });
    assert.equal(run.code, 0, `npm run docs fails:\n${run.stdout}${run.stderr}`);
  });
});
