// Level 1: `check` proves the credential and the database once per process, so `pulumi preview`
// fails on a wrong token or database instead of going green and failing at `pulumi up`.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import { branchResource as branch } from "../../provider/internal/branch/resource";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator, UNKNOWN } from "../support/provider-context";

let emu: Emulator;
before(async () => {
  emu = await emulator();
});
after(async () => emu.stop());

/** Requests the emulator received, as "METHOD path" without the `/v1` prefix. */
function calls(): string[] {
  return emu.requests().map((r) => `${r.method} ${r.path.replace(/^\/v1/, "")}`);
}

describe("check verifies access once per process", () => {
  test("many branches of one database and tokens of one organization cost one call each", async () => {
    const ctx = contextForEmulator(emu);
    emu.clearRequests();
    await Promise.all(
      ["a", "b", "c"].map((n) => branch.check(ctx, {}, { database: "app", name: `pre-${n}` })),
    );
    await branch.check(ctx, {}, { database: "app", name: "pre-d" });
    await token.check(ctx, {}, { scopes: ["read_only"], databases: ["app"] });
    await token.check(ctx, {}, { scopes: ["read_only"], name: "second" });
    assert.deepEqual(calls().sort(), ["GET /organizations/acme", "GET /organizations/acme/databases/app"]);
  });

  test("invalid inputs and unknown databases make no call", async () => {
    // A fresh emulator, so nothing is verified (cached) yet for its client.
    const fresh = await emulator();
    try {
      const ctx = contextForEmulator(fresh);
      const bad = await branch.check(ctx, {}, { database: "App DB" });
      assert.equal(bad.failures?.[0]?.property, "database");
      await branch.check(ctx, {}, { database: UNKNOWN, name: "pre-unknown" });
      assert.deepEqual(fresh.requests(), []);
      await branch.check(ctx, {}, { database: "app", name: "pre-known" });
      assert.equal(fresh.requests().length, 1);
    } finally {
      await fresh.stop();
    }
  });

  test("a token's databases are each checked once per process", async () => {
    const fresh = await emulator();
    try {
      const ctx = contextForEmulator(fresh);
      const bad = await token.check(ctx, {}, { scopes: ["read_only"], databases: ["App DB"] });
      assert.equal(bad.failures?.[0]?.property, "databases");
      assert.deepEqual(fresh.requests(), [], "invalid inputs make no call");
      await token.check(ctx, {}, { scopes: ["read_only"], databases: [UNKNOWN] });
      assert.deepEqual(
        fresh.requests().map((r) => `${r.method} ${r.path.replace(/^\/v1/, "")}`),
        ["GET /organizations/acme"],
        "an unknown database is checked once known",
      );
      await Promise.all([
        token.check(ctx, {}, { scopes: ["read_only"], databases: ["app", "other"] }),
        token.check(ctx, {}, { scopes: ["read_only"], databases: ["other"], name: "second" }),
      ]);
      await branch.check(ctx, {}, { database: "app", name: "pre-after-token" });
      assert.deepEqual(
        fresh
          .requests()
          .map((r) => `${r.method} ${r.path.replace(/^\/v1/, "")}`)
          .sort(),
        [
          "GET /organizations/acme",
          "GET /organizations/acme/databases/app",
          "GET /organizations/acme/databases/other",
        ],
      );
    } finally {
      await fresh.stop();
    }
  });

  test("a token naming a database it cannot reach fails check, naming it and `databases`", async () => {
    const ctx = contextForEmulator(emu);
    await assert.rejects(
      token.check(ctx, {}, { scopes: ["read_only"], databases: ["app", "nosuchdb"] }),
      (e: Error & { code?: string }) =>
        e.code === "PLANETSCALE_PERMISSION_DENIED" &&
        /database "nosuchdb" was not found in organization "acme"/.test(e.message) &&
        /404 both .* lacks access/.test(e.message) &&
        /Check the resource's `databases`/.test(e.message),
    );
    // The answer is cached, the message is each resource's own.
    emu.clearRequests();
    await assert.rejects(
      branch.check(ctx, {}, { database: "nosuchdb", name: "pre-cached" }),
      /database "nosuchdb" was not found.*Check the resource's `database`,/s,
    );
    assert.deepEqual(calls(), []);
    const created = await call(emu, "POST", "/organizations/acme/service-tokens", {
      body: { name: "no-db-access" },
    });
    const limited = contextForEmulator(emu, {
      "planetscale:serviceTokenId": created.body.id,
      "planetscale:serviceToken": created.body.token,
    });
    await assert.rejects(
      token.check(limited, {}, { scopes: ["read_only"], databases: ["app"] }),
      /database "app" was not found in organization "acme" with this credential.*404 both.*`databases`/s,
    );
  });

  test("a wrong token fails check with the config commands that fix it", async () => {
    const ctx = contextForEmulator(emu, { "planetscale:serviceToken": "wrong-token-value" });
    await assert.rejects(
      branch.check(ctx, {}, { database: "app", name: "pre-bad-token" }),
      (e: Error & { code?: string }) =>
        e.code === "PLANETSCALE_UNAUTHORIZED" &&
        /rejected the credential/.test(e.message) &&
        /pulumi config set --secret planetscale:serviceToken/.test(e.message) &&
        !e.message.includes("wrong-token-value"),
    );
    await assert.rejects(
      token.check(ctx, {}, { scopes: ["read_only"] }),
      (e: Error & { code?: string }) => e.code === "PLANETSCALE_UNAUTHORIZED",
    );
  });

  test("a database that does not exist is named, with the 404-means-no-access caveat", async () => {
    const ctx = contextForEmulator(emu);
    await assert.rejects(
      branch.check(ctx, {}, { database: "nosuchdb", name: "pre-1" }),
      (e: Error & { code?: string }) =>
        e.code === "PLANETSCALE_PERMISSION_DENIED" &&
        /database "nosuchdb" was not found in organization "acme"/.test(e.message) &&
        /lacks access/.test(e.message),
    );
  });

  test("a token without access to the database gets the same explanation", async () => {
    const created = await call(emu, "POST", "/organizations/acme/service-tokens", {
      body: { name: "no-access" },
    });
    const ctx = contextForEmulator(emu, {
      "planetscale:serviceTokenId": created.body.id,
      "planetscale:serviceToken": created.body.token,
    });
    await assert.rejects(
      branch.check(ctx, {}, { database: "app", name: "pre-2" }),
      /database "app" was not found in organization "acme" with this credential.*404 both/s,
    );
  });

  test("an organization that does not exist is named", async () => {
    const ctx = contextForEmulator(emu);
    await assert.rejects(
      token.check(ctx, {}, { scopes: ["read_only"], organization: "nosuchorg" }),
      /organization "nosuchorg" was not found with this credential.*404 both/s,
    );
    await assert.rejects(
      branch.check(ctx, {}, { database: "app", organization: "nosuchorg" }),
      /organization "nosuchorg" was not found/,
    );
  });

  test("an unreachable API URL says which setting to check", async () => {
    const stopped = await emulator();
    const apiUrl = stopped.apiUrl;
    await stopped.stop();
    const ctx = contextForEmulator(emu, { "planetscale:apiUrl": apiUrl, "planetscale:maxRetries": "0" });
    await assert.rejects(
      branch.check(ctx, {}, { database: "app", name: "pre-3" }),
      (e: Error & { code?: string }) =>
        e.code === "PLANETSCALE_CONNECTION" && e.message.includes(`cannot reach PlanetScale at ${apiUrl}`),
    );
  });
});

describe("check asks nothing about a resource whose inputs did not change", () => {
  const cases: Array<[string, typeof branch, Record<string, unknown>]> = [
    ["Branch", branch, { database: "app", name: "same-1", deletionProtected: false }],
    ["ApiToken", token, { scopes: ["read_only"], databases: ["app"], name: "same-2" }],
    ["BranchPassword", password, { database: "app", branch: "main", role: "reader", name: "same-3" }],
    ["BranchRole", role, { database: "pg-app", branch: "main", name: "same-4" }],
  ];
  for (const [kind, resource, inputs] of cases) {
    test(`${kind}: as deployed, no call; changed, checked against PlanetScale again`, async () => {
      // The inputs as `check` stored them at the last deployment (organization and name filled in).
      const deployed = await resource.check(contextForEmulator(emu), {}, { ...inputs, __provider: "p" });
      assert.deepEqual(deployed.failures ?? [], []);
      // A new process (a fresh client: nothing verified yet) as a no-change `preview` starts one.
      const fresh = await emulator();
      try {
        const ctx = contextForEmulator(fresh);
        const again = await resource.check(ctx, deployed.inputs, { ...inputs, __provider: "p" });
        assert.deepEqual([again.failures ?? [], again.inputs], [[], deployed.inputs]);
        assert.deepEqual(fresh.requests(), []);
        await resource.check(ctx, deployed.inputs, { ...inputs, name: "changed", __provider: "p" });
        assert.ok(fresh.requests().length > 0, "changed inputs are checked again");
      } finally {
        await fresh.stop();
      }
    });
  }
});

describe("check asks nothing after a refresh that found nothing changed", () => {
  // Each with the properties PlanetScale defaults, which a refresh records and the program leaves out.
  const cases: Array<[string, typeof branch, Record<string, unknown>, string[]]> = [
    [
      "Branch",
      branch,
      { database: "app", name: "refreshed-1", parentBranch: "main" },
      ["region", "clusterSize", "deletionProtected", "safeMigrations"],
    ],
    ["ApiToken", token, { scopes: ["read_only"], databases: ["app"], name: "refreshed-2", ttl: "7d" }, []],
    [
      "BranchPassword",
      password,
      {
        database: "app",
        branch: "main",
        role: "readwriter",
        name: "refreshed-3",
        ttl: "30d",
        rotateBefore: "7d",
      },
      ["replica"],
    ],
    ["BranchRole", role, { database: "pg-app", branch: "main", name: "refreshed-4" }, ["inheritedRoles"]],
  ];
  cases.forEach(([kind, resource, inputs, defaulted], n) => {
    test(`${kind}: the refreshed inputs match the program's; a change found by the refresh is checked again`, async () => {
      const program = { ...inputs, __provider: "p" };
      const ctx = contextForEmulator(emu);
      const checked = await resource.check(ctx, {}, program);
      const created = await resource.create(ctx, checked.inputs);
      // What `pulumi refresh` records as the inputs.
      const refreshed = await resource.read(ctx, created.id, created.outs);
      assert.ok(refreshed.inputs, "read returns the inputs it found");
      for (const key of defaulted) {
        assert.ok(refreshed.inputs[key] !== undefined && inputs[key] === undefined, key);
      }
      // A client of its own, so nothing is verified yet, as in the next `up`'s new process.
      const fresh = contextForEmulator(emu, { "planetscale:timeoutMs": String(29_000 + n) });
      emu.clearRequests();
      const again = await resource.check(fresh, refreshed.inputs, program);
      assert.deepEqual(again.failures ?? [], []);
      assert.deepEqual(calls(), [], "no call for inputs the refresh found unchanged");
      const renamed = { ...refreshed.inputs, name: "renamed-outside-pulumi" };
      await resource.check(fresh, renamed, program);
      assert.ok(calls().length > 0, "a name changed outside Pulumi is checked again");
      await resource.delete(ctx, created.id, created.outs);
    });
  });
});
