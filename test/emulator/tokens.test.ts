/** Service tokens: plaintext only on create, ttl/expiry, deletion, grants (org vs database level), /access and /grants. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor } from "../support/api";
import { ADMIN, emulator } from "../support/emulator";

const T = "/organizations/acme/service-tokens";

describe("service tokens", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [{ name: "app" }, { name: "other" }],
            serviceTokens: [
              {
                id: "expiredtoken",
                token: "pscale_tkn_expired_secret_000000000000000",
                expiresAt: "2020-01-01T00:00:00Z",
                accesses: [{ access: "read_branch", database: "app" }],
              },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("returns the plaintext token only in the create response", async () => {
    const created = await call(emu, "POST", T, { body: { name: "ci", ttl: 3600 } });
    assert.equal(created.status, 200);
    const t = created.body;
    assert.match(t.id, /^[a-z0-9]{12}$/);
    assert.match(t.token, /^pscale_tkn_[A-Za-z0-9]{32,}$/);
    assert.equal(t.name, "ci");
    assert.equal(t.display_name, "ci");
    assert.deepEqual(t.service_token_accesses, []);
    const ttl = Date.parse(t.expires_at) - Date.parse(t.created_at);
    assert.equal(ttl, 3600 * 1000);
    const got = await call(emu, "GET", `${T}/${t.id}`);
    assert.equal(got.body.token, null);
    const listed = await call(emu, "GET", T);
    const item = listed.body.data.find((x: { id: string }) => x.id === t.id);
    assert.equal(item.token, null);
    assert.ok(!listed.text.includes(t.token), "the secret never appears again");
    assert.ok(!JSON.stringify(emu.snapshot()).includes(t.token), "nor in the snapshot");
    assert.ok(
      !listed.body.data.some((x: { id: string }) => x.id === ADMIN.id),
      "the admin credential is not listed",
    );
  });

  test("a token without ttl never expires; name may be omitted", async () => {
    const r = await call(emu, "POST", T, {});
    assert.equal(r.status, 200);
    assert.equal(r.body.expires_at, null);
    assert.equal(r.body.name, null);
    assert.equal(r.body.display_name, r.body.id);
  });

  test("validates the create body", async () => {
    assert.equal((await call(emu, "POST", T, { body: { ttl: "soon" } })).status, 400);
    assert.equal((await call(emu, "POST", T, { body: { ttl: -5 } })).status, 422);
    assert.equal((await call(emu, "POST", T, { body: { ttl: 1.5 } })).status, 422);
    assert.equal((await call(emu, "POST", T, { body: { name: "" } })).status, 422);
    assert.equal((await call(emu, "POST", T, { body: { scopes: ["admin"] } })).status, 400);
  });

  test("authenticates a new token right away, and 401s once it is deleted", async () => {
    const cred = await makeToken(emu, [{ access: ["read_organization"] }]);
    assert.equal((await call(emu, "GET", "/organizations/acme", { cred })).status, 200);
    assert.equal((await call(emu, "DELETE", `${T}/${cred.id}`)).status, 204);
    const after = await call(emu, "GET", "/organizations/acme", { cred });
    assert.equal(after.status, 401);
    assert.equal(after.body.code, "unauthorized");
    assert.equal((await call(emu, "GET", `${T}/${cred.id}`)).status, 404);
    assert.equal((await call(emu, "DELETE", `${T}/${cred.id}`)).status, 404);
  });

  test("an expired token answers 401 (a token past its ttl, and a seeded one)", async () => {
    const cred = await makeToken(emu, [{ access: ["read_branch"], database: "app" }], { ttl: 1 });
    assert.equal((await call(emu, "GET", branchesPath(), { cred })).status, 200);
    const expired = { id: "expiredtoken", token: "pscale_tkn_expired_secret_000000000000000" };
    const seeded = await call(emu, "GET", branchesPath(), { cred: expired });
    assert.equal(seeded.status, 401);
    assert.deepEqual(seeded.body, { code: "unauthorized", message: "The service token has expired" });
    // The expiry is a condition to wait on, not a delay to sleep through.
    await waitFor(
      "the 1 s token to expire",
      async () => (await call(emu, "GET", branchesPath(), { cred })).status === 401,
    );
    const r = await call(emu, "GET", branchesPath(), { cred });
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, { code: "unauthorized", message: "The service token has expired" });
  });

  test("grants: GET/POST/DELETE …/access and GET …/grants, org vs database level", async () => {
    const t = (await call(emu, "POST", T, { body: { name: "grants" } })).body;
    const A = `${T}/${t.id}/access`;
    const add = await call(emu, "POST", A, {
      body: { database: "app", access: ["read_branch", "create_branch"] },
    });
    assert.equal(add.status, 200);
    assert.equal(add.body.type, "list");
    assert.deepEqual(
      add.body.data.map((a: { access: string }) => a.access),
      ["read_branch", "create_branch"],
    );
    assert.equal(add.body.data[0].type, "DatabaseAccess");
    assert.equal(add.body.data[0].resource.type, "Database");
    assert.equal(add.body.data[0].resource.name, "app");
    // planetscale-go always sends "database": "" for organization level.
    const org = await call(emu, "POST", A, { body: { database: "", access: ["read_service_tokens"] } });
    assert.equal(org.status, 200);
    assert.equal(org.body.data[0].type, "OrganizationAccess");
    // Granting twice is idempotent.
    await call(emu, "POST", A, { body: { database: "app", access: ["read_branch"] } });
    const all = await call(emu, "GET", A);
    assert.equal(all.body.data.length, 3);
    const grants = await call(emu, "GET", `${T}/${t.id}/grants`);
    assert.equal(grants.status, 200);
    const byType = Object.fromEntries(
      grants.body.data.map((g: { resource_type: string; accesses: { access: string }[] }) => [
        g.resource_type,
        g.accesses.map((a) => a.access).sort(),
      ]),
    );
    assert.deepEqual(byType, {
      Database: ["create_branch", "read_branch"],
      Organization: ["read_service_tokens"],
    });
    for (const g of grants.body.data) assert.match(g.id, /^[a-z0-9]{12}$/);
    const got = await call(emu, "GET", `${T}/${t.id}`);
    assert.equal(got.body.service_token_accesses.length, 3);

    // DELETE with a JSON body removes exactly those accesses at that level.
    const del = await call(emu, "DELETE", A, { body: { database: "app", access: ["create_branch"] } });
    assert.equal(del.status, 200);
    assert.deepEqual(del.body.data.map((a: { access: string }) => a.access).sort(), [
      "read_branch",
      "read_service_tokens",
    ]);
    const delOrgLevel = await call(emu, "DELETE", A, { body: { access: ["read_branch"] } });
    assert.equal(delOrgLevel.body.data.length, 2, "an org-level delete leaves the database-level grant");

    const unknown = await call(emu, "POST", A, { body: { access: ["read_everything"] } });
    assert.equal(unknown.status, 422);
    assert.match(unknown.body.message, /Unknown access: read_everything/);
    const orgOnDb = await call(emu, "POST", A, {
      body: { database: "app", access: ["read_service_tokens"] },
    });
    assert.equal(orgOnDb.status, 422);
    const noDb = await call(emu, "POST", A, { body: { database: "ghost", access: ["read_branch"] } });
    assert.equal(noDb.status, 404);
    const empty = await call(emu, "POST", A, { body: { access: [] } });
    assert.equal(empty.status, 400);
    const noToken = await call(emu, "POST", `${T}/zzzzzzzzzzzz/access`, {
      body: { access: ["read_branch"] },
    });
    assert.equal(noToken.status, 404);
  });

  test("a database-level grant applies to that database only; an org-level one to all", async () => {
    const dbLevel = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    assert.equal((await call(emu, "GET", branchesPath("app"), { cred: dbLevel })).status, 200);
    assert.equal((await call(emu, "GET", branchesPath("other"), { cred: dbLevel })).status, 404);
    const orgLevel = await makeToken(emu, [{ access: ["read_branch"] }]);
    assert.equal((await call(emu, "GET", branchesPath("app"), { cred: orgLevel })).status, 200);
    assert.equal((await call(emu, "GET", branchesPath("other"), { cred: orgLevel })).status, 200);
    const dbs = await call(emu, "GET", "/organizations/acme/databases", { cred: dbLevel });
    assert.deepEqual(
      dbs.body.data.map((d: { name: string }) => d.name),
      ["app"],
    );
  });

  test("you may only grant accesses you hold yourself", async () => {
    const granter = await makeToken(emu, [
      { access: ["write_service_tokens", "read_service_tokens"] },
      { access: ["read_branch"], database: "app" },
    ]);
    const target = (await call(emu, "POST", T, { body: { name: "target" }, cred: granter })).body;
    assert.ok(target.token, "a token with write_service_tokens can create tokens");
    assert.equal(target.actor_id, granter.id);
    const A = `${T}/${target.id}/access`;
    const ok = await call(emu, "POST", A, {
      cred: granter,
      body: { database: "app", access: ["read_branch"] },
    });
    assert.equal(ok.status, 200);
    const wider = await call(emu, "POST", A, { cred: granter, body: { access: ["read_branch"] } });
    assert.equal(wider.status, 403, "database-level holder cannot grant it org-wide");
    assert.equal(wider.body.code, "forbidden");
    assert.match(
      wider.body.message,
      /You may only add service token accesses that you are also authorized to do/,
    );
    const other = await call(emu, "POST", A, {
      cred: granter,
      body: { database: "other", access: ["read_branch"] },
    });
    assert.equal(other.status, 403);
    const more = await call(emu, "POST", A, {
      cred: granter,
      body: { database: "app", access: ["delete_branch"] },
    });
    assert.equal(more.status, 403);
    const del = await call(emu, "DELETE", `${T}/${target.id}`, { cred: granter });
    assert.equal(del.status, 404, "no delete_service_tokens → 404");
  });

  test("Bearer <token> works for the admin credential and for API-created tokens", async () => {
    const admin = await call(emu, "GET", "/organizations", {
      cred: null,
      headers: { authorization: `Bearer ${ADMIN.token}` },
    });
    assert.equal(admin.status, 200);
    const cred = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    const r = await call(emu, "GET", branchesPath(), {
      cred: null,
      headers: { authorization: `Bearer ${cred.token}` },
    });
    assert.equal(r.status, 200);
    assert.equal(emu.requests().at(-1)?.credentialId, cred.id);
    const last = await call(emu, "GET", `${T}/${cred.id}`);
    assert.ok(last.body.last_used_at, "last_used_at is set once the token is used");
  });
});
