// Level 4: Branch through the real Pulumi CLI against the emulator, the lifecycle a platform
// engineer goes through: up, no-op preview and refresh, rename, protection (and its default coming
// back when removed), resize, re-parenting, drift,
// destroy; plus preview-time unknowns and invalid inputs.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type * as pulumi from "@pulumi/pulumi";
import type * as planetscale from "pulumi-planetscale";
import { branchNames, call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const BRANCH = "pulumi-nodejs:dynamic/planetscale:Branch";
// The built package, resolved by name as a program resolves it.
const ps: typeof planetscale = require("pulumi-planetscale");

// One stack and emulator for the file: its suites run in order, the first leaving nothing deployed.
// Nothing destroys the last suite's branches: they go with the emulator (cleanup).
let env: TestStack;
before(async () => {
  if (!skipWithoutCli) env = await createTestStack({ program: async () => ({}) });
});
after(async () => env?.cleanup());

describe("Branch end to end", { skip: skipWithoutCli }, () => {
  let args: planetscale.BranchArgs = { database: "app", name: "pr-12", parentBranch: "main" };
  let firstId = "";

  before(() => {
    env.setProgram(async () => {
      const branch = new ps.Branch("preview", args);
      return { branchId: branch.branchId, name: branch.name, state: branch.state, url: branch.htmlUrl };
    });
    // The first up waits for its branch to become ready, as with PlanetScale.
    env.emulator.setReadyDelay(300);
  });
  after(() => env?.emulator.setReadyDelay(0));

  async function stateOf() {
    const [branch] = await env.resourcesOfType(BRANCH);
    assert.ok(branch, "the branch is in the state");
    return branch;
  }

  test("up creates a ready branch and records its public id", async () => {
    const result = await env.stack.up();
    assert.equal(result.outputs["name"]?.value, "pr-12");
    assert.equal(result.outputs["state"]?.value, "ready");
    firstId = String(result.outputs["branchId"]?.value);
    assert.match(firstId, /^[a-z0-9]{12}$/);
    assert.equal((await stateOf()).id, firstId);
    assert.ok((await branchNames(env.emulator)).includes("pr-12"));
  });

  test("the state holds no credential", async () => {
    const state = JSON.stringify(await env.exportState());
    assert.ok(!state.includes(env.emulator.adminCredential.token));
  });

  // Automation API's up skips its own preview: it runs the check and diff a preview runs, once. The
  // no-change preview is the one after the refresh, which asserts the same of the refreshed state.
  test("up then shows no changes and asks PlanetScale nothing", async () => {
    env.emulator.clearRequests();
    const up = await env.stack.up();
    assert.deepEqual(Object.keys(up.summary.resourceChanges ?? {}), ["same"]);
    assert.deepEqual(env.emulator.requests(), [], "no preflight for a resource whose inputs did not change");
  });

  test("refresh then shows no changes, and preview none, asking PlanetScale nothing", async () => {
    const refresh = await env.stack.refresh();
    assert.deepEqual(Object.keys(refresh.summary.resourceChanges ?? {}).sort(), ["same"]);
    env.emulator.clearRequests();
    await env.stack.preview({ expectNoChanges: true });
    assert.deepEqual(env.emulator.requests(), [], "no preflight for a resource whose inputs did not change");
  });

  test("rename happens in place: same branchId", async () => {
    args = { ...args, name: "pr-12-renamed" };
    env.emulator.clearRequests();
    await env.stack.preview();
    // A changed resource is checked against PlanetScale at preview: the database it names.
    assert.deepEqual(
      env.emulator.requests().map((r) => `${r.method} ${r.path}`),
      [`GET /v1/organizations/${env.emulator.organization}/databases/app`],
    );
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal(result.outputs["branchId"]?.value, firstId);
    const names = await branchNames(env.emulator);
    assert.ok(names.includes("pr-12-renamed") && !names.includes("pr-12"));
  });

  test("deletion protection toggles in place", async () => {
    args = { ...args, deletionProtected: true };
    await env.stack.up();
    const res = await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${firstId}`);
    assert.equal(res.body.deletion_protected, true);
    args = { ...args, deletionProtected: false };
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal(
      (await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${firstId}`)).body
        .deletion_protected,
      false,
    );
  });

  test("a new clusterSize resizes the branch in place: same branchId, new size, then no changes", async () => {
    args = { ...args, clusterSize: "PS_20" };
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal(result.summary.resourceChanges?.["replace"], undefined);
    assert.equal(result.outputs["branchId"]?.value, firstId);
    const res = await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${firstId}`);
    assert.equal(res.body.cluster_name, "PS_20");
    await env.stack.preview({ expectNoChanges: true });
  });

  test("removing deletionProtected and safeMigrations from the program turns them off in place", async () => {
    args = { ...args, deletionProtected: true, safeMigrations: true };
    await env.stack.up();
    const branchNow = async () =>
      (await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${firstId}`)).body;
    assert.equal((await branchNow()).deletion_protected, true);
    assert.equal((await branchNow()).safe_migrations, true);
    const { deletionProtected: _p, safeMigrations: _s, ...withoutThem } = args;
    args = withoutThem;
    const preview = await env.stack.preview();
    assert.equal(preview.changeSummary["update"], 1);
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    assert.equal((await branchNow()).deletion_protected, false);
    assert.equal((await branchNow()).safe_migrations, false);
    assert.equal((await stateOf()).id, firstId);
    assert.equal((await env.stack.preview()).changeSummary["update"] ?? 0, 0);
  });

  test("changing the parent replaces the branch and deletes the old one", async () => {
    const parent = await call(env.emulator, "POST", "/organizations/acme/databases/app/branches", {
      body: {
        name: "staging",
        parent_branch: "main",
      },
    });
    assert.equal(parent.status, 201);
    args = { ...args, parentBranch: "staging" };
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["replace"], 1);
    const newId = String(result.outputs["branchId"]?.value);
    assert.notEqual(newId, firstId);
    assert.equal(
      (await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${firstId}`)).status,
      404,
    );
    const current = await call(env.emulator, "GET", `/organizations/acme/databases/app/branches/${newId}`);
    assert.equal(current.body.parent_branch, "staging");
    assert.equal(current.body.name, "pr-12-renamed");
  });

  test("a branch deleted out of band is dropped by refresh", async () => {
    const { id } = await stateOf();
    assert.equal(
      (await call(env.emulator, "DELETE", `/organizations/acme/databases/app/branches/${id}`)).status,
      204,
    );
    const refresh = await env.stack.refresh();
    assert.equal(refresh.summary.resourceChanges?.["delete"], 1);
    assert.deepEqual(await env.resourcesOfType(BRANCH), []);
  });

  test("up recreates it and destroy leaves nothing", async () => {
    await env.stack.up();
    assert.ok((await branchNames(env.emulator)).includes("pr-12-renamed"));
    await env.stack.destroy();
    assert.deepEqual(await env.resourcesOfType(BRANCH), []);
    assert.deepEqual(await branchNames(env.emulator), ["main", "staging"]);
  });

  test("no credential was ever printed", () => {
    assert.ok(!env.output().includes(env.emulator.adminCredential.token));
  });
});

describe("Branch at preview time", { skip: skipWithoutCli }, () => {
  let program: pulumi.automation.PulumiFn;
  before(() => env.setProgram(async () => program()));

  test("without credentials, up fails with the command to run, no API call and nothing in state", async () => {
    program = async () => ({ name: new ps.Branch("nocreds", { database: "app", name: "no-creds" }).name });
    await env.stack.removeAllConfig(["planetscale:serviceTokenId", "planetscale:serviceToken"]);
    env.emulator.clearRequests();
    try {
      await assert.rejects(env.stack.up(), (e: Error) => {
        assert.match(e.message, /pulumi config set --secret planetscale:serviceToken/);
        return true;
      });
      assert.deepEqual(env.emulator.requests(), []);
      assert.deepEqual(await env.resourcesOfType("pulumi-nodejs:dynamic/planetscale:Branch"), []);
    } finally {
      await env.stack.setAllConfig({
        "planetscale:serviceTokenId": { value: env.emulator.adminCredential.id },
        "planetscale:serviceToken": { value: env.emulator.adminCredential.token, secret: true },
      });
    }
  });

  const invalid: Array<[string, planetscale.BranchArgs, RegExp]> = [
    ["an invalid name", { database: "app", name: "PR_12" }, /name.*not a valid PlanetScale branch name/],
    [
      "seedData with backupId",
      { database: "app", backupId: "x", seedData: "last_successful_backup" },
      /seedData cannot be combined with backupId/,
    ],
    ["an invalid readyTimeout", { database: "app", readyTimeout: "soon" }, /readyTimeout must be a duration/],
  ];
  for (const [title, args, message] of invalid) {
    test(`${title} fails at preview, naming the property, with no API call`, async () => {
      program = async () => {
        new ps.Branch("bad", args);
        return {};
      };
      env.emulator.clearRequests();
      await assert.rejects(env.stack.preview(), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
      assert.deepEqual(env.emulator.requests(), []);
    });
  }

  // Last: its two branches stay deployed, and the tests above run on an empty stack.
  test("a branch whose inputs depend on another resource previews with unknowns", async () => {
    program = async () => {
      const parent = new ps.Branch("parent", { database: "app", name: "feature-base" });
      // parent.name is unknown until the parent exists: check and diff must accept it.
      const child = new ps.Branch("child", {
        database: "app",
        parentBranch: parent.name,
        name: "feature-child",
      });
      return { child: child.name };
    };
    const preview = await env.stack.preview();
    // Both branches; the stack itself is there since the failed up above.
    assert.deepEqual({ ...preview.changeSummary }, { create: 2, same: 1 });
    const result = await env.stack.up();
    assert.equal(result.outputs["child"]?.value, "feature-child");
  });
});
