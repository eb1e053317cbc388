/**
 * Contract: every emulated operation answers the status the spec declares, with a body that
 * validates against the spec's schema for that operationId + status (and has no field the spec
 * does not list). Error bodies are `{code, message}`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Emulator } from "../../emulator/index";
import { ROUTES } from "../../emulator/router";
import { branchesPath, call, waitFor, waitReady } from "../support/api";
import { emulator } from "../support/emulator";
import {
  assertMatchesSpec,
  findOperation,
  specAvailable,
  specPath,
  validateResponse,
} from "../support/openapi";

const inCI = process.env["CI"] === "true" || process.env["CI"] === "1";
if (!specAvailable) {
  const msg = `!! contract tests SKIPPED: the OpenAPI spec is not at ${specPath} (set PLANETSCALE_OPENAPI_SPEC)`;
  if (inCI) throw new Error(msg);
  process.stderr.write(`${msg}\n`);
}

const strict = { noAdditionalProperties: true };

function check(
  operationId: string,
  res: { status: number; body: unknown; text: string },
  status: number,
): void {
  assert.equal(res.status, status, `${operationId}: expected ${status}, got ${res.status} ${res.text}`);
  assertMatchesSpec(operationId, status, status === 204 ? res.text : res.body, strict);
}

describe("contract with the OpenAPI spec", { skip: !specAvailable }, () => {
  let emu: Emulator;
  before(async () => {
    emu = await emulator({
      seed: {
        organizations: [
          {
            name: "acme",
            databases: [
              { name: "app", backups: [{ id: "bkp000000001", branch: "main" }] },
              { name: "other" },
              { name: "pg-app", kind: "postgresql" },
            ],
          },
        ],
      },
    });
  });
  after(() => emu.stop());

  test("the validator itself rejects wrong bodies (nullable, required, extra fields)", () => {
    assert.ok(validateResponse("get_organization", 200, { id: "x" }).length > 0);
    assert.ok(validateResponse("delete_branch", 204, '{"a":1}').length > 0);
    assert.throws(() => validateResponse("get_branch", 418, {}), /declares no 418/);
    assert.equal(findOperation("create_branch").method, "POST");
  });

  test("organizations: list_organizations, get_organization", async () => {
    check("list_organizations", await call(emu, "GET", "/organizations"), 200);
    check("get_organization", await call(emu, "GET", "/organizations/acme"), 200);
  });

  test("databases: list_databases, get_database", async () => {
    const list = await call(emu, "GET", "/organizations/acme/databases");
    check("list_databases", list, 200);
    assert.deepEqual(
      list.body.data.map((d: { name: string }) => d.name),
      ["app", "other", "pg-app"],
    );
    const db = await call(emu, "GET", "/organizations/acme/databases/app");
    check("get_database", db, 200);
    assert.equal(db.body.default_branch, "main");
    assert.equal(db.body.state, "ready");
  });

  test("branches: every operation", async () => {
    const created = await call(emu, "POST", branchesPath(), { body: { name: "contract-1" } });
    check("create_branch", created, 201);
    assert.equal(created.body.state, "pending");
    check("list_branches", await call(emu, "GET", branchesPath()), 200);
    check("get_branch", await call(emu, "GET", `${branchesPath()}/contract-1`), 200);
    await waitReady(emu, "contract-1");
    check("get_branch", await call(emu, "GET", `${branchesPath()}/contract-1`), 200);
    check(
      "update_branch",
      await call(emu, "PATCH", `${branchesPath()}/contract-1`, { body: { deletion_protected: false } }),
      200,
    );
    check(
      "enable_safe_migrations",
      await call(emu, "POST", `${branchesPath()}/contract-1/safe-migrations`),
      200,
    );
    check(
      "update_safe_migrations",
      await call(emu, "PUT", `${branchesPath()}/contract-1/safe-migrations`, {
        body: { safe_migrations: true },
      }),
      200,
    );
    check(
      "disable_safe_migrations",
      await call(emu, "DELETE", `${branchesPath()}/contract-1/safe-migrations`),
      200,
    );
    check("promote_branch", await call(emu, "POST", `${branchesPath()}/contract-1/promote`), 200);
    check("demote_branch", await call(emu, "POST", `${branchesPath()}/contract-1/demote`), 200);
    check("delete_branch", await call(emu, "DELETE", `${branchesPath()}/contract-1`), 204);
  });

  test("schemas and deploy requests: every documented operation", async () => {
    // The production branch takes deploy requests once safe migrations are on.
    await call(emu, "POST", `${branchesPath()}/main/safe-migrations`);
    await call(emu, "POST", branchesPath(), { body: { name: "contract-dr" } });
    await waitReady(emu, "contract-dr");
    emu.applySchema({ organization: "acme", database: "app", branch: "contract-dr" }, [
      "CREATE TABLE contract_orders (id bigint PRIMARY KEY, note text)",
      "CREATE TABLE contract_log (line text)",
    ]);
    check("get_branch_schema", await call(emu, "GET", `${branchesPath()}/contract-dr/schema`), 200);
    check("lint_branch_schema", await call(emu, "GET", `${branchesPath()}/contract-dr/schema/lint`), 200);
    emu.applySchema({ organization: "acme", database: "app", branch: "contract-dr" }, [
      "DROP TABLE contract_log",
    ]);
    const D = "/organizations/acme/databases/app/deploy-requests";
    const created = await call(emu, "POST", D, {
      body: { branch: "contract-dr", notes: "n", auto_cutover: false },
    });
    check("create_deploy_request", created, 201);
    const n = created.body.number as number;
    const second = await call(emu, "POST", D, { body: { branch: "contract-dr" } });
    assert.equal(second.status, 422, "one open deploy request per branch");
    assert.deepEqual(Object.keys(second.body).sort(), ["code", "message"]);
    check("list_deploy_requests", await call(emu, "GET", `${D}?state=open`), 200);
    await waitFor("the deploy request's check", async () => {
      return (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "ready";
    });
    check("get_deploy_request", await call(emu, "GET", `${D}/${n}`), 200);
    check("get_deployment", await call(emu, "GET", `${D}/${n}/deployment`), 200);
    check("list_deploy_operations", await call(emu, "GET", `${D}/${n}/operations`), 200);
    check(
      "update_auto_delete_branch",
      await call(emu, "PUT", `${D}/${n}/auto-delete-branch`, { body: { enable: false } }),
      200,
    );
    check(
      "queue_deploy_request",
      await call(emu, "POST", `${D}/${n}/deploy`, { body: { instant_ddl: false } }),
      200,
    );
    await waitFor("the cut-over to wait", async () => {
      return (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "pending_cutover";
    });
    check(
      "complete_gated_deploy_request",
      await call(emu, "POST", `${D}/${n}/apply-deploy`, { body: {} }),
      200,
    );
    await waitFor("the revert window", async () => {
      return (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "complete_pending_revert";
    });
    check("complete_revert", await call(emu, "POST", `${D}/${n}/revert`, { body: {} }), 200);
    check(
      "review_deploy_request",
      await call(emu, "POST", `${D}/${n}/reviews`, { body: { state: "commented", body: "ok" } }),
      201,
    );
    check("list_deploy_request_reviews", await call(emu, "GET", `${D}/${n}/reviews`), 200);
  });

  test("deploy requests: close, cancel, auto-apply and skip-revert", async () => {
    const D = "/organizations/acme/databases/app/deploy-requests";
    await call(emu, "POST", branchesPath(), { body: { name: "contract-dr2" } });
    await waitReady(emu, "contract-dr2");
    emu.applySchema({ organization: "acme", database: "app", branch: "contract-dr2" }, [
      "CREATE TABLE contract_two (id bigint PRIMARY KEY)",
    ]);
    const n = (await call(emu, "POST", D, { body: { branch: "contract-dr2", auto_cutover: false } })).body
      .number;
    await waitFor(
      "the check",
      async () => (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "ready",
    );
    await call(emu, "POST", `${D}/${n}/deploy`, { body: {} });
    check("cancel_deploy_request", await call(emu, "POST", `${D}/${n}/cancel`, { body: {} }), 200);
    await waitFor(
      "the cancel",
      async () => (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "complete_cancel",
    );
    check(
      "update_auto_apply",
      await call(emu, "PUT", `${D}/${n}/auto-apply`, { body: { enable: true } }),
      200,
    );
    await call(emu, "POST", `${D}/${n}/deploy`, { body: {} });
    await waitFor(
      "the cut-over",
      async () => (await call(emu, "GET", `${D}/${n}`)).body.deployment_state === "complete_pending_revert",
    );
    check("skip_revert_period", await call(emu, "POST", `${D}/${n}/skip-revert`, { body: {} }), 200);
    await call(emu, "POST", branchesPath(), { body: { name: "contract-dr3" } });
    await waitReady(emu, "contract-dr3");
    const m = (await call(emu, "POST", D, { body: { branch: "contract-dr3" } })).body.number;
    check("close_deploy_request", await call(emu, "PATCH", `${D}/${m}`, { body: { state: "closed" } }), 200);
  });

  test("passwords (MySQL): create, list, get, renew, delete", async () => {
    const path = `${branchesPath()}/main/passwords`;
    const created = await call(emu, "POST", path, { body: { name: "c", role: "reader", ttl: 3600 } });
    check("create_password", created, 201);
    assert.equal(typeof created.body.plain_text, "string");
    const id = created.body.id as string;
    check("list_passwords", await call(emu, "GET", path), 200);
    const got = await call(emu, "GET", `${path}/${id}`);
    check("get_password", got, 200);
    assert.equal(got.body.plain_text, null);
    check("renew_password", await call(emu, "POST", `${path}/${id}/renew`), 200);
    check("delete_password", await call(emu, "DELETE", `${path}/${id}`), 204);
  });

  test("roles (Postgres): create, list, get, renew, delete", async () => {
    const path = `${branchesPath("pg-app")}/main/roles`;
    const created = await call(emu, "POST", path, {
      body: { name: "c", ttl: 3600, inherited_roles: ["pg_read_all_data"] },
    });
    check("create_role", created, 200);
    assert.equal(typeof created.body.password, "string");
    const id = created.body.id as string;
    check("list_roles", await call(emu, "GET", path), 200);
    const got = await call(emu, "GET", `${path}/${id}`);
    check("get_role", got, 200);
    assert.equal(got.body.password, "");
    check("renew_role", await call(emu, "POST", `${path}/${id}/renew`), 200);
    check("delete_role", await call(emu, "DELETE", `${path}/${id}`), 204);
  });

  test("passwords: update_password and the status filter", async () => {
    const path = `${branchesPath()}/main/passwords`;
    const created = await call(emu, "POST", path, {
      body: { name: "u", cidrs: ["10.0.0.0/8"], direct_vtgate: true },
    });
    check("create_password", created, 201);
    const id = created.body.id as string;
    check(
      "update_password",
      await call(emu, "PATCH", `${path}/${id}`, { body: { name: "u2", cidrs: [] } }),
      200,
    );
    check("list_passwords", await call(emu, "GET", `${path}?status=active&q=u2`), 200);
  });

  test("roles: update, reset, reassign, successor, the default role", async () => {
    const path = `${branchesPath("pg-app")}/main/roles`;
    const created = await call(emu, "POST", path, {
      body: { name: "r", with_replication: true, require_where_on_delete: "warn" },
    });
    check("create_role", created, 200);
    const id = created.body.id as string;
    check(
      "update_role",
      await call(emu, "PATCH", `${path}/${id}`, { body: { require_where_on_update: "on" } }),
      200,
    );
    check("reset_role", await call(emu, "POST", `${path}/${id}/reset`), 200);
    check("get_default_role", await call(emu, "GET", `${path}/default`), 200);
    check("reset_default_role", await call(emu, "POST", `${path}/reset-default`), 200);
    check("list_roles", await call(emu, "GET", `${path}?status=renewable`), 200);
    emu.createTablesAs(id, ["t"]);
    const refused = await call(emu, "DELETE", `${path}/${id}`);
    assert.equal(
      refused.status,
      422,
      "not in the spec: PlanetScale's answer quoted in anomalyco/sst PR #6932",
    );
    assert.deepEqual(Object.keys(refused.body).sort(), ["code", "message"]);
    check(
      "reassign_role_objects",
      await call(emu, "POST", `${path}/${id}/reassign`, { body: { successor: "postgres" } }),
      204,
    );
    check("delete_role", await call(emu, "DELETE", `${path}/${id}?successor=postgres`), 204);
  });

  test("Postgres: databases, branches with cluster_name, cluster sizes", async () => {
    const db = await call(emu, "POST", "/organizations/acme/databases", {
      body: { name: "contract-pg", kind: "postgresql", cluster_size: "PS_10" },
    });
    check("create_database", db, 201);
    const branch = await call(emu, "POST", branchesPath("pg-app"), {
      body: { name: "contract-pg-1", parent_branch: "", cluster_name: "PS_20" },
    });
    check("create_branch", branch, 201);
    assert.equal(branch.body.cluster_name, "PS_20");
    for (const query of ["engine=postgresql", "postgresql=true&rates=true"]) {
      const sizes = await call(emu, "GET", `/organizations/acme/cluster-size-skus?${query}`);
      check("list_cluster_size_skus", sizes, 200);
      assert.ok(
        sizes.body.some((s: { name: string }) => s.name === "PS_5") &&
          sizes.body.some((s: { name: string; metal: boolean }) => s.name === "M_10" && s.metal),
        query,
      );
    }
  });

  test("service tokens: every documented operation", async () => {
    const created = await call(emu, "POST", "/organizations/acme/service-tokens", {
      body: { name: "c", ttl: 60 },
    });
    check("create_service_token", created, 200);
    const id = created.body.id as string;
    await call(emu, "POST", `/organizations/acme/service-tokens/${id}/access`, {
      body: { database: "app", access: ["read_branch"] },
    });
    await call(emu, "POST", `/organizations/acme/service-tokens/${id}/access`, {
      body: { access: ["read_branch"] },
    });
    check("list_service_tokens", await call(emu, "GET", "/organizations/acme/service-tokens"), 200);
    check("get_service_token", await call(emu, "GET", `/organizations/acme/service-tokens/${id}`), 200);
    check("delete_service_token", await call(emu, "DELETE", `/organizations/acme/service-tokens/${id}`), 204);
  });

  test("the vendored spec subset lists exactly the operations the emulator serves", () => {
    const shape = (path: string): string =>
      `/${path.replace(/^\//, "")}`.replace(/\{[^}]+\}/g, "{}").replace(/:[^/]+/g, "{}");
    const served = new Set(ROUTES.map((r) => `${r.method} ${shape(r.pattern)}`));
    const opsOf = (file: string): Set<string> => {
      const doc = JSON.parse(readFileSync(file, "utf8")) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const out = new Set<string>();
      for (const [path, item] of Object.entries(doc.paths))
        for (const m of ["get", "put", "post", "delete", "patch"])
          if (item[m]) out.add(`${m.toUpperCase()} ${shape(path)}`);
      return out;
    };
    const subset = opsOf(resolve(__dirname, "..", "fixtures", "planetscale-openapi.subset.json"));
    for (const op of subset)
      assert.ok(served.has(op), `the subset lists ${op}, which the emulator does not serve`);
    const inSpec = opsOf(specPath);
    for (const op of served) {
      if (inSpec.has(op))
        assert.ok(subset.has(op), `${op} is served but missing from the subset (run trim-openapi)`);
    }
  });

  test("catalogue: regions, cluster sizes, backups", async () => {
    check("list_public_regions", await call(emu, "GET", "/regions"), 200);
    const orgRegions = await call(emu, "GET", "/organizations/acme/regions");
    check("list_regions_for_organization", orgRegions, 200);
    assert.ok(orgRegions.body.data.some((r: { slug: string }) => r.slug === "us-east"));
    check("list_database_regions", await call(emu, "GET", "/organizations/acme/databases/app/regions"), 200);
    const sizes = await call(emu, "GET", "/organizations/acme/cluster-size-skus?engine=mysql&rates=true");
    check("list_cluster_size_skus", sizes, 200);
    assert.deepEqual(
      sizes.body.slice(0, 3).map((s: { name: string }) => s.name),
      ["PS_DEV", "PS_10", "PS_20"],
    );
    await call(emu, "POST", branchesPath(), {
      body: { name: "from-backup", backup_id: "bkp000000001", cluster_size: "PS_10" },
    });
    const backups = await call(emu, "GET", `${branchesPath()}/main/backups`);
    check("list_backups", backups, 200);
    assert.deepEqual(
      backups.body.data.map((b: { id: string; restored_branches: Array<{ name: string }> }) => [
        b.id,
        b.restored_branches.map((r) => r.name),
      ]),
      [["bkp000000001", ["from-backup"]]],
    );
  });

  test("databases: create_database (pending, then ready), update_database_settings, delete_database", async () => {
    const created = await call(emu, "POST", "/organizations/acme/databases", {
      body: { name: "contract-db", region: "eu-west", cluster_size: "PS_10", kind: "mysql" },
    });
    check("create_database", created, 201);
    assert.equal(created.body.region.slug, "eu-west");
    assert.equal(created.body.state, "pending");
    const main = await call(emu, "GET", `${branchesPath("contract-db")}/main`);
    assert.equal(main.body.production, true);
    await waitReady(emu, "main", "contract-db");
    const ready = await call(emu, "GET", "/organizations/acme/databases/contract-db");
    check("get_database", ready, 200);
    assert.deepEqual([ready.body.state, ready.body.ready], ["ready", true]);
    const everySetting = {
      new_name: "contract-db-2",
      automatic_migrations: true,
      migration_framework: "rails",
      migration_table_name: "schema_migrations",
      require_approval_for_deploy: true,
      restrict_branch_region: true,
      allow_data_branching: true,
      allow_foreign_key_constraints: false,
      insights_raw_queries: true,
      deletion_protected: false,
      production_branch_web_console: true,
      default_branch: "main",
    };
    const updated = await call(emu, "PATCH", "/organizations/acme/databases/contract-db", {
      body: everySetting,
    });
    check("update_database_settings", updated, 200);
    assert.equal(updated.body.name, "contract-db-2");
    const pg = await call(emu, "PATCH", "/organizations/acme/databases/pg-app", {
      body: { require_approval_for_deploy: true },
    });
    check("update_database_settings", pg, 200);
    check(
      "list_read_only_regions",
      await call(emu, "GET", "/organizations/acme/databases/contract-db-2/read-only-regions"),
      200,
    );
    check("delete_database", await call(emu, "DELETE", "/organizations/acme/databases/contract-db-2"), 204);
    assert.equal((await call(emu, "GET", "/organizations/acme/databases/contract-db-2")).status, 404);
  });

  test("Postgres changes: update_branch_change_request (200, 204), list/get_branch_change_request(s), list_parameters", async () => {
    const path = `${branchesPath("pg-app")}/main/changes`;
    const started = await call(emu, "PATCH", path, {
      body: { cluster_size: "PS_20", replicas: 1, parameters: { pgconf: { max_connections: "200" } } },
    });
    check("update_branch_change_request", started, 200);
    check("list_branch_change_requests", await call(emu, "GET", path), 200);
    check("get_branch_change_request", await call(emu, "GET", `${path}/${started.body.id}`), 200);
    check("list_parameters", await call(emu, "GET", `${branchesPath("pg-app")}/main/parameters`), 200);
    await waitFor("the change to complete", async () => {
      const r = await call(emu, "GET", `${path}/${started.body.id}`);
      return r.body.state === "completed";
    });
    check("get_branch_change_request", await call(emu, "GET", `${path}/${started.body.id}`), 200);
    check("update_branch_change_request", await call(emu, "PATCH", path, { body: { replicas: 1 } }), 204);
  });

  test("backups: create_backup, get_backup, update_backup, list_backups with filters, delete_backup", async () => {
    const path = `${branchesPath()}/main/backups`;
    const created = await call(emu, "POST", path, {
      body: { name: "contract-backup", retention_unit: "week", retention_value: 2 },
    });
    check("create_backup", created, 201);
    const id = created.body.id as string;
    check("get_backup", await call(emu, "GET", `${path}/${id}`), 200);
    check("update_backup", await call(emu, "PATCH", `${path}/${id}`, { body: { protected: true } }), 200);
    check("update_backup", await call(emu, "PATCH", `${path}/${id}`, { body: { protected: false } }), 200);
    check("list_backups", await call(emu, "GET", `${path}?state=success&production=true&all=true`), 200);
    check("delete_backup", await call(emu, "DELETE", `${path}/${id}`), 204);
    const pg = await call(emu, "POST", `${branchesPath("pg-app")}/main/backups`, {
      body: { emergency: true },
    });
    check("create_backup", pg, 201);
  });

  test("error bodies are {code, message} with the spec's 401/404 statuses", async () => {
    for (const [res, status, code] of [
      [await call(emu, "GET", "/organizations/acme", { cred: null }), 401, "unauthorized"],
      [await call(emu, "GET", `${branchesPath()}/nope`), 404, "not_found"],
      [await call(emu, "GET", "/organizations/nope/databases"), 404, "not_found"],
    ] as const) {
      assert.equal(res.status, status);
      assert.deepEqual(Object.keys(res.body).sort(), ["code", "message"]);
      assert.equal(res.body.code, code);
      assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    }
  });
});
