/**
 * Branch passwords (MySQL) and roles (Postgres) in the emulator: the plaintext only in the create
 * answer, authentication-relevant behaviour (`checkConnection`: a deleted or expired credential
 * stops working, a renamed branch keeps its credentials), kind checks, and the request bodies the
 * official clients send.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitFor, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

const passwords = (branch = "main", db = "app") => `${branchesPath(db)}/${branch}/passwords`;
const roles = (branch = "main", db = "pg-app") => `${branchesPath(db)}/${branch}/roles`;

/** Polls the emulator's login check until `want` (an expiry is a condition to wait on, not a timer). */
function waitForValidity(emu: Emulator, username: string, password: string, want: boolean): Promise<void> {
  return waitFor(
    `the credential to become ${want ? "valid" : "invalid"}`,
    () => emu.checkConnection(username, password).valid === want,
    { intervalMs: 50 },
  );
}

describe("emulator: branch passwords and roles", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("replays planetscale-go's password create body and shows the plaintext only once", async () => {
    // planetscale-go (planetscale/passwords.go) marshals DatabaseBranchPasswordRequest:
    // `name` always, `role`, `ttl` and `replica` with omitempty.
    const created = await call(emu, "POST", passwords(), {
      body: { role: "reader", name: "pr-1", ttl: 3600 },
    });
    assert.equal(created.status, 201, created.text);
    const { id, username, plain_text: secret } = created.body;
    assert.match(secret, /^pscale_pw_/);
    assert.equal(created.body.role, "reader");
    assert.equal(created.body.renewable, true);
    assert.deepEqual(emu.checkConnection(username, secret), {
      valid: true,
      kind: "mysql",
      organization: "acme",
      database: "app",
      branch: "main",
      credentialId: id,
    });
    assert.equal(emu.checkConnection(username, `${secret}x`).valid, false);
    const got = await call(emu, "GET", `${passwords()}/${id}`);
    assert.equal(got.body.plain_text, null);
    const listed = await call(emu, "GET", passwords());
    assert.ok(listed.body.data.every((p: { plain_text: unknown }) => p.plain_text === null));
    assert.ok(!JSON.stringify(emu.snapshot()).includes(secret), "the snapshot never holds a secret");

    // An empty name (what planetscale-go sends when none is given) gets a generated one.
    const unnamed = await call(emu, "POST", passwords(), { body: { name: "" } });
    assert.equal(unnamed.status, 201);
    assert.notEqual(unnamed.body.name, "");
    assert.equal(unnamed.body.role, "admin");
  });

  test("a deleted password stops authenticating at once", async () => {
    const c = await call(emu, "POST", passwords(), { body: { name: "gone", role: "writer" } });
    assert.equal(emu.checkConnection(c.body.username, c.body.plain_text).valid, true);
    assert.equal((await call(emu, "DELETE", `${passwords()}/${c.body.id}`)).status, 204);
    assert.deepEqual(emu.checkConnection(c.body.username, c.body.plain_text), {
      valid: false,
      reason: "access denied: unknown username or wrong password",
    });
    assert.equal((await call(emu, "GET", `${passwords()}/${c.body.id}`)).status, 404);
  });

  test("an expired credential stops authenticating and can no longer be renewed", async () => {
    const c = await call(emu, "POST", passwords(), { body: { name: "short", ttl: 1 } });
    await waitForValidity(emu, c.body.username, c.body.plain_text, false);
    assert.deepEqual(emu.checkConnection(c.body.username, c.body.plain_text), {
      valid: false,
      reason: "access denied: the credential has expired",
    });
    const got = await call(emu, "GET", `${passwords()}/${c.body.id}`);
    assert.equal(got.body.expired, true);
    const renewed = await call(emu, "POST", `${passwords()}/${c.body.id}/renew`);
    assert.equal(renewed.status, 422);
  });

  test("renew moves the expiry to now + ttl; a password without ttl is not renewable", async () => {
    const c = await call(emu, "POST", passwords(), { body: { name: "renew", ttl: 3600 } });
    const renewed = await call(emu, "POST", `${passwords()}/${c.body.id}/renew`);
    assert.equal(renewed.status, 200);
    assert.ok(Date.parse(renewed.body.expires_at) >= Date.parse(c.body.expires_at));
    const forever = await call(emu, "POST", passwords(), { body: { name: "forever" } });
    assert.equal(forever.body.expires_at, null);
    assert.equal((await call(emu, "POST", `${passwords()}/${forever.body.id}/renew`)).status, 422);
  });

  test("credentials follow their branch: kept across a rename, gone with the branch", async () => {
    assert.equal((await call(emu, "POST", branchesPath(), { body: { name: "pr-7" } })).status, 201);
    await waitReady(emu, "pr-7");
    const c = await call(emu, "POST", passwords("pr-7"), { body: { name: "app" } });
    const renamed = await call(emu, "PATCH", `${branchesPath()}/pr-7`, { body: { new_name: "pr-7b" } });
    assert.equal(renamed.status, 200);
    assert.equal(emu.checkConnection(c.body.username, c.body.plain_text).valid, true);
    // Addressed by the branch's new name or its id.
    assert.equal((await call(emu, "GET", `${passwords("pr-7b")}/${c.body.id}`)).status, 200);
    assert.equal((await call(emu, "GET", `${passwords(renamed.body.id)}/${c.body.id}`)).status, 200);
    assert.equal((await call(emu, "DELETE", `${branchesPath()}/pr-7b`)).status, 204);
    assert.equal(emu.checkConnection(c.body.username, c.body.plain_text).valid, false);
  });

  test("replays the Terraform provider's role body; the password is only in the create answer", async () => {
    // terraform-provider-planetscale's planetscale_postgres_branch_role sends name, ttl, inherited_roles.
    const created = await call(emu, "POST", roles(), {
      body: { name: "pr-1", ttl: 3600, inherited_roles: ["pg_read_all_data", "pg_write_all_data"] },
    });
    assert.equal(created.status, 200, created.text);
    const { id, username, password } = created.body;
    assert.match(username, /^pscale_api_[a-z0-9]+\.[a-z0-9]+$/);
    assert.equal(emu.checkConnection(username, password).valid, true);
    assert.match(JSON.stringify(emu.checkConnection(username, password)), /"kind":"postgresql"/);
    assert.equal((await call(emu, "GET", `${roles()}/${id}`)).body.password, "");
    assert.equal((await call(emu, "DELETE", `${roles()}/${id}`)).status, 204);
    assert.equal(emu.checkConnection(username, password).valid, false);
    const badRole = await call(emu, "POST", roles(), { body: { inherited_roles: ["superuser"] } });
    assert.equal(badRole.status, 400);
  });

  test("passwords live on MySQL databases and roles on Postgres ones (422 otherwise)", async () => {
    const onPg = await call(emu, "POST", passwords("main", "pg-app"), { body: { name: "x" } });
    assert.equal(onPg.status, 422);
    assert.match(onPg.body.message, /PostgreSQL database: it has roles/);
    const onMysql = await call(emu, "POST", roles("main", "app"), { body: { name: "x" } });
    assert.equal(onMysql.status, 422);
    assert.match(onMysql.body.message, /MySQL \(Vitess\) database: it has passwords/);
  });

  test("Postgres branches: created, renamed, protected, deleted; Vitess-only features refused", async () => {
    const created = await call(emu, "POST", branchesPath("pg-app"), { body: { name: "pg-pr" } });
    assert.equal(created.status, 201);
    assert.equal(created.body.kind, "postgresql");
    await waitReady(emu, "pg-pr", "pg-app");
    const seeded = await call(emu, "POST", branchesPath("pg-app"), {
      body: { name: "pg-seeded", seed_data: "last_successful_backup" },
    });
    assert.equal(seeded.status, 422);
    const safe = await call(emu, "POST", `${branchesPath("pg-app")}/pg-pr/safe-migrations`);
    assert.equal(safe.status, 422);
    assert.match(safe.body.message, /only available for Vitess/);
    const renamed = await call(emu, "PATCH", `${branchesPath("pg-app")}/pg-pr`, {
      body: { new_name: "pg-pr2", deletion_protected: true },
    });
    assert.equal(renamed.body.name, "pg-pr2");
    assert.equal(renamed.body.deletion_protected, true);
    assert.equal((await call(emu, "DELETE", `${branchesPath("pg-app")}/pg-pr2`)).status, 422);
    await call(emu, "PATCH", `${branchesPath("pg-app")}/pg-pr2`, { body: { deletion_protected: false } });
    assert.equal((await call(emu, "DELETE", `${branchesPath("pg-app")}/pg-pr2`)).status, 204);
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/pg-app")).body.kind, "postgresql");
  });

  test("needs the spec's accesses: connect_branch creates passwords, create_branch_password roles", async () => {
    const reader = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    assert.equal((await call(emu, "POST", passwords(), { cred: reader, body: { name: "x" } })).status, 404);
    const connector = await makeToken(emu, [{ access: ["connect_branch"], database: "app" }]);
    assert.equal(
      (await call(emu, "POST", passwords(), { cred: connector, body: { name: "x" } })).status,
      201,
    );
    const pg = await makeToken(emu, [{ access: ["create_branch_password"], database: "pg-app" }]);
    assert.equal((await call(emu, "POST", roles(), { cred: pg, body: { name: "x" } })).status, 200);
  });

  test("POST /_emulator/connections answers the same check over HTTP", async () => {
    const c = await call(emu, "POST", passwords(), { body: { name: "http" } });
    const check = async (body: unknown) =>
      fetch(`${emu.url}/_emulator/connections`, { method: "POST", body: JSON.stringify(body) });
    const ok = await check({ username: c.body.username, password: c.body.plain_text });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { valid: boolean }).valid, true);
    assert.equal((await check({ username: 1 })).status, 400);
  });
});
