// Level 4: ApiToken through the real Pulumi CLI against the emulator. The token's value is read as
// a user reads it (stack outputs with secrets shown), then used against the API to prove its scope.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { api } from "../support/fixtures";

const TOKEN = "pulumi-nodejs:dynamic/planetscale:ApiToken";
const ps: typeof planetscale = require("pulumi-planetscale");

/** Every file under a directory, concatenated (state, backups, history, logs). */
function allText(dir: string): string {
  let text = "";
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) text += allText(path);
    else text += readFileSync(path, "utf8");
  }
  return text;
}

describe("ApiToken end to end", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let args: planetscale.ApiTokenArgs = {
    name: "pr-7-ci",
    scopes: ["read_only"],
    databases: ["app"],
    ttl: "1h",
  };
  let tokenId = "";
  let secret = "";
  const seen: string[] = [];

  before(async () => {
    env = await createTestStack({
      program: async () => {
        const token = new ps.ApiToken("ci", args);
        return {
          tokenId: token.tokenId,
          token: token.token,
          header: token.authorizationHeader,
          grants: token.grants,
        };
      },
    });
  });
  after(async () => env?.cleanup());

  const as = (method: string, path: string, body?: unknown) =>
    api(env.emulator, method, path, body, { id: tokenId, token: secret });

  test("up creates a read-only token limited to app; its value is a secret output", async () => {
    const result = await env.stack.up();
    assert.equal(result.outputs["token"]?.secret, true);
    assert.equal(result.outputs["header"]?.secret, true);
    // What `pulumi stack output --show-secrets` prints.
    const outputs = await env.stack.outputs();
    tokenId = String(outputs["tokenId"]?.value);
    secret = String(outputs["token"]?.value);
    seen.push(secret);
    assert.match(secret, /^pscale_tkn_/);
    assert.equal(outputs["header"]?.value, `${tokenId}:${secret}`);
    // read_only: reading the organization, and read accesses on app only (see the README's scope table).
    const grants = outputs["grants"]?.value as Array<{ resource: string; name: string; accesses: string[] }>;
    assert.deepEqual(
      grants.map((g) => `${g.resource}:${g.name}`),
      ["database:app", "organization:acme"],
    );
    assert.deepEqual(grants[1]?.accesses, ["read_databases", "read_organization"]);
    assert.ok(grants[0]?.accesses.every((a) => a.startsWith("read_")));
  });

  test("the token can list app's branches, and cannot create one or see another database", async () => {
    assert.equal((await as("GET", "/organizations/acme/databases/app/branches")).status, 200);
    assert.equal(
      (
        await as("POST", "/organizations/acme/databases/app/branches", {
          name: "nope-1",
          parent_branch: "main",
        })
      ).status,
      404,
    );
    assert.equal((await as("GET", "/organizations/acme/databases/other/branches")).status, 404);
  });

  test("changing scopes updates the token in place: same id, same value, new access", async () => {
    args = { ...args, scopes: ["schema_changes"] };
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 1);
    const outputs = await env.stack.outputs();
    assert.equal(outputs["tokenId"]?.value, tokenId);
    assert.equal(outputs["token"]?.value, secret);
    const created = await as("POST", "/organizations/acme/databases/app/branches", {
      name: "made-by-token",
      parent_branch: "main",
    });
    assert.equal(created.status, 201, "a schema_changes token can create a branch");
    await preview();
  });

  async function preview() {
    await env.stack.preview({ expectNoChanges: true });
  }

  test("refresh after an out-of-band revocation shows the drift, and up restores the access", async () => {
    const revoked = await api(
      env.emulator,
      "DELETE",
      `/organizations/acme/service-tokens/${tokenId}/access`,
      {
        database: "app",
        access: ["create_branch"],
      },
    );
    assert.equal(revoked.status, 200);
    await env.stack.refresh();
    const [token] = await env.resourcesOfType(TOKEN);
    const grants = token?.outputs["grants"] as Array<{ accesses: string[] }>;
    assert.ok(!grants[0]?.accesses.includes("create_branch"));
    await env.stack.up();
    assert.equal(
      (
        await as("POST", "/organizations/acme/databases/app/branches", {
          name: "made-again",
          parent_branch: "main",
        })
      ).status,
      201,
    );
  });

  test("the plaintext token is nowhere in the state files or the CLI output", () => {
    for (const value of seen) {
      assert.ok(!allText(join(env.workDir, "state")).includes(value), "state (incl. backups and history)");
      assert.ok(!env.output().includes(value), "CLI output, including the provider's stderr");
    }
    assert.ok(!env.output().includes(env.emulator.adminCredential.token));
  });

  test("destroy deletes the token; it can no longer authenticate", async () => {
    await env.stack.destroy();
    assert.deepEqual(await env.resourcesOfType(TOKEN), []);
    assert.equal((await as("GET", "/organizations/acme/databases/app/branches")).status, 401);
  });
});

describe("ApiToken expiry and failures end to end", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let args: planetscale.ApiTokenArgs = {
    name: "short-lived",
    scopes: ["read_only"],
    databases: ["app"],
    ttl: 2,
  };
  before(async () => {
    env = await createTestStack({
      program: async () => {
        const token = new ps.ApiToken("short", args);
        return { tokenId: token.tokenId, token: token.token };
      },
    });
  });
  after(async () => env?.cleanup());

  test("an expired token gets 401, refresh reports it gone, and up recreates it", async () => {
    await env.stack.up();
    const outputs = await env.stack.outputs();
    const credential = { id: String(outputs["tokenId"]?.value), token: String(outputs["token"]?.value) };
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(
      (await api(env.emulator, "GET", "/organizations/acme/databases/app/branches", undefined, credential))
        .status,
      401,
    );
    const refresh = await env.stack.refresh();
    assert.equal(refresh.summary.resourceChanges?.["delete"], 1);
    args = { ...args, ttl: "1h" };
    await env.stack.up();
    const fresh = await env.stack.outputs();
    assert.notEqual(fresh["tokenId"]?.value, credential.id);
    assert.ok(!env.output().includes(credential.token));
  });

  test("a failing grant fails the update and leaves no token behind", async () => {
    await env.stack.destroy();
    const before = (await api(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data.length;
    env.emulator.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/service-tokens/*/access",
          action: "status",
          status: 500,
          times: 10,
        },
      ],
    });
    args = { ...args, name: "doomed" };
    await assert.rejects(env.stack.up(), (e: Error) => {
      assert.match(e.message, /500|server error|outcome/i);
      assert.doesNotMatch(e.message, /pscale_tkn_/, "the error never shows a token value");
      return true;
    });
    assert.doesNotMatch(env.output(), /pscale_tkn_/);
    env.emulator.setFaults({});
    const after = (await api(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data;
    assert.equal(after.length, before);
    assert.ok(!after.some((t: { name: string }) => t.name === "doomed"));
    assert.deepEqual(await env.resourcesOfType(TOKEN), []);
  });
});
