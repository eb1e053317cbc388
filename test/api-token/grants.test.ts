// The pure parts of ApiToken: scope presets, grant planning, input rules.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  desiredGrants,
  parseGrants,
  planChanges,
  sameGrants,
} from "../../provider/internal/api-token/grants";
import { accessEntry } from "../../provider/internal/api-token/outputs";
import {
  closestName,
  DATABASE_PERMISSIONS,
  expandPermissions,
  ORGANIZATION_PERMISSIONS,
  SCOPE_PRESETS,
} from "../../provider/internal/api-token/permissions";
import { API_TOKEN_PROPERTIES } from "../../provider/internal/api-token/properties";
import { createBody } from "../../provider/internal/inputs/property-api";

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
