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

  test("a Postgres database reports its kind through the API", async () => {
    const db = await call(emu, "GET", "/organizations/acme/databases/pg-app");
    assert.equal(db.body.kind, "postgresql");
  });
});
