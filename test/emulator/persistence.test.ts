/** --state / stateFile: atomic persistence after each change, reloaded on restart. */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { EmulatorConfigError } from "../../emulator";
import { branchesPath, call, makeToken, waitReady } from "../support/api";
import { emulator } from "../support/emulator";

describe("state persistence", () => {
  const dir = mkdtempSync(join(tmpdir(), "ps-emu-state-"));
  const file = join(dir, "nested", "state.json");
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("survives a restart: branches, renames, tokens (which still authenticate) and the request log", async () => {
    const first = await emulator({ stateFile: file });
    const created = await call(first, "POST", branchesPath(), { body: { name: "keep-me" } });
    // Readiness is asserted after the restart, so wait for the condition here rather than
    // assume the emulator's ready delay has passed by then.
    await waitReady(first, "keep-me");
    const cred = await makeToken(first, [{ access: ["read_branch"], database: "app" }]);
    await call(first, "PATCH", `${branchesPath()}/keep-me`, { body: { new_name: "kept" } });
    // Written before the answer: readable while the emulator still runs.
    const onDisk = JSON.parse(readFileSync(file, "utf8"));
    assert.ok(onDisk.branches.some((b: { name: string }) => b.name === "kept"));
    assert.ok(!readFileSync(file, "utf8").includes(cred.token), "no plaintext secret on disk");
    await first.stop();
    assert.deepEqual(readdirSync(join(dir, "nested")), ["state.json"], "no temp files left behind");

    const second = await emulator({ stateFile: file });
    try {
      const got = await call(second, "GET", `${branchesPath()}/${created.body.id}`);
      assert.equal(got.status, 200);
      assert.equal(got.body.name, "kept");
      assert.equal(got.body.state, "ready");
      assert.equal((await call(second, "GET", branchesPath(), { cred })).status, 200, "token still valid");
      assert.ok(
        second.requests().some((e) => e.method === "PATCH"),
        "request log reloaded",
      );
      // app/main, other/main, pg-app/main and the one created above.
      assert.equal(second.snapshot().branches.length, 4);
    } finally {
      await second.stop();
    }
  });

  test("credentials keep their fields and owned objects across a restart; older files load with defaults", async () => {
    const credentialsFile = join(dir, "credentials.json");
    const first = await emulator({ stateFile: credentialsFile });
    const password = await call(first, "POST", `${branchesPath()}/main/passwords`, {
      body: { name: "office", cidrs: ["10.0.0.0/8"], direct_vtgate: true },
    });
    const role = await call(first, "POST", `${branchesPath("pg-app")}/main/roles`, {
      body: { name: "app", with_replication: true, require_where_on_delete: "on" },
    });
    first.checkConnection(role.body.username, role.body.password, { createTables: ["orders"] });
    await first.stop();

    const second = await emulator({ stateFile: credentialsFile });
    try {
      const p = await call(second, "GET", `${branchesPath()}/main/passwords/${password.body.id}`);
      assert.deepEqual([p.body.cidrs, p.body.direct_vtgate], [["10.0.0.0/8"], true]);
      const r = await call(second, "GET", `${branchesPath("pg-app")}/main/roles/${role.body.id}`);
      assert.deepEqual(
        [r.body.with_replication, r.body.query_safety_settings.require_where_on_delete],
        [true, "on"],
      );
      assert.deepEqual(second.snapshot().roles.find((x) => x.id === role.body.id)?.ownedObjects, ["orders"]);
    } finally {
      await second.stop();
    }

    // A state file written before these fields existed.
    const state = JSON.parse(readFileSync(credentialsFile, "utf8"));
    for (const p of state.passwords) {
      delete p.cidrs;
      delete p.directVtgate;
    }
    for (const r of state.roles) {
      for (const field of [
        "withReplication",
        "requireWhereOnDelete",
        "requireWhereOnUpdate",
        "isDefault",
        "ownedObjects",
      ])
        delete r[field];
    }
    const older = join(dir, "older.json");
    writeFileSync(older, JSON.stringify(state));
    const third = await emulator({ stateFile: older });
    try {
      const p = await call(third, "GET", `${branchesPath()}/main/passwords/${password.body.id}`);
      assert.deepEqual([p.body.cidrs, p.body.direct_vtgate], [null, false]);
      const r = await call(third, "GET", `${branchesPath("pg-app")}/main/roles/${role.body.id}`);
      assert.deepEqual([r.body.with_replication, r.body.default], [false, false]);
    } finally {
      await third.stop();
    }
  });

  test("refuses a corrupt state file", async () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, "{not json");
    await assert.rejects(emulator({ stateFile: bad }), (error: unknown) => {
      assert.ok(error instanceof EmulatorConfigError, String(error));
      assert.equal(error.code, "EMULATOR_INVALID_CONFIG");
      assert.match(error.message, /not valid JSON/);
      return true;
    });
  });

  test("refuses a state file of the wrong shape, naming the file and each problem", async () => {
    const first = await emulator({ stateFile: file });
    await first.stop();
    const state = JSON.parse(readFileSync(file, "utf8"));
    state.branches[0].readyAt = "soon";
    delete state.serviceTokens;
    const damaged = join(dir, "damaged.json");
    writeFileSync(damaged, JSON.stringify(state));
    await assert.rejects(emulator({ stateFile: damaged }), (error: Error) => {
      assert.ok(error.message.includes(damaged), error.message);
      assert.match(error.message, /is not an emulator state file/);
      assert.match(error.message, /must be a number\n {2}→ at branches\[0\]\.readyAt/);
      assert.match(error.message, /is required\n {2}→ at serviceTokens/);
      return true;
    });
  });
});
