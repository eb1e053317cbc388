/**
 * Input as PlanetScale's own clients send it: unknown body fields are ignored (and logged) by
 * default and refused with `strict`; blank optional strings mean "not provided"; known fields are
 * type-checked either way; `safe_migrations` on create is honoured.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { parseCli } from "../../emulator/cli";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call } from "../support/api";
import { emulator } from "../support/emulator";

const P = branchesPath();

describe("request bodies, lenient by default", () => {
  let lenient: Emulator;
  let strict: Emulator;
  before(async () => {
    lenient = await emulator({ strict: false });
    strict = await emulator({ strict: true });
  });
  after(async () => {
    await lenient.stop();
    await strict.stop();
  });

  test("ignores unknown fields and records their names in the request log", async () => {
    lenient.clearRequests();
    const r = await call(lenient, "POST", P, {
      body: { name: "typo-1", parentBranch: "nope", future: { nested: true }, storage_hint: 3 },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.parent_branch, "main", "the misspelt parentBranch must not be used");
    const entry = lenient.requests().find((e) => e.method === "POST" && e.path.endsWith("/branches"));
    assert.deepEqual(entry?.ignoredFields, ["parentBranch", "future", "storage_hint"]);

    lenient.clearRequests();
    await call(lenient, "POST", P, { body: { name: "typo-2" } });
    assert.equal(lenient.requests()[0]?.ignoredFields, undefined, "no field ignored, no list");
  });

  test("with strict, refuses the same body with 400 naming every unknown field", async () => {
    const r = await call(strict, "POST", P, { body: { name: "typo-1", parentBranch: "main", future: 1 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, "bad_request");
    assert.match(r.body.message, /unknown fields: parentBranch, future/);
    const list = await call(strict, "GET", `${P}?q=typo-1`);
    assert.equal(list.body.data.length, 0, "nothing was created");
  });

  test("still type-checks known fields when lenient, with readable wording", async () => {
    const cases: Array<[string, string, unknown, RegExp]> = [
      [
        "POST",
        P,
        { name: "t1", deletion_protected: "yes", extra: 1 },
        /must be a boolean\n {2}→ at deletion_protected/,
      ],
      ["POST", P, { name: "t2", storage: { minimum_storage_bytes: 1.5 } }, /must be an integer/],
      ["POST", "/organizations/acme/service-tokens", { ttl: "soon" }, /must be a number\n {2}→ at ttl/],
    ];
    for (const [method, path, body, message] of cases) {
      const r = await call(lenient, method, path, { body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
      assert.match(r.body.message, message);
      assert.doesNotMatch(r.body.message, /\ba (int|array|integer|object)\b/);
    }
    const token = await call(lenient, "POST", "/organizations/acme/service-tokens", { body: { name: "w" } });
    const grant = await call(lenient, "POST", `/organizations/acme/service-tokens/${token.body.id}/access`, {
      body: { database: "app", access: "read_branch" },
    });
    assert.equal(grant.status, 400);
    assert.match(grant.body.message, /must be an array\n {2}→ at access/);
  });

  test('takes "" for parent_branch as "not provided", on both create paths (strict too)', async () => {
    // planetscale-go CreateDatabaseBranchRequest: `json:"parent_branch"` without omitempty.
    const r = await call(strict, "POST", P, {
      body: { name: "feat-2", parent_branch: "", cluster_size: "PS_DEV" },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.parent_branch, "main");
    const fresh = await call(strict, "POST", branchesPath("brand-new"), {
      body: { name: "dev", parent_branch: "", create_database_if_missing: true, kind: "mysql" },
    });
    assert.equal(fresh.status, 201, fresh.text);
    assert.equal(fresh.body.parent_branch, "main");
  });

  test('takes "" for a grant\'s database as organization level (strict too)', async () => {
    const token = await call(strict, "POST", "/organizations/acme/service-tokens", { body: { name: "g" } });
    const grant = await call(strict, "POST", `/organizations/acme/service-tokens/${token.body.id}/access`, {
      body: { database: "", access: ["read_databases"] },
    });
    assert.equal(grant.status, 200, grant.text);
    assert.equal(grant.body.data[0].type, "OrganizationAccess");
  });

  test("honours safe_migrations on create", async () => {
    const on = await call(strict, "POST", P, { body: { name: "safe-on", safe_migrations: true } });
    assert.equal(on.status, 201, on.text);
    assert.equal(on.body.safe_migrations, true);
    const off = await call(strict, "POST", P, { body: { name: "safe-off", safe_migrations: false } });
    assert.equal(off.body.safe_migrations, false);
    const wrong = await call(strict, "POST", P, { body: { name: "safe-bad", safe_migrations: "on" } });
    assert.equal(wrong.status, 400);
  });

  test("--strict turns strict mode on from the command line", () => {
    assert.deepEqual(parseCli(["--strict"]), { strict: true });
    assert.deepEqual(parseCli([]), {});
  });
});
