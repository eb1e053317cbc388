/**
 * Branch schemas: DDL applied to a development branch through the control API (the stand-in for a
 * migration tool on the branch's connection), what `get_branch_schema`, `lint_branch_schema` and
 * the branch diff answer, and the rules: safe migrations refuse direct DDL, a script applies whole
 * or not at all, a new branch starts with its parent's schema.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { branchesPath, call, makeToken, waitReady } from "../support/api";
import { emulator } from "../support/emulator";
import { assertMatchesSpec, specAvailable } from "../support/openapi";

const P = branchesPath();
const strict = { noAdditionalProperties: true };

async function ddl(emu: Emulator, body: Record<string, unknown>) {
  const res = await fetch(`${emu.url}/_emulator/schema`, { method: "POST", body: JSON.stringify(body) });
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  return { status: res.status, body: (await res.json()) as any };
}

describe("branch schemas", () => {
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
                schema: [
                  "CREATE TABLE users (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, email varchar(255))",
                ],
                branches: [{ name: "main", safeMigrations: true }, { name: "dev" }],
              },
              { name: "pg-app", kind: "postgresql" },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("a seeded database's schema is its branches': get_branch_schema lists each table's CREATE TABLE", async () => {
    for (const branch of ["main", "dev"]) {
      const res = await call(emu, "GET", `${P}/${branch}/schema`);
      assert.equal(res.status, 200, res.text);
      if (specAvailable) assertMatchesSpec("get_branch_schema", 200, res.body, strict);
      assert.deepEqual(
        res.body.data.map((t: { name: string }) => t.name),
        ["users"],
      );
      assert.equal(
        res.body.data[0].raw,
        "CREATE TABLE `users` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  `email` varchar(255) DEFAULT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
      );
    }
    assert.equal((await call(emu, "GET", `${P}/dev/schema?keyspace=app`)).status, 200);
    assert.equal((await call(emu, "GET", `${P}/dev/schema?keyspace=nope`)).status, 404);
  });

  test("DDL on a development branch changes its schema, and its diff to the parent shows it", async () => {
    const applied = await ddl(emu, {
      database: "app",
      branch: "dev",
      statements: [
        "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, total int NOT NULL DEFAULT 0, KEY by_user (user_id));\n" +
          "ALTER TABLE users ADD COLUMN name varchar(100) NOT NULL AFTER id, DROP COLUMN email",
      ],
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.deepEqual(applied.body, {
      organization: "acme",
      database: "app",
      branch: "dev",
      tables: ["orders", "users"],
    });
    const diff = await call(emu, "GET", `${P}/dev/diff`);
    assert.equal(diff.status, 200);
    const byName = Object.fromEntries(
      diff.body.data.map((d: { name: string; raw: string }) => [d.name, d.raw]),
    );
    assert.match(byName.orders, /^\+CREATE TABLE `orders` \(/);
    assert.match(byName.users, /^- {2}`email` varchar\(255\) DEFAULT NULL,$/m);
    assert.match(byName.users, /^\+ {2}`name` varchar\(100\) NOT NULL,$/m);
    // The parent is untouched.
    const main = await call(emu, "GET", `${P}/main/schema`);
    assert.deepEqual(
      main.body.data.map((t: { name: string }) => t.name),
      ["users"],
    );
  });

  test("a new branch starts with its parent's schema", async () => {
    const created = await call(emu, "POST", P, { body: { name: "child", parent_branch: "dev" } });
    assert.equal(created.status, 201);
    await waitReady(emu, "child");
    const schema = await call(emu, "GET", `${P}/child/schema`);
    assert.deepEqual(
      schema.body.data.map((t: { name: string }) => t.name),
      ["orders", "users"],
    );
    assert.deepEqual((await call(emu, "GET", `${P}/child/diff`)).body.data, []);
  });

  test("a failing statement applies nothing of its script, with MySQL's error", async () => {
    const failed = await ddl(emu, {
      database: "app",
      branch: "dev",
      statements: ["CREATE TABLE extra (id int PRIMARY KEY)", "CREATE TABLE orders (id int PRIMARY KEY)"],
    });
    assert.equal(failed.status, 400);
    assert.equal(failed.body.message, "Error 1050 (42S01): Table 'orders' already exists");
    assert.ok(
      !emu
        .snapshot()
        .branches.find((b) => b.name === "dev")
        ?.tables.includes("extra"),
    );
    const syntax = await ddl(emu, {
      database: "app",
      branch: "dev",
      statements: ["CREATE TABLEZ x (id int)"],
    });
    assert.equal(syntax.status, 400);
    assert.match(syntax.body.message, /^Error 1064 \(42000\): You have an error in your SQL syntax/);
    const idempotent = await ddl(emu, {
      database: "app",
      branch: "dev",
      statements: [
        "CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY)",
        "DROP TABLE IF EXISTS nothing_here",
      ],
    });
    assert.equal(idempotent.status, 200, JSON.stringify(idempotent.body));
  });

  test("a branch with safe migrations refuses direct DDL, as PlanetScale does", async () => {
    const refused = await ddl(emu, {
      database: "app",
      branch: "main",
      statements: ["CREATE TABLE sneaky (id int PRIMARY KEY)"],
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.message, /^ERROR 1105 \(HY000\): direct DDL is disabled/);
    assert.equal(
      (await ddl(emu, { database: "app", branch: "nope", statements: ["DROP TABLE x"] })).status,
      404,
    );
    assert.equal(
      (await ddl(emu, { database: "pg-app", branch: "main", statements: ["DROP TABLE x"] })).status,
      400,
    );
  });

  test("DDL through a branch password's login, as a migration tool with DATABASE_URL runs it", async () => {
    const password = await call(emu, "POST", `${P}/dev/passwords`, {
      body: { name: "migrate", role: "admin" },
    });
    assert.equal(password.status, 201, password.text);
    const applied = await ddl(emu, {
      username: password.body.username,
      password: password.body.plain_text,
      statements: ["CREATE INDEX by_total ON orders (total)"],
    });
    assert.equal(applied.status, 200, JSON.stringify(applied.body));
    assert.equal(applied.body.branch, "dev");
    const wrong = await ddl(emu, {
      username: password.body.username,
      password: "nope",
      statements: ["DROP TABLE orders"],
    });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.message, /login refused/);
  });

  test("lint_branch_schema names tables without a unique key, with the spec's fields", async () => {
    emu.applySchema({ organization: "acme", database: "app", branch: "dev" }, [
      "CREATE TABLE events (at datetime, what text)",
    ]);
    const lint = await call(emu, "GET", `${P}/dev/schema/lint`);
    assert.equal(lint.status, 200);
    if (specAvailable) assertMatchesSpec("lint_branch_schema", 200, lint.body, strict);
    assert.deepEqual(
      lint.body.data.map((e: { lint_error: string; table_name: string }) => [e.lint_error, e.table_name]),
      [["NO_UNIQUE_KEY", "events"]],
    );
    assert.deepEqual((await call(emu, "GET", `${P}/main/schema/lint`)).body.data, []);
  });

  test("schema reads need a branch access; a Postgres branch has no schema here", async () => {
    const deployOnly = await makeToken(emu, [{ access: ["read_deploy_request"], database: "app" }]);
    assert.equal((await call(emu, "GET", `${P}/dev/schema`, { cred: deployOnly })).status, 404);
    const reader = await makeToken(emu, [{ access: ["read_branch"], database: "app" }]);
    assert.equal((await call(emu, "GET", `${P}/dev/schema`, { cred: reader })).status, 200);
    assert.equal((await call(emu, "GET", `${P}/dev/schema/lint`, { cred: reader })).status, 200);
    assert.equal((await call(emu, "GET", `${P}/dev/diff`, { cred: reader })).status, 200);
    assert.equal((await call(emu, "GET", `${branchesPath("pg-app")}/main/schema`)).status, 422);
  });
});
