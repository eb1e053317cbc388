// `npm run chaos`, CI-sized: its core runs as a user runs it (a child process, the real Pulumi CLI, a
// fresh emulator per scenario) and its last line carries the measured figures. The whole `--quick`
// run takes minutes (a dozen scenarios of several CLI commands each), so this runs two of them:
// a colleague's branch met after a 503 on our create, and bad inputs at preview. Every scenario also
// has its own CLI test (test/e2e/ownership.test.ts, reliability.test.ts, api-token.test.ts).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { figures } from "../support/chaos";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

describe("npm run chaos", { skip: skipWithoutCli }, () => {
  test("--quick, a foreign branch and bad inputs: nothing touched, lost or leaked, every bad input refused", async () => {
    const run = await runProcess(
      process.execPath,
      [
        join(repoRoot, "scripts/chaos/run.mjs"),
        "--quick",
        "--seed",
        "7",
        "--only",
        "1.",
        "--only",
        "bad inputs",
      ],
      { cwd: repoRoot, env: { ...process.env, PULUMI_PLANETSCALE_CLI_DIR: cliDir } },
    );
    const f = figures(run.stdout, run.stderr);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(Number(f["ops"]) > 0, "the runs called the API");
    assert.ok(Number(f["faults"]) >= 1, "the 503 on the create was injected");
    for (const name of ["lost", "duplicates", "orphans", "foreign_touched", "leaks"])
      assert.equal(f[name], "0", name);
    assert.equal(f["recovered"], "0/0", "no interrupted run in this selection");
    assert.equal(f["bad_inputs"], "3/3");
    assert.match(run.stdout, /not provably the one this request created/);
  });
});
