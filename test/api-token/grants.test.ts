// The pure parts of ApiToken: scope presets, grant planning, input rules.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DATABASE_ACCESSES, ORGANIZATION_ACCESSES } from "../../emulator/index";
import { diff } from "../../provider/internal/api-token/diff";
import {
  desiredGrants,
  parseGrants,
  planChanges,
  sameGrants,
} from "../../provider/internal/api-token/grants";
import { accessEntry } from "../../provider/internal/api-token/outputs";
import {
  DATABASE_PERMISSIONS,
  expandPermissions,
  ORGANIZATION_PERMISSIONS,
  SCOPE_PRESETS,
} from "../../provider/internal/api-token/permissions";
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { closestName } from "../../provider/internal/inputs/closest-name";
import { createBody } from "../../provider/internal/inputs/property-api";
import { specAllServiceTokenAccesses, specAvailable } from "../support/openapi";

describe("access names", () => {
  test("every access the spec's Authorization texts name is accepted", { skip: !specAvailable }, () => {
    const known = new Set<string>([...ORGANIZATION_PERMISSIONS, ...DATABASE_PERMISSIONS]);
    const named = specAllServiceTokenAccesses();
    assert.ok(named.size >= 20, `only ${named.size} accesses found in the spec`);
    assert.deepEqual(
      [...named].filter((name) => !known.has(name)),
      [],
    );
  });

  test("the ones a Postgres team and a reviewer bot need (issue 23) are among them", () => {
    for (const name of [
      "create_branch_password",
      "create_production_branch_password",
      "create_production_read_only_branch_password",
      "connect_production_read_only_branch",
      "delete_production_read_only_branch_password",
      "review_deploy_request",
    ]) {
      assert.ok((DATABASE_PERMISSIONS as readonly string[]).includes(name), name);
    }
    assert.ok((ORGANIZATION_PERMISSIONS as readonly string[]).includes("write_organization"));
  });

  test("the emulator knows exactly the same names, at the same level", () => {
    assert.deepEqual(Object.keys(ORGANIZATION_ACCESSES).sort(), [...ORGANIZATION_PERMISSIONS].sort());
    assert.deepEqual(Object.keys(DATABASE_ACCESSES).sort(), [...DATABASE_PERMISSIONS].sort());
  });

  test("the README lists every accepted name, at its level", () => {
    const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
    const section = readme.split("#### Access names accepted in `permissions`")[1]?.split("\n#### ")[0] ?? "";
    const listed = (level: string) =>
      [...(new RegExp(`- ${level}: ([^]*?)\\.\\n`).exec(section)?.[1] ?? "").matchAll(/`([a-z_]+)`/g)].map(
        (m) => m[1],
      );
    assert.deepEqual(listed("Organization").sort(), [...ORGANIZATION_PERMISSIONS].sort());
    assert.deepEqual(listed("Database").sort(), [...DATABASE_PERMISSIONS].sort());
  });
});

describe("scope presets", () => {
  test("each preset contains the narrower one", () => {
    const order = ["read_only", "schema_changes", "database_access", "admin"] as const;
    for (let i = 1; i < order.length; i++) {
      const narrow = SCOPE_PRESETS[order[i - 1]!];
      const wide = SCOPE_PRESETS[order[i]!];
      for (const p of narrow.organization) assert.ok(wide.organization.includes(p), `${order[i]} lacks ${p}`);
      for (const p of narrow.database) assert.ok(wide.database.includes(p), `${order[i]} lacks ${p}`);
    }
  });

  test("schema_changes cannot delete anything nor touch production", () => {
    const { database } = SCOPE_PRESETS.schema_changes;
    assert.deepEqual(
      database.filter((p) => p.startsWith("delete_") || p.includes("production")),
      [],
    );
  });

  test("schema_changes can create a development branch's credential of either kind", () => {
    const { database } = SCOPE_PRESETS.schema_changes;
    // The spec: create_password takes connect_branch, create_role takes create_branch_password.
    assert.ok(database.includes("connect_branch") && database.includes("create_branch_password"));
  });

  test("database_access can delete every credential it can create, production ones included", () => {
    const { database } = SCOPE_PRESETS.database_access;
    for (const [creates, deletes] of [
      ["connect_branch", "delete_branch_password"],
      ["create_branch_password", "delete_branch_password"],
      ["connect_production_branch", "delete_production_branch_password"],
      ["create_production_branch_password", "delete_production_branch_password"],
    ] as const) {
      assert.ok(database.includes(creates), creates);
      assert.ok(database.includes(deletes), `${creates} without ${deletes}`);
    }
  });

  test("a token made before a preset gained an access is given it in place, not replaced", async () => {
    const before = SCOPE_PRESETS.schema_changes.database.filter((a) => a !== "create_branch_password");
    const olds = {
      organization: "acme",
      scopes: ["schema_changes"],
      databases: ["app"],
      grants: [
        { resource: "database", name: "app", accesses: [...before].sort() },
        { resource: "organization", name: "acme", accesses: ["read_databases", "read_organization"] },
      ],
    };
    const news = { organization: "acme", scopes: ["schema_changes"], databases: ["app"] };
    const result = await diff(undefined as never, "tok", olds, news);
    assert.deepEqual([result.changes, result.replaces], [true, []]);
  });

  test("admin is every known access", () => {
    const { organization, database } = expandPermissions(["admin"]);
    assert.deepEqual(organization, [...ORGANIZATION_PERMISSIONS].sort());
    assert.deepEqual(database, [...DATABASE_PERMISSIONS].sort());
  });

  test("presets and explicit permissions combine, split by level", () => {
    assert.deepEqual(
      expandPermissions(["read_only"], ["create_databases", "promote_branches", "read_branch"]),
      {
        organization: ["create_databases", "read_databases", "read_organization"],
        database: [
          "promote_branches",
          "read_backups",
          "read_branch",
          "read_comment",
          "read_database",
          "read_deploy_request",
        ],
      },
    );
  });

  test("did-you-mean finds near misses only", () => {
    assert.equal(closestName("read-only", ["read_only", "admin"]), "read_only");
    assert.equal(closestName("read_branches", DATABASE_PERMISSIONS), "read_branch");
    assert.equal(closestName("launch_rockets", DATABASE_PERMISSIONS), undefined);
  });
});

describe("grants", () => {
  test("without databases: one organization-level grant holding everything", () => {
    assert.deepEqual(desiredGrants("acme", { scopes: ["read_only"] }), [
      {
        resource: "organization",
        name: "acme",
        accesses: [
          "read_backups",
          "read_branch",
          "read_comment",
          "read_database",
          "read_databases",
          "read_deploy_request",
          "read_organization",
        ],
      },
    ]);
  });

  test("with databases: organization part at organization level, database part per database, sorted", () => {
    assert.deepEqual(
      desiredGrants("acme", {
        permissions: ["read_branch", "read_organization"],
        databases: ["zeta", "app"],
      }),
      [
        { resource: "database", name: "app", accesses: ["read_branch"] },
        { resource: "database", name: "zeta", accesses: ["read_branch"] },
        { resource: "organization", name: "acme", accesses: ["read_organization"] },
      ],
    );
    // Only database accesses: no empty organization grant.
    assert.deepEqual(desiredGrants("acme", { permissions: ["read_branch"], databases: ["app"] }), [
      { resource: "database", name: "app", accesses: ["read_branch"] },
    ]);
  });

  test("the plan adds exactly the missing accesses and removes exactly the extra ones", () => {
    const from = desiredGrants("acme", { scopes: ["read_only"], databases: ["app"] });
    const to = desiredGrants("acme", { scopes: ["schema_changes"], databases: ["other"] });
    const plan = planChanges(to, from);
    assert.deepEqual(plan.remove, [
      {
        database: "app",
        access: ["read_backups", "read_branch", "read_comment", "read_database", "read_deploy_request"],
      },
    ]);
    assert.deepEqual(plan.add, [
      { database: "other", access: [...SCOPE_PRESETS.schema_changes.database].sort() },
    ]);
    assert.ok(sameGrants(from, parseGrants(JSON.parse(JSON.stringify(from)))));
    assert.deepEqual(planChanges(from, from), { add: [], remove: [] });
  });

  test("parseGrants tolerates junk and merges duplicates", () => {
    assert.deepEqual(
      parseGrants([
        null,
        { resource: "database", name: "app", accesses: ["b"] },
        { resource: "database", name: "app", accesses: ["a", 3] },
        { resource: "cluster", name: "x", accesses: [] },
      ]),
      [{ resource: "database", name: "app", accesses: ["a", "b"] }],
    );
    assert.deepEqual(parseGrants(undefined), []);
  });

  test("reads both access shapes PlanetScale uses", () => {
    assert.deepEqual(
      accessEntry({
        id: "1",
        access: "read_branch",
        type: "DatabaseAccess",
        resource: { name: "app", type: "Database" },
      }),
      {
        access: "read_branch",
        database: "app",
      },
    );
    assert.deepEqual(
      accessEntry({ id: "2", access: "read_branch", resource_type: "Database", resource_name: "app" }),
      {
        access: "read_branch",
        database: "app",
      },
    );
    assert.deepEqual(
      accessEntry({
        id: "3",
        access: "read_organization",
        type: "OrganizationAccess",
        resource: { name: "acme", type: "Organization" },
      }),
      { access: "read_organization", database: null },
    );
  });
});

describe("ttl", () => {
  /** The `ttl` the create request sends, as the property table encodes `ttl` and `expiresAt`. */
  const ttlSeconds = (inputs: { ttl?: number | string; expiresAt?: string }, now: number) =>
    createBody(API_TOKEN_PROPERTIES, inputs, now).ttl;

  test("seconds from ttl or from expiresAt, rounded up", () => {
    const now = Date.parse("2030-01-01T00:00:00.000Z");
    assert.equal(ttlSeconds({ ttl: "1h30m" }, now), 5400);
    assert.equal(ttlSeconds({ ttl: 90 }, now), 90);
    assert.equal(ttlSeconds({ expiresAt: "2030-01-01T00:00:10.200Z" }, now), 11);
    assert.equal(ttlSeconds({ expiresAt: "2030-01-02" }, now), 86400);
    assert.equal(ttlSeconds({}, now), undefined);
  });
});
