// The test runner's own pieces that the example workflows' dependency cache rests on
// (test/support/workflow.ts, test/support/actions-cache.ts): `hashFiles` computes GitHub's
// digest, step outputs reach later steps' `if:`, and `actions/cache` restores on an exact or
// partial key, saves only after a successful job that missed, and misses on a changed file.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as yaml from "js-yaml";
import { actionsCache } from "../support/actions-cache";
import { evaluate, hashFiles, type JobResult, runJob, type Workflow } from "../support/workflow";

const dir = mkdtempSync(join(tmpdir(), "pps-workflow-runner-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("workflow expressions", () => {
  test("hashFiles is the SHA-256 of the files' SHA-256 digests, as sha256sum computes it; '' without a file", () => {
    const ws = join(dir, "hash");
    mkdirSync(ws);
    writeFileSync(join(ws, "a.lock"), "one\n");
    writeFileSync(join(ws, "b.lock"), "two\n");
    // The same digest by other means: the coreutils of any runner.
    const shell = (files: string) =>
      execFileSync(
        "bash",
        [
          "-c",
          `for f in ${files}; do sha256sum "$f" | cut -c1-64 | xxd -r -p; done | sha256sum | cut -c1-64`,
        ],
        { cwd: ws, encoding: "utf8" },
      ).trim();
    assert.equal(hashFiles(ws, ["a.lock"]), shell("a.lock"));
    assert.equal(hashFiles(ws, ["a.lock", "b.lock"]), shell("a.lock b.lock"));
    assert.equal(
      evaluate("hashFiles('a.lock', 'missing', 'b.lock')", {}, { hashFiles: (...p) => hashFiles(ws, p) }),
      shell("a.lock b.lock"),
    );
    assert.equal(hashFiles(ws, ["missing"]), "");
    assert.throws(() => hashFiles(ws, ["*.lock"]), /only plain file paths/);
  });

  test("a step output compares as GitHub compares it; an unset one is not 'true'", () => {
    const steps = (outputs: Record<string, string>) => ({ steps: { modules: { outputs } } });
    const miss = "steps.modules.outputs.cache-hit != 'true'";
    assert.equal(evaluate(miss, steps({})), true);
    assert.equal(evaluate(miss, steps({ "cache-hit": "false" })), true);
    assert.equal(evaluate(miss, steps({ "cache-hit": "true" })), false);
    assert.throws(() => evaluate("fromJSON('1')", {}), /function fromJSON\(\) not supported/);
  });
});

describe("actions/cache on the test runner", () => {
  // A job as the example workflows have it: restore, install only on a miss, then use what was
  // installed; FAIL=1 fails the last step.
  const workflow = yaml.load(`
name: cache
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: deps
        uses: actions/cache@5a3ec84eff668545956fd18022155c47e93e2684
        with:
          path: out/deps
          key: deps-\${{ runner.os }}-\${{ hashFiles('deps.lock') }}
      - name: Install
        if: steps.deps.outputs.cache-hit != 'true'
        run: mkdir -p out/deps && { cat deps.lock 2>/dev/null || echo none; echo "installed $RANDOM$RANDOM"; } > out/deps/installed
      - name: Use
        run: cat out/deps/installed && test "$FAIL" != 1
`) as Workflow;
  const cache = actionsCache(join(dir, "store"));
  let runs = 0;
  /** Runs the job in a fresh workspace holding `lock` as deps.lock, as a checkout would. */
  async function run(lock: string | undefined, env: NodeJS.ProcessEnv = {}): Promise<JobResult> {
    const workspace = join(dir, `ws-${++runs}`);
    mkdirSync(workspace);
    if (lock !== undefined) writeFileSync(join(workspace, "deps.lock"), lock);
    return runJob(workflow, "build", {
      contexts: { runner: { os: "Linux" } },
      workspace,
      baseEnv: { PATH: process.env["PATH"], ...env },
      actions: { "actions/cache": cache },
    });
  }
  const names = (r: JobResult) => r.steps.map((s) => s.name);
  const used = (r: JobResult) => r.steps.find((s) => s.name === "Use")?.output ?? "";
  /** The key the last run's expression should have computed. */
  const lastKey = () => `deps-Linux-${hashFiles(join(dir, `ws-${runs}`), ["deps.lock"])}`;
  let first = "";

  test("a miss installs, and the successful job saves under the key the expression computed", async () => {
    const r = await run("v1\n");
    assert.equal(r.failed, undefined);
    assert.match(r.steps[0]?.output ?? "", /^Cache not found for input keys: deps-Linux-[0-9a-f]{64}$/m);
    assert.deepEqual(names(r), ["actions/cache@5a3ec84eff668545956fd18022155c47e93e2684", "Install", "Use"]);
    assert.deepEqual(
      r.post.map((s) => s.output.trim()),
      [`Cache saved with key: ${lastKey()}`],
    );
    first = used(r);
    assert.match(first, /^v1\ninstalled \d+/);
  });

  test("an exact hit restores what was saved, skips the install and saves nothing", async () => {
    const r = await run("v1\n");
    assert.equal(r.failed, undefined);
    assert.equal(r.steps[0]?.output.trim(), `Cache restored from key: ${lastKey()}`);
    assert.deepEqual(names(r).slice(1), ["Use"]);
    assert.equal(used(r), first, "the files the first job installed");
    assert.match(r.post[0]?.output ?? "", /^Cache hit occurred on the primary key .*, not saving cache\.$/m);
    // The restored files are the job's own: replacing one (as npm does) leaves the saved entry alone.
    const restored = join(dir, `ws-${runs}`, "out/deps/installed");
    rmSync(restored);
    writeFileSync(restored, "replaced");
    assert.equal(used(await run("v1\n")), first);
  });

  test("a restored file written in place (entries are hard links) fails the next restore, naming it", async () => {
    writeFileSync(join(dir, `ws-${runs}`, "out/deps/installed"), "changed in place");
    await assert.rejects(
      run("v1\n"),
      /actions\/cache: out\/deps\/installed, restored from key deps-Linux-[0-9a-f]{64}, was changed in place by a job/,
    );
  });

  test("a changed lockfile misses; a failed job saves nothing, so the next run misses again", async () => {
    const failed = await run("v2\n", { FAIL: "1" });
    assert.equal(failed.failed?.name, "Use");
    assert.match(failed.steps[0]?.output ?? "", /^Cache not found/m);
    assert.deepEqual(names(failed).slice(1), ["Install", "Use"]);
    assert.deepEqual(failed.post, [], "post-if: success() skips the save");
    const again = await run("v2\n");
    assert.match(again.steps[0]?.output ?? "", /^Cache not found/m);
    assert.match(used(again), /^v2\ninstalled/);
    assert.match(again.post[0]?.output ?? "", /^Cache saved with key: /m);
    const hit = await run("v2\n");
    assert.equal(used(hit), used(again));
  });

  test("a key that only prefixes a saved one restores it with cache-hit 'false': the install runs and saves its own key", async () => {
    // No deps.lock: hashFiles is '', the key `deps-Linux-` prefixes both saved keys; the newest wins.
    const r = await run(undefined);
    assert.match(r.steps[0]?.output ?? "", /^Cache restored from key: deps-Linux-[0-9a-f]{64}$/m);
    assert.deepEqual(names(r).slice(1), ["Install", "Use"]);
    assert.match(r.post[0]?.output ?? "", /^Cache saved with key: deps-Linux-$/m);
    assert.match(readFileSync(join(dir, `ws-${runs}`, "out/deps/installed"), "utf8"), /^none\ninstalled \d+/);
  });
});
