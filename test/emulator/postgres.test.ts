/**
 * Postgres databases and branches as pscale sends them: the size as `cluster_name` (kept), Postgres
 * cluster sizes (`postgresql=true` or `engine=postgresql`), `replicas`, and databases created for
 * a branch with `create_database_if_missing`.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor, waitReady } from "../support/api";
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

describe("emulator: Postgres branch changes and parameters", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      seed: {
        organizations: [
          { name: "acme", databases: [{ name: "app" }, { name: "pg-app", kind: "postgresql" }] },
        ],
      },
    });
  });
  after(() => emu.stop());
  const changes = `${branchesPath("pg-app")}/main/changes`;
  const parameters = `${branchesPath("pg-app")}/main/parameters`;
  const parameterValue = async (name: string) =>
    (await call(emu, "GET", parameters)).body.find((p: { name: string }) => p.name === name)?.value;

  test("a change in progress: not applied yet, shown by list_parameters, updated by the next request, cancelable", async () => {
    // A long delay holds the change in progress while it is looked at (no timer race).
    emu.setReadyDelay(60_000);
    try {
      const first = await call(emu, "PATCH", changes, {
        body: { cluster_size: "PS_20", parameters: { pgconf: { jit: "off" } } },
      });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual([first.body.state, first.body.previous_parameters], ["resizing", {}]);
      assert.equal((await call(emu, "GET", `${branchesPath("pg-app")}/main`)).body.cluster_name, "PS_10");
      assert.equal(await parameterValue("jit"), "off", "list_parameters reflects the pending value");
      const second = await call(emu, "PATCH", changes, {
        body: { parameters: { pgconf: { work_mem: "8MB" } } },
      });
      assert.equal(second.body.id, first.body.id, "upserted into the change in progress");
      assert.deepEqual(second.body.parameters.pgconf, { jit: "off", work_mem: "8MB" });
      assert.equal((await call(emu, "DELETE", changes)).status, 204);
      assert.equal((await call(emu, "GET", `${changes}/${first.body.id}`)).body.state, "canceled");
      assert.equal(await parameterValue("jit"), "on", "a canceled change leaves the parameters as they were");
      assert.equal((await call(emu, "DELETE", changes)).status, 404);
    } finally {
      emu.setReadyDelay(100);
    }
  });

  test("a change request resizes, sets replicas and parameters once it completes; the same again is 204", async () => {
    const started = await call(emu, "PATCH", changes, {
      body: {
        cluster_size: "PS_20",
        replicas: 1,
        parameters: { pgconf: { max_connections: "200" }, pgbouncer: { pool_mode: "session" } },
      },
    });
    assert.equal(started.status, 200, started.text);
    const id = started.body.id as string;
    await waitFor(
      "the change to complete",
      async () => (await call(emu, "GET", `${changes}/${id}`)).body.state === "completed",
    );
    const main = await call(emu, "GET", `${branchesPath("pg-app")}/main`);
    assert.deepEqual([main.body.cluster_name, main.body.has_replicas], ["PS_20", true]);
    assert.equal(await parameterValue("max_connections"), "200");
    const again = await call(emu, "PATCH", changes, {
      body: { parameters: { pgconf: { max_connections: 200 } } },
    });
    assert.equal(again.status, 204, "nothing to change");
    const listed = await call(emu, "GET", changes);
    assert.equal(listed.body.data[0].id, id, "newest first");
  });

  test("unknown parameters and bad values get 422 with each parameter's errors; nothing changes", async () => {
    const refused = await call(emu, "PATCH", changes, {
      body: { parameters: { pgconf: { max_conections: "10", work_mem: "lots" }, patroni: { ttl: "30" } } },
    });
    assert.equal(refused.status, 422);
    assert.deepEqual(
      refused.body.errors.map((e: { namespace: string; name: string }) => `${e.namespace}.${e.name}`),
      ["pgconf.max_conections", "pgconf.work_mem", "patroni.ttl"],
    );
    const low = await call(emu, "PATCH", changes, {
      body: { parameters: { pgconf: { max_connections: "5" } } },
    });
    assert.equal(low.status, 422);
    assert.match(low.body.errors[0].errors[0], /between 25 and 5000/);
    assert.equal(await parameterValue("work_mem"), "4MB");
  });

  test("Postgres only; needs write_database to change", async () => {
    const mysql = await call(emu, "PATCH", `${branchesPath()}/main/changes`, { body: { replicas: 1 } });
    assert.equal(mysql.status, 422);
    assert.equal((await call(emu, "GET", `${branchesPath()}/main/parameters`)).status, 422);
    const reader = await makeToken(emu, [{ access: ["read_branch"], database: "pg-app" }]);
    assert.equal((await call(emu, "GET", parameters, { cred: reader })).status, 200);
    assert.equal((await call(emu, "PATCH", changes, { cred: reader, body: { replicas: 0 } })).status, 404);
  });
});
