// Level 1: the ApiToken provider methods called directly against the in-process emulator.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import * as branchesApi from "../../provider/internal/api/branches";
import { apiTokenResource as token } from "../../provider/internal/api-token/resource";
import type { PlanetScaleClient } from "../../provider/internal/client/client";
import { NotFoundError, UnauthorizedError } from "../../provider/internal/client/errors";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { contextFor, type ProviderContext } from "../../provider/internal/dynamic/resource-implementation";
import { UNKNOWN } from "../../provider/internal/inputs/unknown";
import { waitFor } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { configFor, TEST_STACK, withTestBackend } from "../support/provider-context";

type Props = Record<string, unknown>;
const PROVIDER = "serialized-provider-text";

let emu: Emulator;
let ctx: ProviderContext;
/** Progress lines the provider printed. */
const logs: string[] = [];
/** Everything written to stderr or the console while the tests ran. */
const printed: string[] = [];
/** Every token secret the provider returned: none may ever be printed. */
const secrets = new Set<string>();
/** Every error message and check failure seen. */
const messages: string[] = [];

const originalStderrWrite = process.stderr.write.bind(process.stderr);
const originalConsole = { log: console.log, warn: console.warn, error: console.error, info: console.info };

before(async () => {
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    printed.push(String(chunk));
    return (originalStderrWrite as (...a: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  for (const key of Object.keys(originalConsole) as Array<keyof typeof originalConsole>) {
    const original = originalConsole[key];
    console[key] = (...args: unknown[]) => {
      printed.push(args.map(String).join(" "));
      original(...args);
    };
  }
  emu = await emulator({ readyDelayMs: 20 });
  const base = contextFor(
    configFor(emu, {
      "planetscale:maxRetries": "0",
      // The client-side limiter (500/min) would only slow the tests down; the test emulator allows more.
      "planetscale:requestsPerMinute": "0",
      // How long a create whose outcome is unknown waits for the object to show up: the emulator
      // shows it at once or never, so the default 10 s would only be waited out.
      "planetscale:lateCreateWaitMs": "300",
    }),
  );
  ctx = withTestBackend({
    ...base,
    log: (m) => {
      logs.push(m);
      base.log(m);
    },
  });
});

after(async () => {
  process.stderr.write = originalStderrWrite as typeof process.stderr.write;
  Object.assign(console, originalConsole);
  await emu.stop();
});

beforeEach(() => {
  emu.setFaults({});
  emu.clearRequests();
});

/** check, then create, as the engine does; remembers the secret. */
async function createToken(inputs: Props, olds: Props = {}) {
  const checked = await token.check(ctx, olds, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(checked.failures ?? [], []);
  const news = checked.inputs as Props;
  const created = await token.create(ctx, news);
  const outs = created.outs as Props;
  if (typeof outs["token"] === "string") secrets.add(outs["token"]);
  return { news, id: created.id, outs };
}

/** A client that authenticates as the created token. */
function clientAs(outs: Props): PlanetScaleClient {
  const values: Record<string, string> = {
    "planetscale:serviceTokenId": String(outs["tokenId"]),
    "planetscale:serviceToken": String(outs["token"]),
    "planetscale:apiUrl": emu.apiUrl,
    "planetscale:maxRetries": "0",
  };
  return getClient(resolveSettings({ get: (k) => values[k] }, {}));
}

function snapshotToken(id: string) {
  return emu.snapshot().serviceTokens.find((t) => t.id === id);
}

function accessesOf(id: string): string[] {
  return (snapshotToken(id)?.accesses ?? []).map((a) => `${a.database ?? "*"}:${a.access}`).sort();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    messages.push(error.message, JSON.stringify(error));
    return error;
  }
  assert.fail("expected a rejection");
}

describe("check", () => {
  const future = new Date(Date.now() + 86_400_000).toISOString();
  const invalid: Array<[string, Props, string, RegExp]> = [
    [
      "an unknown scope",
      { scopes: ["read-only"] },
      "scopes",
      /'read-only' is not a scope \(did you mean 'read_only'\?\)/,
    ],
    [
      "an unknown permission",
      { permissions: ["read_branches"] },
      "permissions",
      /did you mean 'read_branch'/,
    ],
    ["a non-list of scopes", { scopes: "read_only" }, "scopes", /list of strings/],
    [
      "ttl with expiresAt",
      { scopes: ["read_only"], ttl: 60, expiresAt: future },
      "ttl",
      /either ttl .* or expiresAt/,
    ],
    [
      "a past expiresAt",
      { scopes: ["read_only"], expiresAt: "2020-01-01T00:00:00Z" },
      "expiresAt",
      /in the past/,
    ],
    ["a malformed expiresAt", { scopes: ["read_only"], expiresAt: "next tuesday" }, "expiresAt", /ISO 8601/],
    [
      "a date that does not exist",
      { scopes: ["read_only"], expiresAt: "2031-02-30T00:00:00Z" },
      "expiresAt",
      /ISO 8601/,
    ],
    [
      "an expiresAt without time zone",
      { scopes: ["read_only"], expiresAt: "2031-01-01T10:00:00" },
      "expiresAt",
      /time zone/,
    ],
    ["nothing to grant", { ttl: 60 }, "scopes", /nothing to grant/],
    ["empty scopes and permissions", { scopes: [], permissions: [], ttl: 60 }, "scopes", /nothing to grant/],
    ["an empty databases list", { scopes: ["read_only"], databases: [] }, "databases", /must not be empty/],
    ["a duplicate scope", { scopes: ["read_only", "read_only"] }, "scopes", /more than once/],
    [
      "a duplicate permission",
      { permissions: ["read_branch", "read_branch"] },
      "permissions",
      /more than once/,
    ],
    [
      "a duplicate database",
      { scopes: ["read_only"], databases: ["app", "app"] },
      "databases",
      /more than once/,
    ],
    [
      "a bad database name",
      { scopes: ["read_only"], databases: ["My DB"] },
      "databases",
      /not a database name/,
    ],
    ["an unknown key", { scopes: ["read_only"], expires_at: future }, "expires_at", /unrecognized/i],
    ["a bad ttl", { scopes: ["read_only"], ttl: "soon" }, "ttl", /duration/],
    ["a zero ttl", { scopes: ["read_only"], ttl: 0 }, "ttl", /at least 1 s/],
    [
      "rotateBefore without expiry",
      { scopes: ["read_only"], rotateBefore: "1d" },
      "rotateBefore",
      /needs ttl or expiresAt/,
    ],
    [
      "rotateBefore longer than ttl",
      { scopes: ["read_only"], ttl: "1d", rotateBefore: "2d" },
      "rotateBefore",
      /shorter than ttl/,
    ],
    [
      "expiresAt inside rotateBefore",
      { scopes: ["read_only"], expiresAt: future, rotateBefore: "2d" },
      "expiresAt",
      /due for rotation/,
    ],
    [
      "a bad organization",
      { scopes: ["read_only"], organization: "Acme Corp" },
      "organization",
      /lowercase slug/,
    ],
    ["an empty name", { scopes: ["read_only"], name: "" }, "name", /must not be empty/],
    // Lifetimes beyond the 10-year bound (1e308 is Infinity once in milliseconds: "ttl": null).
    [
      "an infinite ttl (1e308)",
      { scopes: ["read_only"], ttl: 1e308 },
      "ttl",
      /longer than the 3650d \(10 years\)/,
    ],
    [
      "a ttl of 99999999d",
      { scopes: ["read_only"], ttl: "99999999d" },
      "ttl",
      /longer than the 3650d.*at most '3650d'/,
    ],
    ["a ttl one second over 10 years", { scopes: ["read_only"], ttl: 315_360_001 }, "ttl", /longer than/],
    [
      "an expiresAt in year 9999",
      { scopes: ["read_only"], expiresAt: "9999-12-31T00:00:00Z" },
      "expiresAt",
      /days away, longer than the 3650d \(10 years\).*set a time before \d{4}-/,
    ],
    [
      "an infinite rotateBefore",
      { scopes: ["read_only"], ttl: "1d", rotateBefore: 1e308 },
      "rotateBefore",
      /longer than/,
    ],
    // Names people read: visible, printable.
    ["a whitespace-only name", { scopes: ["read_only"], name: "   " }, "name", /visible character/],
    [
      "a name with an ANSI escape",
      { scopes: ["read_only"], name: "ci\u001b[31mred" },
      "name",
      /ESC, as in an ANSI escape sequence \(U\+001B\) at position 3/,
    ],
    ["a name with a newline", { scopes: ["read_only"], name: "ci\nlog" }, "name", /a newline/],
    [
      "a name with a C1 control",
      { scopes: ["read_only"], name: "ci\u009b31m" },
      "name",
      /control character \(U\+009B\)/,
    ],
    [
      "a namePrefix with a bell",
      { scopes: ["read_only"], namePrefix: "ci\u0007" },
      "namePrefix",
      /control character/,
    ],
    [
      "a name with a right-to-left override, which would display in another order",
      { scopes: ["read_only"], name: "ci\u202Egnp.exe" },
      "name",
      /right-to-left override \(U\+202E\) at position 3/,
    ],
    [
      "a name of a zero-width space only",
      { scopes: ["read_only"], name: "\u200b" },
      "name",
      /invisible character \(U\+200B\)/,
    ],
    [
      "a 100,000-character namePrefix",
      { scopes: ["read_only"], namePrefix: "p".repeat(100_000) },
      "namePrefix",
      /namePrefix must be at most 255 characters; it has 100000/,
    ],
    [
      "a non-string namePrefix",
      { scopes: ["read_only"], namePrefix: 42 },
      "namePrefix",
      /namePrefix must be a string/,
    ],
    // Clear messages for wrong types inside lists, and no raw escape echoed back.
    [
      "a number in permissions",
      { permissions: [42] },
      "permissions",
      /permissions must be a list of strings, for example \['read_branch'\]; it holds 42 \(a number\)/,
    ],
    ["a null in scopes", { scopes: [null] }, "scopes", /scopes must be a list of strings.*null/],
    [
      "a scope with an escape sequence",
      { scopes: ["read_only\u001b[2J"] },
      "scopes",
      /'read_only\\u001b\[2J' is not a scope/,
    ],
  ];
  for (const [title, inputs, property, reason] of invalid) {
    test(`refuses ${title}, naming ${property}, without calling the API`, async () => {
      const result = await token.check(ctx, {}, { ...inputs, __provider: PROVIDER });
      for (const f of result.failures ?? []) messages.push(f.reason);
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `expected a failure for ${property}, got ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, reason);
      // Echoing an input never replays its escape sequences into the terminal.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: that is what is checked
      for (const f of result.failures ?? []) assert.doesNotMatch(f.reason, /[\u0000-\u001f\u007f-\u009f]/);
      assert.equal(emu.requests().length, 0);
    });
  }

  test("accepts lifetimes up to the 10-year bound", async () => {
    for (const inputs of [
      { ttl: 315_360_000 },
      { ttl: "3650d" },
      { expiresAt: new Date(Date.now() + 3649 * 86_400_000).toISOString() },
    ]) {
      const result = await token.check(ctx, {}, { scopes: ["read_only"], ...inputs });
      assert.deepEqual(result.failures ?? [], [], JSON.stringify(inputs));
    }
    // Validation is local; a valid check only makes the once-per-process access check.
    const calls = emu.requests().map((r) => `${r.method} ${r.path}`);
    assert.ok(calls.length <= 1 && calls.every((c) => c === "GET /v1/organizations/acme"), calls.join(", "));
  });

  test("accepts unknown values during preview", async () => {
    const result = await token.check(
      ctx,
      {},
      {
        scopes: UNKNOWN,
        databases: [UNKNOWN],
        ttl: UNKNOWN,
        rotateBefore: "1h",
        namePrefix: UNKNOWN,
        __provider: PROVIDER,
      },
    );
    assert.deepEqual(result.failures ?? [], []);
    const inputs = result.inputs as Props;
    assert.equal(inputs["name"], UNKNOWN);
    assert.equal(inputs["organization"], "acme");
    assert.equal(inputs["__provider"], PROVIDER);
    // Known values are still validated, before any API call.
    emu.clearRequests();
    const bad = await token.check(ctx, {}, { scopes: UNKNOWN, permissions: ["nope"] });
    assert.equal(bad.failures?.[0]?.property, "permissions");
    assert.equal(emu.requests().length, 0);
  });

  test("auto-names from the prefix, stable across checks", async () => {
    const first = (await token.check(ctx, {}, { scopes: ["read_only"], namePrefix: "CI Token" }))
      .inputs as Props;
    assert.match(String(first["name"]), /^ci-token-[a-z0-9]{7}$/);
    const again = (await token.check(ctx, first, { scopes: ["read_only"], namePrefix: "CI Token" }))
      .inputs as Props;
    assert.equal(again["name"], first["name"]);
    const given = (await token.check(ctx, {}, { scopes: ["read_only"], name: "My CI token" }))
      .inputs as Props;
    assert.equal(given["name"], "My CI token");
  });
});

describe("create", () => {
  test("a create is one POST of the token plus one POST per grant: nothing is listed or read first", async () => {
    const checked = await token.check(
      ctx,
      {},
      { name: "one-post", scopes: ["read_only"], databases: ["app"] },
    );
    assert.deepEqual(checked.failures ?? [], []);
    emu.clearRequests();
    const created = await token.create(ctx, checked.inputs as Props);
    secrets.add(String((created.outs as Props)["token"]));
    const base = "/v1/organizations/acme/service-tokens";
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      [`POST ${base}`, `POST ${base}/${created.id}/access`, `POST ${base}/${created.id}/access`],
    );
  });

  test("grants each access group once and takes the grants from the answers, without reading them back", async () => {
    emu.clearRequests();
    const { id, outs } = await createToken({ name: "lean", scopes: ["read_only"], databases: ["app"] });
    const tokenPath = `/v1/organizations/acme/service-tokens/${id}`;
    const after = emu.requests().filter((r) => r.path.startsWith(tokenPath));
    assert.deepEqual(
      after.map((r) => `${r.method} ${r.path.slice(tokenPath.length)}`),
      ["POST /access", "POST /access"],
      "one grant per resource (database app, organization acme), and no GET of the accesses",
    );
    assert.deepEqual(
      (outs["grants"] as Array<{ resource: string }>).map((g) => g.resource),
      ["database", "organization"],
    );
    assert.deepEqual(accessesOf(id).length, 7, "what the outputs report is what PlanetScale holds");
  });

  test("a read_only token on app can read app's branches and nothing more", async () => {
    const { id, outs } = await createToken({
      name: "ro-app",
      scopes: ["read_only"],
      databases: ["app"],
      ttl: "1h",
    });
    assert.equal(outs["tokenId"], id);
    assert.equal(typeof outs["token"], "string");
    assert.ok(
      outs["authorizationHeader"] === `${id}:${outs["token"]}`,
      "authorizationHeader is <id>:<token>",
    );
    assert.deepEqual(outs["grants"], [
      {
        resource: "database",
        name: "app",
        accesses: ["read_backups", "read_branch", "read_comment", "read_database", "read_deploy_request"],
      },
      { resource: "organization", name: "acme", accesses: ["read_databases", "read_organization"] },
    ]);
    const expiresIn = Date.parse(String(outs["expiresAt"])) - Date.now();
    assert.ok(expiresIn > 3590_000 && expiresIn <= 3600_000, `expires in ${expiresIn} ms`);
    assert.match(String(outs["createdAt"]), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(outs["name"], "ro-app");
    assert.deepEqual(outs["scopes"], ["read_only"]);

    const client = clientAs(outs);
    const list: string[] = [];
    for await (const b of branchesApi.listBranches(client, "acme", "app")) list.push(b.name);
    assert.ok(list.includes("main"));
    const create = await rejection(branchesApi.createBranch(client, "acme", "app", { name: "nope" }));
    assert.ok(create instanceof NotFoundError, create.message);
    const other = await rejection(
      (async () => {
        for await (const _ of branchesApi.listBranches(client, "acme", "other")) break;
      })(),
    );
    assert.ok(other instanceof NotFoundError, other.message);
  });

  test("a schema_changes token can create a branch", async () => {
    const { outs } = await createToken({
      name: "sc-app",
      scopes: ["schema_changes"],
      databases: ["app"],
      ttl: "1h",
    });
    const branch = await branchesApi.createBranch(clientAs(outs), "acme", "app", { name: "from-token" });
    assert.equal(branch.name, "from-token");
  });

  test("without databases the grant is organization-level and covers every database", async () => {
    const { outs } = await createToken({
      name: "ro-all",
      scopes: ["read_only"],
      permissions: ["promote_branches"],
      ttl: 600,
    });
    const grants = outs["grants"] as Array<{ resource: string; accesses: string[] }>;
    assert.equal(grants.length, 1);
    assert.equal(grants[0]?.resource, "organization");
    assert.ok(grants[0]?.accesses.includes("promote_branches"));
    for await (const _ of branchesApi.listBranches(clientAs(outs), "acme", "other")) break;
  });

  test("an expiresAt becomes a ttl; no expiry means never", async () => {
    const at = new Date(Date.now() + 7200_000).toISOString();
    const { news, outs } = await createToken({ name: "until", scopes: ["read_only"], expiresAt: at });
    assert.ok(Math.abs(Date.parse(String(outs["expiresAt"])) - Date.parse(at)) < 2000);
    assert.equal(outs["requestedExpiresAt"], at);
    const same = await token.diff(ctx, String(outs["tokenId"]), outs, news);
    assert.equal(same.changes, false);
    const forever = await createToken({ name: "forever", scopes: ["read_only"] });
    assert.equal(forever.outs["expiresAt"], null);
  });

  test("a transient failure of a grant is retried and the token is complete", async () => {
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/service-tokens/*/access",
          action: "status",
          status: 502,
        },
      ],
    });
    // This file's context never retries; here the default retry policy applies.
    const retrying = contextFor(configFor(emu, { "planetscale:requestsPerMinute": "0" }));
    const checked = await token.check(
      retrying,
      {},
      { name: "bumpy", scopes: ["read_only"], databases: ["app"], ttl: 60 },
    );
    const created = await token.create(retrying, checked.inputs as Props);
    const outs = created.outs as Props;
    secrets.add(String(outs["token"]));
    const grants = outs["grants"] as Array<{ resource: string; name: string }>;
    assert.deepEqual(
      grants.map((g) => `${g.resource}:${g.name}`),
      ["database:app", "organization:acme"],
    );
    assert.ok(emu.requests().some((r) => r.status === 502));
  });

  test("a failing grant leaves no token behind", async () => {
    // PlanetScale refuses the grant (e.g. the credential may not grant that access): not retried.
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/service-tokens/*/access",
          action: "status",
          status: 422,
        },
      ],
    });
    const before = emu.snapshot().serviceTokens.length;
    const checked = await token.check(
      ctx,
      {},
      { name: "doomed", scopes: ["read_only"], databases: ["app"], ttl: 60 },
    );
    await rejection(token.create(ctx, checked.inputs as Props));
    const after = emu.snapshot().serviceTokens;
    assert.equal(after.length, before);
    assert.equal(after.filter((t) => t.name === "doomed").length, 0);
    assert.ok(logs.some((l) => /doomed.*was deleted again because granting its accesses failed/.test(l)));
  });

  test("a database in databases that does not exist is named in the error; no token is left", async () => {
    const before = emu.snapshot().serviceTokens.length;
    // Preview already fails on it (the preflight check)...
    await assert.rejects(
      token.check(ctx, {}, { name: "ghost-db", scopes: ["read_only"], databases: ["app", "ghost"], ttl: 60 }),
      /database "ghost" was not found in organization "acme".*`databases`/s,
    );
    // ...and create, should the database vanish between preview and update, names it too.
    const checked = await token.check(
      ctx,
      {},
      { name: "ghost-db", scopes: ["read_only"], databases: ["app"], ttl: 60 },
    );
    const error = await rejection(
      token.create(ctx, { ...(checked.inputs as Props), databases: ["app", "ghost"] }),
    );
    assert.ok(error instanceof NotFoundError);
    assert.match(
      error.message,
      /^databases: database 'ghost' does not exist in organization 'acme' \(or the credential Pulumi uses cannot see it\): create it first, or remove it from `databases`/,
    );
    assert.equal(emu.snapshot().serviceTokens.length, before);
    // The same on update: adding a database that does not exist names it, and changes nothing.
    const { id, news, outs } = await createToken({
      name: "grow-db",
      scopes: ["read_only"],
      databases: ["app"],
      ttl: 60,
    });
    const accessesBefore = accessesOf(id);
    await assert.rejects(token.check(ctx, news, { ...news, databases: ["app", "nowhere"] }), /"nowhere"/);
    const wider = { ...news, databases: ["app", "nowhere"] } as Props;
    const updateError = await rejection(token.update(ctx, id, outs, wider));
    assert.match(updateError.message, /^databases: database 'nowhere' does not exist in organization 'acme'/);
    assert.deepEqual(accessesOf(id), accessesBefore);
  });

  test("a token create with an unknown outcome is found, deleted, and created again", async () => {
    // The emulator creates the token, then answers 500: the secret is lost.
    emu.setFaults({
      rules: [{ method: "POST", path: "/organizations/acme/service-tokens", action: "fail-after-acting" }],
    });
    const checked = await token.check(
      ctx,
      {},
      { name: "lost", scopes: ["read_only"], ttl: 60, __stack: TEST_STACK },
    );
    const created = await token.create(ctx, checked.inputs as Props);
    const outs = created.outs as Props;
    const lost = emu.snapshot().serviceTokens.filter((t) => t.name === "lost");
    assert.deepEqual(
      lost.map((t) => t.id),
      [created.id],
      "only the second token remains",
    );
    assert.match(String(outs["token"]), /^pscale_tkn_/);
    assert.ok(logs.some((l) => /lost.*outcome is unknown/.test(l)));
    const posts = emu.requests().filter((r) => r.method === "POST" && r.path.endsWith("/service-tokens"));
    assert.equal(posts.length, 2, "retried once, only after the cleanup");
  });

  test("when every attempt's outcome is unknown, it gives up with nothing left behind", async () => {
    emu.setFaults({
      rules: [
        {
          method: "POST",
          path: "/organizations/acme/service-tokens",
          action: "fail-after-acting",
          times: 10,
        },
      ],
    });
    const checked = await token.check(
      ctx,
      {},
      { name: "cursed", scopes: ["read_only"], ttl: 60, __stack: TEST_STACK },
    );
    const error = await rejection(token.create(ctx, checked.inputs as Props));
    assert.match(error.message, /secret was lost, so it was deleted/);
    assert.equal(emu.snapshot().serviceTokens.filter((t) => t.name === "cursed").length, 0);
    const posts = emu.requests().filter((r) => r.method === "POST" && r.path.endsWith("/service-tokens"));
    assert.equal(posts.length, 3);
  });

  test("an unknown outcome where nothing was created retries and leaves a same-named token alone", async () => {
    const keep = await createToken({ name: "same-name", scopes: ["read_only"], ttl: 60 });
    emu.setFaults({
      rules: [{ method: "POST", path: "/organizations/acme/service-tokens", action: "status", status: 500 }],
    });
    const checked = await token.check(ctx, {}, { name: "same-name", scopes: ["read_only"], ttl: 60 });
    const created = await token.create(ctx, checked.inputs as Props);
    assert.notEqual(created.id, keep.id);
    assert.ok(snapshotToken(keep.id), "the existing token with the same name is left alone");
    assert.ok(snapshotToken(created.id));
  });
});

describe("expiry and rotation", () => {
  /** Waits on the condition itself: the token's own credential is refused as expired. */
  async function waitUntilExpired(outs: Props): Promise<void> {
    const client = clientAs(outs);
    await waitFor(
      "the token to be refused as expired",
      async () => {
        try {
          for await (const _ of branchesApi.listBranches(client, "acme", "app")) break;
          return false;
        } catch (error) {
          if (error instanceof UnauthorizedError) return true;
          throw error;
        }
      },
      { intervalMs: 100 },
    );
  }

  function exists(id: string): boolean {
    return snapshotToken(id) !== undefined;
  }

  test("an expired token of ours: refresh deletes it (not just forgets it), diff replaces it", async () => {
    const { id, news, outs } = await createToken({ name: "short", scopes: ["read_only"], ttl: 1 });
    await waitUntilExpired(outs);
    const d = await token.diff(ctx, id, outs, news);
    assert.deepEqual(d.replaces, ["expiresAt"]);
    assert.ok(exists(id));
    assert.deepEqual(await token.read(ctx, id, outs), {});
    assert.ok(!exists(id), "the expired token was deleted from PlanetScale");
    assert.ok(logs.some((l) => l.includes(`(id ${id}) of acme expired at`) && l.endsWith("it was deleted")));
  });

  test("destroy (and the delete after a replacement) removes an expired token", async () => {
    const { id, outs } = await createToken({ name: "short-destroy", scopes: ["read_only"], ttl: 1 });
    await waitUntilExpired(outs);
    await token.delete(ctx, id, outs);
    assert.ok(!exists(id));
  });

  test("an expired token read by id (not recorded as ours) is reported gone and left alone", async () => {
    const { id, outs } = await createToken({ name: "someone-elses", scopes: ["read_only"], ttl: 1 });
    await waitUntilExpired(outs);
    // What `ApiToken.get(name, id, {organization})` passes: inputs, no recorded tokenId.
    assert.deepEqual(await token.read(ctx, id, { organization: "acme" }), {});
    assert.ok(exists(id), "not ours to delete");
    await token.delete(ctx, id, outs);
  });

  test("when deleting an expired token fails, refresh fails and says how to delete it; the state keeps it", async () => {
    const { id, outs } = await createToken({ name: "stubborn", scopes: ["read_only"], ttl: 1 });
    await waitUntilExpired(outs);
    emu.setFaults({
      rules: [
        { method: "DELETE", path: `/organizations/acme/service-tokens/${id}`, action: "status", status: 403 },
      ],
    });
    const error = await rejection(token.read(ctx, id, outs));
    assert.match(
      error.message,
      new RegExp(`expired at .* and could not be deleted\\. .*pscale service-token delete ${id} --org acme`),
    );
    assert.equal((error.cause as { status?: number }).status, 403, "PlanetScale's refusal is the cause");
    assert.ok(exists(id));
    emu.setFaults({});
    assert.deepEqual(await token.read(ctx, id, outs), {});
    assert.ok(!exists(id));
  });

  test("rotateBefore asks for a replacement (new token first) once expiry is near", async () => {
    const { id, news, outs } = await createToken({
      name: "rotating",
      scopes: ["read_only"],
      ttl: "1h",
      rotateBefore: "10m",
    });
    const fresh = await token.diff(ctx, id, outs, news);
    assert.equal(fresh.changes, false);
    const soon = { ...outs, expiresAt: new Date(Date.now() + 5 * 60_000).toISOString() };
    const due = await token.diff(ctx, id, soon, news);
    assert.deepEqual(due.replaces, ["expiresAt"]);
    assert.equal(due.deleteBeforeReplace, false);
    assert.equal(emu.requests().filter((r) => r.method === "GET" && r.path.endsWith(id)).length, 0);
  });
});

describe("diff", () => {
  test("replaces on organization, name and lifetime; updates scopes, permissions, databases in place", async () => {
    const { id, news, outs } = await createToken({
      name: "diffing",
      scopes: ["read_only"],
      databases: ["app"],
      ttl: "1h",
    });
    assert.equal((await token.diff(ctx, id, outs, news)).changes, false);
    // The same lifetime written differently is no change.
    assert.equal((await token.diff(ctx, id, outs, { ...news, ttl: 3600 })).changes, false);
    const cases: Array<[Props, string[]]> = [
      [{ name: "renamed" }, ["name"]],
      [{ organization: "other-org" }, ["organization"]],
      [{ ttl: "2h" }, ["ttl"]],
      [{ ttl: undefined, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, ["expiresAt", "ttl"]],
      [{ name: UNKNOWN }, ["name"]],
      [{ scopes: ["schema_changes"] }, []],
      [{ permissions: ["read_invoices"] }, []],
      [{ databases: ["app", "other"] }, []],
      [{ scopes: UNKNOWN }, []],
    ];
    for (const [change, replaces] of cases) {
      const d = await token.diff(ctx, id, outs, { ...news, ...change });
      assert.equal(d.changes, true, JSON.stringify(change));
      assert.deepEqual(d.replaces, replaces, JSON.stringify(change));
      assert.equal(d.deleteBeforeReplace, false);
    }
    // Order of a list does not matter.
    const reordered = await token.diff(
      ctx,
      id,
      { ...outs, scopes: ["read_only"] },
      { ...news, scopes: ["read_only"] },
    );
    assert.equal(reordered.changes, false);
  });
});

describe("update", () => {
  test("a scope change adds and removes exactly the differing accesses, in place", async () => {
    const { id, news, outs } = await createToken({
      name: "widen",
      scopes: ["read_only"],
      databases: ["app"],
      ttl: "1h",
    });
    const before = accessesOf(id);
    const wider = { ...news, scopes: ["schema_changes"], databases: ["app", "other"] };
    assert.equal((await token.diff(ctx, id, outs, wider)).changes, true);
    emu.clearRequests();
    const updated = (await token.update(ctx, id, outs, wider)).outs as Props;
    const afterWiden = accessesOf(id);
    const expectedAdded = [
      ...[
        "create_branch",
        "connect_branch",
        "create_branch_password",
        "create_deploy_request",
        "create_comment",
        "write_branch_vschema",
      ].map((a) => `app:${a}`),
      ...["read_database", "read_branch", "read_deploy_request", "read_comment", "read_backups"].map(
        (a) => `other:${a}`,
      ),
      ...[
        "create_branch",
        "connect_branch",
        "create_branch_password",
        "create_deploy_request",
        "create_comment",
        "write_branch_vschema",
      ].map((a) => `other:${a}`),
    ].sort();
    assert.deepEqual(
      afterWiden.filter((a) => !before.includes(a)),
      expectedAdded,
    );
    assert.ok(before.every((a) => afterWiden.includes(a)));
    const accessCalls = emu.requests().filter((r) => r.path.endsWith("/access") && r.method !== "GET");
    assert.deepEqual(
      accessCalls.map((r) => r.method),
      ["POST", "POST"],
      "one grant per database that changed, nothing removed",
    );
    assert.equal(updated["tokenId"], id);
    assert.ok(updated["token"] === outs["token"], "token carried forward");
    assert.ok(
      updated["authorizationHeader"] === outs["authorizationHeader"],
      "authorizationHeader carried forward",
    );
    assert.equal((await token.diff(ctx, id, updated, wider)).changes, false);

    // And back: only removals.
    emu.clearRequests();
    const narrowed = (await token.update(ctx, id, updated, news)).outs as Props;
    assert.deepEqual(accessesOf(id), before);
    assert.deepEqual(
      emu
        .requests()
        .filter((r) => r.path.endsWith("/access") && r.method !== "GET")
        .map((r) => r.method),
      ["DELETE", "DELETE"],
    );
    assert.deepEqual(narrowed["grants"], outs["grants"]);
    // The old token still works: it was never replaced.
    for await (const _ of branchesApi.listBranches(clientAs(narrowed), "acme", "app")) break;
  });

  test("accesses changed outside Pulumi show after refresh and are put back", async () => {
    const { id, news, outs } = await createToken({
      name: "drift",
      scopes: ["read_only"],
      databases: ["app"],
      ttl: "1h",
    });
    const admin = ctx.client();
    await admin.request({
      method: "DELETE",
      path: `/organizations/acme/service-tokens/${id}/access`,
      body: { database: "app", access: ["read_branch"] },
    });
    const refreshed = await token.read(ctx, id, outs);
    const props = refreshed.props as Props;
    assert.ok(props["token"] === outs["token"], "token carried forward by read");
    assert.ok(!(props["grants"] as Array<{ accesses: string[] }>)[0]?.accesses.includes("read_branch"));
    const refreshedInputs = refreshed.inputs as Props;
    assert.deepEqual(refreshedInputs["scopes"], ["read_only"]);
    assert.equal(refreshedInputs["ttl"], "1h");
    assert.equal(refreshedInputs["name"], "drift");
    const d = await token.diff(ctx, id, props, { ...refreshedInputs, __provider: PROVIDER });
    assert.equal(d.changes, true);
    assert.deepEqual(d.replaces, []);
    const fixed = (await token.update(ctx, id, props, news)).outs as Props;
    assert.deepEqual(fixed["grants"], outs["grants"]);
  });

  test("a refresh without drift makes one request and leaves no diff", async () => {
    const { id, outs } = await createToken({
      name: "steady",
      scopes: ["read_only"],
      ttl: "1h",
      rotateBefore: "5m",
    });
    emu.clearRequests();
    const refreshed = await token.read(ctx, id, outs);
    assert.equal(refreshed.id, id);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      [`GET /v1/organizations/acme/service-tokens/${id}/access`],
      "one request: the token's other fields never change",
    );
    assert.deepEqual(refreshed.props, outs);
    const d = await token.diff(ctx, id, refreshed.props as Props, {
      ...(refreshed.inputs as Props),
      __provider: PROVIDER,
    });
    assert.equal(d.changes, false);
  });
});

describe("delete", () => {
  test("204 deletes; a second delete (404, credential still valid) succeeds", async () => {
    const { id, outs } = await createToken({ name: "bye", scopes: ["read_only"], ttl: 60 });
    await token.delete(ctx, id, outs);
    assert.equal(snapshotToken(id), undefined);
    await token.delete(ctx, id, outs);
    assert.deepEqual(await token.read(ctx, id, outs), {});
    const error = await rejection(clientAs(outs).request({ method: "GET", path: "/organizations/acme" }));
    assert.ok(error instanceof UnauthorizedError);
  });
});

describe("secret hygiene", () => {
  test("no token value was ever printed, logged, or put in an error or check failure", () => {
    assert.ok(secrets.size >= 5, "tokens were created");
    const haystack = [...printed, ...logs, ...messages].join("\n");
    for (const secret of secrets) {
      assert.ok(!haystack.includes(secret), "a token value leaked");
    }
  });
});
