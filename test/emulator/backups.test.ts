/** A branch's backups through the API: create, read, protect, delete, the list's filters, restores. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor } from "../support/api";
import { emulator } from "../support/emulator";

const BACKUPS = `${branchesPath()}/main/backups`;

describe("backups", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              {
                name: "app",
                branches: [{ name: "dev" }],
                backups: [{ id: "seeded000001", branch: "main", name: "nightly" }],
              },
              { name: "pg-app", kind: "postgresql" },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("a new backup runs for the ready delay, then succeeds; its retention sets expires_at", async () => {
    // A long delay holds the first backup running while it is looked at (no timer race).
    emu.setReadyDelay(60_000);
    try {
      const running = await call(emu, "POST", BACKUPS, {
        body: { name: "before-migration", retention_unit: "day", retention_value: 7 },
      });
      assert.equal(running.status, 201, running.text);
      assert.deepEqual([running.body.state, running.body.completed_at], ["running", null]);
      const days = (Date.parse(running.body.expires_at) - Date.parse(running.body.created_at)) / 86_400_000;
      assert.equal(days, 7);
      const early = await call(emu, "POST", branchesPath(), {
        body: { name: "too-soon", backup_id: running.body.id, cluster_size: "PS_10" },
      });
      assert.equal(early.status, 422, "a running backup cannot be restored yet");
    } finally {
      emu.setReadyDelay(100);
    }
    const created = await call(emu, "POST", BACKUPS, { body: { name: "quick" } });
    const id = created.body.id as string;
    await waitFor("the backup to succeed", async () => {
      const r = await call(emu, "GET", `${BACKUPS}/${id}`);
      return r.body.state === "success";
    });
    const restored = await call(emu, "POST", branchesPath(), {
      body: { name: "restored", backup_id: id, cluster_size: "PS_10" },
    });
    assert.equal(restored.status, 201, restored.text);
  });

  test("refuses a half retention, an out-of-range one, a blank name and MySQL emergency backups", async () => {
    const cases: Array<[string, unknown, number, RegExp]> = [
      [BACKUPS, { retention_unit: "day" }, 422, /together/],
      [BACKUPS, { retention_unit: "day", retention_value: 1001 }, 422, /between 1 and 1000/],
      [BACKUPS, { retention_unit: "fortnight", retention_value: 1 }, 400, /retention_unit/],
      [BACKUPS, { name: " " }, 422, /blank/],
      [BACKUPS, { emergency: true }, 422, /only supported for PostgreSQL/],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await call(emu, "POST", path, { body });
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
      assert.match(r.body.message, message);
    }
    const pg = await call(emu, "POST", `${branchesPath("pg-app")}/main/backups`, {
      body: { emergency: true },
    });
    assert.equal(pg.status, 201, pg.text);
  });

  test("a protected backup is not deleted; once unprotected (pscale sends the text 'false') it is", async () => {
    const created = await call(emu, "POST", BACKUPS, { body: { name: "keep-me" } });
    const path = `${BACKUPS}/${created.body.id}`;
    const protect = await call(emu, "PATCH", path, { body: { protected: "true" } });
    assert.equal(protect.body.protected, true);
    const refused = await call(emu, "DELETE", path);
    assert.equal(refused.status, 422);
    assert.equal((await call(emu, "PATCH", path, { body: { protected: "false" } })).body.protected, false);
    assert.equal((await call(emu, "DELETE", path)).status, 204);
    assert.equal((await call(emu, "GET", path)).status, 404);
    const listed = await call(emu, "GET", BACKUPS);
    assert.ok(!listed.body.data.some((b: { id: string }) => b.id === created.body.id));
    const all = await call(emu, "GET", `${BACKUPS}?all=true`);
    const deleted = all.body.data.find((b: { id: string }) => b.id === created.body.id);
    assert.notEqual(deleted?.deleted_at, null, "all=true lists deleted backups with their deleted_at");
  });

  test("the list's filters select, and a filter of the wrong form gets 400", async () => {
    const names = async (query: string) =>
      (await call(emu, "GET", `${BACKUPS}?${query}`)).body.data.map(
        (b: { name: string }) => b.name,
      ) as string[];
    assert.ok((await names("state=success")).includes("nightly"));
    assert.deepEqual(await names("state=failed"), []);
    assert.deepEqual(await names("policy=bpol00000001"), [], "backups taken by hand belong to no policy");
    assert.deepEqual(await names("from=2999-01-01T00:00:00Z"), []);
    assert.ok((await names("to=2999-01-01T00:00:00Z")).includes("nightly"));
    assert.deepEqual(await names("running_at=2000-01-01T00:00:00Z..2000-01-02T00:00:00Z"), []);
    assert.ok((await names("production=true")).includes("nightly"));
    const dev = await call(emu, "POST", `${branchesPath()}/dev/backups`, { body: { name: "dev-copy" } });
    assert.equal(dev.status, 201);
    assert.deepEqual(
      (await call(emu, "GET", `${branchesPath()}/dev/backups?production=false`)).body.data.map(
        (b: { name: string }) => b.name,
      ),
      ["dev-copy"],
    );
    for (const query of [
      "all=2",
      "state=done",
      "from=yesterday",
      "running_at=2023-01-01",
      "production=maybe",
    ]) {
      const r = await call(emu, "GET", `${BACKUPS}?${query}`);
      assert.equal(r.status, 400, `${query} → ${r.text}`);
    }
  });

  test("accesses: read_backups reads, write_backups creates, delete_backups deletes", async () => {
    const reader = await makeToken(emu, [{ access: ["read_backups"], database: "app" }]);
    assert.equal((await call(emu, "GET", BACKUPS, { cred: reader })).status, 200);
    assert.equal((await call(emu, "POST", BACKUPS, { cred: reader, body: {} })).status, 404);
    const writer = await makeToken(emu, [{ access: ["write_backups"], database: "app" }]);
    const made = await call(emu, "POST", BACKUPS, { cred: writer, body: {} });
    assert.equal(made.status, 201);
    assert.equal((await call(emu, "DELETE", `${BACKUPS}/${made.body.id}`, { cred: writer })).status, 404);
    const deleter = await makeToken(emu, [{ access: ["delete_backups"], database: "app" }]);
    assert.equal((await call(emu, "DELETE", `${BACKUPS}/${made.body.id}`, { cred: deleter })).status, 204);
  });
});
