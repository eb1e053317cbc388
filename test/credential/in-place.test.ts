// Level 1: what a credential changes in place (a rename; a password's IP restrictions; a role's query
// safety) and what it is created with (a direct-VTGate password, a replication role), through the
// provider methods against the in-process emulator. An in-place change keeps the credential: same id,
// same user, same password, still able to log in (the emulator's login check stands in for a client).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import {
  branchPasswordResource as password,
  branchRoleResource as role,
} from "../../provider/internal/credential";
import type { ResourceImplementation } from "../../provider/internal/dynamic/resource-implementation";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator } from "../support/provider-context";

type Props = Record<string, unknown>;
const PROVIDER = "serialized-provider-text";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;
const secrets = new Set<string>();

before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  ctx = contextForEmulator(emu, { "planetscale:maxRetries": "0" });
});
after(async () => {
  for (const secret of secrets) for (const line of ctx.logs) assert.ok(!line.includes(secret));
  await emu.stop();
});
beforeEach(() => emu.clearRequests());

async function checked(resource: ResourceImplementation, inputs: Props, olds: Props = {}): Promise<Props> {
  const result = await resource.check(ctx, olds, { ...inputs, __provider: PROVIDER });
  assert.deepEqual(result.failures ?? [], []);
  return result.inputs as Props;
}

async function create(resource: ResourceImplementation, inputs: Props): Promise<{ id: string; outs: Props }> {
  const created = await resource.create(ctx, await checked(resource, inputs));
  const outs = created.outs as Props;
  secrets.add(String(outs["password"]));
  return { id: created.id, outs };
}

/** diff, then update, as the engine does for an in-place change; the diff must not replace. */
async function changeInPlace(
  resource: ResourceImplementation,
  id: string,
  olds: Props,
  inputs: Props,
): Promise<Props> {
  const news = await checked(resource, inputs, olds);
  const diff = await resource.diff(ctx, id, olds, news);
  assert.deepEqual([diff.changes, diff.replaces], [true, []]);
  return (await resource.update(ctx, id, olds, news)).outs as Props;
}

const logsIn = (outs: Props, from?: string) =>
  emu.checkConnection(String(outs["username"]), String(outs["password"]), from ? { from } : {}).valid;

const patches = () => emu.requests().filter((r) => r.method === "PATCH");

describe("BranchPassword: cidrs and the name change in place", () => {
  test("cidrs restrict where it connects from; a new range applies to the same password", async () => {
    const base = { database: "app", branch: "main", name: "ip-locked", cidrs: ["10.0.0.0/8"] };
    const { id, outs } = await create(password, base);
    assert.deepEqual(outs["cidrs"], ["10.0.0.0/8"]);
    assert.ok(logsIn(outs, "10.1.2.3"));
    assert.ok(!logsIn(outs, "192.168.1.10"), "outside the range");

    emu.clearRequests();
    const moved = await changeInPlace(password, id, outs, {
      ...base,
      cidrs: ["192.168.0.0/16", "2001:db8::/32"],
    });
    assert.deepEqual(
      patches().map((r) => r.path),
      [`/v1/organizations/acme/databases/app/branches/${outs["branchId"]}/passwords/${id}`],
    );
    assert.equal(emu.requests().filter((r) => r.method === "POST" || r.method === "DELETE").length, 0);
    assert.deepEqual(moved["cidrs"], ["192.168.0.0/16", "2001:db8::/32"]);
    assert.deepEqual(
      [moved["credentialId"], moved["username"], moved["password"], moved["databaseUrl"]],
      [id, outs["username"], outs["password"], outs["databaseUrl"]],
    );
    assert.ok(logsIn(moved, "192.168.1.10") && !logsIn(moved, "10.1.2.3"));

    // Removing cidrs from the program lifts the restriction (PlanetScale is sent `[]`).
    const { cidrs: _, ...unrestricted } = base;
    const lifted = await changeInPlace(password, id, moved, unrestricted);
    assert.deepEqual(lifted["cidrs"], []);
    assert.ok(logsIn(lifted, "10.1.2.3") && logsIn(lifted, "192.168.1.10"));
    assert.deepEqual(emu.snapshot().passwords.find((p) => p.id === id)?.cidrs, []);
    // Nothing left to change: the diff says so.
    const again = await checked(password, unrestricted, lifted);
    assert.equal((await password.diff(ctx, id, lifted, again)).changes, false);
    await password.delete(ctx, id, lifted);
  });

  test("the same ranges in another order are no change; ranges changed outside Pulumi are put back", async () => {
    const base = { database: "app", branch: "main", name: "drift", cidrs: ["10.0.0.0/8", "172.16.0.0/12"] };
    const { id, outs } = await create(password, base);
    const reordered = await checked(password, { ...base, cidrs: ["172.16.0.0/12", "10.0.0.0/8"] }, outs);
    assert.equal((await password.diff(ctx, id, outs, reordered)).changes, false);

    const path = `/organizations/acme/databases/app/branches/main/passwords/${id}`;
    assert.equal((await call(emu, "PATCH", path, { body: { cidrs: ["0.0.0.0/0"] } })).status, 200);
    const refreshed = (await password.read(ctx, id, outs)).props as Props;
    assert.deepEqual(refreshed["cidrs"], ["0.0.0.0/0"], "refresh sees the change");
    const restored = await changeInPlace(password, id, refreshed, base);
    assert.deepEqual(restored["cidrs"], ["10.0.0.0/8", "172.16.0.0/12"]);
    assert.ok(!logsIn(restored, "192.168.1.10"));
    await password.delete(ctx, id, restored);
  });

  test("a rename keeps the password; a rename and new ranges are one PATCH", async () => {
    const { id, outs } = await create(password, { database: "app", branch: "main", name: "before" });
    emu.clearRequests();
    const renamed = await changeInPlace(password, id, outs, {
      database: "app",
      branch: "main",
      name: "after",
      cidrs: ["203.0.113.0/24"],
    });
    assert.equal(patches().length, 1);
    assert.deepEqual([renamed["name"], renamed["cidrs"]], ["after", ["203.0.113.0/24"]]);
    const stored = emu.snapshot().passwords.find((p) => p.id === id);
    assert.deepEqual([stored?.name, stored?.cidrs], ["after", ["203.0.113.0/24"]]);
    assert.equal(renamed["password"], outs["password"]);
    assert.ok(logsIn(renamed, "203.0.113.9"));
    await password.delete(ctx, id, renamed);
  });

  test("directVtgate: created with it, the hosts of each availability zone are reported", async () => {
    const { id, outs } = await create(password, { database: "app", branch: "main", directVtgate: true });
    assert.equal(outs["directVtgate"], true);
    const hosts = outs["directVtgateAddresses"] as string[];
    assert.equal(hosts.length, 3);
    const plain = await create(password, { database: "app", branch: "main" });
    assert.deepEqual([plain.outs["directVtgate"], plain.outs["directVtgateAddresses"]], [false, []]);
    await password.delete(ctx, id, outs);
    await password.delete(ctx, plain.id, plain.outs);
  });
});

describe("the preview's branch check", () => {
  test("is made for a new credential and a new branch, not again for a deployed one on the same branch", async () => {
    const base = { database: "app", branch: "main", name: "checked", ttl: "2h" };
    const { id, outs } = await create(password, base);
    const other = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: { name: "pr-8" },
    });
    assert.equal(other.status, 201);
    const olds = await checked(password, base);
    emu.clearRequests();
    await checked(password, { ...base, rotateBefore: "1h" }, olds);
    assert.deepEqual(emu.requests(), [], "its branch is the deployed one, the database's kind is cached");
    await checked(password, { ...base, branch: "pr-8" }, olds);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path}`),
      ["GET /v1/organizations/acme/databases/app/branches/pr-8"],
    );
    await password.delete(ctx, id, outs);
  });
});

describe("BranchRole: created with replication and query safety, changed in place", () => {
  test("withReplication and requireWhereOn… are sent and reported; query safety changes in place", async () => {
    const base = {
      database: "pg-app",
      branch: "main",
      name: "cdc",
      withReplication: true,
      requireWhereOnDelete: "on",
    };
    const { id, outs } = await create(role, base);
    assert.deepEqual(
      [outs["withReplication"], outs["requireWhereOnDelete"], outs["requireWhereOnUpdate"]],
      [true, "on", "off"],
    );
    emu.clearRequests();
    const stricter = await changeInPlace(role, id, outs, {
      ...base,
      name: "cdc-renamed",
      requireWhereOnUpdate: "warn",
    });
    assert.equal(patches().length, 1);
    assert.deepEqual(
      [stricter["name"], stricter["requireWhereOnDelete"], stricter["requireWhereOnUpdate"]],
      ["cdc-renamed", "on", "warn"],
    );
    assert.deepEqual(
      [stricter["credentialId"], stricter["password"], stricter["pooledDatabaseUrl"]],
      [id, outs["password"], outs["pooledDatabaseUrl"]],
    );
    assert.ok(logsIn(stricter));
    // Leaving a query-safety setting out keeps PlanetScale's value: no change.
    const { requireWhereOnDelete: _, ...without } = {
      ...base,
      name: "cdc-renamed",
      requireWhereOnUpdate: "warn",
    };
    const news = await checked(role, without, stricter);
    assert.equal((await role.diff(ctx, id, stricter, news)).changes, false);
    // Replication cannot change on a role: a new role (created first) replaces it.
    const replaced = await checked(role, { ...without, withReplication: false }, stricter);
    assert.deepEqual((await role.diff(ctx, id, stricter, replaced)).replaces, ["withReplication"]);
    await role.delete(ctx, id, stricter);
  });

  test("pooledDatabaseUrl is databaseUrl on PgBouncer's port 6432; a role recorded without it gets it on refresh", async () => {
    const { id, outs } = await create(role, { database: "pg-app", branch: "main" });
    const direct = new URL(String(outs["databaseUrl"]));
    const pooled = new URL(String(outs["pooledDatabaseUrl"]));
    assert.deepEqual([direct.port, pooled.port], ["5432", "6432"]);
    pooled.port = "5432";
    assert.equal(pooled.href, direct.href, "the same user, password, host, database and TLS settings");
    const { pooledDatabaseUrl: _, ...older } = outs;
    const read = (await role.read(ctx, id, older)).props as Props;
    assert.equal(read["pooledDatabaseUrl"], outs["pooledDatabaseUrl"]);
    await role.delete(ctx, id, outs);
  });
});
