// Level 4: ApiToken through the real Pulumi CLI against the emulator. The token's value is read as
// a user reads it (stack outputs with secrets shown), then used against the API to prove its scope.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { call, waitFor } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

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

// One stack and emulator for the file: its suites run in order, each leaving nothing deployed.
let env: TestStack;
before(async () => {
  if (!skipWithoutCli) env = await createTestStack({ program: async () => ({}) });
});
after(async () => env?.cleanup());

describe("ApiToken end to end", { skip: skipWithoutCli }, () => {
  let args: planetscale.ApiTokenArgs = {
    name: "pr-7-ci",
    scopes: ["read_only"],
    databases: ["app"],
    ttl: "1h",
  };
  let tokenId = "";
  let secret = "";
  const seen: string[] = [];

  before(() =>
    env.setProgram(async () => {
      const token = new ps.ApiToken("ci", args);
      return {
        tokenId: token.tokenId,
        token: token.token,
        header: token.authorizationHeader,
        grants: token.grants,
      };
    }),
  );

  const as = (method: string, path: string, body?: unknown) =>
    call(env.emulator, method, path, { body, cred: { id: tokenId, token: secret } });

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
    const revoked = await call(
      env.emulator,
      "DELETE",
      `/organizations/acme/service-tokens/${tokenId}/access`,
      {
        body: {
          database: "app",
          access: ["create_branch"],
        },
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

  test("the Pulumi credential lives in the default provider's entry of the checkpoint, encrypted", async () => {
    const state = await env.exportState();
    const providers = state.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
    assert.deepEqual(
      providers.map((r) => r.urn),
      ["urn:pulumi:test::e2e::pulumi:providers:pulumi-nodejs::default"],
    );
    const config = providers[0]?.inputs ?? {};
    // Pulumi's secret envelope: the signature key, and a ciphertext under the stack's secrets provider.
    const secret = config["planetscale:serviceToken"] as Record<string, unknown>;
    assert.equal(secret["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
    assert.match(String(secret["ciphertext"]), /^v1:/);
    assert.equal(
      config["planetscale:serviceTokenId"],
      env.emulator.adminCredential.id,
      "the id is not secret",
    );
    assert.ok(!allText(join(env.workDir, "state")).includes(env.emulator.adminCredential.token));
  });

  test("destroy deletes the token; it can no longer authenticate", async () => {
    await env.stack.destroy();
    assert.deepEqual(await env.resourcesOfType(TOKEN), []);
    assert.equal((await as("GET", "/organizations/acme/databases/app/branches")).status, 401);
  });
});

describe("ApiToken expiry and failures end to end", { skip: skipWithoutCli }, () => {
  let args: planetscale.ApiTokenArgs = {
    name: "short-lived",
    scopes: ["read_only"],
    databases: ["app"],
    ttl: 2,
  };
  before(() =>
    env.setProgram(async () => {
      const token = new ps.ApiToken("short", args);
      return { tokenId: token.tokenId, token: token.token };
    }),
  );

  /** The current token's credential, from the stack outputs (as a user reads it). */
  async function currentCredential(): Promise<{ id: string; token: string }> {
    const outputs = await env.stack.outputs();
    return { id: String(outputs["tokenId"]?.value), token: String(outputs["token"]?.value) };
  }

  /** Waits on the condition, not a clock: until the token's own credential is refused. */
  async function waitUntilRefused(credential: { id: string; token: string }): Promise<void> {
    const branches = "/organizations/acme/databases/app/branches";
    await waitFor(
      "the token's credential to be refused",
      async () => (await call(env.emulator, "GET", branches, { cred: credential })).status === 401,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  async function tokenExists(id: string): Promise<boolean> {
    return (await call(env.emulator, "GET", `/organizations/acme/service-tokens/${id}`)).status === 200;
  }

  test("an expired token: refresh deletes it (not only from the state), and up recreates it", async () => {
    await env.stack.up();
    const credential = await currentCredential();
    await waitUntilRefused(credential);
    const refresh = await env.stack.refresh();
    assert.equal(refresh.summary.resourceChanges?.["delete"], 1);
    assert.equal(await tokenExists(credential.id), false, "deleted in PlanetScale, not just forgotten");
    await env.stack.up();
    const fresh = await currentCredential();
    assert.notEqual(fresh.id, credential.id);
    assert.ok(!env.output().includes(credential.token));
  });

  test("an expired token: up without refresh replaces it and deletes the old one", async () => {
    const expired = await currentCredential();
    await waitUntilRefused(expired);
    const up = await env.stack.up();
    assert.equal(up.summary.resourceChanges?.["replace"], 1);
    const fresh = await currentCredential();
    assert.notEqual(fresh.id, expired.id);
    assert.equal(await tokenExists(expired.id), false);
    assert.equal(await tokenExists(fresh.id), true);
  });

  test("an expired token: destroy deletes it; none of ours is left", async () => {
    const expired = await currentCredential();
    await waitUntilRefused(expired);
    await env.stack.destroy();
    assert.equal(await tokenExists(expired.id), false);
    const left = (await call(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data;
    assert.deepEqual(
      left.filter((t: { name: string }) => t.name === "short-lived"),
      [],
      "no token of this stack remains, expired or not",
    );
    args = { ...args, ttl: "1h" };
  });

  test("a failing grant fails the update and leaves no token behind", async () => {
    // The destroy above left the stack empty: the failed up below starts from nothing.
    assert.deepEqual(await env.resourcesOfType(TOKEN), []);
    const before = (await call(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data.length;
    env.emulator.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/service-tokens/*/access",
          action: "status",
          status: 500,
          times: 1000,
        },
      ],
    });
    // A grant is retried while 5xx answers last (planetscale:retryTimeoutMs, a minute by default):
    // an outage longer than the window is what fails the update.
    await env.stack.setConfig("planetscale:retryTimeoutMs", { value: "2000" });
    args = { ...args, name: "doomed" };
    try {
      await assert.rejects(env.stack.up(), (e: Error) => {
        assert.match(e.message, /500|server error|outcome/i);
        assert.doesNotMatch(e.message, /pscale_tkn_/, "the error never shows a token value");
        return true;
      });
    } finally {
      await env.stack.removeConfig("planetscale:retryTimeoutMs");
    }
    assert.doesNotMatch(env.output(), /pscale_tkn_/);
    env.emulator.setFaults({});
    const after = (await call(env.emulator, "GET", "/organizations/acme/service-tokens?per_page=100")).body
      .data;
    assert.equal(after.length, before);
    assert.ok(!after.some((t: { name: string }) => t.name === "doomed"));
    assert.deepEqual(await env.resourcesOfType(TOKEN), []);
  });
});

describe("bad input is refused by `pulumi preview`, before any API call", { skip: skipWithoutCli }, () => {
  const cases: Array<[string, () => void, RegExp]> = [
    [
      "ttl: 1e308 (Infinity once in milliseconds)",
      () => new ps.ApiToken("forever", { scopes: ["read_only"], ttl: 1e308 }),
      /ttl 1e\+308 is longer than the 3650d \(10 years\) a token may live/,
    ],
    [
      "a token name with an ANSI escape",
      () => new ps.ApiToken("ansi", { scopes: ["read_only"], name: "ci\u001b[31mred" }),
      /name contains ESC, as in an ANSI escape sequence \(U\+001B\) at position 3/,
    ],
    [
      "an object readyTimeout",
      () =>
        new ps.Branch("slow", {
          database: "app",
          readyTimeout: { minutes: 5 } as unknown as string,
        }),
      /readyTimeout must be a duration between 1 s and 24 h/,
    ],
  ];
  for (const [what, declare, message] of cases) {
    test(what, async () => {
      env.setProgram(async () => {
        declare();
        return {};
      });
      env.emulator.clearRequests();
      const from = env.output().length;
      await assert.rejects(env.stack.preview(), (e: Error) => {
        assert.match(e.message, message);
        return true;
      });
      assert.deepEqual(env.emulator.requests(), [], "zero API calls");
      // The engine itself prints the offending value ("property name value {…}"); our reason, after
      // "has a problem:", never replays an escape sequence.
      const reasons = env
        .output()
        .slice(from)
        .split("\n")
        .flatMap((line) => line.split("has a problem:").slice(1));
      assert.ok(reasons.length > 0, "the engine reported the check failure");
      for (const reason of reasons) assert.ok(!reason.includes("\u001b"), reason);
    });
  }
});
