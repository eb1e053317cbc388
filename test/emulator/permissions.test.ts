/**
 * Authentication and the permission matrix: each operation succeeds with exactly one of the
 * accesses the spec lists for it, and answers 404 (PlanetScale's "no access") without them.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type Emulator, OPERATION_ACCESSES } from "../../emulator/index";
import { branchesPath, call, makeToken, waitReady } from "../support/api";
import { ADMIN, type Credential, emulator } from "../support/emulator";
import { specAvailable, specServiceTokenAccesses } from "../support/openapi";

const P = branchesPath();
const T = "/organizations/acme/service-tokens";

interface Case {
  op: string;
  /** Prepares a fresh target; returns [method, path, body?]. */
  request: () => Promise<[string, string, unknown?]>;
  ok: number;
}

describe("authentication and permissions", { concurrency: true }, () => {
  let emu: Emulator;
  let n = 0;
  const fresh = async (ready = true): Promise<string> => {
    const name = `perm-${n++}`;
    const r = await call(emu, "POST", P, { body: { name } });
    assert.equal(r.status, 201, r.text);
    if (ready) await waitReady(emu, name);
    return name;
  };
  const freshProduction = async (): Promise<string> => {
    const name = await fresh();
    await call(emu, "POST", `${P}/${name}/promote`);
    return name;
  };
  const freshToken = async (): Promise<string> =>
    (await call(emu, "POST", T, { body: { name: "victim" } })).body.id;

  before(async () => {
    emu = await emulator({
      readyDelayMs: 5,
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              { name: "app", backups: [{ id: "bkp000000001", branch: "main" }] },
              { name: "other" },
            ],
            serviceTokens: [
              {
                id: "seededreader",
                token: "pscale_tkn_seeded_reader_secret_0000000000",
                accesses: [{ access: "read_branch", database: "app" }],
              },
            ],
          },
          { name: "globex", databases: [{ name: "web" }] },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("the permission table matches the spec's Authorization blocks", { skip: !specAvailable }, () => {
    let compared = 0;
    for (const [op, accesses] of Object.entries(OPERATION_ACCESSES)) {
      // Organization reads are open to any credential of the org (by design); the grant and diff
      // endpoints are not in the spec; safe-migrations operations document no accesses.
      if (accesses === "any-credential" || /_accesses$|_grants$|_diff$/.test(op)) continue;
      const fromSpec = specServiceTokenAccesses(op);
      if (fromSpec === null) continue;
      assert.deepEqual([...accesses].sort(), [...fromSpec].sort(), op);
      compared++;
    }
    // At least the branch, resize and token operations documented with accesses were compared.
    assert.ok(compared >= 18, `only ${compared} operations compared`);
  });

  test("rejects missing, malformed, unknown and wrong credentials with 401 unauthorized", async () => {
    const headers = [
      undefined,
      "",
      "Token abc",
      "justonepart",
      "id:",
      ":secret",
      "Bearer",
      "nosuchtoken0:pscale_tkn_x",
      `${ADMIN.id}:wrong`,
      "Bearer pscale_tkn_not_a_real_one",
      "seededreader:pscale_tkn_wrong",
    ];
    for (const h of headers) {
      const r = await call(emu, "GET", "/organizations", {
        cred: null,
        ...(h === undefined ? {} : { headers: { authorization: h } }),
      });
      assert.equal(r.status, 401, `header ${JSON.stringify(h)}`);
      assert.equal(r.body.code, "unauthorized");
      assert.equal(typeof r.body.message, "string");
    }
  });

  test("a token with only read_branch on app lists app's branches, but gets 404 creating one or listing other's", async () => {
    const cred = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    const list = await call(emu, "GET", P, { cred });
    assert.equal(list.status, 200);
    assert.ok(list.body.data.some((b: { name: string }) => b.name === "main"));
    const create = await call(emu, "POST", P, { cred, body: { name: "sneaky" } });
    assert.equal(create.status, 404);
    assert.deepEqual(create.body, { code: "not_found", message: "Not Found" });
    const other = await call(emu, "GET", branchesPath("other"), { cred });
    assert.equal(other.status, 404);
    assert.deepEqual(other.body, { code: "not_found", message: "Not Found" });
    // Same for a seeded token with a fixed secret.
    const seeded: Credential = { id: "seededreader", token: "pscale_tkn_seeded_reader_secret_0000000000" };
    assert.equal((await call(emu, "GET", P, { cred: seeded })).status, 200);
    assert.equal((await call(emu, "POST", P, { cred: seeded, body: { name: "nope" } })).status, 404);
  });

  test("any valid credential of an organization may read it; other organizations are 404", async () => {
    const cred = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    assert.equal((await call(emu, "GET", "/organizations/acme", { cred })).status, 200);
    assert.equal((await call(emu, "GET", "/organizations/globex", { cred })).status, 404);
    assert.equal(
      (await call(emu, "GET", "/organizations/globex/databases/web/branches", { cred })).status,
      404,
    );
    const orgs = await call(emu, "GET", "/organizations", { cred });
    assert.deepEqual(
      orgs.body.data.map((o: { name: string }) => o.name),
      ["acme"],
    );
    const adminOrgs = await call(emu, "GET", "/organizations");
    assert.deepEqual(
      adminOrgs.body.data.map((o: { name: string }) => o.name),
      ["acme", "globex"],
    );
    const none = await makeToken(emu, []);
    const dbs = await call(emu, "GET", "/organizations/acme/databases", { cred: none });
    assert.equal(dbs.status, 200);
    assert.deepEqual(dbs.body.data, []);
    const reader = await makeToken(emu, [{ access: ["read_databases"] }]);
    const all = await call(emu, "GET", "/organizations/acme/databases", { cred: reader });
    assert.equal(all.body.data.length, 2);
    assert.equal(
      (await call(emu, "GET", "/organizations/acme/databases/other", { cred: reader })).status,
      200,
    );
  });

  const cases: Case[] = [
    { op: "list_databases", request: async () => ["GET", "/organizations/acme/databases/app"], ok: 200 },
    { op: "list_branches", request: async () => ["GET", P], ok: 200 },
    { op: "get_branch", request: async () => ["GET", `${P}/main`], ok: 200 },
    {
      op: "update_branch",
      request: async () => ["PATCH", `${P}/main`, { deletion_protected: false }],
      ok: 200,
    },
    { op: "delete_branch", request: async () => ["DELETE", `${P}/${await fresh(false)}`], ok: 204 },
    { op: "promote_branch", request: async () => ["POST", `${P}/${await fresh()}/promote`], ok: 200 },
    { op: "demote_branch", request: async () => ["POST", `${P}/${await freshProduction()}/demote`], ok: 200 },
    { op: "enable_safe_migrations", request: async () => ["POST", `${P}/main/safe-migrations`], ok: 200 },
    { op: "disable_safe_migrations", request: async () => ["DELETE", `${P}/main/safe-migrations`], ok: 200 },
    {
      op: "update_safe_migrations",
      request: async () => ["PUT", `${P}/main/safe-migrations`, { safe_migrations: true }],
      ok: 200,
    },
    { op: "list_service_tokens", request: async () => ["GET", T], ok: 200 },
    { op: "create_service_token", request: async () => ["POST", T, { name: "x" }], ok: 200 },
    { op: "get_service_token", request: async () => ["GET", `${T}/${await freshToken()}`], ok: 200 },
    { op: "delete_service_token", request: async () => ["DELETE", `${T}/${await freshToken()}`], ok: 204 },
    {
      op: "get_service_token_accesses",
      request: async () => ["GET", `${T}/${await freshToken()}/access`],
      ok: 200,
    },
    {
      op: "list_service_token_grants",
      request: async () => ["GET", `${T}/${await freshToken()}/grants`],
      ok: 200,
    },
    {
      op: "delete_service_token_accesses",
      request: async () => ["DELETE", `${T}/${await freshToken()}/access`, { access: ["read_branch"] }],
      ok: 200,
    },
  ];

  for (const c of cases) {
    test(`${c.op}: each listed access suffices; none of them → 404`, async () => {
      const listed = OPERATION_ACCESSES[c.op === "list_databases" ? "get_database" : c.op];
      assert.ok(Array.isArray(listed));
      const orgLevel = c.op.includes("service_token");
      for (const access of listed) {
        const cred = await makeToken(emu, [
          orgLevel ? { access: [access] } : { access: [access], database: "app" },
        ]);
        const [method, path, body] = await c.request();
        const r = await call(emu, method, path, { cred, ...(body === undefined ? {} : { body }) });
        assert.equal(r.status, c.ok, `${c.op} with ${access}: ${r.text}`);
      }
      // Everything except the listed accesses, at the same level: still 404.
      const everythingElse =
        orgLevel || c.op === "list_databases"
          ? { access: ["read_organization", "read_invoices", "write_teams"] }
          : { access: ["read_comment", "write_backups"], database: "app" };
      const cred = await makeToken(emu, [everythingElse]);
      const [method, path, body] = await c.request();
      const r = await call(emu, method, path, { cred, ...(body === undefined ? {} : { body }) });
      assert.equal(r.status, 404, `${c.op} without access: ${r.text}`);
      assert.equal(r.body.code, "not_found");
      if (!orgLevel) {
        // The right access on another database does not count.
        const elsewhere = await makeToken(emu, [{ access: [...listed], database: "other" }]);
        const [m2, p2, b2] = await c.request();
        const r2 = await call(emu, m2, p2, { cred: elsewhere, ...(b2 === undefined ? {} : { body: b2 }) });
        assert.equal(r2.status, 404, `${c.op} with access on another database`);
      }
    });
  }

  test("create_branch: create_branch for a plain branch; restore_backup / restore_production_branch_backup for backups", async () => {
    const creator = await makeToken(emu, [{ access: ["create_branch"], database: "app" }]);
    assert.equal((await call(emu, "POST", P, { cred: creator, body: { name: "by-creator" } })).status, 201);
    const restoreBody = { name: "", backup_id: "bkp000000001", cluster_size: "PS_10" };
    assert.equal(
      (await call(emu, "POST", P, { cred: creator, body: { ...restoreBody, name: "by-creator-restore" } }))
        .status,
      404,
    );
    for (const access of ["restore_backup", "restore_production_branch_backup"]) {
      const restorer = await makeToken(emu, [{ access: [access], database: "app" }]);
      const r = await call(emu, "POST", P, {
        cred: restorer,
        body: { ...restoreBody, name: `by-${access.replace(/_/g, "-")}` },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal((await call(emu, "POST", P, { cred: restorer, body: { name: "plain" } })).status, 404);
    }
    const none = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    assert.equal((await call(emu, "POST", P, { cred: none, body: { name: "x" } })).status, 404);
  });

  test("add_service_token_accesses needs write_service_tokens at organization level", async () => {
    const writer = await makeToken(emu, [{ access: ["write_service_tokens", "read_branch"] }]);
    const target = await freshToken();
    const ok = await call(emu, "POST", `${T}/${target}/access`, {
      cred: writer,
      body: { access: ["read_branch"] },
    });
    assert.equal(ok.status, 200);
    const reader = await makeToken(emu, [{ access: ["read_service_tokens", "read_branch"] }]);
    const no = await call(emu, "POST", `${T}/${target}/access`, {
      cred: reader,
      body: { access: ["read_branch"] },
    });
    assert.equal(no.status, 404);
    const onlyAdmin = await call(emu, "POST", `${T}/${target}/access`, {
      cred: await makeToken(emu, [{ access: ["write_service_tokens"] }]),
      body: { access: ["create_databases"] },
    });
    assert.equal(onlyAdmin.status, 403);
  });
});
