import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  createBranch,
  deleteBranch,
  getBranch,
  listBranches,
  setSafeMigrations,
  updateBranch,
} from "../../provider/internal/api/branches";
import { getDatabase, getOrganization } from "../../provider/internal/api/organizations";
import { Branch, ServiceToken } from "../../provider/internal/api/schemas";
import {
  addServiceTokenAccesses,
  createServiceToken,
  deleteServiceToken,
  getServiceToken,
  listServiceTokenAccesses,
  listServiceTokens,
  removeServiceTokenAccesses,
} from "../../provider/internal/api/service-tokens";
import {
  OutcomeUnknownError,
  type PlanetScaleClient,
  ResponseValidationError,
} from "../../provider/internal/client/index";
import { type ScriptedServer, startScriptedClient, stopScriptedClients } from "../support/scripted-server";

let server: ScriptedServer;
let client: PlanetScaleClient;
before(async () => {
  ({ server, client } = await startScriptedClient({
    credential: { kind: "serviceToken", id: "api-id", token: "api-token" },
    maxRetries: 1,
  }));
});
after(stopScriptedClients);

/** A branch as the spec documents it (trimmed), plus a field we do not model. */
function branch(overrides: Record<string, unknown> = {}) {
  return {
    id: "bqkfpm3bf0ly",
    type: "Branch",
    name: "pr-42",
    kind: "mysql",
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    deleted_at: null,
    state: "pending",
    ready: false,
    production: false,
    safe_migrations: false,
    deletion_protected: false,
    parent_branch: "main",
    html_url: "https://app.planetscale.com/acme/app/pr-42",
    url: "https://api.planetscale.com/v1/organizations/acme/databases/app/branches/pr-42",
    mysql_address: "aws.connect.psdb.cloud",
    mysql_edge_address: null,
    cluster_name: "PS_DEV",
    region: { id: "r1", slug: "us-east", display_name: "AWS us-east-1", enabled: true },
    actor: null,
    some_future_field: { nested: true },
    ...overrides,
  };
}

function token(overrides: Record<string, unknown> = {}) {
  return {
    id: "tok123abc456",
    type: "ServiceToken",
    name: "ci",
    display_name: "ci",
    token: null,
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
    expires_at: null,
    last_used_at: null,
    ...overrides,
  };
}

const last = () => {
  const r = server.requests.at(-1);
  assert.ok(r);
  return r;
};

describe("branch operations", () => {
  test("creates a branch (POST, 201) and parses it leniently", async () => {
    server.push({ status: 201, json: branch() });
    const created = await createBranch(client, "acme", "app", {
      name: "pr-42",
      parent_branch: "main",
      region: undefined,
    });
    assert.equal(created.id, "bqkfpm3bf0ly");
    assert.equal(created.state, "pending");
    assert.equal(created.region?.slug, "us-east");
    assert.deepEqual((created as Record<string, unknown>)["some_future_field"], { nested: true });
    assert.equal(last().method, "POST");
    assert.equal(last().path, "/v1/organizations/acme/databases/app/branches");
    assert.deepEqual(last().json, { name: "pr-42", parent_branch: "main" });
  });

  test("does not retry a create that may have happened", async () => {
    server.push({ status: 502 });
    await assert.rejects(createBranch(client, "acme", "app", { name: "pr-42" }), OutcomeUnknownError);
  });

  test("gets a branch by name or id, percent-encoding segments", async () => {
    server.push({ json: branch({ state: "ready", ready: true }) });
    const got = await getBranch(client, "acme", "my db", "bqkfpm3bf0ly");
    assert.equal(got.state, "ready");
    assert.equal(last().path, "/v1/organizations/acme/databases/my%20db/branches/bqkfpm3bf0ly");
    assert.throws(() => getBranch(client, "acme", "app", ""), TypeError);
  });

  test("accepts older answers with only `ready`, and rejects a branch with neither", async () => {
    const { state: _state, ...old } = branch({ ready: true });
    server.push({ json: old }, { json: { ...old, ready: undefined } });
    assert.equal((await getBranch(client, "acme", "app", "x")).ready, true);
    await assert.rejects(getBranch(client, "acme", "app", "x"), ResponseValidationError);
  });

  test("rejects a branch with a field of the wrong type or missing a field we rely on", async () => {
    server.push({ json: branch({ deletion_protected: "no", created_at: undefined }) });
    await assert.rejects(getBranch(client, "acme", "app", "x"), (err: unknown) => {
      assert.ok(err instanceof ResponseValidationError);
      assert.match(err.message, /deletion_protected: /);
      assert.match(err.message, /created_at: /);
      return true;
    });
  });

  test("lists branches over pages with filters", async () => {
    server.push(
      { json: { type: "list", next_page: 2, data: [branch({ id: "a1", name: "a" })] } },
      { json: { type: "list", next_page: null, data: [branch({ id: "b1", name: "b" })] } },
    );
    const names: string[] = [];
    for await (const b of listBranches(client, "acme", "app", { q: "pr-" })) names.push(b.name);
    assert.deepEqual(names, ["a", "b"]);
    assert.equal(last().url, "/v1/organizations/acme/databases/app/branches?q=pr-&page=2&per_page=100");
  });

  test("updates (PATCH), deletes (DELETE, delete_descendants), promotes, demotes", async () => {
    server.push({ json: branch({ name: "renamed" }) });
    assert.equal((await updateBranch(client, "acme", "app", "b1", { new_name: "renamed" })).name, "renamed");
    assert.deepEqual([last().method, last().json], ["PATCH", { new_name: "renamed" }]);

    server.push({ status: 204 }, { status: 204 });
    await deleteBranch(client, "acme", "app", "b1");
    assert.equal(last().url, "/v1/organizations/acme/databases/app/branches/b1");
    await deleteBranch(client, "acme", "app", "b1", { deleteDescendants: true });
    assert.equal(last().url, "/v1/organizations/acme/databases/app/branches/b1?delete_descendants=true");
  });

  test("enables safe migrations with POST and disables them with DELETE", async () => {
    server.push({ status: 500 }, { json: branch({ safe_migrations: true }) }, { json: branch() });
    assert.equal((await setSafeMigrations(client, "acme", "app", "b1", true)).safe_migrations, true);
    assert.deepEqual(
      server.requests.slice(-2).map((r) => [r.method, r.path]),
      [
        ["POST", "/v1/organizations/acme/databases/app/branches/b1/safe-migrations"],
        ["POST", "/v1/organizations/acme/databases/app/branches/b1/safe-migrations"],
      ],
      "setting a state is retried",
    );
    assert.equal((await setSafeMigrations(client, "acme", "app", "b1", false)).safe_migrations, false);
    assert.equal(last().method, "DELETE");
  });

  test("reads the organization and the database", async () => {
    server.push({ json: { id: "o1", name: "acme", plan: "scaler_pro" } });
    assert.equal((await getOrganization(client, "acme")).name, "acme");
    assert.equal(last().path, "/v1/organizations/acme");
    server.push({ json: { id: "d1", name: "app", default_branch: "main", state: "ready", ready: true } });
    assert.equal((await getDatabase(client, "acme", "app")).default_branch, "main");
    assert.equal(last().path, "/v1/organizations/acme/databases/app");
  });
});

describe("service token operations", () => {
  test("creates a token and returns the plaintext token once", async () => {
    server.push({ json: token({ token: "pscale_tkn_new", expires_at: "2027-01-01T00:00:00.000Z" }) });
    const created = await createServiceToken(client, "acme", { name: "ci", ttl: 3600 });
    assert.equal(created.token, "pscale_tkn_new");
    assert.equal(created.expires_at, "2027-01-01T00:00:00.000Z");
    assert.deepEqual(
      [last().method, last().path, last().json],
      ["POST", "/v1/organizations/acme/service-tokens", { name: "ci", ttl: 3600 }],
    );
  });

  test("gets, lists and deletes tokens", async () => {
    server.push({ json: token() });
    assert.equal((await getServiceToken(client, "acme", "tok123abc456")).token, null);
    assert.equal(last().path, "/v1/organizations/acme/service-tokens/tok123abc456");
    server.push({
      json: { type: "list", next_page: null, data: [token(), token({ id: "t2", name: null })] },
    });
    const ids: string[] = [];
    for await (const t of listServiceTokens(client, "acme")) ids.push(t.id);
    assert.deepEqual(ids, ["tok123abc456", "t2"]);
    server.push({ status: 204 });
    await deleteServiceToken(client, "acme", "t2");
    assert.deepEqual([last().method, last().path], ["DELETE", "/v1/organizations/acme/service-tokens/t2"]);
  });

  test("lists, adds and removes accesses (DELETE carries the JSON body)", async () => {
    const row = (access: string) => ({
      id: `a-${access}`,
      type: "DatabaseAccess",
      access,
      resource: { id: "d1", type: "Database", name: "app" },
    });
    server.push({ json: { type: "list", data: [row("read_branch")] } });
    const rows = await listServiceTokenAccesses(client, "acme", "t1");
    assert.deepEqual(
      rows.map((r) => [r.access, r.resource?.name]),
      [["read_branch", "app"]],
    );
    assert.equal(last().path, "/v1/organizations/acme/service-tokens/t1/access");

    server.push({ json: { type: "list", data: [row("read_branch"), row("create_branch")] } });
    const added = await addServiceTokenAccesses(client, "acme", "t1", {
      database: "app",
      access: ["create_branch"],
    });
    assert.equal(added?.length, 2);
    assert.deepEqual([last().method, last().json], ["POST", { database: "app", access: ["create_branch"] }]);

    server.push({ status: 204 });
    await removeServiceTokenAccesses(client, "acme", "t1", { access: ["read_organization"] });
    assert.deepEqual([last().method, last().json], ["DELETE", { access: ["read_organization"] }]);
    assert.equal(last().headers["content-type"], "application/json");
    await assert.rejects(
      async () => addServiceTokenAccesses(client, "acme", "t1", { access: [] }),
      TypeError,
    );
  });
});

describe("schemas", () => {
  test("are lenient about nulls and extra fields, strict about what we rely on", () => {
    assert.ok(
      Branch.safeParse(branch({ mysql_address: undefined, region: null, actor: { id: "x" } })).success,
    );
    assert.ok(!Branch.safeParse(branch({ id: undefined })).success);
    assert.ok(
      Branch.safeParse(branch({ parent_branch: undefined, production: undefined, html_url: undefined }))
        .success,
      "fields the provider can do without may be absent",
    );
    assert.ok(!Branch.safeParse(branch({ created_at: undefined })).success, "created_at proves ownership");
    assert.ok(
      !Branch.safeParse(branch({ state: undefined, ready: undefined })).success,
      "readiness must be reported one way or the other",
    );
    assert.ok(ServiceToken.safeParse(token({ surprise: 1, service_token_accesses: null })).success);
    assert.ok(!ServiceToken.safeParse(token({ created_at: null })).success);
  });
});
