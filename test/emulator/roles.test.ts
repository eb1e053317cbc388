/**
 * Postgres roles as PlanetScale has them: every field they accept kept and returned, renames and
 * query-safety changes in place, a reset password, the branch's default `postgres` role, and
 * objects a role owns: PlanetScale's 422 "Role is still referenced and cannot be dropped." until a
 * `successor` takes them (on delete or through `…/reassign`).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken } from "../support/api";
import { emulator } from "../support/emulator";

const roles = (path = "") => `${branchesPath("pg-app")}/main/roles${path}`;

/** Creates a role (as the admin) and returns the create answer (with its password). */
// biome-ignore lint/suspicious/noExplicitAny: the role object as the API answers it
async function newRole(emu: Emulator, body: Record<string, unknown> = {}): Promise<any> {
  const created = await call(emu, "POST", roles(), { body: { name: "app", ...body } });
  assert.equal(created.status, 200, created.text);
  return created.body;
}

describe("emulator: Postgres role fields, ownership and resets", () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator();
  });
  after(() => emu.stop());

  test("with_replication, require_where_on_* and inherited_roles are stored and returned", async () => {
    const role = await newRole(emu, {
      inherited_roles: ["pg_read_all_data", "pscale_managed"],
      with_replication: true,
      require_where_on_delete: "on",
      require_where_on_update: "warn",
    });
    for (const answer of [role, (await call(emu, "GET", roles(`/${role.id}`))).body]) {
      assert.deepEqual(
        [answer.with_replication, answer.query_safety_settings, answer.inherited_roles],
        [
          true,
          { require_where_on_delete: "on", require_where_on_update: "warn" },
          ["pg_read_all_data", "pscale_managed"],
        ],
      );
    }
    const plain = await newRole(emu);
    assert.deepEqual(
      [plain.with_replication, plain.query_safety_settings],
      [false, { require_where_on_delete: "off", require_where_on_update: "off" }],
    );
    const bad = await call(emu, "POST", roles(), { body: { require_where_on_delete: "always" } });
    assert.equal(bad.status, 422);
    assert.match(bad.body.message, /require_where_on_delete must be one of off, warn, on/);
  });

  test("update_role renames and changes query safety in place; the password keeps working", async () => {
    const role = await newRole(emu);
    const updated = await call(emu, "PATCH", roles(`/${role.id}`), {
      body: { name: "app-renamed", require_where_on_update: "on" },
    });
    assert.equal(updated.status, 200, updated.text);
    assert.deepEqual(
      [updated.body.id, updated.body.name, updated.body.username, updated.body.password],
      [role.id, "app-renamed", role.username, ""],
    );
    assert.deepEqual(updated.body.query_safety_settings, {
      require_where_on_delete: "off",
      require_where_on_update: "on",
    });
    assert.equal(emu.checkConnection(role.username, role.password).valid, true);
    assert.equal((await call(emu, "PATCH", roles(`/${role.id}`), { body: { name: "" } })).status, 422);
  });

  test("reset_role gives a new password once; the old one stops working", async () => {
    const role = await newRole(emu);
    const reset = await call(emu, "POST", roles(`/${role.id}/reset`));
    assert.equal(reset.status, 200, reset.text);
    assert.match(reset.body.password, /^pscale_pw_/);
    assert.notEqual(reset.body.password, role.password);
    assert.equal(emu.checkConnection(role.username, role.password).valid, false);
    assert.equal(emu.checkConnection(role.username, reset.body.password).valid, true);
    assert.equal((await call(emu, "GET", roles(`/${role.id}`))).body.password, "");
  });

  test("a role that owns tables cannot be dropped without a successor: PlanetScale's 422", async () => {
    const role = await newRole(emu);
    // A client logged in as the role creates a table (the emulator's stand-in for CREATE TABLE).
    const login = emu.checkConnection(role.username, role.password, { createTables: ["orders"] });
    assert.equal(login.valid, true);
    const refused = await call(emu, "DELETE", roles(`/${role.id}`));
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body, {
      code: "unprocessable",
      message: "Role is still referenced and cannot be dropped.",
    });
    assert.match(refused.headers.get("x-emulator-reason") ?? "", /owns orders; pass successor/);
    assert.equal(emu.checkConnection(role.username, role.password).valid, true, "the role is still there");

    // The spec's `?successor=`: the objects go to the default postgres role, then the role goes.
    const deleted = await call(emu, "DELETE", roles(`/${role.id}?successor=postgres`));
    assert.equal(deleted.status, 204, deleted.text);
    assert.equal(emu.checkConnection(role.username, role.password).valid, false);
    const owner = emu.snapshot().roles.find((r) => r.database === "pg-app" && r.default);
    assert.deepEqual(owner?.ownedObjects, ["orders"]);
  });

  test("successor in the body (pscale, Terraform) and by another role's id or username", async () => {
    const heir = await newRole(emu, { name: "heir" });
    const leaving = await newRole(emu, { name: "leaving" });
    emu.createTablesAs(leaving.id, ["events", "users"]);
    const [base] = heir.username.split(".");
    const deleted = await call(emu, "DELETE", roles(`/${leaving.id}`), { body: { successor: base } });
    assert.equal(deleted.status, 204, deleted.text);
    assert.deepEqual(emu.snapshot().roles.find((r) => r.id === heir.id)?.ownedObjects, ["events", "users"]);

    for (const [successor, message] of [
      ["nobody", /Successor role nobody does not exist/],
      [heir.id, /its own successor/],
    ] as const) {
      const refused = await call(emu, "DELETE", roles(`/${heir.id}?successor=${successor}`));
      assert.equal(refused.status, 422);
      assert.match(refused.body.message, message);
    }
  });

  test("reassign_role_objects hands the objects over and leaves the role deletable", async () => {
    const role = await newRole(emu);
    const owned = await fetch(`${emu.url}/_emulator/roles/${role.id}/objects`, {
      method: "POST",
      body: JSON.stringify({ tables: ["invoices"] }),
    });
    assert.deepEqual(await owned.json(), { roleId: role.id, ownedObjects: ["invoices"] });
    const reassigned = await call(emu, "POST", roles(`/${role.id}/reassign`), {
      body: { successor: "postgres" },
    });
    assert.equal(reassigned.status, 204, reassigned.text);
    assert.equal((await call(emu, "DELETE", roles(`/${role.id}`))).status, 204);
    const missing = await call(emu, "POST", roles(`/${role.id}/reassign`), { body: {} });
    assert.equal(missing.status, 404);
  });

  test("the default postgres role: shown by get_default_role, reset, never listed or deleted", async () => {
    const got = await call(emu, "GET", roles("/default"));
    assert.equal(got.status, 200, got.text);
    assert.deepEqual(
      [got.body.name, got.body.default, got.body.base_username, got.body.password],
      ["postgres", true, "postgres", ""],
    );
    const reset = await call(emu, "POST", roles("/reset-default"));
    assert.equal(reset.status, 200, reset.text);
    assert.deepEqual(Object.keys(reset.body).sort(), ["access_host_url", "password", "username"]);
    assert.equal(reset.body.username, got.body.username);
    assert.equal(emu.checkConnection(reset.body.username, reset.body.password).valid, true);
    const listed = await call(emu, "GET", roles("?per_page=100"));
    assert.ok(!listed.body.data.some((r: { default: boolean }) => r.default), "list_roles leaves it out");
    const refused = await call(emu, "DELETE", roles(`/${got.body.id}`));
    assert.equal(refused.status, 422);
  });

  test("status and q filter the list; q matches usernames too", async () => {
    const role = await newRole(emu, { name: "filter-me", ttl: 3600 });
    const byUsername = await call(emu, "GET", roles(`?q=${role.username.slice(0, 20)}`));
    assert.deepEqual(
      byUsername.body.data.map((r: { id: string }) => r.id),
      [role.id],
    );
    const renewable = await call(emu, "GET", roles("?status=renewable"));
    assert.deepEqual(
      renewable.body.data.map((r: { name: string }) => r.name),
      ["filter-me"],
    );
    assert.deepEqual((await call(emu, "GET", roles("?status=disabled"))).body.data, []);
    assert.equal((await call(emu, "GET", roles("?status=gone"))).status, 400);
  });

  test("tables are created only as a role; the control endpoint answers 404 for an unknown role", async () => {
    const password = await call(emu, "POST", `${branchesPath()}/main/passwords`, { body: { name: "m" } });
    assert.throws(
      () => emu.checkConnection(password.body.username, password.body.plain_text, { createTables: ["t"] }),
      /needs a Postgres role/,
    );
    const overHttp = await fetch(`${emu.url}/_emulator/connections`, {
      method: "POST",
      body: JSON.stringify({
        username: password.body.username,
        password: password.body.plain_text,
        createTables: ["t"],
      }),
    });
    assert.equal(overHttp.status, 400);
    const unknown = await fetch(`${emu.url}/_emulator/roles/nosuchrole/objects`, {
      method: "POST",
      body: JSON.stringify({ tables: ["t"] }),
    });
    assert.equal(unknown.status, 404);
  });

  test("each role action needs the spec's accesses (404 without them)", async () => {
    const role = await newRole(emu);
    const reader = await makeToken(emu, [{ access: ["read_branch"], database: "pg-app" }]);
    const creator = await makeToken(emu, [{ access: ["create_branch_password"], database: "pg-app" }]);
    const deleter = await makeToken(emu, [{ access: ["delete_branch_password"], database: "pg-app" }]);
    const attempts: Array<[string, string, unknown]> = [
      ["PATCH", `/${role.id}`, { name: "x" }],
      ["POST", `/${role.id}/reset`, undefined],
      ["POST", `/${role.id}/reassign`, { successor: "postgres" }],
      ["POST", "/reset-default", undefined],
    ];
    for (const [method, path, body] of attempts) {
      const asReader = await call(emu, method, roles(path), { cred: reader, ...(body ? { body } : {}) });
      assert.equal(asReader.status, 404, `${method} ${path} as a reader`);
    }
    assert.equal(
      (await call(emu, "PATCH", roles(`/${role.id}`), { cred: creator, body: { name: "y" } })).status,
      200,
    );
    assert.equal((await call(emu, "POST", roles(`/${role.id}/reset`), { cred: deleter })).status, 200);
    assert.equal((await call(emu, "GET", roles("/default"), { cred: reader })).status, 200);
  });
});
