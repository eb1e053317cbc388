// Level 1: Branch on a Postgres database (the emulator's `pg-app`): the whole lifecycle, and the
// Vitess-only inputs refused at check, naming the property and the database's kind.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator } from "../support/provider-context";

const PROVIDER = "serialized-provider-text";
type Props = Record<string, unknown>;

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

describe("Branch on a Postgres database", () => {
  test("created and ready, renamed and protected in place, then deleted", async () => {
    const checked = await branch.check(
      ctx,
      {},
      { database: "pg-app", name: "pg-pr-1", __provider: PROVIDER },
    );
    assert.deepEqual(checked.failures ?? [], []);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      ["GET /v1/organizations/acme/databases/pg-app"],
      "one lookup of the database: the preview check, whose answer the kind check would share",
    );
    const created = await branch.create(ctx, checked.inputs as Props);
    const outs = created.outs as Props;
    assert.equal(outs["ready"], true);
    assert.equal(outs["state"], "ready");

    const news = { ...(checked.inputs as Props), name: "pg-pr-2", deletionProtected: true };
    const diff = await branch.diff(ctx, created.id, outs, news);
    assert.deepEqual(diff.replaces, []);
    const updated = (await branch.update(ctx, created.id, outs, news)).outs as Props;
    assert.equal(updated["name"], "pg-pr-2");
    assert.equal(updated["deletionProtected"], true);
    assert.equal(updated["branchId"], created.id, "same branch, renamed in place");
    await assert.rejects(branch.delete(ctx, created.id, updated), /deletion-protected/);

    const unprotected = { ...news, deletionProtected: false };
    const final = (await branch.update(ctx, created.id, updated, unprotected)).outs as Props;
    await branch.delete(ctx, created.id, final);
    assert.deepEqual(await branchNames(emu, "pg-app"), ["main"]);
  });

  const vitessOnly: Array<[string, Props]> = [
    ["safeMigrations", { safeMigrations: true }],
    ["seedData", { seedData: "last_successful_backup" }],
  ];
  for (const [property, extra] of vitessOnly) {
    test(`${property} is refused at check, naming the kind; nothing is created`, async () => {
      const result = await branch.check(ctx, {}, { database: "pg-app", name: "pg-nope", ...extra });
      assert.equal(result.failures?.length, 1);
      assert.equal(result.failures?.[0]?.property, property);
      assert.match(
        result.failures?.[0]?.reason ?? "",
        new RegExp(
          `${property} is only available on MySQL \\(Vitess\\) databases, and 'pg-app' is a Postgres database`,
        ),
      );
      // create refuses too (a check without credentials could not ask), before any POST.
      await assert.rejects(
        branch.create(ctx, { organization: "acme", database: "pg-app", name: "pg-nope", ...extra }),
        /only available on MySQL/,
      );
      assert.equal(emu.requests().filter((r) => r.method === "POST").length, 0);
    });
  }

  test("the same inputs pass on a MySQL database; the kind is asked once per database", async () => {
    const first = await branch.check(ctx, {}, { database: "app", name: "my-safe", safeMigrations: true });
    assert.deepEqual(first.failures ?? [], []);
    const second = await branch.check(ctx, {}, { database: "app", name: "my-safe", safeMigrations: true });
    assert.deepEqual(second.failures ?? [], []);
    const lookups = emu.requests().filter((r) => r.path === "/v1/organizations/acme/databases/app");
    assert.equal(lookups.length, 1);
  });

  test("invalid inputs fail before the kind is asked: zero API calls", async () => {
    const result = await branch.check(
      ctx,
      {},
      { database: "pg-app", name: "Bad_Name", safeMigrations: true },
    );
    assert.equal(result.failures?.[0]?.property, "name");
    assert.equal(emu.requests().length, 0);
  });

  const postgresOnly: Array<[string, Props]> = [
    ["restorePoint", { restorePoint: "2020-01-01T00:00:00Z" }],
    ["majorVersion", { majorVersion: "17" }],
    ["parameters", { parameters: { pgconf: { max_connections: "200" } } }],
  ];
  for (const [property, extra] of postgresOnly) {
    test(`${property} is refused at check on a MySQL database, naming the kind`, async () => {
      const result = await branch.check(ctx, {}, { database: "app", name: "my-nope", ...extra });
      assert.equal(result.failures?.[0]?.property, property);
      assert.match(
        result.failures?.[0]?.reason ?? "",
        new RegExp(
          `${property} is only available on Postgres databases, and 'app' is a MySQL \\(Vitess\\) database`,
        ),
      );
    });
  }

  test("restorePoint, majorVersion and parameters: checked at preview, before any API call", async () => {
    const cases: Array<[Props, string, RegExp]> = [
      [{ restorePoint: "yesterday" }, "restorePoint", /ISO 8601 time with a time zone/],
      [{ restorePoint: "2999-01-01T00:00:00Z" }, "restorePoint", /must be in the past/],
      [
        { restorePoint: "2020-01-01T00:00:00Z", backupId: "bkp1" },
        "restorePoint",
        /cannot be combined with backupId/,
      ],
      [{ majorVersion: "seventeen" }, "majorVersion", /'17'/],
      [{ parameters: { mysqlconf: { x: "1" } } }, "parameters", /namespaces \(patroni, pgconf, pgbouncer\)/],
      [{ parameters: { pgconf: { "Max Connections": "1" } } }, "parameters", /lowercase/],
      [
        { parameters: { pgconf: { max_connections: ["200"] } } },
        "parameters",
        /text, a number or true\/false/,
      ],
    ];
    for (const [extra, property, reason] of cases) {
      const result = await branch.check(ctx, {}, { database: "pg-app", name: "pg-check", ...extra });
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `${JSON.stringify(extra)}: ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, reason);
    }
    assert.equal(emu.requests().length, 0);
  });

  test("a point-in-time restore with a major version; parameters set by one change request, changed in place", async () => {
    const restorePoint = new Date().toISOString();
    const checked = await branch.check(
      ctx,
      {},
      {
        database: "pg-app",
        name: "pg-tuned",
        restorePoint,
        majorVersion: "17",
        parameters: { pgconf: { max_connections: 200 }, pgbouncer: { pool_mode: "session" } },
        __provider: PROVIDER,
      },
    );
    assert.deepEqual(checked.failures ?? [], []);
    emu.clearRequests();
    const created = await branch.create(ctx, checked.inputs as Props);
    const outs = created.outs as Props;
    assert.deepEqual([outs["restorePoint"], outs["majorVersion"]], [restorePoint, "17"]);
    const kept = emu.snapshot().branches.find((b) => b.name === "pg-tuned");
    assert.deepEqual([kept?.restorePoint, kept?.majorVersion], [restorePoint, "17"]);
    const changes = emu.requests().filter((r) => r.method === "PATCH" && r.path.endsWith("/changes"));
    assert.equal(changes.length, 1, "one change request for every parameter");
    const value = async (name: string) =>
      (await call(emu, "GET", `/organizations/acme/databases/pg-app/branches/pg-tuned/parameters`)).body.find(
        (p: { name: string }) => p.name === name,
      )?.value;
    assert.deepEqual([await value("max_connections"), await value("pool_mode")], ["200", "session"]);

    const news = { ...(checked.inputs as Props), parameters: { pgconf: { max_connections: 300 } } };
    const diff = await branch.diff(ctx, created.id, outs, news);
    assert.deepEqual([diff.replaces, diff.changes], [[], true]);
    emu.clearRequests();
    const updated = (await branch.update(ctx, created.id, outs, news)).outs as Props;
    assert.deepEqual(updated["parameters"], { pgconf: { max_connections: 300 } });
    assert.equal(await value("max_connections"), "300");
    const unchanged = await branch.update(ctx, created.id, updated, news);
    assert.ok(unchanged.outs);
    assert.equal(
      emu.requests().filter((r) => r.method === "PATCH" && r.path.endsWith("/changes")).length,
      1,
      "nothing to change the second time: no change request",
    );
  });

  test("parameters PlanetScale refuses name the input; the branch is recorded, not forgotten", async () => {
    const checked = await branch.check(
      ctx,
      {},
      {
        database: "pg-app",
        name: "pg-bad-params",
        parameters: { pgconf: { max_conections: "10" } },
        __provider: PROVIDER,
      },
    );
    await assert.rejects(branch.create(ctx, checked.inputs as Props), (error: unknown) => {
      assert.match(String((error as Error).message), /created \(id .*\) but did not finish/);
      const cause = (error as Error).cause as Error;
      assert.match(
        cause.message,
        /PlanetScale refused the parameters of branch pg-bad-params: max_conections/,
      );
      return true;
    });
  });

  test("a Postgres database reports its kind through the API", async () => {
    const db = await call(emu, "GET", "/organizations/acme/databases/pg-app");
    assert.equal(db.body.kind, "postgresql");
  });
});
