// Level 4: BranchPassword (MySQL) and BranchRole (Postgres) through the real Pulumi CLI against the
// emulator, as a preview environment uses them: a branch per pull request and a credential on it,
// whose databaseUrl the app reads. The emulator's login check stands in for the app connecting.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";

const PASSWORD = "pulumi-nodejs:dynamic/planetscale:BranchPassword";
const ROLE = "pulumi-nodejs:dynamic/planetscale:BranchRole";
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

describe("BranchPassword and BranchRole end to end", { skip: skipWithoutCli }, () => {
  let env: TestStack;
  let branchName = "pr-21";
  /** Settings of both branches that are not their name. */
  let branchArgs: Partial<planetscale.BranchArgs> = {};
  let passwordArgs: Partial<planetscale.BranchPasswordArgs> = { role: "readwriter", ttl: "1h" };
  const seen = new Set<string>();

  before(async () => {
    env = await createTestStack({
      program: async () => {
        const mysqlBranch = new ps.Branch("mysql", { database: "app", name: branchName, ...branchArgs });
        const password = new ps.BranchPassword("app", {
          database: "app",
          branch: mysqlBranch,
          ...passwordArgs,
        });
        const pgBranch = new ps.Branch("pg", { database: "pg-app", name: branchName, ...branchArgs });
        const role = new ps.BranchRole("app", {
          database: "pg-app",
          branch: pgBranch,
          inheritedRoles: ["pg_read_all_data", "pg_write_all_data"],
        });
        return {
          mysqlUrl: password.databaseUrl,
          mysqlUser: password.username,
          mysqlPassword: password.password,
          mysqlId: password.credentialId,
          branchName: password.branchName,
          pgUrl: role.databaseUrl,
          pgUser: role.username,
          pgPassword: role.password,
          pgId: role.credentialId,
        };
      },
    });
  });
  after(async () => env?.cleanup());

  async function outputs(): Promise<Record<string, string>> {
    // What `pulumi stack output --show-secrets` prints.
    const out = await env.stack.outputs();
    const values = Object.fromEntries(Object.entries(out).map(([k, v]) => [k, String(v.value)]));
    for (const key of ["mysqlPassword", "pgPassword"]) if (values[key]) seen.add(values[key]);
    return values;
  }

  /**
   * What `pulumi preview` shows: its summary, and the lines it prints about the credentials (an
   * unchanged resource gets none).
   */
  async function preview(): Promise<{ summary: Record<string, number>; credentialLines: string[] }> {
    const result = await env.stack.preview();
    const credentialLines = result.stdout
      .split("\n")
      .filter((line) => /BranchPassword|BranchRole/.test(line));
    return { summary: { ...result.changeSummary }, credentialLines };
  }

  const connects = (user: string | undefined, pass: string | undefined) =>
    env.emulator.checkConnection(String(user), String(pass)).valid;

  test("up: a working databaseUrl for each kind, as secret outputs", async () => {
    const result = await env.stack.up();
    for (const key of ["mysqlUrl", "mysqlPassword", "pgUrl", "pgPassword"]) {
      assert.equal(result.outputs[key]?.secret, true, `${key} is a secret`);
    }
    const o = await outputs();
    const mysql = new URL(o["mysqlUrl"] ?? "");
    assert.equal(mysql.protocol, "mysql:");
    assert.equal(mysql.searchParams.get("ssl"), '{"rejectUnauthorized":true}');
    assert.equal(decodeURIComponent(mysql.password), o["mysqlPassword"]);
    const pg = new URL(o["pgUrl"] ?? "");
    assert.equal(pg.protocol, "postgresql:");
    assert.equal(pg.searchParams.get("sslmode"), "verify-full");
    assert.ok(connects(o["mysqlUser"], o["mysqlPassword"]));
    assert.ok(connects(o["pgUser"], o["pgPassword"]));
    await env.stack.preview({ expectNoChanges: true });
  });

  test("renaming the branches in place: preview says the credentials stay, and up keeps them working", async () => {
    const before = await outputs();
    branchName = "pr-21-renamed";
    const planned = await preview();
    assert.deepEqual(planned.summary, { same: 3, update: 2 }, "the stack and both credentials unchanged");
    assert.deepEqual(planned.credentialLines, []);
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["update"], 2, "the two branches");
    assert.equal(result.summary.resourceChanges?.["replace"], undefined);
    const after = await outputs();
    assert.equal(after["mysqlId"], before["mysqlId"]);
    assert.equal(after["pgId"], before["pgId"]);
    assert.equal(after["mysqlPassword"], before["mysqlPassword"]);
    assert.equal(after["pgPassword"], before["pgPassword"]);
    assert.ok(connects(after["mysqlUser"], after["mysqlPassword"]));
    assert.ok(connects(after["pgUser"], after["pgPassword"]));
    await env.stack.refresh();
    const [password] = await env.resourcesOfType(PASSWORD);
    assert.equal(password?.outputs["branchName"], "pr-21-renamed", "refresh sees the new branch name");
  });

  test("protecting the branches in place: preview says the credentials stay, and up keeps them", async () => {
    for (const deletionProtected of [true, false]) {
      const before = await outputs();
      branchArgs = { deletionProtected };
      const planned = await preview();
      assert.deepEqual(planned.summary, { same: 3, update: 2 }, `deletionProtected: ${deletionProtected}`);
      assert.deepEqual(planned.credentialLines, []);
      const result = await env.stack.up();
      assert.deepEqual(result.summary.resourceChanges, { same: 3, update: 2 });
      const after = await outputs();
      for (const key of ["mysqlId", "mysqlPassword", "pgId", "pgPassword"]) {
        assert.equal(after[key], before[key], key);
      }
    }
  });

  test("refresh notices a role deleted outside Pulumi; up creates a new one", async () => {
    const before = await outputs();
    const branches = "/organizations/acme/databases/pg-app/branches";
    const gone = await call(env.emulator, "DELETE", `${branches}/pr-21-renamed/roles/${before["pgId"]}`);
    assert.equal(gone.status, 204);
    await env.stack.refresh();
    assert.deepEqual(await env.resourcesOfType(ROLE), []);
    await env.stack.up();
    const after = await outputs();
    assert.notEqual(after["pgId"], before["pgId"]);
    assert.ok(connects(after["pgUser"], after["pgPassword"]));
  });

  test("moving the branches to another region replaces them: preview and up replace the credentials too", async () => {
    const before = await outputs();
    branchArgs = { region: "eu-west" };
    const planned = await preview();
    assert.equal(planned.summary["replace"], 4, "both branches and both credentials");
    for (const type of ["BranchPassword", "BranchRole"]) {
      assert.ok(
        planned.credentialLines.some((line) => new RegExp(`${type} app replace\\b`).test(line)),
        planned.credentialLines.join("\n"),
      );
    }
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["replace"], 4);
    const after = await outputs();
    assert.notEqual(after["mysqlId"], before["mysqlId"]);
    assert.notEqual(after["pgId"], before["pgId"]);
    assert.ok(connects(after["mysqlUser"], after["mysqlPassword"]));
    assert.ok(connects(after["pgUser"], after["pgPassword"]));
    assert.ok(!connects(before["mysqlUser"], before["mysqlPassword"]));
    assert.ok(!connects(before["pgUser"], before["pgPassword"]));
  });

  test("rotation replaces the password, creating the new one before deleting the old", async () => {
    const before = await outputs();
    // A password older than a second is within rotateBefore (3599 s) of its 1 h expiry: due for
    // rotation. The test before may have made it just now: wait until it is due, so the up finds it so.
    passwordArgs = { role: "readwriter", ttl: "1h", rotateBefore: 3599 };
    const [password] = await env.resourcesOfType(PASSWORD);
    const due = Date.parse(String(password?.outputs["expiresAt"])) - 3599_000;
    assert.ok(Number.isFinite(due), "the password records its expiry");
    while (Date.now() <= due) await new Promise((resolve) => setTimeout(resolve, due - Date.now() + 1));
    env.emulator.clearRequests();
    const result = await env.stack.up();
    assert.equal(result.summary.resourceChanges?.["replace"], 1);
    const after = await outputs();
    assert.notEqual(after["mysqlId"], before["mysqlId"]);
    const log = env.emulator.requests().map((r) => `${r.method} ${r.path}`);
    const created = log.findIndex((l) => l.startsWith("POST") && l.endsWith("/passwords"));
    const deleted = log.findIndex(
      (l) => l.startsWith("DELETE") && l.endsWith(`/passwords/${before["mysqlId"]}`),
    );
    assert.ok(created >= 0 && deleted > created, `new before old: ${log.join(", ")}`);
    assert.ok(!connects(before["mysqlUser"], before["mysqlPassword"]));
    assert.ok(connects(after["mysqlUser"], after["mysqlPassword"]));
  });

  test("the plaintexts are nowhere in the state files or the CLI output", () => {
    assert.ok(seen.size >= 4);
    for (const value of seen) {
      assert.ok(!allText(join(env.workDir, "state")).includes(value), "state (incl. backups and history)");
      assert.ok(!env.output().includes(value), "CLI output, including the provider's stderr");
    }
  });

  test("destroy deletes both credentials (they stop working) and the branches", async () => {
    const last = await outputs();
    await env.stack.destroy();
    assert.deepEqual(await env.resourcesOfType(PASSWORD), []);
    assert.deepEqual(await env.resourcesOfType(ROLE), []);
    assert.ok(!connects(last["mysqlUser"], last["mysqlPassword"]));
    assert.ok(!connects(last["pgUser"], last["pgPassword"]));
    const snapshot = env.emulator.snapshot();
    assert.equal(snapshot.passwords.length + snapshot.roles.length, 0);
  });

  test("preview refuses a password on a Postgres database before any API call but the kind lookup", async () => {
    env.setProgram(async () => {
      new ps.BranchPassword("wrong", { database: "pg-app", branch: "main" });
    });
    env.emulator.clearRequests();
    await assert.rejects(env.stack.preview(), /'pg-app' of acme is a Postgres database.*use BranchRole/s);
    assert.ok(env.emulator.requests().every((r) => r.method === "GET"));
  });
});
