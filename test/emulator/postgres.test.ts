/**
 * Postgres databases and branches as pscale sends them: the size as `cluster_name` (kept), Postgres
 * cluster sizes (`postgresql=true` or `engine=postgresql`), `replicas`, and databases created for
 * a branch with `create_database_if_missing`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

describe("emulator: Postgres branches and sizes", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("cluster_name on a Postgres branch is kept, and must be a Postgres size", async () => {
    const created = await call(emu, "POST", branchesPath("pg-app"), {
      body: { name: "small", parent_branch: "", cluster_name: "PS_5" },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.cluster_name, "PS_5");
    assert.equal((await call(emu, "GET", `${branchesPath("pg-app")}/small`)).body.cluster_name, "PS_5");
    const cases: Array<[string, unknown, RegExp]> = [
      ["pg-app", { name: "bad-size", cluster_name: "PS_DEVX" }, /Valid sizes: PS_DEV, PS_5, PS_10/],
      ["pg-app", { name: "disagree", cluster_name: "PS_10", cluster_size: "PS_20" }, /disagree/],
      ["app", { name: "mysql-name", cluster_name: "PS_10" }, /cluster_name: only available for PostgreSQL/],
      ["app", { name: "mysql-5", cluster_size: "PS_5" }, /Valid sizes: PS_DEV, PS_10/],
    ];
    for (const [database, body, message] of cases) {
      const refused = await call(emu, "POST", branchesPath(database), { body });
      assert.equal(refused.status, 422, `${database} ${JSON.stringify(body)}: ${refused.text}`);
      assert.match(refused.body.message, message);
    }
  });

  test("restore_point and major_version are kept; each is checked, and Postgres only", async () => {
    const now = new Date().toISOString();
    const restored = await call(emu, "POST", branchesPath("pg-app"), {
      body: { name: "pitr", restore_point: now, major_version: "17" },
    });
    assert.equal(restored.status, 201, restored.text);
    const kept = emu.snapshot().branches.find((b) => b.name === "pitr");
    assert.deepEqual([kept?.restorePoint, kept?.majorVersion], [now, "17"]);
    await waitReady(emu, "pitr", "pg-app");
    const child = await call(emu, "POST", branchesPath("pg-app"), {
      body: { name: "pitr-child", parent_branch: "pitr" },
    });
    assert.equal(child.status, 201, child.text);
    const inherited = emu.snapshot().branches.find((b) => b.name === "pitr-child");
    assert.equal(inherited?.majorVersion, "17", "a branch without major_version has its parent's");
    const cases: Array<[string, unknown, RegExp]> = [
      ["pg-app", { name: "future", restore_point: "2999-01-01T00:00:00Z" }, /in the future/],
      [
        "pg-app",
        { name: "ancient", restore_point: "2000-01-01T00:00:00Z" },
        /before database pg-app was created/,
      ],
      ["pg-app", { name: "nonsense", restore_point: "yesterday" }, /not a timestamp/],
      ["pg-app", { name: "nine", major_version: "nine" }, /not a PostgreSQL major version/],
      ["app", { name: "mysql-pitr", restore_point: now }, /restore_point: only available for PostgreSQL/],
      ["app", { name: "mysql-major", major_version: "17" }, /major_version: only available for PostgreSQL/],
    ];
    for (const [database, body, message] of cases) {
      const refused = await call(emu, "POST", branchesPath(database), { body });
      assert.equal(refused.status, 422, `${database} ${JSON.stringify(body)}: ${refused.text}`);
      assert.match(refused.body.message, message);
    }
  });

  test("fully qualified Postgres sizes (the Terraform provider's PS_5_AWS_X86) are Postgres sizes", async () => {
    const created = await call(emu, "POST", "/organizations/acme/databases", {
      body: { name: "pg-qualified", kind: "postgresql", cluster_size: "PS_5_AWS_X86" },
    });
    assert.equal(created.status, 201, created.text);
    const mysql = await call(emu, "POST", "/organizations/acme/databases", {
      body: { name: "my-qualified", kind: "mysql", cluster_size: "PS_10_AWS_X86" },
    });
    assert.equal(mysql.status, 422, "MySQL sizes have no qualified names");
  });

  test("replicas on a Postgres branch decide has_replicas", async () => {
    const single = await call(emu, "POST", branchesPath("pg-app"), { body: { name: "single", replicas: 0 } });
    const ha = await call(emu, "POST", branchesPath("pg-app"), { body: { name: "ha", replicas: 2 } });
    assert.deepEqual([single.body.has_replicas, ha.body.has_replicas], [false, true]);
  });

  test("cluster sizes: Postgres for postgresql=true or engine=postgresql, MySQL otherwise", async () => {
    const names = async (query: string) =>
      (
        (await call(emu, "GET", `/organizations/acme/cluster-size-skus${query}`)).body as Array<{
          name: string;
        }>
      ).map((s) => s.name);
    const mysql = await names("");
    const postgres = await names("?postgresql=true&rates=true");
    assert.deepEqual(await names("?engine=postgresql"), postgres);
    assert.ok(mysql.includes("PS_10") && !mysql.includes("PS_5") && !mysql.includes("M_10"), mysql.join());
    assert.ok(
      postgres.includes("PS_5") && postgres.includes("PS_10") && postgres.includes("M_2560"),
      postgres.join(),
    );
    assert.equal(new Set(postgres).size, postgres.length, "each size once");
  });

  test("create_database_if_missing makes a Postgres database when kind is postgresql", async () => {
    const created = await call(emu, "POST", branchesPath("pg-fresh"), {
      body: { name: "preview", create_database_if_missing: true, kind: "postgresql", cluster_name: "PS_10" },
    });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual([created.body.kind, created.body.cluster_name], ["postgresql", "PS_10"]);
    const db = await call(emu, "GET", "/organizations/acme/databases/pg-fresh");
    assert.equal(db.body.kind, "postgresql");
  });
});
