// Level 1: the Database provider methods called directly against the emulator on loopback.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import { branchPasswordResource, branchRoleResource } from "../../provider/internal/credential";
import { databaseResource as database } from "../../provider/internal/database/resource";
import { PartialCreateError } from "../../provider/internal/dynamic/partial-create";
import {
  AlreadyExistsError,
  DeletionProtectedError,
  OwnershipUnprovenError,
} from "../../provider/internal/resource-errors";
import { branchesPath, call, makeToken } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, TEST_STACK, UNKNOWN } from "../support/provider-context";

const PROVIDER = "serialized-provider-text";
const DB = "/organizations/acme/databases";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
before(async () => {
  emu = await emulator();
  ctx = contextForEmulator(emu);
});
after(async () => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  emu.clearRequests();
});

type Props = Record<string, unknown>;

/** check, then create, as the engine does. */
async function createDatabase(inputs: Props) {
  const checked = await database.check(ctx, {}, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const created = await database.create(ctx, checked.inputs as Props);
  return { checked: checked.inputs as Props, id: created.id, outs: created.outs as Props };
}

/** check, diff, then update, as the engine does. */
async function updateDatabase(id: string, olds: Props, inputs: Props) {
  const checked = await database.check(ctx, olds, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const news = checked.inputs as Props;
  const diff = await database.diff(ctx, id, olds, news);
  const updated = await database.update(ctx, id, olds, news);
  return { diff, outs: updated.outs as Props };
}

function requests(method: string) {
  return emu.requests().filter((r) => r.method === method);
}

describe("check", () => {
  const invalid: Array<[string, Props, string, RegExp]> = [
    ["uppercase name", { name: "App DB" }, "name", /not a valid PlanetScale database name.*'app-db'/],
    ["bad kind", { kind: "oracle" }, "kind", /'mysql' \(Vitess\) or 'postgresql'/],
    ["bad size", { clusterSize: "big" }, "clusterSize", /PS_10/],
    ["negative replicas", { replicas: -1 }, "replicas", /must not be negative/],
    ["a fraction of a replica", { replicas: 1.5 }, "replicas", /whole number/],
    ["bad major version", { kind: "postgresql", majorVersion: "seventeen" }, "majorVersion", /'17'/],
    ["major version on MySQL", { majorVersion: "17" }, "majorVersion", /only available on Postgres/],
    [
      "a Vitess-only setting on Postgres",
      { kind: "postgresql", allowDataBranching: true },
      "allowDataBranching",
      /only available on MySQL \(Vitess\) databases.*'postgresql'/,
    ],
    ["bad migration table", { migrationTableName: "drop table;" }, "migrationTableName", /table name/],
    ["bad default branch", { defaultBranch: "Main" }, "defaultBranch", /not a valid PlanetScale branch name/],
    ["non-boolean setting", { requireApprovalForDeploy: "yes" }, "requireApprovalForDeploy", /true or false/],
    ["a typo", { cluster_size: "PS_10" }, "cluster_size", /unrecognized|Unrecognized/],
  ];
  for (const [what, inputs, property, reason] of invalid) {
    test(`refuses ${what}, naming ${property}, before any API call`, async () => {
      const result = await database.check(ctx, {}, { ...inputs, __provider: PROVIDER });
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `no failure for ${property}: ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, reason);
      assert.equal(emu.requests().length, 0, "no API call");
    });
  }

  test("accepts unknown values at preview and fills in the organization and a generated name", async () => {
    const result = await database.check(ctx, {}, { kind: UNKNOWN, majorVersion: "17", __provider: PROVIDER });
    assert.deepEqual(result.failures ?? [], []);
    const inputs = result.inputs as Props;
    assert.equal(inputs["organization"], "acme");
    assert.match(String(inputs["name"]), /^database-[a-z0-9]{7}$/);
  });

  test("a new replicas on an existing MySQL database is refused at preview", async () => {
    const olds = { databaseId: "x", kind: "mysql", replicas: 2, name: "app", organization: "acme" };
    const result = await database.check(ctx, olds, { name: "app", replicas: 3, __provider: PROVIDER });
    assert.equal(result.failures?.[0]?.property, "replicas");
    assert.match(String(result.failures?.[0]?.reason), /on Postgres only\): put back replicas: 2/);
  });
});

describe("create, read, update, delete", () => {
  test("creates a MySQL database, waits until it is ready, then applies the settings in one PATCH", async () => {
    emu.setReadyDelay(400);
    try {
      const { id, outs } = await createDatabase({
        name: "made",
        clusterSize: "PS_10",
        requireApprovalForDeploy: true,
        allowDataBranching: true,
        migrationFramework: "rails",
        migrationTableName: "schema_migrations",
        automaticMigrations: true,
      });
      assert.equal(outs["databaseId"], id);
      assert.deepEqual(
        [outs["state"], outs["ready"], outs["kind"], outs["defaultBranch"], outs["region"]],
        ["ready", true, "mysql", "main", "us-east"],
      );
      assert.deepEqual(
        [outs["requireApprovalForDeploy"], outs["allowDataBranching"], outs["migrationFramework"]],
        [true, true, "rails"],
      );
      assert.equal(requests("POST").length, 1, "one create request");
      assert.equal(requests("PATCH").length, 1, "one settings request for every setting");
      const polls = requests("GET").length;
      assert.ok(polls >= 1 && polls <= 12, `the branches' poll schedule (${polls} polls for 0.4 s)`);
      const stored = emu.snapshot().databases.find((d) => d.name === "made");
      assert.equal(stored?.settings.migrationTableName, "schema_migrations");
    } finally {
      emu.setReadyDelay(100);
    }
  });

  test("a Postgres database with its major version; settings left out stay as PlanetScale has them", async () => {
    const { outs } = await createDatabase({
      name: "pg-made",
      kind: "postgresql",
      clusterSize: "PS_5",
      majorVersion: "17",
    });
    assert.deepEqual([outs["kind"], outs["majorVersion"]], ["postgresql", "17"]);
    assert.equal(requests("PATCH").length, 0, "no setting asked for: no settings request");
    assert.equal(emu.snapshot().branches.find((b) => b.database === "pg-made")?.majorVersion, "17");
  });

  test("settings change in place, only those that differ; refresh reads them back", async () => {
    const { id, outs } = await createDatabase({ name: "tuned", insightsRawQueries: false });
    emu.clearRequests();
    const { diff, outs: updated } = await updateDatabase(id, outs, {
      name: "tuned",
      insightsRawQueries: true,
      productionBranchWebConsole: true,
    });
    assert.deepEqual([diff.replaces, diff.changes], [[], true]);
    assert.deepEqual([updated["insightsRawQueries"], updated["productionBranchWebConsole"]], [true, true]);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      [`GET /v1${DB}/tuned`, `PATCH /v1${DB}/tuned`],
      // PlanetScale addresses a database by name: the read proves the name is still the recorded
      // database's (and gives the live values to compare) before anything is changed.
      "an update of two settings: one read, then one request for both",
    );
    // Changed outside Pulumi: refresh reports it, and the next update puts it back.
    await call(emu, "PATCH", `${DB}/tuned`, { body: { insights_raw_queries: false } });
    emu.clearRequests();
    const read = await database.read(ctx, id, updated);
    assert.equal((read.props as Props)["insightsRawQueries"], false);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      [`GET /v1${DB}/tuned`],
      "a refresh is one request",
    );
    const restored = await updateDatabase(id, read.props as Props, {
      name: "tuned",
      insightsRawQueries: true,
    });
    assert.equal(restored.outs["insightsRawQueries"], true);
  });

  test("a rename changes the name in place (same id); refresh follows a rename made elsewhere", async () => {
    const { id, outs } = await createDatabase({ name: "old-name" });
    const { diff, outs: renamed } = await updateDatabase(id, outs, { name: "new-name" });
    assert.deepEqual(diff.replaces, []);
    assert.deepEqual([renamed["name"], renamed["databaseId"]], ["new-name", id]);
    await call(emu, "PATCH", `${DB}/new-name`, { body: { new_name: "elsewhere" } });
    const read = await database.read(ctx, id, renamed);
    assert.equal(read.id, id);
    assert.equal((read.props as Props)["name"], "elsewhere");
    assert.ok(ctx.logs.some((l) => /renamed outside Pulumi to elsewhere/.test(l)));
  });

  test("kind and region changes replace, deleting the old database first when the name stays", async () => {
    const olds = { organization: "acme", name: "app", kind: "mysql", region: "us-east", databaseId: "x" };
    const result = await database.diff(ctx, "x", olds, {
      organization: "acme",
      name: "app",
      kind: "postgresql",
    });
    assert.deepEqual([result.replaces, result.deleteBeforeReplace], [["kind"], true]);
  });

  test("clusterSize resizes the default branch in place and waits for it (Vitess and Postgres)", async () => {
    const mysql = await createDatabase({ name: "grow", clusterSize: "PS_10" });
    const grown = await updateDatabase(mysql.id, mysql.outs, { name: "grow", clusterSize: "PS_20" });
    assert.equal(grown.outs["clusterSize"], "PS_20");
    assert.equal((await call(emu, "GET", `${branchesPath("grow")}/main`)).body.cluster_name, "PS_20");
    const pg = await createDatabase({
      name: "pg-grow",
      kind: "postgresql",
      clusterSize: "PS_10",
      replicas: 0,
    });
    const changed = await updateDatabase(pg.id, pg.outs, {
      name: "pg-grow",
      kind: "postgresql",
      clusterSize: "PS_20",
      replicas: 2,
    });
    assert.deepEqual([changed.outs["clusterSize"], changed.outs["replicas"]], ["PS_20", 2]);
    const main = await call(emu, "GET", `${branchesPath("pg-grow")}/main`);
    assert.deepEqual([main.body.cluster_name, main.body.has_replicas], ["PS_20", true]);
  });

  test("an existing name is refused with the fix; adopt takes it over and applies the settings", async () => {
    await call(emu, "POST", DB, { body: { name: "theirs" } });
    await assert.rejects(createDatabase({ name: "theirs" }), (error: unknown) => {
      assert.ok(error instanceof AlreadyExistsError);
      assert.match(error.message, /already exists in acme.*adopt: true/);
      return true;
    });
    const adopted = await createDatabase({ name: "theirs", adopt: true, restrictBranchRegion: true });
    assert.equal(adopted.outs["restrictBranchRegion"], true);
    await assert.rejects(createDatabase({ name: "theirs", adopt: true }), OwnershipUnprovenError);
  });

  test("a create whose answer is lost takes the database it made, and only that", async () => {
    emu.setFaults({
      rules: [
        { method: "POST", path: "/organizations/*/databases", action: "fail-after-acting", status: 500 },
      ],
    });
    const { outs } = await createDatabase({ name: "lost-answer" });
    assert.equal(outs["name"], "lost-answer");
    assert.ok(ctx.logs.some((l) => /was created by this request/.test(l)));
    // One a colleague created is not taken: older than the request, or made by another credential.
    const colleague = await makeToken(emu, [{ access: ["create_databases"] }]);
    const theirs = await call(emu, "POST", DB, { cred: colleague, body: { name: "before" } });
    assert.equal(theirs.status, 201);
    emu.setFaults({
      rules: [
        { method: "POST", path: "/organizations/*/databases", action: "status", status: 503, times: 5 },
      ],
    });
    await assert.rejects(createDatabase({ name: "before" }), (error: unknown) => {
      assert.ok(error instanceof OwnershipUnprovenError);
      assert.match(error.message, new RegExp(`id ${theirs.body.id}`));
      assert.match(error.message, /before this request was sent|not by the service token Pulumi uses/);
      assert.match(error.message, /Nothing was deleted or taken over/);
      return true;
    });
    assert.equal((await call(emu, "GET", `${DB}/before`)).body.id, theirs.body.id, "theirs is untouched");
  });

  test("a create that times out is recorded as created, not forgotten", async () => {
    emu.setReadyDelay(60_000);
    try {
      await assert.rejects(createDatabase({ name: "slow-db", readyTimeout: 1 }), (error: unknown) => {
        assert.ok(error instanceof PartialCreateError);
        assert.equal((error.properties as Props)["name"], "slow-db");
        return true;
      });
    } finally {
      emu.setReadyDelay(100);
    }
  });

  test("delete: refused while deletion-protected, with the steps; then deletes the database with its branches", async () => {
    const { id, outs } = await createDatabase({ name: "guarded", deletionProtected: true });
    await assert.rejects(database.delete(ctx, id, outs), (error: unknown) => {
      assert.ok(error instanceof DeletionProtectedError);
      assert.match(error.message, /deletionProtected: false.*pulumi up.*pulumi destroy/);
      return true;
    });
    const { outs: open } = await updateDatabase(id, outs, { name: "guarded", deletionProtected: false });
    await database.delete(ctx, id, open);
    assert.equal((await call(emu, "GET", `${DB}/guarded`)).status, 404);
    const refreshed = await database.read(ctx, id, open);
    assert.equal(refreshed.id, undefined, "refresh drops a database that is gone");
  });

  test("delete never touches another database that took the recorded name", async () => {
    const { id, outs } = await createDatabase({ name: "reused" });
    await call(emu, "DELETE", `${DB}/reused`);
    await call(emu, "POST", DB, { body: { name: "reused" } });
    await database.delete(ctx, id, outs);
    assert.equal((await call(emu, "GET", `${DB}/reused`)).status, 200, "the other database is still there");
  });
});

describe("branches of a declared database", () => {
  test("a branch previews against a database this run declares, before it exists", async () => {
    await database.check(ctx, {}, { name: "declared-pg", kind: "postgresql", __provider: PROVIDER });
    const preview = await branch.check(
      ctx,
      {},
      { database: "declared-pg", seedData: "last_successful_backup", __provider: PROVIDER },
    );
    assert.equal(preview.failures?.[0]?.property, "seedData", "the declared kind decides");
    const ok = await branch.check(ctx, {}, { database: "declared-pg", name: "dev", __provider: PROVIDER });
    assert.deepEqual(ok.failures ?? [], []);
    assert.ok(
      !emu.requests().some((r) => r.path.includes("declared-pg")),
      "no lookup of a database not created yet",
    );
  });

  test("a password and a role preview against a database this run declares, on its default branch by name", async () => {
    await database.check(ctx, {}, { name: "declared-my", __provider: PROVIDER });
    await database.check(ctx, {}, { name: "declared-pg2", kind: "postgresql", __provider: PROVIDER });
    const password = await branchPasswordResource.check(
      ctx,
      {},
      { database: "declared-my", branch: "main", role: "reader", __provider: PROVIDER },
    );
    assert.deepEqual(password.failures ?? [], []);
    const role = await branchRoleResource.check(
      ctx,
      {},
      { database: "declared-pg2", branch: "main", __provider: PROVIDER },
    );
    assert.deepEqual(role.failures ?? [], []);
    const wrongKind = await branchRoleResource.check(
      ctx,
      {},
      { database: "declared-my", branch: "main", __provider: PROVIDER },
    );
    assert.equal(wrongKind.failures?.[0]?.property, "database", "the declared kind decides");
    assert.ok(
      !emu.requests().some((r) => r.path.includes("declared-")),
      "no lookup of a database, or of its branch, before the database is created",
    );
  });

  test("destroying a Branch that holds the database's only branch leaves it (and the database) in place", async () => {
    const { outs: db } = await createDatabase({ name: "single" });
    const main = await call(emu, "GET", `${branchesPath("single")}/main`);
    const outs = { organization: "acme", database: "single", name: "main", production: true };
    await branch.delete(ctx, main.body.id, outs);
    assert.equal((await call(emu, "GET", `${DB}/single`)).status, 200, "the database is still there");
    assert.ok(ctx.logs.some((l) => /left in place: it is the database's last branch/.test(l)));
    assert.equal(db["name"], "single");
  });
});
