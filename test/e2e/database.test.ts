// Level 4: Database through the real Pulumi CLI against the emulator, the whole database as code:
// a database with its settings and a branch and password that hang off it, created in one `up`;
// settings changed in place; refresh; a protected destroy refused before anything is deleted;
// then destroy.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { branchNames, call } from "../support/api";
import { cliDir, createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { runProcess } from "../support/process";

const DATABASE = "pulumi-nodejs:dynamic/planetscale:Database";
const DB = "/organizations/acme/databases/shop";
// The built package, resolved by name as a program resolves it.
const ps: typeof planetscale = require("pulumi-planetscale");

describe("Database end to end", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let args: planetscale.DatabaseArgs = {
    name: "shop",
    clusterSize: "PS_10",
    requireApprovalForDeploy: true,
    allowDataBranching: true,
  };
  let stagingProtected = false;
  let firstId = "";
  const database = async () => (await call(env.emulator, "GET", DB)).body;

  before(async () => {
    env = await createTestStack({
      program: async () => {
        const db = new ps.Database("shop", args);
        const staging = new ps.Branch("staging", {
          database: db.name,
          name: "staging",
          parentBranch: db.defaultBranch,
          deletionProtected: stagingProtected,
        });
        const password = new ps.BranchPassword("app", {
          database: db.name,
          branch: staging.name,
          role: "reader",
        });
        return {
          databaseId: db.databaseId,
          defaultBranch: db.defaultBranch,
          state: db.state,
          staging: staging.branchId,
          passwordId: password.credentialId,
        };
      },
    });
  });
  after(async () => env?.cleanup());

  test("preview of a program that declares its database and hangs a branch and a password off it", async () => {
    const preview = await env.stack.preview();
    assert.equal(preview.changeSummary["create"], 4, "the stack, the database, the branch and the password");
    assert.equal((await call(env.emulator, "GET", DB)).status, 404, "preview creates nothing");
  });

  test("up creates the database, waits until it is ready, sets its settings, then the branch off it", async () => {
    const result = await env.stack.up();
    firstId = String(result.outputs["databaseId"]?.value);
    assert.match(firstId, /^[a-z0-9]{12}$/);
    assert.deepEqual(
      [result.outputs["state"]?.value, result.outputs["defaultBranch"]?.value],
      ["ready", "main"],
    );
    const db = await database();
    assert.deepEqual([db.require_approval_for_deploy, db.allow_data_branching], [true, true]);
    assert.deepEqual(await branchNames(env.emulator, "shop"), ["main", "staging"]);
    const [recorded] = await env.resourcesOfType(DATABASE);
    assert.equal(recorded?.id, firstId);
  });

  // Automation API's up skips its own preview: it runs the check and diff a preview runs, once. The
  // no-change preview, asking nothing too, is the one after the refresh below.
  test("up then shows no changes and asks PlanetScale nothing", async () => {
    env.emulator.clearRequests();
    const up = await env.stack.up();
    assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
    assert.deepEqual(env.emulator.requests(), []);
  });

  test("a setting changes in place with one request; the id stays", async () => {
    args = { ...args, requireApprovalForDeploy: false, insightsRawQueries: true };
    env.emulator.clearRequests();
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal(result.outputs["databaseId"]?.value, firstId);
    const db = await database();
    assert.deepEqual([db.require_approval_for_deploy, db.insights_raw_queries], [false, true]);
    const patches = env.emulator.requests().filter((r) => r.method === "PATCH");
    assert.equal(patches.length, 1, "one settings request");
  });

  test("refresh notices a setting changed by hand; the next up puts it back", async () => {
    await call(env.emulator, "PATCH", DB, { body: { insights_raw_queries: false } });
    const refresh = await env.stack.refresh();
    assert.equal(refresh.summary.resourceChanges?.["update"], 1);
    const up = await env.stack.up();
    assert.equal(up.summary.resourceChanges?.["update"], 1);
    assert.equal((await database()).insights_raw_queries, true);
    env.emulator.clearRequests();
    await env.stack.preview({ expectNoChanges: true });
    assert.deepEqual(env.emulator.requests(), [], "a preview with no changes asks PlanetScale nothing");
  });

  test("a deletion-protected database: `pulumi destroy` fails before anything of the stack is deleted", async () => {
    args = { ...args, deletionProtected: true };
    await env.stack.up();
    assert.equal((await database()).deletion_protected, true);
    env.emulator.clearRequests();
    // The CLI as a person or a pipeline runs it: its preview refuses the protected resource before
    // the update starts. (The Automation API's destroy skips that preview, as `--skip-preview`
    // does, and Pulumi then deletes what depends on a protected resource before refusing it.)
    const destroy = await runProcess(
      join(String(cliDir), "pulumi"),
      ["destroy", "--yes", "--non-interactive", "--stack", "test"],
      { cwd: env.workDir, env: { ...process.env, ...env.env } },
    );
    assert.notEqual(destroy.code, 0, destroy.stdout);
    assert.match(destroy.stdout + destroy.stderr, /cannot be deleted\s+because it is protected/);
    assert.deepEqual(
      env.emulator.requests().filter((r) => r.method === "DELETE"),
      [],
      "no DELETE reached PlanetScale: not the password's, not the branch's",
    );
    assert.deepEqual(await branchNames(env.emulator, "shop"), ["main", "staging"]);
    assert.equal((await env.resourcesOfType(DATABASE)).length, 1, "the state still holds everything");
  });

  test("a deletion-protected branch protects its password the same way (issue 21's destroy)", async () => {
    args = { ...args, deletionProtected: false };
    stagingProtected = true;
    await env.stack.up();
    env.emulator.clearRequests();
    const destroy = await runProcess(
      join(String(cliDir), "pulumi"),
      ["destroy", "--yes", "--non-interactive", "--stack", "test"],
      { cwd: env.workDir, env: { ...process.env, ...env.env } },
    );
    assert.notEqual(destroy.code, 0, destroy.stdout);
    assert.match(destroy.stdout + destroy.stderr, /Branch::staging[\s\S]*because it is protected/);
    assert.deepEqual(
      env.emulator.requests().filter((r) => r.method === "DELETE"),
      [],
      "the password was not deleted before the refusal",
    );
    stagingProtected = false;
  });

  test("turned off in the program, up lifts the protection; destroy then deletes everything", async () => {
    args = { ...args, deletionProtected: false };
    await env.stack.up();
    assert.equal((await database()).deletion_protected, false);
    await env.stack.destroy();
    assert.equal((await call(env.emulator, "GET", DB)).status, 404);
    assert.deepEqual(await env.resourcesOfType(DATABASE), []);
  });
});
