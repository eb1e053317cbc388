/** Branch behaviour: creation rules and errors, readiness, pagination, name-or-id, rename, deletion, limits. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

const P = branchesPath();

describe("branches", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      readyDelayMs: 50,
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              {
                name: "app",
                region: "eu-west",
                branches: [{ name: "stuck", ready: false }],
                backups: [{ id: "bkp000000001", branch: "main" }],
              },
              { name: "other" },
              { name: "initializing", ready: false },
              { name: "crowded" },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("creates a branch: 201 pending, then ready after the delay, with PlanetScale's fields", async () => {
    const r = await call(emu, "POST", P, { body: { name: "pr-1" } });
    assert.equal(r.status, 201);
    const b = r.body;
    assert.match(b.id, /^[a-z0-9]{12}$/);
    assert.equal(b.name, "pr-1");
    assert.equal(b.state, "pending");
    assert.equal(b.ready, false);
    assert.equal(b.production, false);
    assert.equal(b.parent_branch, "main");
    assert.equal(b.kind, "mysql");
    assert.equal(b.region.slug, "eu-west", "defaults to the database region");
    assert.equal(b.html_url, "https://app.planetscale.com/acme/app/pr-1");
    assert.equal(b.url, `${emu.apiUrl}/organizations/acme/databases/app/branches/pr-1`);
    assert.match(b.mysql_address, /connect\.psdb\.cloud$/);
    assert.equal(b.cluster_name, "PS_DEV");
    assert.equal(b.actor.id, "admintest001");
    assert.ok(!Number.isNaN(Date.parse(b.created_at)));
    assert.equal(b.created_at, new Date(b.created_at).toISOString());
    await waitReady(emu, "pr-1");
    const g = await call(emu, "GET", `${P}/pr-1`);
    assert.equal(g.body.state, "ready");
    assert.equal(g.body.ready, true);
  });

  test("honours region and deletion_protected on create", async () => {
    const r = await call(emu, "POST", P, {
      body: { name: "regional", region: "ap-southeast", deletion_protected: true },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.region.slug, "ap-southeast");
    assert.equal(r.body.deletion_protected, true);
  });

  test("rejects bad creates with PlanetScale-style errors", async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [{ name: "Bad_Name" }, 422, "unprocessable", /lowercase letters, digits and hyphens/],
      [{ name: "-leading" }, 422, "unprocessable", /starting and ending/],
      [{ name: "a".repeat(64) }, 422, "unprocessable", /1 to 63/],
      [{ name: "main" }, 422, "unprocessable", /already been taken/],
      [{ name: "x1", region: "mars-north" }, 422, "unprocessable", /Valid regions: us-east/],
      [{ name: "x2", parent_branch: "ghost" }, 404, "not_found", /Not Found/],
      [{ name: "x3", parent_branch: "stuck" }, 400, "bad_request", /still initializing/],
      [{ name: "x4", backup_id: "nope00000000", cluster_size: "PS_10" }, 404, "not_found", /Not Found/],
      [{ name: "x5", backup_id: "bkp000000001" }, 422, "unprocessable", /Cluster size is required/],
      [{}, 400, "bad_request", /is required\n {2}→ at name/],
      [{ name: 5 }, 400, "bad_request", /must be a string\n {2}→ at name/],
      [{ name: "x6", parentBranch: "main" }, 400, "bad_request", /unknown field: parentBranch/],
      [
        { name: "x7", deletion_protected: "yes" },
        400,
        "bad_request",
        /must be a boolean\n {2}→ at deletion_protected/,
      ],
      [{ name: "x8", seed_data: "everything" }, 400, "bad_request", /seed_data/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await call(emu, "POST", P, { body });
      assert.equal(r.status, status, `${JSON.stringify(body)} → ${r.text}`);
      assert.equal(r.body.code, code);
      assert.match(r.body.message, message, JSON.stringify(body));
    }
    const missingParent = await call(emu, "POST", P, { body: { name: "x9", parent_branch: "ghost" } });
    assert.match(missingParent.headers.get("x-emulator-reason") ?? "", /parent branch "ghost"/);
    const init = await call(emu, "POST", branchesPath("initializing"), { body: { name: "x" } });
    assert.equal(init.status, 400);
    assert.match(init.body.message, /Database is still initializing/);
    const noDb = await call(emu, "POST", branchesPath("ghost"), { body: { name: "x" } });
    assert.equal(noDb.status, 404);
  });

  test("restores from a known backup", async () => {
    const r = await call(emu, "POST", P, {
      body: { name: "restored", backup_id: "bkp000000001", cluster_size: "PS_10" },
    });
    assert.equal(r.status, 201);
    assert.equal(r.body.restored_from_branch.name, "main");
    assert.equal(r.body.cluster_name, "PS_10");
  });

  test("parent must be ready: a fresh branch cannot be branched from until it is", async () => {
    emu.setReadyDelay(300);
    await call(emu, "POST", P, { body: { name: "slow-parent" } });
    const early = await call(emu, "POST", P, { body: { name: "slow-child", parent_branch: "slow-parent" } });
    assert.equal(early.status, 400);
    assert.equal(early.body.code, "bad_request");
    assert.match(early.body.message, /Parent branch slow-parent is still initializing/);
    emu.setReadyDelay(50);
    await waitReady(emu, "slow-parent");
    const later = await call(emu, "POST", P, { body: { name: "slow-child", parent_branch: "slow-parent" } });
    assert.equal(later.status, 201);
    assert.equal(later.body.parent_branch, "slow-parent");
  });

  test("paginates with the full envelope over 3+ pages, and filters by q and production", async () => {
    for (let i = 0; i < 7; i++) {
      assert.equal(
        (await call(emu, "POST", branchesPath("other"), { body: { name: `page-${i}` } })).status,
        201,
      );
    }
    const seen: string[] = [];
    let page: number | null = 1;
    let pages = 0;
    while (page !== null) {
      const r = await call(emu, "GET", `${branchesPath("other")}?per_page=3&page=${page}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.type, "list");
      assert.equal(r.body.current_page, page);
      assert.equal(r.body.per_page, 3);
      assert.equal(r.body.total_count, 8);
      assert.equal(r.body.total_pages, 3);
      assert.equal(r.body.prev_page, page === 1 ? null : page - 1);
      if (r.body.next_page === null) assert.equal(r.body.next_page_url, null);
      else assert.match(r.body.next_page_url, new RegExp(`page=${r.body.next_page}`));
      seen.push(...r.body.data.map((b: { name: string }) => b.name));
      page = r.body.next_page;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ["main", ...Array.from({ length: 7 }, (_, i) => `page-${i}`)]);
    const def = await call(emu, "GET", branchesPath("other"));
    assert.equal(def.body.per_page, 25);
    const capped = await call(emu, "GET", `${branchesPath("other")}?per_page=500`);
    assert.equal(capped.body.per_page, 100);
    const q = await call(emu, "GET", `${branchesPath("other")}?q=page-1`);
    assert.deepEqual(
      q.body.data.map((b: { name: string }) => b.name),
      ["page-1"],
    );
    const prod = await call(emu, "GET", `${branchesPath("other")}?production=true`);
    assert.deepEqual(
      prod.body.data.map((b: { name: string }) => b.name),
      ["main"],
    );
    const dev = await call(emu, "GET", `${branchesPath("other")}?production=false`);
    assert.equal(dev.body.total_count, 7);
    const desc = await call(emu, "GET", `${branchesPath("other")}?order=desc&per_page=1`);
    assert.equal(desc.body.data[0].name, "page-6");
    assert.equal((await call(emu, "GET", `${branchesPath("other")}?page=zero`)).status, 400);
    assert.equal((await call(emu, "GET", `${branchesPath("other")}?production=maybe`)).status, 400);
    const beyond = await call(emu, "GET", `${branchesPath("other")}?page=9&per_page=3`);
    assert.deepEqual(beyond.body.data, []);
    assert.equal(beyond.body.next_page, null);
  });

  test("gets a branch by name or by public id, and by id after a rename", async () => {
    const created = await call(emu, "POST", P, { body: { name: "rename-me" } });
    const id = created.body.id as string;
    assert.equal((await call(emu, "GET", `${P}/rename-me`)).body.id, id);
    assert.equal((await call(emu, "GET", `${P}/${id}`)).body.name, "rename-me");
    await waitReady(emu, id);
    const child = await call(emu, "POST", P, { body: { name: "rename-child", parent_branch: id } });
    assert.equal(child.status, 201);
    assert.equal(child.body.parent_branch, "rename-me");
    const renamed = await call(emu, "PATCH", `${P}/${id}`, { body: { new_name: "renamed" } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, "renamed");
    assert.equal(renamed.body.id, id);
    assert.equal((await call(emu, "GET", `${P}/${id}`)).body.name, "renamed");
    assert.equal((await call(emu, "GET", `${P}/rename-me`)).status, 404);
    assert.equal((await call(emu, "GET", `${P}/rename-child`)).body.parent_branch, "renamed");
    const bad = await call(emu, "PATCH", `${P}/${id}`, { body: { new_name: "Not OK" } });
    assert.equal(bad.status, 422);
    const dup = await call(emu, "PATCH", `${P}/${id}`, { body: { new_name: "main" } });
    assert.equal(dup.status, 422);
    const unknown = await call(emu, "PATCH", `${P}/${id}`, { body: { name: "x" } });
    assert.equal(unknown.status, 400);
    // Renaming the default branch moves the database's default_branch along.
    await call(emu, "PATCH", `${branchesPath("crowded")}/main`, { body: { new_name: "trunk" } });
    assert.equal(
      (await call(emu, "GET", "/organizations/acme/databases/crowded")).body.default_branch,
      "trunk",
    );
    await call(emu, "PATCH", `${branchesPath("crowded")}/trunk`, { body: { new_name: "main" } });
  });

  test("enforces the deletion rules", async () => {
    await call(emu, "POST", P, { body: { name: "del-parent" } });
    await waitReady(emu, "del-parent");
    await call(emu, "POST", P, { body: { name: "del-child", parent_branch: "del-parent" } });
    await waitReady(emu, "del-child");
    await call(emu, "POST", P, { body: { name: "del-grandchild", parent_branch: "del-child" } });

    const prod = await call(emu, "DELETE", `${P}/main`);
    assert.equal(prod.status, 422);
    assert.equal(prod.body.code, "unprocessable");

    const withKids = await call(emu, "DELETE", `${P}/del-parent`);
    assert.equal(withKids.status, 422);
    assert.match(withKids.body.message, /delete_descendants=true/);

    await call(emu, "PATCH", `${P}/del-grandchild`, { body: { deletion_protected: true } });
    const protectedDescendant = await call(emu, "DELETE", `${P}/del-parent?delete_descendants=true`);
    assert.equal(protectedDescendant.status, 422);
    assert.match(protectedDescendant.body.message, /del-grandchild has deletion protection/);
    const protectedSelf = await call(emu, "DELETE", `${P}/del-grandchild`);
    assert.equal(protectedSelf.status, 422);
    await call(emu, "PATCH", `${P}/del-grandchild`, { body: { deletion_protected: false } });

    const gone = await call(emu, "DELETE", `${P}/del-parent?delete_descendants=true`);
    assert.equal(gone.status, 204);
    assert.equal(gone.text, "");
    for (const n of ["del-parent", "del-child", "del-grandchild"]) {
      assert.equal((await call(emu, "GET", `${P}/${n}`)).status, 404);
    }
    assert.equal((await call(emu, "DELETE", `${P}/del-parent`)).status, 404);

    // A promoted branch is production: demote it before deleting.
    await call(emu, "POST", P, { body: { name: "promoted" } });
    await waitReady(emu, "promoted");
    assert.equal((await call(emu, "POST", `${P}/promoted/promote`)).body.production, true);
    assert.equal((await call(emu, "DELETE", `${P}/promoted`)).status, 422);
    assert.equal((await call(emu, "POST", `${P}/promoted/demote`)).body.production, false);
    assert.equal((await call(emu, "DELETE", `${P}/promoted`)).status, 204);
  });

  test("promote, demote and safe migrations need a ready branch", async () => {
    emu.setReadyDelay(10_000);
    await call(emu, "POST", P, { body: { name: "not-yet" } });
    emu.setReadyDelay(50);
    for (const [method, suffix] of [
      ["POST", "safe-migrations"],
      ["DELETE", "safe-migrations"],
      ["POST", "promote"],
    ] as const) {
      const r = await call(emu, method, `${P}/not-yet/${suffix}`);
      assert.equal(r.status, 422, `${method} ${suffix}`);
      assert.equal(r.body.code, "unprocessable");
    }
    const put = await call(emu, "PUT", `${P}/not-yet/safe-migrations`, { body: { safe_migrations: true } });
    assert.equal(put.status, 422);
    const demoteDefault = await call(emu, "POST", `${P}/main/demote`);
    assert.equal(demoteDefault.status, 422);
    const on = await call(emu, "POST", `${P}/main/safe-migrations`);
    assert.equal(on.body.safe_migrations, true);
    const putOff = await call(emu, "PUT", `${P}/main/safe-migrations`, { body: { safe_migrations: false } });
    assert.equal(putOff.body.safe_migrations, false);
    const putBad = await call(emu, "PUT", `${P}/main/safe-migrations`, { body: {} });
    assert.equal(putBad.status, 400);
    const filtered = await call(emu, "GET", `${P}?safe_migrations=true`);
    assert.equal(filtered.body.total_count, 0);
  });

  test("allows at most 100 development branches per database", async () => {
    const CP = branchesPath("crowded");
    for (let i = 0; i < 100; i++) {
      const r = await call(emu, "POST", CP, { body: { name: `dev-${i}` } });
      assert.equal(r.status, 201, r.text);
    }
    const over = await call(emu, "POST", CP, { body: { name: "dev-100" } });
    assert.equal(over.status, 422);
    assert.match(over.body.message, /maximum of 100 development branches/);
    const db = await call(emu, "GET", "/organizations/acme/databases/crowded");
    assert.equal(db.body.at_development_branch_usage_limit, true);
    assert.equal(db.body.development_branches_count, 100);
    await waitReady(emu, "dev-0", "crowded");
    assert.equal((await call(emu, "DELETE", `${CP}/dev-0`)).status, 204);
    assert.equal((await call(emu, "POST", CP, { body: { name: "dev-100" } })).status, 201);
  });

  test("create_database_if_missing creates the database with a production main", async () => {
    const r = await call(emu, "POST", branchesPath("fresh"), {
      body: { name: "feature", create_database_if_missing: true, kind: "mysql" },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.parent_branch, "main");
    const db = await call(emu, "GET", "/organizations/acme/databases/fresh");
    assert.equal(db.status, 200);
    assert.equal(db.body.default_branch, "main");
    const noKind = await call(emu, "POST", branchesPath("fresh2"), {
      body: { name: "feature", create_database_if_missing: true },
    });
    assert.equal(noKind.status, 422);
  });
});
