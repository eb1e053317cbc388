/**
 * A database's life through the API: pending then ready, its settings (every one the spec lists)
 * and what they change elsewhere, renames, deletion protection, and its last branch.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor } from "../support/api";
import { emulator } from "../support/emulator";

const DB = "/organizations/acme/databases";

async function createDatabase(emu: Emulator, body: Record<string, unknown>) {
  const created = await call(emu, "POST", DB, { body });
  assert.equal(created.status, 201, created.text);
  return created.body;
}

async function waitDatabaseReady(emu: Emulator, name: string): Promise<void> {
  await waitFor(`database ${name} to be ready`, async () => {
    const r = await call(emu, "GET", `${DB}/${name}`);
    return r.status === 200 && r.body.state === "ready";
  });
}

describe("database settings and lifecycle", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              { name: "app", region: "us-east", branches: [{ name: "dev" }] },
              { name: "pg-app", kind: "postgresql" },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("a new database is pending, refuses branches, then becomes ready like a branch", async () => {
    // A long delay holds the first database pending while it is looked at (no timer race).
    emu.setReadyDelay(60_000);
    try {
      const created = await createDatabase(emu, { name: "slow", cluster_size: "PS_10" });
      assert.deepEqual([created.state, created.ready], ["pending", false]);
      const early = await call(emu, "POST", branchesPath("slow"), { body: { name: "dev" } });
      assert.equal(early.status, 400);
      assert.match(early.body.message, /still initializing/);
    } finally {
      emu.setReadyDelay(100);
    }
    await createDatabase(emu, { name: "quick", cluster_size: "PS_10" });
    await waitDatabaseReady(emu, "quick");
    const main = await call(emu, "GET", `${branchesPath("quick")}/main`);
    assert.equal(main.body.state, "ready", "its default branch is ready with it");
    const later = await call(emu, "POST", branchesPath("quick"), { body: { name: "dev" } });
    assert.equal(later.status, 201, later.text);
  });

  test("keeps every setting the spec lists and reports it; a new database starts with Data Branching off", async () => {
    const created = await createDatabase(emu, { name: "settings", cluster_size: "PS_10" });
    assert.equal(created.allow_data_branching, false);
    await waitDatabaseReady(emu, "settings");
    const body = {
      automatic_migrations: true,
      migration_framework: "rails",
      migration_table_name: "schema_migrations",
      require_approval_for_deploy: true,
      restrict_branch_region: true,
      allow_data_branching: true,
      allow_foreign_key_constraints: false,
      insights_raw_queries: true,
      deletion_protected: true,
      production_branch_web_console: true,
    };
    const updated = await call(emu, "PATCH", `${DB}/settings`, { body });
    assert.equal(updated.status, 200, updated.text);
    const read = await call(emu, "GET", `${DB}/settings`);
    const { allow_foreign_key_constraints: fk, ...sameName } = body;
    for (const [field, value] of Object.entries(sameName)) assert.equal(read.body[field], value, field);
    assert.equal(
      read.body.foreign_keys_enabled,
      fk,
      "allow_foreign_key_constraints is reported as foreign_keys_enabled",
    );
    const stored = emu.snapshot().databases.find((d) => d.name === "settings");
    assert.equal(stored?.settings.requireApprovalForDeploy, true, "a plain field of the database record");
  });

  test("deletion protection refuses delete_database until it is turned off", async () => {
    await createDatabase(emu, { name: "kept", cluster_size: "PS_10" });
    await call(emu, "PATCH", `${DB}/kept`, { body: { deletion_protected: true } });
    const refused = await call(emu, "DELETE", `${DB}/kept`);
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /deletion protection/);
    assert.equal((await call(emu, "GET", `${DB}/kept`)).status, 200);
    await call(emu, "PATCH", `${DB}/kept`, { body: { deletion_protected: false } });
    assert.equal((await call(emu, "DELETE", `${DB}/kept`)).status, 204);
  });

  test("Data Branching decides whether seed_data is accepted", async () => {
    await call(emu, "PATCH", `${DB}/app`, { body: { allow_data_branching: false } });
    const refused = await call(emu, "POST", branchesPath(), {
      body: { name: "seeded", seed_data: "last_successful_backup" },
    });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /Data Branching is not enabled/);
    await call(emu, "PATCH", `${DB}/app`, { body: { allow_data_branching: true } });
    const made = await call(emu, "POST", branchesPath(), {
      body: { name: "seeded", seed_data: "last_successful_backup" },
    });
    assert.equal(made.status, 201, made.text);
  });

  test("restrict_branch_region keeps new branches in the database's region", async () => {
    await call(emu, "PATCH", `${DB}/app`, { body: { restrict_branch_region: true } });
    try {
      const refused = await call(emu, "POST", branchesPath(), { body: { name: "far", region: "eu-west" } });
      assert.equal(refused.status, 422);
      assert.match(refused.body.message, /restrict_branch_region/);
      const same = await call(emu, "POST", branchesPath(), { body: { name: "near", region: "us-east" } });
      assert.equal(same.status, 201, same.text);
    } finally {
      await call(emu, "PATCH", `${DB}/app`, { body: { restrict_branch_region: false } });
    }
    const free = await call(emu, "POST", branchesPath(), { body: { name: "far", region: "eu-west" } });
    assert.equal(free.status, 201, "allowed again once the restriction is off");
  });

  test("Vitess-only settings are refused on a Postgres database; the others apply", async () => {
    const refused = await call(emu, "PATCH", `${DB}/pg-app`, {
      body: { allow_data_branching: true, migration_framework: "rails" },
    });
    assert.equal(refused.status, 422);
    assert.match(
      refused.body.message,
      /migration_framework, allow_data_branching: only available for Vitess/,
    );
    const ok = await call(emu, "PATCH", `${DB}/pg-app`, { body: { require_approval_for_deploy: true } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.require_approval_for_deploy, true);
  });

  test("default_branch must name an existing branch", async () => {
    const refused = await call(emu, "PATCH", `${DB}/app`, { body: { default_branch: "nope" } });
    assert.equal(refused.status, 422);
    const changed = await call(emu, "PATCH", `${DB}/app`, { body: { default_branch: "dev" } });
    assert.equal(changed.body.default_branch, "dev");
    const child = await call(emu, "POST", branchesPath(), { body: { name: "from-default" } });
    assert.equal(child.body.parent_branch, "dev", "new branches fork from the new default branch");
    await call(emu, "PATCH", `${DB}/app`, { body: { default_branch: "main" } });
  });

  test("new_name renames the database with its branches, credentials and grants; `name` alone renames nothing", async () => {
    await createDatabase(emu, { name: "before", cluster_size: "PS_10" });
    await waitDatabaseReady(emu, "before");
    const token = await makeToken(emu, [{ access: ["read_branch"], database: "before" }]);
    const password = await call(emu, "POST", `${branchesPath("before")}/main/passwords`, {
      body: { name: "app" },
    });
    assert.equal(password.status, 201, password.text);
    assert.equal(
      (await call(emu, "POST", branchesPath("before"), { body: { name: "feature" } })).status,
      201,
    );
    await waitFor("branch feature to be ready", async () => {
      const r = await call(emu, "GET", `${branchesPath("before")}/feature`);
      return r.body.state === "ready";
    });
    await call(emu, "POST", `${branchesPath("before")}/main/safe-migrations`);
    const request = await call(emu, "POST", `${DB}/before/deploy-requests`, { body: { branch: "feature" } });
    assert.equal(request.status, 201, request.text);
    const sameName = await call(emu, "PATCH", `${DB}/before`, { body: { name: "before" } });
    assert.equal(sameName.status, 200);
    const taken = await call(emu, "PATCH", `${DB}/before`, { body: { new_name: "app" } });
    assert.equal(taken.status, 422);
    const bad = await call(emu, "PATCH", `${DB}/before`, { body: { new_name: "Bad Name" } });
    assert.equal(bad.status, 422);
    const renamed = await call(emu, "PATCH", `${DB}/before`, { body: { new_name: "after" } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.equal(renamed.body.name, "after");
    assert.equal((await call(emu, "GET", `${DB}/before`)).status, 404);
    const main = await call(emu, "GET", `${branchesPath("after")}/main`, { cred: token });
    assert.equal(main.status, 200, "the token's grant followed the rename");
    const passwords = await call(emu, "GET", `${branchesPath("after")}/main/passwords`);
    assert.deepEqual(
      passwords.body.data.map((p: { id: string }) => p.id),
      [password.body.id],
    );
    const moved = await call(emu, "GET", `${DB}/after/deploy-requests/${request.body.number}`);
    assert.deepEqual([moved.status, moved.body.id, moved.body.branch], [200, request.body.id, "feature"]);
  });

  test("a deleted database's deploy requests go with it: one made again under its name starts afresh", async () => {
    await createDatabase(emu, { name: "brief", cluster_size: "PS_10" });
    await waitDatabaseReady(emu, "brief");
    assert.equal((await call(emu, "POST", branchesPath("brief"), { body: { name: "feature" } })).status, 201);
    await waitFor("branch feature to be ready", async () => {
      const r = await call(emu, "GET", `${branchesPath("brief")}/feature`);
      return r.body.state === "ready";
    });
    await call(emu, "POST", `${branchesPath("brief")}/main/safe-migrations`);
    const request = await call(emu, "POST", `${DB}/brief/deploy-requests`, { body: { branch: "feature" } });
    assert.equal(request.status, 201, request.text);
    assert.equal((await call(emu, "DELETE", `${DB}/brief`)).status, 204);
    assert.ok(!emu.snapshot().deployRequests.some((r) => r.database === "brief"), "gone from the state");
    await createDatabase(emu, { name: "brief", cluster_size: "PS_10" });
    await waitDatabaseReady(emu, "brief");
    const listed = await call(emu, "GET", `${DB}/brief/deploy-requests`);
    assert.deepEqual([listed.status, listed.body.data], [200, []]);
  });

  test("deleting a database's last branch deletes the database; never while either is protected", async () => {
    await createDatabase(emu, { name: "lonely", cluster_size: "PS_10" });
    await waitDatabaseReady(emu, "lonely");
    await call(emu, "PATCH", `${branchesPath("lonely")}/main`, { body: { deletion_protected: true } });
    assert.equal((await call(emu, "DELETE", `${branchesPath("lonely")}/main`)).status, 422);
    await call(emu, "PATCH", `${branchesPath("lonely")}/main`, { body: { deletion_protected: false } });
    await call(emu, "PATCH", `${DB}/lonely`, { body: { deletion_protected: true } });
    const refused = await call(emu, "DELETE", `${branchesPath("lonely")}/main`);
    assert.equal(refused.status, 422);
    assert.match(refused.body.message, /Database lonely has deletion protection/);
    await call(emu, "PATCH", `${DB}/lonely`, { body: { deletion_protected: false } });
    assert.equal((await call(emu, "DELETE", `${branchesPath("lonely")}/main`)).status, 204);
    assert.equal((await call(emu, "GET", `${DB}/lonely`)).status, 404, "the database went with it");
    // With a second branch, the default branch is still refused.
    const main = await call(emu, "DELETE", `${branchesPath()}/main`);
    assert.equal(main.status, 422);
    assert.match(main.body.message, /default branch/);
  });

  test("update_database_settings needs write_database", async () => {
    const reader = await makeToken(emu, [{ access: ["read_database"], database: "app" }]);
    const refused = await call(emu, "PATCH", `${DB}/app`, {
      cred: reader,
      body: { insights_raw_queries: true },
    });
    assert.equal(refused.status, 404);
    const writer = await makeToken(emu, [{ access: ["write_database"], database: "app" }]);
    const ok = await call(emu, "PATCH", `${DB}/app`, { cred: writer, body: { insights_raw_queries: true } });
    assert.equal(ok.status, 200);
  });

  test("list_read_only_regions: the default branch has none", async () => {
    const r = await call(emu, "GET", `${DB}/app/read-only-regions`);
    assert.equal(r.status, 200);
    assert.deepEqual([r.body.type, r.body.data], ["list", []]);
    assert.equal((await call(emu, "GET", `${DB}/nope/read-only-regions`)).status, 404);
  });
});
