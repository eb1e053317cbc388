/** Database create and delete through the API, and the catalogue's rules (cluster sizes). */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

describe("databases through the API", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("create needs organization-level create_databases; the creating token gets every access on it", async () => {
    const without = await makeToken(emu, [{ access: ["read_databases"] }]);
    const refused = await call(emu, "POST", "/organizations/acme/databases", {
      cred: without,
      body: { name: "nope" },
    });
    assert.equal(refused.status, 404);
    const creator = await makeToken(emu, [{ access: ["create_databases"] }]);
    const created = await call(emu, "POST", "/organizations/acme/databases", {
      cred: creator,
      body: { name: "made" },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.default_branch, "main");
    await waitReady(emu, "main", "made");
    const child = await call(emu, "POST", branchesPath("made"), { cred: creator, body: { name: "dev" } });
    assert.equal(child.status, 201, "the auto-granted create_branch works");
    const deleted = await call(emu, "DELETE", "/organizations/acme/databases/made", { cred: creator });
    assert.equal(deleted.status, 204);
    const grants = await call(emu, "GET", `/organizations/acme/service-tokens/${creator.id}/access`);
    assert.deepEqual(
      grants.body.data.map((g: { access: string }) => g.access),
      ["create_databases"],
      "grants on the deleted database are gone with it",
    );
    assert.equal((await call(emu, "GET", branchesPath("made"))).status, 404);
  });

  test("creates Postgres databases with Postgres sizes; their credentials go with them", async () => {
    const created = await call(emu, "POST", "/organizations/acme/databases", {
      body: { name: "pg-made", kind: "postgresql", cluster_size: "PS_5", replicas: 0 },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.kind, "postgresql");
    await waitReady(emu, "main", "pg-made");
    const main = await call(emu, "GET", `${branchesPath("pg-made")}/main`);
    assert.deepEqual(
      [main.body.kind, main.body.cluster_name, main.body.has_replicas],
      ["postgresql", "PS_5", false],
    );
    const role = await call(emu, "POST", `${branchesPath("pg-made")}/main/roles`, { body: { name: "app" } });
    assert.equal(emu.checkConnection(role.body.username, role.body.password).valid, true);
    assert.equal((await call(emu, "DELETE", "/organizations/acme/databases/pg-made")).status, 204);
    assert.equal(emu.checkConnection(role.body.username, role.body.password).valid, false);
    assert.deepEqual(
      emu.snapshot().roles.filter((r) => r.database === "pg-made"),
      [],
      "the deleted database's roles are gone from the emulator's state",
    );
  });

  test("refuses duplicates, bad names, and unknown sizes or regions", async () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [{ name: "app" }, 422, /already been taken/],
      [{ name: "Bad Name" }, 422, /lowercase/],
      [{ name: "pg", kind: "postgresql", cluster_size: "PS_DEV_X" }, 422, /Valid sizes: PS_DEV, PS_5, PS_10/],
      [{ name: "my", major_version: "17" }, 422, /only available for PostgreSQL/],
      [{ name: "big", cluster_size: "PS_99999" }, 422, /Valid sizes: PS_DEV, PS_10/],
      [{ name: "far", region: "moon" }, 422, /Valid regions/],
      [{ region: "us-east" }, 400, /is required\n {2}→ at name/],
    ];
    for (const [body, status, message] of cases) {
      const r = await call(emu, "POST", "/organizations/acme/databases", { body });
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
      assert.match(r.body.message, message);
    }
  });

  test("branches accept both spellings of a known cluster size and refuse unknown ones", async () => {
    const hyphen = await call(emu, "POST", branchesPath(), { body: { name: "hy-1", cluster_size: "PS-10" } });
    assert.equal(hyphen.status, 201, hyphen.text);
    const unknown = await call(emu, "POST", branchesPath(), {
      body: { name: "hy-2", cluster_size: "PS_15" },
    });
    assert.equal(unknown.status, 422);
  });
});
