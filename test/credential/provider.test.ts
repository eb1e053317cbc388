// Level 1: the BranchPassword and BranchRole provider methods called directly against the
// in-process emulator. The emulator's login check (`checkConnection`) stands in for a database
// client: it proves a credential works, and stops working once deleted or expired.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import {
  contextFor,
  type ProviderContext,
  type ResourceImplementation,
} from "../../provider/internal/dynamic/resource-implementation";
import { call, waitFor } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { HoldProxy } from "../support/hold-proxy";
import {
  configFor,
  contextForEmulator,
  TEST_STACK,
  UNKNOWN,
  withTestBackend,
} from "../support/provider-context";

type Props = Record<string, unknown>;
const PROVIDER = "serialized-provider-text";
const BRANCHES = "/organizations/acme/databases/app/branches";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
/** Every plaintext the provider returned: none may appear in a log line or an error. */
const secrets = new Set<string>();
const messages: string[] = [];

before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  ctx = contextForEmulator(emu, {
    "planetscale:maxRetries": "0",
    "planetscale:requestsPerMinute": "0",
    // A lost create that made nothing is concluded after 0.3 s, not the 10 s a user gets.
    "planetscale:lateCreateWaitMs": "300",
  });
});

after(async () => {
  for (const secret of secrets) {
    for (const text of [...ctx.logs, ...messages])
      assert.ok(!text.includes(secret), "a plaintext was printed");
  }
  await emu.stop();
});

beforeEach(() => {
  emu.setFaults({});
  emu.clearRequests();
});

async function checked(resource: ResourceImplementation, inputs: Props, olds: Props = {}): Promise<Props> {
  const result = await resource.check(ctx, olds, { ...inputs, __provider: PROVIDER, __stack: TEST_STACK });
  assert.deepEqual(result.failures ?? [], []);
  return result.inputs as Props;
}

/** check, then create, as the engine does; remembers the plaintext. */
async function create(
  resource: ResourceImplementation,
  inputs: Props,
  context: ProviderContext = ctx,
): Promise<{ id: string; outs: Props }> {
  const created = await resource.create(context, await checked(resource, inputs));
  const outs = created.outs as Props;
  secrets.add(String(outs["password"]));
  return { id: created.id, outs };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    messages.push(error.message);
    return error;
  }
  assert.fail("expected a rejection");
}

function connects(outs: Props): boolean {
  return emu.checkConnection(String(outs["username"]), String(outs["password"])).valid;
}

/** The requests the emulator received since the last clear, as "METHOD path" without `/v1`. */
function requestLines(): string[] {
  return emu.requests().map((r) => `${r.method} ${r.path.replace(/^\/v1/, "")}`);
}

async function newBranch(name: string, database = "app"): Promise<string> {
  const res = await call(emu, "POST", `/organizations/acme/databases/${database}/branches`, {
    body: { name },
  });
  assert.equal(res.status, 201);
  return res.body.id as string;
}

describe("check: invalid inputs fail with zero API calls", () => {
  const cases: Array<[string, ResourceImplementation, Props, string, RegExp]> = [
    ["no database", password, { branch: "main" }, "database", /database is required/],
    ["no branch", password, { database: "app" }, "branch", /branch is required/],
    ["empty branch", role, { database: "pg-app", branch: "" }, "branch", /must not be empty/],
    [
      "bad role",
      password,
      { database: "app", branch: "main", role: "root" },
      "role",
      /reader, writer, admin, readwriter/,
    ],
    [
      "bad inherited role",
      role,
      { database: "pg-app", branch: "main", inheritedRoles: ["superuser"] },
      "inheritedRoles",
      /'superuser' is not a role/,
    ],
    [
      "repeated inherited role",
      role,
      { database: "pg-app", branch: "main", inheritedRoles: ["postgres", "postgres"] },
      "inheritedRoles",
      /more than once/,
    ],
    ["typo", password, { database: "app", branch: "main", time_to_live: 60 }, "time_to_live", /time_to_live/],
    ["bad ttl", password, { database: "app", branch: "main", ttl: "soon" }, "ttl", /duration/],
    [
      "rotateBefore without ttl",
      role,
      { database: "pg-app", branch: "main", rotateBefore: "1d" },
      "rotateBefore",
      /needs ttl/,
    ],
    [
      "rotateBefore too long",
      password,
      { database: "app", branch: "main", ttl: "1d", rotateBefore: "2d" },
      "rotateBefore",
      /shorter than ttl/,
    ],
    ["bad database", password, { database: "App!", branch: "main" }, "database", /lowercase slug/],
  ];
  for (const [title, resource, inputs, property, reason] of cases) {
    test(title, async () => {
      const result = await resource.check(ctx, {}, { ...inputs, __provider: PROVIDER });
      const failure = result.failures?.find((f) => f.property === property);
      assert.ok(failure, `no failure on ${property}: ${JSON.stringify(result.failures)}`);
      assert.match(failure.reason, reason);
      assert.equal(emu.requests().length, 0);
    });
  }

  test("unknown values (preview) pass and keep the name unknown when its prefix is", async () => {
    const result = await password.check(ctx, {}, { database: UNKNOWN, branch: UNKNOWN, namePrefix: UNKNOWN });
    assert.deepEqual(result.failures ?? [], []);
    assert.equal((result.inputs as Props)["name"], UNKNOWN);
    assert.equal(emu.requests().length, 0);
  });
});

describe("check: the database's kind, asked once per database", () => {
  test("a password on a Postgres database is refused, naming the kind and BranchRole", async () => {
    const result = await password.check(ctx, {}, { database: "pg-app", branch: "main" });
    assert.equal(result.failures?.[0]?.property, "database");
    assert.match(
      result.failures?.[0]?.reason ?? "",
      /'pg-app' of acme is a Postgres database.*use BranchRole/,
    );
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      ["GET /v1/organizations/acme/databases/pg-app"],
    );
    emu.clearRequests();
    await password.check(ctx, {}, { database: "pg-app", branch: "main" });
    assert.equal(emu.requests().length, 0, "the kind is cached");
  });

  test("a role on a MySQL database is refused at check and at create", async () => {
    const result = await role.check(ctx, {}, { database: "app", branch: "main" });
    assert.match(
      result.failures?.[0]?.reason ?? "",
      /'app' of acme is a MySQL \(Vitess\) database.*use BranchPassword/,
    );
    const error = await rejection(
      role.create(ctx, { organization: "acme", database: "app", branch: "main", name: "x" }),
    );
    assert.match(error.message, /use BranchPassword/);
  });
});

describe("BranchPassword lifecycle", () => {
  test("create: a working password, a databaseUrl with TLS, the plaintext only in outputs", async () => {
    const { id, outs } = await create(password, {
      database: "app",
      branch: "main",
      role: "readwriter",
      ttl: "1h",
    });
    assert.equal(outs["credentialId"], id);
    assert.equal(outs["role"], "readwriter");
    assert.match(String(outs["name"]), /^password-[a-z0-9]{7}$/);
    assert.equal(outs["host"], "aws.connect.psdb.cloud");
    const url = new URL(String(outs["databaseUrl"]));
    assert.equal(url.protocol, "mysql:");
    assert.equal(decodeURIComponent(url.username), outs["username"]);
    assert.equal(decodeURIComponent(url.password), outs["password"]);
    assert.equal(url.pathname, "/app");
    assert.equal(url.searchParams.get("ssl"), '{"rejectUnauthorized":true}');
    assert.ok(connects(outs));
    const expires = Date.parse(String(outs["expiresAt"])) - Date.parse(String(outs["createdAt"]));
    assert.equal(expires, 3600_000);
  });

  test("read carries the plaintext forward; delete makes it stop working; read then reports it gone", async () => {
    const { id, outs } = await create(password, { database: "app", branch: "main", name: "app-db" });
    const read = await password.read(ctx, id, outs);
    assert.equal(read.id, id);
    assert.equal((read.props as Props)["password"], outs["password"]);
    assert.equal((read.props as Props)["databaseUrl"], outs["databaseUrl"]);
    // What a refresh records as the inputs: PlanetScale's values, defaults included.
    assert.deepEqual(read.inputs, {
      organization: "acme",
      database: "app",
      branch: "main",
      name: "app-db",
      role: "admin",
      replica: false,
      cidrs: [],
      directVtgate: false,
    });
    await password.delete(ctx, id, outs);
    assert.equal(connects(outs), false);
    assert.deepEqual(await password.read(ctx, id, outs), {});
    // Deleting again (already gone) succeeds.
    await password.delete(ctx, id, outs);
  });

  test("diff: what replaces, what updates in place", async () => {
    const { id, outs } = await create(password, {
      database: "app",
      branch: "main",
      name: "d",
      role: "reader",
      ttl: "2h",
      rotateBefore: "1h",
    });
    const news = { ...outs };
    const table: Array<[Props, string[], boolean]> = [
      [{}, [], false],
      // Renamed in place: same id, user name and password.
      [{ name: "e" }, [], true],
      [{ role: "writer" }, ["role"], true],
      [{ role: undefined }, [], false],
      [{ ttl: 7200 }, [], false],
      [{ ttl: "3h" }, ["ttl"], true],
      [{ database: "other" }, ["database"], true],
      [{ branch: outs["branchId"] }, [], true],
      [{ rotateBefore: "30m" }, [], true],
      [{ name: UNKNOWN }, [], true],
      // IP restrictions change in place; the same ones in another order are no change.
      [{ cidrs: ["10.0.0.0/8"] }, [], true],
      [{ cidrs: [] }, [], false],
      [{ cidrs: undefined }, [], false],
      [{ directVtgate: true }, ["directVtgate"], true],
      [{ directVtgate: false }, [], false],
    ];
    for (const [change, replaces, changes] of table) {
      const result = await password.diff(ctx, id, outs, { ...news, ...change });
      assert.deepEqual(result.replaces, replaces, JSON.stringify(change));
      assert.equal(result.changes, changes, JSON.stringify(change));
      assert.equal(result.deleteBeforeReplace, false);
    }
  });

  test("another branch replaces; the same branch under a new name (renamed in place) does not", async () => {
    const branchId = await newBranch("rename-me");
    await newBranch("elsewhere");
    const { id, outs } = await create(password, { database: "app", branch: "rename-me", name: "r" });
    assert.equal(outs["branchId"], branchId);
    assert.deepEqual((await password.diff(ctx, id, outs, { ...outs, branch: "elsewhere" })).replaces, [
      "branch",
    ]);
    const renamed = await call(emu, "PATCH", `${BRANCHES}/rename-me`, { body: { new_name: "renamed" } });
    assert.equal(renamed.status, 200);
    const news = await checked(password, { database: "app", branch: "renamed", name: "r" }, outs);
    const diff = await password.diff(ctx, id, outs, news);
    assert.deepEqual(diff.replaces, []);
    assert.equal(diff.changes, true);
    // One read each: the password's own answer names its branch, renamed or not.
    const onePasswordRead = [`GET ${BRANCHES}/${branchId}/passwords/${id}`];
    emu.clearRequests();
    const updated = (await password.update(ctx, id, outs, news)).outs as Props;
    assert.deepEqual(requestLines(), onePasswordRead);
    assert.equal(updated["branchName"], "renamed");
    assert.equal(updated["password"], outs["password"]);
    assert.ok(connects(updated), "still works after the rename");
    emu.clearRequests();
    const refreshed = await password.read(ctx, id, outs);
    assert.deepEqual(requestLines(), onePasswordRead);
    assert.equal(refreshed.id, id);
    assert.equal((refreshed.props as Props)["branchName"], "renamed", "a refresh sees the new name");
    await password.delete(ctx, id, updated);
    assert.equal(connects(updated), false);
    assert.equal(
      emu.snapshot().passwords.some((p) => p.id === id),
      false,
    );
  });

  test("expiry: an expired password reads as gone and diff replaces it", async () => {
    const { id, outs } = await create(password, { database: "app", branch: "main", name: "short", ttl: 1 });
    assert.ok(connects(outs));
    // Wait on the condition (the emulator's own clock), not on a timer.
    await waitFor("the 1 s password to expire", () => !connects(outs), { intervalMs: 50 });
    assert.deepEqual(await password.read(ctx, id, outs), {});
    assert.deepEqual((await password.diff(ctx, id, outs, { ...outs })).replaces, ["expiresAt"]);
    await password.delete(ctx, id, outs);
  });

  test("rotation: within rotateBefore, diff replaces; the new one exists before the old is deleted", async () => {
    const old = await create(password, {
      database: "app",
      branch: "main",
      name: "rot",
      ttl: "2h",
      rotateBefore: "1h",
    });
    assert.deepEqual((await password.diff(ctx, old.id, old.outs, { ...old.outs })).replaces, []);
    // Half an hour before expiry (the recorded expiry moved instead of the clock): due.
    const later = { ...old.outs, expiresAt: new Date(Date.now() + 30 * 60_000).toISOString() };
    const due = await password.diff(ctx, old.id, later, { ...old.outs });
    assert.deepEqual(due.replaces, ["expiresAt"]);
    assert.equal(due.deleteBeforeReplace, false);
    // The engine's create-before-delete replacement:
    const fresh = await create(password, {
      database: "app",
      branch: "main",
      name: "rot",
      ttl: "2h",
      rotateBefore: 7199,
    });
    assert.notEqual(fresh.id, old.id);
    assert.ok(connects(old.outs) && connects(fresh.outs), "both work during the switch");
    await password.delete(ctx, old.id, old.outs);
    assert.ok(!connects(old.outs) && connects(fresh.outs));
    await password.delete(ctx, fresh.id, fresh.outs);
  });

  test("a branch that does not exist is named in the error, and nothing is created", async () => {
    const before = emu.snapshot().passwords.length;
    const error = await rejection(create(password, { database: "app", branch: "nope" }));
    assert.match(error.message, /branch 'nope' does not exist in acme\/app/);
    assert.equal(emu.snapshot().passwords.length, before);
  });
});

describe("BranchRole lifecycle", () => {
  test("create, read, update, delete on a Postgres branch", async () => {
    const { id, outs } = await create(role, {
      database: "pg-app",
      branch: "main",
      namePrefix: "app",
      inheritedRoles: ["pg_read_all_data", "pg_write_all_data"],
      ttl: "1d",
    });
    assert.deepEqual(outs["inheritedRoles"], ["pg_read_all_data", "pg_write_all_data"]);
    const url = new URL(String(outs["databaseUrl"]));
    assert.equal(url.protocol, "postgresql:");
    assert.equal(url.port, "5432");
    assert.equal(url.pathname, "/postgres");
    assert.equal(url.searchParams.get("sslmode"), "verify-full");
    assert.equal(decodeURIComponent(url.username), outs["username"]);
    assert.ok(connects(outs));
    emu.clearRequests();
    const read = await role.read(ctx, id, outs);
    assert.deepEqual(requestLines(), [
      `GET /organizations/acme/databases/pg-app/branches/${outs["branchId"]}/roles/${id}`,
    ]);
    assert.equal((read.props as Props)["password"], outs["password"]);
    assert.equal((read.props as Props)["branchName"], "main");
    const news = await checked(
      role,
      {
        database: "pg-app",
        branch: "main",
        namePrefix: "app",
        inheritedRoles: ["pg_read_all_data", "pg_write_all_data"],
        ttl: "1d",
        rotateBefore: "1h",
      },
      outs,
    );
    assert.equal(news["name"], outs["name"], "the generated name is kept");
    const diff = await role.diff(ctx, id, outs, news);
    assert.deepEqual(diff.replaces, []);
    assert.equal(diff.changes, true);
    const updated = (await role.update(ctx, id, outs, news)).outs as Props;
    assert.equal(updated["rotateBefore"], "1h");
    assert.equal(updated["databaseUrl"], outs["databaseUrl"]);
    await role.delete(ctx, id, updated);
    assert.equal(connects(outs), false);
    assert.deepEqual(await role.read(ctx, id, outs), {});
  });
});

describe("unknown create outcomes: never two credentials, never one that is not ours", () => {
  const PASSWORDS = "/organizations/acme/databases/app/branches/*/passwords";

  test("a lost create is found, deleted (its plaintext is lost) and created again", async () => {
    emu.setFaults({ rules: [{ method: "POST", path: PASSWORDS, action: "fail-after-acting" }] });
    const { id, outs } = await create(password, { database: "app", branch: "main", name: "lost" });
    const left = emu.snapshot().passwords.filter((p) => p.name === "lost");
    assert.deepEqual(
      left.map((p) => p.id),
      [id],
      "only the second password remains",
    );
    assert.ok(connects(outs));
    assert.ok(ctx.logs.some((l) => /'lost'.*outcome is unknown/.test(l)));
    assert.equal(emu.requests().filter((r) => r.method === "POST").length, 2);
  });

  test("when nothing was created, it creates again and leaves same-named passwords alone", async () => {
    const keep = await create(password, { database: "app", branch: "main", name: "shared" });
    // Made outside this process's registry: the baseline listing is what protects it.
    const outside = await call(emu, "POST", `${BRANCHES}/main/passwords`, { body: { name: "shared" } });
    emu.setFaults({ rules: [{ method: "POST", path: PASSWORDS, action: "status", status: 500 }] });
    const fresh = await create(password, { database: "app", branch: "main", name: "shared" });
    const ids = emu
      .snapshot()
      .passwords.filter((p) => p.name === "shared")
      .map((p) => p.id);
    assert.deepEqual(ids.sort(), [keep.id, outside.body.id, fresh.id].sort());
    assert.ok(connects(keep.outs) && connects(fresh.outs));
    assert.equal(emu.requests().filter((r) => r.method === "DELETE").length, 0, "nothing was deleted");
  });

  test("without a baseline, two new same-named candidates stop the create, naming both ids", async () => {
    // Our create acts, its answer is held; meanwhile the same credential makes a password of that
    // name (a script of the team, say); then our answer is lost. Both are new, made by this
    // credential: nothing tells which is ours.
    const proxy = await HoldProxy.start(emu.apiUrl);
    try {
      emu.setFaults({ rules: [{ method: "GET", path: PASSWORDS, action: "status", status: 503, times: 1 }] });
      const through = withTestBackend(
        contextFor(
          configFor(emu, {
            "planetscale:apiUrl": proxy.apiUrl,
            "planetscale:maxRetries": "0",
            "planetscale:requestsPerMinute": "0",
            "planetscale:lateCreateWaitMs": "300",
          }),
        ),
      );
      const held = proxy.hold({ method: "POST", path: PASSWORDS, phase: "after" });
      const run = rejection(create(password, { database: "app", branch: "main", name: "twin" }, through));
      await held;
      const other = await call(emu, "POST", `${BRANCHES}/main/passwords`, { body: { name: "twin" } });
      proxy.dropHeld();
      const error = await run;
      const ids = emu
        .snapshot()
        .passwords.filter((p) => p.name === "twin")
        .map((p) => p.id);
      assert.equal(ids.length, 2, "nothing was deleted");
      for (const id of ids) assert.ok(error.message.includes(id), `the error names ${id}`);
      assert.ok(ids.includes(other.body.id));
      assert.match(error.message, /pscale password delete app main/);
    } finally {
      await proxy.close();
    }
  });

  test("a credential another resource of this process created is never a candidate", async () => {
    const mine = await create(password, { database: "app", branch: "main", name: "sibling" });
    emu.setFaults({
      rules: [
        { method: "GET", path: PASSWORDS, action: "status", status: 503, times: 1 },
        { method: "POST", path: PASSWORDS, action: "fail-after-acting" },
      ],
    });
    const second = await create(password, { database: "app", branch: "main", name: "sibling" });
    const ids = emu
      .snapshot()
      .passwords.filter((p) => p.name === "sibling")
      .map((p) => p.id);
    assert.deepEqual(ids.sort(), [mine.id, second.id].sort());
    assert.ok(connects(mine.outs) && connects(second.outs));
  });
});
