// Level 4: what a Postgres or MySQL team hits past the happy path, through the real Pulumi CLI
// against the emulator (issue 23). A pull request's Postgres preview whose app created tables as its
// role is destroyed cleanly (PlanetScale refuses to drop a role that owns objects unless a successor
// takes them); a password's IP restrictions change in place, keeping its id and its value. The
// emulator's login check stands in for the app connecting from an address, and for its migrations.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const ROLE = "pulumi-nodejs:dynamic/planetscale:BranchRole";
const PASSWORD = "pulumi-nodejs:dynamic/planetscale:BranchPassword";
const ps: typeof planetscale = require("pulumi-planetscale");

describe("a preview environment's credentials, past the happy path", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let cidrs = ["10.0.0.0/8"];

  before(async () => {
    env = await createTestStack({
      emulator: { readyDelayMs: 0 },
      program: async () => {
        const pgBranch = new ps.Branch("pg", { database: "pg-app", name: "pr-31" });
        // No successor: the default (postgres) is what makes the destroy below succeed.
        const role = new ps.BranchRole("app", {
          database: "pg-app",
          branch: pgBranch,
          inheritedRoles: ["pg_read_all_data", "pg_write_all_data"],
        });
        const mysqlBranch = new ps.Branch("mysql", { database: "app", name: "pr-31" });
        const password = new ps.BranchPassword("app", {
          database: "app",
          branch: mysqlBranch,
          role: "readwriter",
          cidrs,
        });
        return {
          pgId: role.credentialId,
          pgUser: role.username,
          pgPassword: role.password,
          pgUrl: role.databaseUrl,
          pgPooledUrl: role.pooledDatabaseUrl,
          mysqlId: password.credentialId,
          mysqlUser: password.username,
          mysqlPassword: password.password,
          mysqlCidrs: password.cidrs,
        };
      },
    });
  });
  after(async () => env?.cleanup());

  async function outputs(): Promise<Record<string, unknown>> {
    const out = await env.stack.outputs();
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.value]));
  }

  const logsIn = (user: unknown, password: unknown, from?: string) =>
    env.emulator.checkConnection(String(user), String(password), from ? { from } : {}).valid;

  test("up: a role whose app creates tables, and a password usable from 10.0.0.0/8 only", async () => {
    const result = await env.stack.up();
    assert.equal(result.outputs["pgPooledUrl"]?.secret, true, "the pooled URL is a secret");
    const o = await outputs();
    assert.equal(new URL(String(o["pgPooledUrl"])).port, "6432");
    assert.equal(new URL(String(o["pgUrl"])).port, "5432");
    // The app runs its migrations as the role: the role now owns these tables.
    const migrated = env.emulator.checkConnection(String(o["pgUser"]), String(o["pgPassword"]), {
      createTables: ["users", "orders"],
    });
    assert.ok(migrated.valid);
    const owned = env.emulator.snapshot().roles.find((r) => r.id === o["pgId"]);
    assert.deepEqual(owned?.ownedObjects, ["users", "orders"]);
    // What a client without a successor is told (the destroy that used to stop here).
    const bare = await call(
      env.emulator,
      "DELETE",
      `/organizations/acme/databases/pg-app/branches/pr-31/roles/${o["pgId"]}`,
    );
    assert.deepEqual(
      [bare.status, bare.body.message],
      [422, "Role is still referenced and cannot be dropped."],
    );

    assert.deepEqual(o["mysqlCidrs"], ["10.0.0.0/8"]);
    assert.ok(logsIn(o["mysqlUser"], o["mysqlPassword"], "10.20.30.40"));
    assert.ok(!logsIn(o["mysqlUser"], o["mysqlPassword"], "192.168.7.7"));
  });

  test("cidrs change in place: the preview says update, and the same password (id and value) works from the new range", async () => {
    const before = await outputs();
    cidrs = ["192.168.0.0/16"];
    const preview = await env.stack.preview();
    assert.deepEqual(
      [preview.changeSummary["update"], preview.changeSummary["replace"]],
      [1, undefined],
      "only the password changes, in place",
    );
    env.emulator.clearRequests();
    const result = await env.stack.up();
    assert.deepEqual(
      [result.summary.resourceChanges?.["update"], result.summary.resourceChanges?.["replace"]],
      [1, undefined],
    );
    const writes = env.emulator.requests().filter((r) => r.method !== "GET");
    assert.deepEqual(
      writes.map((r) => [r.method, r.path.endsWith(`/passwords/${before["mysqlId"]}`), r.status]),
      [["PATCH", true, 200]],
      "one PATCH of the password, nothing created or deleted",
    );
    const after = await outputs();
    assert.equal(after["mysqlId"], before["mysqlId"], "same password id");
    assert.equal(after["mysqlPassword"], before["mysqlPassword"], "same password value");
    assert.deepEqual(after["mysqlCidrs"], ["192.168.0.0/16"]);
    assert.ok(logsIn(after["mysqlUser"], after["mysqlPassword"], "192.168.7.7"));
    assert.ok(!logsIn(after["mysqlUser"], after["mysqlPassword"], "10.20.30.40"));
    await env.stack.preview({ expectNoChanges: true });
  });

  test("destroy succeeds: the role's tables go to postgres, then the role and the branches are gone", async () => {
    const last = await outputs();
    env.emulator.clearRequests();
    await env.stack.destroy();
    assert.deepEqual(await env.resourcesOfType(ROLE), []);
    assert.deepEqual(await env.resourcesOfType(PASSWORD), []);
    const dropped = env.emulator
      .requests()
      .find((r) => r.method === "DELETE" && r.path.endsWith(`/roles/${last["pgId"]}`));
    assert.equal(dropped?.status, 204);
    assert.equal(new URLSearchParams(dropped?.query).get("successor"), "postgres");
    assert.ok(!logsIn(last["pgUser"], last["pgPassword"]));
    const left = env.emulator.snapshot();
    assert.deepEqual(
      left.branches.filter((b) => b.name === "pr-31"),
      [],
      "both branches were deleted after the credentials",
    );
    assert.equal(left.roles.length + left.passwords.length, 0);
    for (const secret of [last["pgPassword"], last["mysqlPassword"]]) {
      assert.ok(!env.output().includes(String(secret)), "no plaintext in the CLI output");
    }
  });
});
