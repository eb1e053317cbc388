// The sweeper against the emulator: `pulumi-planetscale sweep` lists (and with --yes deletes)
// branches and service tokens left behind by preview environments whose stacks were lost.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { main } from "../../provider/commands/cli";
import { sweep } from "../../provider/commands/sweep/sweep";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");
const DAY = 24 * 60 * 60 * 1000;

let emu: Emulator;
let env: NodeJS.ProcessEnv;
before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  env = {
    PLANETSCALE_API_URL: emu.apiUrl,
    PLANETSCALE_ORG: emu.organization,
    PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
    PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
  };
});
after(async () => emu.stop());

async function tokenNames(): Promise<string[]> {
  const res = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
  return (res.body.data as Array<{ name: string | null }>).map((t) => t.name ?? "").sort();
}

/** Leftovers of two lost preview environments, and things that must survive a sweep. */
async function seedLeftovers(): Promise<void> {
  for (const name of ["pr-101", "pr-102", "pr-103-guarded", "feature-x"]) {
    const res = await call(emu, "POST", "/organizations/acme/databases/app/branches", { body: { name } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
  }
  const password = await call(emu, "POST", "/organizations/acme/databases/app/branches/pr-101/passwords", {
    body: {
      name: "pr-101-app",
      role: "readwriter",
    },
  });
  assert.equal(password.status, 201, JSON.stringify(password.body));
  await call(emu, "PATCH", "/organizations/acme/databases/app/branches/pr-103-guarded", {
    body: {
      deletion_protected: true,
    },
  });
  for (const name of ["pr-101-ci", "pr-102-ci", "deploy-bot"]) {
    assert.equal(
      (await call(emu, "POST", "/organizations/acme/service-tokens", { body: { name } })).status,
      200,
    );
  }
}

/** Runs the CLI in this process; returns its exit code and stdout lines. */
async function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await main(
    args,
    { ...env, ...extraEnv },
    (l) => lines.push(l),
    (l) => errors.push(l),
  );
  return { code, lines, errors, summary: lines.at(-1) ?? "" };
}

describe("sweep", () => {
  beforeEach(async () => {
    for (const name of await branchNames(emu)) {
      if (name === "main") continue;
      await call(emu, "PATCH", `/organizations/acme/databases/app/branches/${name}`, {
        body: {
          deletion_protected: false,
        },
      });
      await call(emu, "DELETE", `/organizations/acme/databases/app/branches/${name}`);
    }
    const tokens = await call(emu, "GET", "/organizations/acme/service-tokens?per_page=100");
    for (const t of tokens.body.data as Array<{ id: string }>) {
      if (t.id !== emu.adminCredential.id)
        await call(emu, "DELETE", `/organizations/acme/service-tokens/${t.id}`);
    }
    await seedLeftovers();
  });

  test("a dry run lists what matches, deletes nothing, and prints one summary line", async () => {
    const before = { branches: await branchNames(emu), tokens: await tokenNames() };
    emu.clearRequests();
    const run = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s"]);
    assert.equal(run.code, 0, run.errors.join("\n"));
    assert.equal(run.summary, "sweep: mode=dry-run stale=4 deleted=0 kept=1 failed=0 credentials=1");
    assert.ok(
      run.lines.some((l) =>
        /^would delete branch password pr-101-app \(\S+\) in acme\/app\/pr-101, with its branch$/.test(l),
      ),
      run.lines.join("\n"),
    );
    const listed = run.lines.filter((l) => l.startsWith("would delete")).join("\n");
    for (const name of ["pr-101", "pr-102", "pr-101-ci", "pr-102-ci"])
      assert.match(listed, new RegExp(`${name} `));
    assert.ok(run.lines.some((l) => /^keep .*pr-103-guarded.*deletion-protected/.test(l)));
    assert.ok(!run.lines.join("\n").includes(emu.adminCredential.token));
    assert.deepEqual(await branchNames(emu), before.branches);
    assert.deepEqual(await tokenNames(), before.tokens);
    assert.ok(emu.requests().every((r) => r.method === "GET"));
    const detailed = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-",
      "--older-than",
      "0s",
      "--detailed-exitcode",
    ]);
    assert.equal(detailed.code, 3);
  });

  test("--yes deletes only matching, unprotected, non-production objects", async () => {
    emu.clearRequests();
    const run = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s", "--yes"]);
    assert.equal(run.code, 0, run.errors.join("\n"));
    assert.equal(run.summary, "sweep: mode=delete stale=4 deleted=4 kept=1 failed=0 credentials=1");
    assert.ok(run.lines.some((l) => /^deleted +branch password pr-101-app .*, with its branch$/.test(l)));
    // The password goes with its branch: no call of its own.
    assert.ok(!emu.requests().some((r) => r.method === "DELETE" && r.path.includes("/passwords")));
    assert.deepEqual(await branchNames(emu), ["feature-x", "main", "pr-103-guarded"]);
    assert.deepEqual(await tokenNames(), ["deploy-bot"]);
    assert.ok(!(await tokenNames()).some((n) => n.startsWith("pr-")));
    // PlanetScale (and the emulator) forget a deleted branch's passwords: a new branch of the same
    // name starts with none.
    await call(emu, "POST", "/organizations/acme/databases/app/branches", { body: { name: "pr-101" } });
    const reborn = await call(emu, "GET", "/organizations/acme/databases/app/branches/pr-101/passwords");
    assert.deepEqual(reborn.body.data, []);
    await call(emu, "DELETE", "/organizations/acme/databases/app/branches/pr-101");
    const again = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s", "--yes"]);
    assert.equal(again.summary, "sweep: mode=delete stale=0 deleted=0 kept=1 failed=0 credentials=0");
  });

  test("a Postgres branch's roles are listed in a dry run and go with the branch", async () => {
    const branch = await call(emu, "POST", "/organizations/acme/databases/pg-app/branches", {
      body: {
        name: "pr-201",
      },
    });
    assert.equal(branch.status, 201, JSON.stringify(branch.body));
    const secrets: string[] = [];
    for (const name of ["pr-201-app", "pr-201-ci"]) {
      const role = await call(emu, "POST", "/organizations/acme/databases/pg-app/branches/pr-201/roles", {
        body: {
          name,
        },
      });
      assert.equal(role.status, 200, JSON.stringify(role.body.name));
      secrets.push(role.body.password);
    }
    const dry = await cli(["sweep", "--database", "pg-app", "--prefix", "pr-2", "--older-than", "0s"]);
    assert.equal(dry.summary, "sweep: mode=dry-run stale=1 deleted=0 kept=0 failed=0 credentials=2");
    assert.ok(!secrets.some((secret) => dry.lines.join("\n").includes(secret)));
    for (const name of ["pr-201-app", "pr-201-ci"])
      assert.ok(
        dry.lines.some(
          (l) =>
            l.startsWith(`would delete branch role ${name} `) &&
            l.endsWith("in acme/pg-app/pr-201, with its branch"),
        ),
        dry.lines.join("\n"),
      );
    emu.clearRequests();
    const run = await cli([
      "sweep",
      "--database",
      "pg-app",
      "--prefix",
      "pr-2",
      "--older-than",
      "0s",
      "--yes",
    ]);
    assert.equal(run.summary, "sweep: mode=delete stale=1 deleted=1 kept=0 failed=0 credentials=2");
    assert.ok(!emu.requests().some((r) => r.method === "DELETE" && r.path.includes("/roles")));
    assert.deepEqual(await branchNames(emu, "pg-app"), ["main"]);
    await call(emu, "POST", "/organizations/acme/databases/pg-app/branches", { body: { name: "pr-201" } });
    const reborn = await call(emu, "GET", "/organizations/acme/databases/pg-app/branches/pr-201/roles");
    assert.deepEqual(reborn.body.data, []);
    await call(emu, "DELETE", "/organizations/acme/databases/pg-app/branches/pr-201");
  });

  test("the production branch and the sweep's own token are never swept", async () => {
    const run = await cli(["sweep", "--database", "app", "--prefix", "ma", "--older-than", "0s", "--yes"]);
    assert.equal(run.summary, "sweep: mode=delete stale=0 deleted=0 kept=1 failed=0 credentials=0");
    assert.ok(run.lines.some((l) => /^keep .*branch main .*production branch/.test(l)));
    // A token that itself matches the prefix, allowed to list and delete tokens.
    const own = (
      await call(emu, "POST", "/organizations/acme/service-tokens", { body: { name: "pr-sweeper" } })
    ).body;
    const granted = await call(emu, "POST", `/organizations/acme/service-tokens/${own.id}/access`, {
      body: {
        access: ["read_service_tokens", "delete_service_tokens"],
      },
    });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
    const mine = await cli(["sweep", "--prefix", "pr-", "--older-than", "0s", "--yes"], {
      PLANETSCALE_SERVICE_TOKEN_ID: own.id,
      PLANETSCALE_SERVICE_TOKEN: own.token,
    });
    assert.equal(
      mine.summary,
      "sweep: mode=delete stale=2 deleted=2 kept=1 failed=0 credentials=0",
      mine.lines.join("\n"),
    );
    assert.ok(mine.lines.some((l) => /^keep .*pr-sweeper.*the credential this sweep runs with/.test(l)));
    assert.deepEqual(await tokenNames(), ["deploy-bot", "pr-sweeper"]);
    assert.ok(!mine.lines.join("\n").includes(own.token));
  });

  test("--older-than keeps recent objects (fixed clock)", async () => {
    const client = getClient(resolveSettings(undefined, env));
    const now = Date.now();
    const recent = await sweep(client, {
      organization: "acme",
      database: "app",
      prefix: "pr-",
      olderThanMs: 7 * DAY,
      yes: true,
      now,
    });
    assert.equal(recent.stale, 0);
    assert.equal(recent.entries.filter((e) => e.outcome === "too-recent").length, 4);
    const eightDaysLater = await sweep(client, {
      organization: "acme",
      database: "app",
      prefix: "pr-",
      olderThanMs: 7 * DAY,
      yes: false,
      now: now + 8 * DAY,
    });
    assert.equal(eightDaysLater.stale, 4);
    assert.equal((await branchNames(emu)).filter((n) => n.startsWith("pr-")).length, 3);
  });

  test("a branch that cannot be deleted is reported and the exit code is 1", async () => {
    await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: {
        name: "pr-101-child",
        parent_branch: "pr-101",
      },
    });
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-101",
      "--older-than",
      "0s",
      "--yes",
    ]);
    assert.equal(run.code, 1);
    assert.match(run.summary, /^sweep: mode=delete stale=\d+ deleted=\d+ kept=0 failed=[1-9]/);
    assert.ok(run.lines.some((l) => /^FAILED +branch pr-101 /.test(l)));
  });

  test("bad usage exits 2 before any API call", async () => {
    emu.clearRequests();
    for (const args of [
      ["sweep", "--database", "app", "--older-than", "7d"],
      ["sweep", "--database", "app", "--prefix", "", "--older-than", "7d"],
      ["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "7"],
      ["sweep", "--prefix", "pr-", "--older-than", "7d", "--bogus"],
      ["prune"],
    ]) {
      assert.equal((await cli(args)).code, 2, args.join(" "));
    }
    assert.equal(
      (await cli(["sweep", "--prefix", "pr-", "--older-than", "7d"], { PLANETSCALE_ORG: "" })).code,
      2,
    );
    assert.deepEqual(emu.requests(), []);
  });

  test("the package's bin runs it (npx pulumi-planetscale sweep)", async () => {
    // Asynchronous: the emulator answers from this process while the command runs.
    const r = await runProcess(
      process.execPath,
      [
        join(repoRoot, "dist/provider/commands/cli.js"),
        "sweep",
        "--database",
        "app",
        "--prefix",
        "pr-",
        "--older-than",
        "7d",
      ],
      { env: { ...process.env, ...env } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout.trim().split("\n").at(-1),
      "sweep: mode=dry-run stale=0 deleted=0 kept=1 failed=0 credentials=0",
    );
  });
});
