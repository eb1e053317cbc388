// Level 4 under faults: a real `pulumi up` and `pulumi destroy` while the emulator fails requests
// the way a busy API does: 5xx after acting, 503s, 429 with Retry-After, dropped connections and
// latency. The stack must converge with exactly the resources asked for: no duplicates, nothing
// forgotten, nothing left behind.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import type { RequestLogEntry } from "../../emulator";
import { branchNames, call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCHES = "/organizations/acme/databases/app/branches";

/** The stack: these branches and one token. */
const program = (branches: string[]) => async (): Promise<Record<string, unknown>> => {
  const names = branches.map((name) => new ps.Branch(name, { database: "app", name }).name);
  const token = new ps.ApiToken("ci", {
    name: "flaky-ci",
    scopes: ["read_only"],
    databases: ["app"],
    ttl: "1h",
  });
  return { names, tokenId: token.tokenId };
};

describe("pulumi up and destroy converge through API failures", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  before(async () => {
    env = await createTestStack({ program: program(["pr-1", "pr-2", "pr-3"]) });
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

  test("up rides out a 5-second outage: every request answered 503 for 5 s", async () => {
    // A fourth branch: the outage starts at its first readiness poll (a GET of the new branch by
    // id, the only branch read in this up), as PlanetScale's did. The stack's branches are ready at
    // once; this one is not, so its create polls.
    env.setProgram(program(["pr-1", "pr-2", "pr-3", "pr-4"]));
    env.emulator.setReadyDelay(500);
    env.emulator.setFaults({
      rules: [{ method: "GET", path: `${BRANCHES}/*`, action: "status", status: 503, times: 10_000 }],
    });
    env.emulator.clearRequests();
    const up = env.stack.up();
    const failed = (e: RequestLogEntry) => e.status === 503;
    const firstFailure = await waitFor(() => env.emulator.requests().find(failed), up);
    // From then on every request is answered 503, for 5 s.
    env.emulator.setFaults({ statusProbability: { "503": 1 } });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(firstFailure.at) + 5_000 - Date.now()));
    env.emulator.setFaults({});
    const result = await up;
    env.emulator.setReadyDelay(0);
    assert.equal(result.summary.result, "succeeded");
    assert.deepEqual(result.outputs["names"]?.value, ["pr-1", "pr-2", "pr-3", "pr-4"]);
    // The poll that met the outage went on through it: 503s, then an answer 5 s or more after the first.
    const log = env.emulator
      .requests()
      .filter((e) => e.method === "GET" && e.path.startsWith(`/v1${BRANCHES}/`));
    const recovered = log.find((e) => !failed(e) && Date.parse(e.at) > Date.parse(firstFailure.at));
    assert.ok(recovered, "the branch was read after the outage");
    assert.ok(
      Date.parse(recovered.at) - Date.parse(firstFailure.at) >= 5_000,
      `the outage lasted 5 s for the client: ${log.map((e) => `${e.at} ${e.status}`).join(", ")}`,
    );
    assert.ok(log.filter(failed).length >= 2, "the poll was retried during the outage");
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

/** Polls `find` until it returns something, or fails when `running` settles first. */
async function waitFor<T>(find: () => T | undefined, running: Promise<unknown>): Promise<T> {
  let settled = false;
  void running.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (settled) throw new Error("the operation ended before the condition was met");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
