// Level 1: deleting a Postgres role whose connections created tables. PlanetScale refuses to drop a
// role that still owns objects (422 "Role is still referenced and cannot be dropped.") unless a
// successor takes them; the emulator owns-objects model (createTablesAs) stands in for the app that
// created them. A destroy must succeed, and when PlanetScale still refuses, say what to run.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { branchRoleResource as role } from "../../provider/internal/credential";
import { RoleDropRefusedError } from "../../provider/internal/resource-errors";
import { call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { contextForEmulator } from "../support/provider-context";

type Props = Record<string, unknown>;
const PROVIDER = "serialized-provider-text";
const ROLES = "/organizations/acme/databases/pg-app/branches";

let emu: Emulator;
let ctx: ReturnType<typeof contextForEmulator>;

before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  ctx = contextForEmulator(emu, { "planetscale:maxRetries": "0" });
});
after(() => emu.stop());
beforeEach(() => {
  emu.setFaults({});
  emu.clearRequests();
});

async function createRole(inputs: Props): Promise<{ id: string; outs: Props }> {
  const checked = await role.check(
    ctx,
    {},
    { database: "pg-app", branch: "main", ...inputs, __provider: PROVIDER },
  );
  assert.deepEqual(checked.failures ?? [], []);
  const created = await role.create(ctx, checked.inputs as Props);
  return { id: created.id, outs: created.outs as Props };
}

/** The tables each role of the branch owns, by username, from the emulator's state. */
function owners(): Record<string, string[]> {
  return Object.fromEntries(emu.snapshot().roles.map((r) => [r.username.split(".")[0], r.ownedObjects]));
}

const exists = (id: string) => emu.snapshot().roles.some((r) => r.id === id);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("deleting a role that owns tables", () => {
  test("by default its tables go to the branch's postgres role, and the role is gone", async () => {
    const { id, outs } = await createRole({ name: "app" });
    // The app logged in as the role and ran its migrations.
    const login = emu.checkConnection(String(outs["username"]), String(outs["password"]), {
      createTables: ["users", "orders"],
    });
    assert.ok(login.valid);
    // What PlanetScale answers a client that sends no successor (the failure this fixes).
    const bare = await call(emu, "DELETE", `${ROLES}/main/roles/${id}`);
    assert.deepEqual(
      [bare.status, bare.body.message],
      [422, "Role is still referenced and cannot be dropped."],
    );

    emu.clearRequests();
    await role.delete(ctx, id, outs);
    assert.ok(!exists(id));
    assert.deepEqual(owners()["postgres"], ["users", "orders"]);
    const deleted = emu.requests().find((r) => r.method === "DELETE");
    assert.equal(new URLSearchParams(deleted?.query).get("successor"), "postgres");
  });

  test("successor names another role of the branch, by user name: it gets the tables", async () => {
    const heir = await createRole({ name: "heir" });
    const { id, outs } = await createRole({ name: "leaving", successor: String(heir.outs["username"]) });
    assert.equal(outs["successor"], heir.outs["username"]);
    emu.createTablesAs(id, ["events"]);
    await role.delete(ctx, id, outs);
    assert.ok(!exists(id));
    assert.deepEqual(owners()[String(heir.outs["username"]).split(".")[0]!], ["events"]);
    await role.delete(ctx, heir.id, heir.outs);
  });

  test("reassignTo reassigns in a call of its own before the delete", async () => {
    const heir = await createRole({ name: "heir-2" });
    const { id, outs } = await createRole({ name: "moving", reassignTo: heir.id });
    emu.createTablesAs(id, ["audit"]);
    emu.clearRequests();
    await role.delete(ctx, id, outs);
    assert.deepEqual(
      emu.requests().map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`),
      [`POST ${id}/reassign`, `DELETE roles/${id}`],
    );
    assert.deepEqual(owners()[String(heir.outs["username"]).split(".")[0]!], ["audit"]);
    await role.delete(ctx, heir.id, heir.outs);
  });
});

describe("when PlanetScale still refuses", () => {
  test("a successor that is no role of the branch: the error names the role, the successor and the commands", async () => {
    const { id, outs } = await createRole({ name: "stuck", successor: "nobody" });
    emu.createTablesAs(id, ["t"]);
    const error = await rejection(role.delete(ctx, id, outs));
    assert.ok(error instanceof RoleDropRefusedError);
    assert.equal((error as RoleDropRefusedError).code, "PLANETSCALE_ROLE_DROP_REFUSED");
    assert.match(error.message, new RegExp(`role 'stuck' \\(id ${id}, user ${outs["username"]}\\)`));
    assert.match(error.message, /successor 'nobody'/);
    assert.ok(
      error.message.includes(
        `\`pscale role reassign pg-app main ${id} --successor nobody --org acme --force\`, then ` +
          `\`pscale role delete pg-app main ${id} --successor nobody --org acme --force\` ` +
          "(with `--successor postgres`, the branch's default role, if 'nobody' is not one)",
      ),
      error.message,
    );
    assert.match(
      error.message,
      /Pulumi keeps the role in its state.*set `successor` in the program to a role/s,
    );
    assert.ok(exists(id), "nothing was deleted");
    // Fixed in the program (successor is an in-place input), the next destroy succeeds.
    await role.delete(ctx, id, { ...outs, successor: "postgres" });
    assert.ok(!exists(id));
  });

  test("a 422 with the successor sent (as PlanetScale may answer) is explained the same way", async () => {
    const { id, outs } = await createRole({ name: "refused" });
    emu.setFaults({
      rules: [
        {
          method: "DELETE",
          path: "/organizations/*/databases/*/branches/*/roles/*",
          action: "status",
          status: 422,
          body: { code: "unprocessable", message: "Role is still referenced and cannot be dropped." },
        },
      ],
    });
    const error = await rejection(role.delete(ctx, id, outs));
    assert.ok(error instanceof RoleDropRefusedError);
    assert.match(error.message, /with successor 'postgres'/);
    assert.ok(
      error.message.includes(`pscale role delete pg-app main ${id} --successor postgres --org acme --force`),
    );
    assert.ok(
      error.cause instanceof Error && /still referenced/.test(String((error.cause as Error).message)),
    );
    assert.ok(exists(id));
    await role.delete(ctx, id, outs);
    assert.ok(!exists(id));
  });
});
