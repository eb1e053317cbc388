// Level 4: an Automation API program (an inline program, as a platform team's orchestrator runs
// one per pull request) runs again in the same process after a run that failed. Pulumi's Node SDK
// chains every log of a process on the one before and waits for the URN of the resource a log is
// about (`lastLog` in `@pulumi/pulumi/log`): a warning about a resource that was never registered
// held every later log, and so every later run of the process, forever. Our ApiToken warnings
// did that when the run failed before the token was registered.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { expectingProgramFailure } from "../support/program-failure";

const ps: typeof planetscale = require("pulumi-planetscale");

describe("an inline program after a failed run in the same process", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let database = "missing";

  before(async () => {
    env = await createTestStack({
      program: async () => {
        const branch = new ps.Branch("feature", { database, name: "feature" });
        // Organization-wide database access, so the token warns about it; and it waits for the branch,
        // so in a run whose branch fails it is never registered.
        const token = new ps.ApiToken(
          "ci",
          { name: "feature-ci", scopes: ["read_only"], ttl: "1h" },
          { dependsOn: [branch] },
        );
        return { branchId: branch.id, tokenId: token.id };
      },
    });
  });
  after(async () => {
    await env?.cleanup();
  });

  test("a run whose branch fails, before its token is registered, fails", async () => {
    await assert.rejects(
      expectingProgramFailure(() => env.stack.up()),
      /Branch \(feature\):\s+error: database "missing" was not found/,
    );
    assert.deepEqual(
      env.emulator.snapshot().serviceTokens.filter((t) => t.name === "feature-ci"),
      [],
      "no token was created",
    );
  });

  test("the next run of the same process finishes, creating both and showing the token's warning", {
    timeout: 120_000,
  }, async () => {
    database = "app";
    const result = await env.stack.up();
    assert.equal(result.summary.result, "succeeded");
    const outputs = await env.stack.outputs();
    assert.match(String(outputs["branchId"]?.value), /\S/);
    assert.match(String(outputs["tokenId"]?.value), /\S/);
    assert.match(env.output(), /granted at organization level/);
  });
});
