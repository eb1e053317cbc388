// The sweeper against the emulator: `pulumi-planetscale sweep` lists (and with --yes deletes)
// branches and service tokens left behind by preview environments whose stacks were lost.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { main } from "../../provider/commands/cli";
import { sweep } from "../../provider/commands/sweep/sweep";
import { BackendEvidence } from "../../provider/internal/backend/evidence";
import { getClient } from "../../provider/internal/client/registry";
import { resolveSettings } from "../../provider/internal/client/settings";
import { branchNames, call } from "../support/api";
import { type Emulator, emulator } from "../support/emulator";
import { cliDir, skipWithoutCli } from "../support/engine";
import { runProcess } from "../support/process";

const repoRoot = join(__dirname, "..", "..");
const DAY = 24 * 60 * 60 * 1000;

const BRANCH_TYPE = "pulumi-nodejs:dynamic/planetscale:Branch";
/** The summary's reasons when nothing was kept for any but the ones given. */
const REASONS = [
  "production",
  "protected",
  "own_token",
  "other_database",
  "other_creator",
  "held",
  "creating",
  "too_recent",
];
function summary(head: string, kept: Record<string, number> = {}): string {
  return `sweep: ${head} ${REASONS.map((r) => `kept_${r}=${kept[r] ?? 0}`).join(" ")}`;
}

let emu: Emulator;
let env: NodeJS.ProcessEnv;
/** A file state backend that the sweep reads; its stacks are the team's. */
let work: string;
before(async () => {
  emu = await emulator({ readyDelayMs: 0 });
  work = mkdtempSync(join(tmpdir(), "pps-sweep-"));
  mkdirSync(join(work, "state"));
  env = {
    PLANETSCALE_API_URL: emu.apiUrl,
    PLANETSCALE_ORG: emu.organization,
    PLANETSCALE_SERVICE_TOKEN_ID: emu.adminCredential.id,
    PLANETSCALE_SERVICE_TOKEN: emu.adminCredential.token,
    PATH: `${cliDir}:${process.env["PATH"] ?? ""}`,
    PULUMI_BACKEND_URL: `file://${join(work, "state")}`,
    PULUMI_HOME: join(work, "home"),
    PULUMI_CONFIG_PASSPHRASE: "sweep-test",
  };
});
after(async () => {
  await emu.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A live stack of the backend whose checkpoint holds the branch `id` (restored with `pulumi stack import`). */
function liveStackHolding(stack: string, id: string, name: string): void {
  const project = join(work, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "Pulumi.yaml"), "name: previews\nruntime: nodejs\n");
  const pulumi = (args: string[]) =>
    execFileSync("pulumi", [...args, "--non-interactive"], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: "pipe",
    });
  pulumi(["stack", "init", stack]);
  const file = join(work, `${stack}.json`);
  const resource = {
    urn: `urn:pulumi:${stack}::previews::${BRANCH_TYPE}::br`,
    custom: true,
    type: BRANCH_TYPE,
    id,
  };
  writeFileSync(
    file,
    JSON.stringify({
      version: 3,
      deployment: { resources: [{ ...resource, outputs: { organization: "acme", database: "app", name } }] },
    }),
  );
  pulumi(["stack", "import", "--stack", stack, "--file", file]);
}

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
    const token = await call(emu, "POST", "/organizations/acme/service-tokens", { body: { name } });
    assert.equal(token.status, 200);
    // As a preview environment's token is granted: organization reads, database accesses on app.
    await call(emu, "POST", `/organizations/acme/service-tokens/${token.body.id}/access`, {
      body: { access: ["read_organization"] },
    });
    await call(emu, "POST", `/organizations/acme/service-tokens/${token.body.id}/access`, {
      body: { database: "app", access: ["read_branch"] },
    });
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

describe("sweep", { skip: skipWithoutCli }, () => {
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
    const run = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s", "--force"]);
    assert.equal(run.code, 0, run.errors.join("\n"));
    assert.equal(
      run.summary,
      summary("mode=dry-run stale=4 deleted=0 kept=1 failed=0 credentials=1", { protected: 1 }),
    );
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
      "--force",
      "--detailed-exitcode",
    ]);
    assert.equal(detailed.code, 3);
  });

  test("--yes deletes only matching, unprotected, non-production objects", async () => {
    emu.clearRequests();
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.equal(run.code, 0, run.errors.join("\n"));
    assert.equal(
      run.summary,
      summary("mode=delete stale=4 deleted=4 kept=1 failed=0 credentials=1", { protected: 1 }),
    );
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
    const again = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.equal(
      again.summary,
      summary("mode=delete stale=0 deleted=0 kept=1 failed=0 credentials=0", { protected: 1 }),
    );
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
    const dry = await cli([
      "sweep",
      "--database",
      "pg-app",
      "--prefix",
      "pr-2",
      "--older-than",
      "0s",
      "--force",
    ]);
    assert.equal(dry.summary, summary("mode=dry-run stale=1 deleted=0 kept=0 failed=0 credentials=2"));
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
      "--force",
      "--yes",
    ]);
    assert.equal(run.summary, summary("mode=delete stale=1 deleted=1 kept=0 failed=0 credentials=2"));
    assert.ok(!emu.requests().some((r) => r.method === "DELETE" && r.path.includes("/roles")));
    assert.deepEqual(await branchNames(emu, "pg-app"), ["main"]);
    await call(emu, "POST", "/organizations/acme/databases/pg-app/branches", { body: { name: "pr-201" } });
    const reborn = await call(emu, "GET", "/organizations/acme/databases/pg-app/branches/pr-201/roles");
    assert.deepEqual(reborn.body.data, []);
    await call(emu, "DELETE", "/organizations/acme/databases/pg-app/branches/pr-201");
  });

  test("the production branch and the sweep's own token are never swept", async () => {
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "ma",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.equal(
      run.summary,
      summary("mode=delete stale=0 deleted=0 kept=1 failed=0 credentials=0", { production: 1 }),
    );
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
    const mine = await cli(["sweep", "--prefix", "pr-", "--older-than", "0s", "--force", "--yes"], {
      PLANETSCALE_SERVICE_TOKEN_ID: own.id,
      PLANETSCALE_SERVICE_TOKEN: own.token,
    });
    // The other pr- tokens were made by another credential (the admin): not this sweep's to delete.
    assert.equal(
      mine.summary,
      summary("mode=delete stale=0 deleted=0 kept=3 failed=0 credentials=0", {
        own_token: 1,
        other_creator: 2,
      }),
      mine.lines.join("\n"),
    );
    assert.ok(mine.lines.some((l) => /^keep .*pr-sweeper.*the credential this sweep runs with/.test(l)));
    assert.ok(
      mine.lines.some((l) => /^keep .*pr-101-ci.*created by admintest001, not by this credential/.test(l)),
    );
    assert.deepEqual(await tokenNames(), ["deploy-bot", "pr-101-ci", "pr-102-ci", "pr-sweeper"]);
    assert.ok(!mine.lines.join("\n").includes(own.token));
  });

  test("--older-than keeps recent objects (fixed clock)", async () => {
    const client = getClient(resolveSettings(undefined, env));
    const now = Date.now();
    const evidence = BackendEvidence.of(new Map());
    const recent = await sweep(client, {
      organization: "acme",
      database: "app",
      prefix: "pr-",
      olderThanMs: 7 * DAY,
      yes: true,
      now,
      evidence,
    });
    assert.equal(recent.stale, 0);
    assert.equal(recent.keptBy.too_recent, 4);
    const eightDaysLater = await sweep(client, {
      organization: "acme",
      database: "app",
      prefix: "pr-",
      olderThanMs: 7 * DAY,
      yes: false,
      now: now + 8 * DAY,
      evidence,
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
      "--force",
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
    // Under the minimum age, without --force: refused, naming the fix.
    const young = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s"]);
    assert.equal(young.code, 2);
    assert.match(
      young.errors.join("\n"),
      /--older-than 0s is under 1h.*--older-than 1h or more, or add --force/,
    );
    assert.equal((await cli(["sweep", "--prefix", "pr-", "--older-than", "59m"])).code, 2);
    assert.deepEqual(emu.requests(), []);
  });

  test("another token's branch (with its password) is never swept: only the sweeping credential's objects are", async () => {
    const colleague = (
      await call(emu, "POST", "/organizations/acme/service-tokens", { body: { name: "colleague" } })
    ).body;
    await call(emu, "POST", `/organizations/acme/service-tokens/${colleague.id}/access`, {
      body: { database: "app", access: ["create_branch", "read_branch", "connect_branch"] },
    });
    const theirs = await call(emu, "POST", "/organizations/acme/databases/app/branches", {
      body: { name: "pr-300" },
      cred: colleague,
    });
    assert.equal(theirs.status, 201);
    await call(emu, "POST", "/organizations/acme/databases/app/branches/pr-300/passwords", {
      body: { name: "pr-300-app" },
      cred: colleague,
    });
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-3",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.ok(
      run.lines.some((l) =>
        new RegExp(`^keep .*branch pr-300 .*created by ${colleague.id}, not by this credential`).test(l),
      ),
      run.lines.join("\n"),
    );
    assert.ok((await branchNames(emu)).includes("pr-300"));
    assert.match(run.summary, / kept_other_creator=1 /);
  });

  test("a live stack's branch, older than --older-than, is never swept; nor is one a stack is creating", async () => {
    const listed = await call(emu, "GET", "/organizations/acme/databases/app/branches?per_page=100");
    const live = (listed.body.data as Array<{ id: string; name: string }>).find(
      (b) => b.name === "pr-102",
    ) as { id: string };
    liveStackHolding(`pr-102-${Date.now()}`, live.id, "pr-102");
    emu.clearRequests();
    const dry = await cli(["sweep", "--database", "app", "--prefix", "pr-", "--older-than", "0s", "--force"]);
    assert.ok(
      dry.lines.some((l) => /^read +\d+ stack\(s\) of file:\/\//.test(l)),
      dry.lines.join("\n"),
    );
    assert.ok(
      dry.lines.some((l) =>
        /^keep .*branch pr-102 .*stack organization\/previews\/pr-102-\d+ holds it/.test(l),
      ),
      dry.lines.join("\n"),
    );
    assert.ok(
      emu.requests().every((r) => r.method === "GET"),
      "a dry run writes nothing",
    );
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.match(run.summary, / kept_held=1 /);
    assert.ok((await branchNames(emu)).includes("pr-102"));
    // A pending create of the same name in some stack (a run under way, or killed) protects it too.
    const client = getClient(resolveSettings(undefined, env));
    const pendingCreate = {
      type: "creating",
      resource: {
        urn: "u",
        type: BRANCH_TYPE,
        inputs: { organization: "acme", database: "app", name: "pr-102" },
      },
    };
    const creating = BackendEvidence.of(
      new Map([
        ["organization/previews/pr-9", { version: 3, deployment: { pending_operations: [pendingCreate] } }],
      ]),
    );
    const result = await sweep(client, {
      organization: "acme",
      database: "app",
      prefix: "pr-102",
      olderThanMs: 0,
      yes: true,
      evidence: creating,
    });
    assert.equal(result.keptBy.creating, 1);
    assert.equal(result.deleted, 0);
  });

  test("with --database, tokens are swept only when their grants confine them to it", async () => {
    const token = async (name: string, grants: Array<{ database?: string; access: string[] }>) => {
      const t = (await call(emu, "POST", "/organizations/acme/service-tokens", { body: { name } })).body;
      for (const body of grants)
        await call(emu, "POST", `/organizations/acme/service-tokens/${t.id}/access`, { body });
      return t.id as string;
    };
    await token("pr-400-org-wide", [{ access: ["read_organization", "read_branch"] }]);
    await token("pr-401-other", [{ database: "other", access: ["read_branch"] }]);
    await token("pr-402-both", [
      { database: "app", access: ["read_branch"] },
      { database: "other", access: ["read_branch"] },
    ]);
    await token("pr-403-app", [
      { access: ["read_organization"] },
      { database: "app", access: ["read_branch", "connect_branch"] },
    ]);
    const run = await cli([
      "sweep",
      "--database",
      "app",
      "--prefix",
      "pr-40",
      "--older-than",
      "0s",
      "--force",
      "--yes",
    ]);
    assert.match(run.summary, /stale=1 deleted=1 kept=3 .* kept_other_database=3 /, run.lines.join("\n"));
    assert.ok(
      run.lines.some((l) =>
        /^keep .*pr-400-org-wide.*organization-wide: it holds read_branch on every database/.test(l),
      ),
    );
    assert.ok(run.lines.some((l) => /^keep .*pr-401-other.*other databases too \(other\)/.test(l)));
    assert.ok(run.lines.some((l) => /^deleted +service token pr-403-app /.test(l)));
    // Without --database, tokens are the organization's: the same sweep would take the other three.
    const all = await cli(["sweep", "--prefix", "pr-40", "--older-than", "0s", "--force"]);
    assert.match(all.summary, /stale=3 /);
  });

  test("the package's bin runs it (npx pulumi-planetscale sweep)", async () => {
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
      summary("mode=dry-run stale=0 deleted=0 kept=5 failed=0 credentials=0", {
        protected: 1,
        too_recent: 4,
      }),
    );
  });
});

describe("sweep and a person's objects", { skip: skipWithoutCli }, () => {
  test("a branch and a token a person made in the app are never swept, whatever their name and age", async () => {
    const file = join(work, "person-state.json");
    const first = await emulator({ readyDelayMs: 0, stateFile: file });
    await call(first, "POST", "/organizations/acme/databases/app/branches", { body: { name: "pr-500" } });
    await call(first, "POST", "/organizations/acme/service-tokens", { body: { name: "pr-500-ci" } });
    await first.stop();
    // What PlanetScale reports for objects made in its web app: a User actor.
    const saved = JSON.parse(readFileSync(file, "utf8"));
    const ada = { id: "usr-ada", displayName: "Ada", type: "User" };
    for (const b of saved.branches) if (b.name === "pr-500") b.actor = ada;
    for (const t of saved.serviceTokens) if (t.name === "pr-500-ci") t.actor = ada;
    writeFileSync(file, JSON.stringify(saved));
    const second = await emulator({ readyDelayMs: 0, stateFile: file });
    try {
      const lines: string[] = [];
      const code = await main(
        ["sweep", "--database", "app", "--prefix", "pr-500", "--older-than", "0s", "--force", "--yes"],
        { ...env, PLANETSCALE_API_URL: second.apiUrl },
        (l) => lines.push(l),
        () => {},
      );
      assert.equal(code, 0);
      assert.equal(
        lines.at(-1),
        summary("mode=delete stale=0 deleted=0 kept=2 failed=0 credentials=0", { other_creator: 2 }),
      );
      assert.ok(
        lines.some((l) => /^keep .*branch pr-500 .*created by usr-ada/.test(l)),
        lines.join("\n"),
      );
      assert.ok(second.snapshot().branches.some((b) => b.name === "pr-500"));
      assert.ok(second.snapshot().serviceTokens.some((t) => t.name === "pr-500-ci"));
    } finally {
      await second.stop();
    }
  });
});
