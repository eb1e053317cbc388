// Level 4 under faults: a real `pulumi up` and `pulumi destroy` while the emulator fails requests
// the way a busy API does: 5xx after acting, 503s, 429 with Retry-After, dropped connections and
// latency. The stack must converge with exactly the resources asked for: no duplicates, nothing
// forgotten, nothing left behind.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { branchNames, call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCHES = "/organizations/acme/databases/app/branches";

describe("pulumi up and destroy converge through API failures", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  before(async () => {
    env = await createTestStack({
      program: async () => {
        const names = ["pr-1", "pr-2", "pr-3"].map(
          (name) => new ps.Branch(name, { database: "app", name }).name,
        );
        const token = new ps.ApiToken("ci", {
          name: "flaky-ci",
          scopes: ["read_only"],
          databases: ["app"],
          ttl: "1h",
        });
        return { names, tokenId: token.tokenId };
      },
    });
  });
  after(async () => env?.cleanup());

  test("up creates exactly three branches and one token", async () => {
    env.emulator.setFaults({
      latencyMs: 10,
      jitterMs: 20,
      rules: [
        // Two branch creates are applied but answered with 500: their outcome is unknown.
        { method: "POST", path: `${BRANCHES}`, action: "fail-after-acting", status: 500, times: 2 },
        // Reads fail transiently.
        { method: "GET", path: `${BRANCHES}/*`, action: "status", status: 503, times: 3 },
        { method: "GET", path: `${BRANCHES}/*`, action: "drop", times: 1 },
        // The token create is throttled once, with a Retry-After.
        {
          method: "POST",
          path: "/organizations/acme/service-tokens",
          action: "status",
          status: 429,
          headers: { "Retry-After": "1" },
        },
        // A grant fails transiently.
        {
          method: "POST",
          path: "/organizations/acme/service-tokens/*/access",
          action: "status",
          status: 502,
        },
      ],
    });
    env.emulator.clearRequests();
    const result = await env.stack.up();
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(result.outputs["names"]?.value, ["pr-1", "pr-2", "pr-3"]);
    assert.deepEqual(await branchNames(env.emulator), ["main", "pr-1", "pr-2", "pr-3"]);
    const tokens = (await call(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data;
    assert.deepEqual(
      tokens.filter((t: { name: string }) => t.name === "flaky-ci").map((t: { id: string }) => t.id),
      [result.outputs["tokenId"]?.value],
    );
    // The faults really happened.
    const statuses = new Set(env.emulator.requests().map((r) => r.status));
    for (const status of [500, 503, 429, 502]) assert.ok(statuses.has(status), `saw a ${status}`);
  });

  test("the next preview shows no changes", async () => {
    env.emulator.setFaults({});
    await env.stack.preview({ expectNoChanges: true });
  });

  test("destroy removes everything despite failing deletes", async () => {
    env.emulator.setFaults({
      rules: [
        { method: "DELETE", path: `${BRANCHES}/*`, action: "status", status: 503, times: 2 },
        {
          method: "DELETE",
          path: "/organizations/acme/service-tokens/*",
          action: "fail-after-acting",
          status: 502,
        },
      ],
    });
    const result = await env.stack.destroy();
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(await branchNames(env.emulator), ["main"]);
    const tokens = (await call(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data;
    assert.ok(!tokens.some((t: { name: string }) => t.name === "flaky-ci"));
  });
});
