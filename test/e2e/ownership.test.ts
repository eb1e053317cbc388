// Level 4: ownership through the real Pulumi CLI ("What was seen" 1–3 of the ownership issue).
// A foreign branch met after a lost answer is never adopted nor destroyed; two resources of one
// stack that would manage one PlanetScale object are refused at preview, naming both.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { branchNames, call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { expectingProgramFailure } from "../support/program-failure";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";

describe("ownership through the CLI", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  before(async () => {
    env = await createTestStack({ program: async () => ({}) });
  });
  after(async () => env?.cleanup());

  test("a colleague's branch is neither adopted after a 503 nor deleted by destroy", async () => {
    const colleague = await call(env.emulator, "POST", TOKENS, { body: { name: "colleague" } });
    await call(env.emulator, "POST", `${TOKENS}/${colleague.body.id}/access`, {
      body: {
        database: "app",
        access: ["create_branch", "read_branch"],
      },
    });
    const theirs = await call(env.emulator, "POST", BRANCHES, {
      body: { name: "team-staging" },
      cred: colleague.body,
    });
    assert.equal(theirs.status, 201);

    env.setProgram(async () => {
      new ps.Branch("staging", { database: "app", name: "team-staging" });
      return {};
    });
    env.emulator.setFaults({ rules: [{ method: "POST", path: BRANCHES, action: "status", status: 503 }] });
    await assert.rejects(env.stack.up(), /not provably the one this request created/);
    env.emulator.setFaults({});
    assert.match(env.output(), new RegExp(`id ${theirs.body.id}`));
    assert.deepEqual(await env.resourcesOfType("pulumi-nodejs:dynamic/planetscale:Branch"), []);

    await env.stack.destroy();
    const after = await call(env.emulator, "GET", `${BRANCHES}/team-staging`);
    assert.equal(after.body.id, theirs.body.id, "their branch is still there");
  });

  test("two Branch resources with one name are refused at preview, naming both", async () => {
    env.setProgram(async () => {
      new ps.Branch("api", { database: "app", name: "pr-7" });
      new ps.Branch("web", { database: "app", name: "pr-7" });
      return {};
    });
    env.emulator.clearRequests();
    await assert.rejects(
      expectingProgramFailure(() => env.stack.preview()),
      (error: Error) => {
        assert.match(
          error.message,
          /Branch "(api|web)" and Branch "(api|web)" both manage branch 'pr-7' of acme\/app/,
        );
        assert.doesNotMatch(error.message, /adopt/);
        return true;
      },
    );
    assert.ok(
      env.emulator.requests().every((r) => r.method === "GET"),
      "nothing was changed",
    );
    assert.ok(!(await branchNames(env.emulator)).includes("pr-7"));
  });

  test("two ApiTokens with one name are refused at preview, naming both", async () => {
    env.setProgram(async () => {
      new ps.ApiToken("deploy", { name: "ci", scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      new ps.ApiToken("migrate", { name: "ci", scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      return {};
    });
    env.emulator.clearRequests();
    await assert.rejects(
      expectingProgramFailure(() => env.stack.preview()),
      (error: Error) => {
        assert.match(
          error.message,
          /ApiToken "(deploy|migrate)" and ApiToken "(deploy|migrate)" both manage service token 'ci' of acme/,
        );
        return true;
      },
    );
    assert.equal(env.emulator.requests().filter((r) => r.method !== "GET").length, 0, "nothing was changed");
  });

  test("without a preview, `up` refuses the second same-name token, and PlanetScale and the state agree", async () => {
    env.setProgram(async () => {
      new ps.ApiToken("deploy", { name: "ci-2", scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      new ps.ApiToken("migrate", { name: "ci-2", scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      return {};
    });
    await assert.rejects(
      expectingProgramFailure(() => env.stack.up()),
      /both manage service token 'ci-2' of acme/,
    );
    const tokens = env.emulator.snapshot().serviceTokens.filter((t) => t.name === "ci-2");
    // The first may be created (it is valid on its own) and is then in the state; the second never is.
    const state = await env.resourcesOfType("pulumi-nodejs:dynamic/planetscale:ApiToken");
    assert.ok(tokens.length <= 1, `at most one token named ci-2, got ${tokens.length}`);
    assert.deepEqual(
      tokens.map((t) => t.id),
      state.map((r) => r.id),
      "PlanetScale and the state agree",
    );
  });
});
