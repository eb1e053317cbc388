// Level 4: `deletionProtected: true` protects the stack, through the real Pulumi CLI: `pulumi
// destroy` and a replacement of the branch fail before anything of the stack is deleted (the
// branch's password and the stack's token with it), as Pulumi's own `protect` does; switched off,
// destroy works. One stack, its steps in order.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { cliDir, createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { runProcess } from "../support/process";
import { expectingProgramFailure } from "../support/program-failure";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCH = "pulumi-nodejs:dynamic/planetscale:Branch";

describe("a deletion-protected branch protects its stack", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let branchArgs: planetscale.BranchArgs = { database: "app", name: "guarded", deletionProtected: true };
  let protectOption: boolean | undefined;

  before(async () => {
    env = await createTestStack({
      program: async () => {
        const branch = new ps.Branch(
          "guarded",
          branchArgs,
          protectOption === undefined ? {} : { protect: protectOption },
        );
        const password = new ps.BranchPassword("app", { database: "app", branch, name: "guarded-app" });
        const token = new ps.ApiToken("ci", { name: "guarded-ci", scopes: ["read_only"], ttl: "1h" });
        return { branchId: branch.id, passwordId: password.id, tokenId: token.id };
      },
    });
  });
  // What a failed test leaves protected goes with the emulator: cleanup destroys nothing.
  after(async () => env?.cleanup());

  /** What PlanetScale holds of this stack: the branch, its password, the token. */
  function remote() {
    const s = env.emulator.snapshot();
    return {
      branches: s.branches.filter((b) => b.name === "guarded").length,
      passwords: s.passwords.filter((p) => p.name === "guarded-app").length,
      tokens: s.serviceTokens.filter((t) => t.name === "guarded-ci").length,
    };
  }

  /** Whether the state marks the branch protected. */
  async function branchProtected(): Promise<boolean> {
    const resources = (await env.exportState()).resources as Array<{ type: string; protect?: boolean }>;
    return resources.find((r) => r.type === BRANCH)?.protect === true;
  }

  /** `pulumi destroy --yes` as a person or a pipeline runs it: the CLI itself, its preview first. */
  function cliDestroy(...flags: string[]) {
    return runProcess(
      join(cliDir as string, "pulumi"),
      ["destroy", "--yes", "--stack", "test", "--non-interactive", ...flags],
      { cwd: env.workDir, env: { ...process.env, ...env.env } },
    );
  }

  test("an existing stack's branch takes Pulumi's protect with no change to show", async () => {
    // As a stack deployed before this version: `protect` not set (the program says so explicitly).
    protectOption = false;
    await env.stack.up();
    assert.deepEqual(remote(), { branches: 1, passwords: 1, tokens: 1 });
    assert.equal(await branchProtected(), false);
    protectOption = undefined;
    env.emulator.clearRequests();
    await env.stack.preview({ expectNoChanges: true });
    await env.stack.up();
    assert.equal(await branchProtected(), true, "the state marks the branch protected");
    assert.deepEqual(env.emulator.requests(), [], "nothing asked of PlanetScale");
  });

  test("`pulumi destroy` fails before deleting anything, naming the branch", async () => {
    env.emulator.clearRequests();
    const destroy = await cliDestroy();
    assert.notEqual(destroy.code, 0, destroy.stdout + destroy.stderr);
    assert.match(destroy.stdout + destroy.stderr, /guarded.*cannot be deleted[\s\S]*because it is protected/);
    assert.deepEqual(
      env.emulator.requests().filter((r) => r.method === "DELETE"),
      [],
      "no delete request",
    );
    assert.deepEqual(
      remote(),
      { branches: 1, passwords: 1, tokens: 1 },
      "the branch, its password, the token",
    );
    assert.equal((await env.resourcesOfType(BRANCH)).length, 1);
  });

  test("an `up` that would replace the branch fails before creating or deleting anything", async () => {
    branchArgs = { ...branchArgs, region: "eu-west" };
    env.emulator.clearRequests();
    await assert.rejects(
      expectingProgramFailure(() => env.stack.up()),
      /unable to replace resource[\s\S]*guarded[\s\S]*marked for protection/,
    );
    const changes = env.emulator.requests().filter((r) => r.method !== "GET");
    assert.deepEqual(changes, [], "no create, no delete");
    assert.deepEqual(remote(), { branches: 1, passwords: 1, tokens: 1 });
    const { region: _, ...before } = branchArgs;
    branchArgs = before;
  });

  test("switched off in the program, protection is lifted in one `up`, and destroy deletes everything", async () => {
    branchArgs = { ...branchArgs, deletionProtected: false };
    await env.stack.up();
    const destroy = await cliDestroy();
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
    assert.deepEqual(remote(), { branches: 0, passwords: 0, tokens: 0 });
  });
});
