// Level 4: a team's setup, as the ownership-at-team-scale issue found it: several stacks of one
// project sharing one service token and one state backend, each `pulumi up` killed or left running
// at a chosen request (a proxy holds it), and `pulumi-planetscale recover` run by a colleague, from
// the same project directory, during a live run, and from a fresh runner on a PostgreSQL backend.
import assert from "node:assert/strict";
import {
  type Dirent,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { LocalWorkspace, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import type * as planetscale from "pulumi-planetscale";
import { type Emulator, startEmulator } from "../../emulator";
import type { Postgres } from "../../scripts/lib/postgres.mjs";
import { call } from "../support/api";
import { cliDir, pulumiCli, readBackFromFiles, skipWithoutCli } from "../support/engine";
import { HoldProxy, type HoldRule } from "../support/hold-proxy";
import { runProcess } from "../support/process";
import { expectingProgramFailure } from "../support/program-failure";
import { StackFiles } from "../support/stack-files";
import { alive, cliProcesses, hostProcesses } from "../support/stack-processes";

const ps: typeof planetscale = require("pulumi-planetscale");
const repoRoot = join(__dirname, "..", "..");
const RECOVER_BIN = join(repoRoot, "dist", "provider", "commands", "cli.js");
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";
const passphrase = "team-passphrase";

/** One stack of the team's project: its own runner (Pulumi home) unless it shares one. */
interface Member {
  name: string;
  stack: Stack;
  env: Record<string, string> & { PULUMI_HOME: string };
  setProgram(program: PulumiFn): void;
  /** The stack's files, on a file backend. */
  files?: StackFiles;
}

/** A project directory and a state backend the team shares; each member stack is its own CI runner. */
class Team {
  readonly dir = mkdtempSync(join(tmpdir(), "pps-team-"));

  constructor(
    readonly emulator: Emulator,
    readonly backendUrl: string,
  ) {
    writeFileSync(join(this.dir, "Pulumi.yaml"), "name: team\nruntime: nodejs\n");
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ name: "team", private: true }));
    symlinkSync(join(repoRoot, "node_modules"), join(this.dir, "node_modules"), "dir");
  }

  /** A member stack; `home` names its runner (members given one home share a machine's journal). */
  async member(name: string, program: PulumiFn, apiUrl: string, home = name): Promise<Member> {
    const env = {
      PULUMI_BACKEND_URL: this.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: passphrase,
      PULUMI_HOME: join(this.dir, `home-${home}`),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PATH: `${cliDir}:${process.env["PATH"] ?? ""}`,
    };
    mkdirSync(env.PULUMI_HOME, { recursive: true });
    // Each member's stack is new: `stack init` alone (createOrSelectStack would first try `stack select`).
    const stack = await LocalWorkspace.createStack(
      { stackName: name, projectName: "team", program },
      { workDir: this.dir, pulumiCommand: await pulumiCli(), envVars: env },
    );
    // On a file backend, outputs and the last update are read from its files, not by more commands.
    let files: StackFiles | undefined;
    if (this.backendUrl.startsWith("file://")) {
      const stateDir = this.backendUrl.slice("file://".length);
      files = new StackFiles({
        projectDir: this.dir,
        stateDir,
        project: "team",
        stack: name,
        passphrase,
      });
      readBackFromFiles(stack, files);
    }
    await stack.setAllConfig({
      // One service token for the whole team.
      "planetscale:serviceTokenId": { value: this.emulator.adminCredential.id },
      "planetscale:serviceToken": { value: this.emulator.adminCredential.token, secret: true },
      "planetscale:apiUrl": { value: apiUrl },
      "planetscale:organization": { value: this.emulator.organization },
    });
    return {
      name,
      stack,
      env,
      setProgram: (p) => {
        stack.workspace.program = p;
      },
      ...(files ? { files } : {}),
    };
  }

  /** `pulumi-planetscale recover --stack <name>` as the member's runner runs it (`--backend-url` when given). */
  recover(member: Member, ...flags: string[]) {
    return runProcess(
      process.execPath,
      [RECOVER_BIN, "recover", "--stack", member.name, "--cwd", this.dir, ...flags],
      {
        env: { ...process.env, ...member.env },
      },
    );
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const branchProgram =
  (name: string, extra: Partial<planetscale.BranchArgs> = {}): PulumiFn =>
  async () => {
    const b = new ps.Branch("br", { database: "app", name, ...extra });
    return { id: b.id };
  };

/** Polls a condition (the bound only stops a hung test). */
async function until(condition: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the member's `up` and waits until the proxy holds `rule`'s request; the run is live then. */
async function upUntilHeld(
  member: Member,
  proxy: HoldProxy,
  rule: HoldRule,
): Promise<{ run: Promise<Error | undefined> }> {
  const held = proxy.hold(rule);
  const run = expectingProgramFailure(() => member.stack.up({ color: "never" })).then(
    () => undefined,
    (error: Error) => error,
  );
  const first = await Promise.race([held.then(() => "held" as const), run.then(() => "ended" as const)]);
  if (first !== "held") assert.fail(`${member.name}'s up ended before the hold: ${(await run)?.message}`);
  // Wrapped: an async function returning the promise itself would wait for the run to end.
  return { run };
}

/** SIGKILLs the member's CLI or provider host; waits until its run has failed and every process is gone. */
async function kill(
  member: Member,
  victim: "cli" | "host",
  { run }: { run: Promise<Error | undefined> },
): Promise<void> {
  const home = member.env.PULUMI_HOME;
  const pids = victim === "cli" ? cliProcesses(home) : hostProcesses(home);
  assert.ok(pids.length > 0, `found ${member.name}'s ${victim}`);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  assert.ok((await run) instanceof Error, `${member.name}'s interrupted up failed`);
  await until(
    () => pids.every((pid) => !alive(pid)) && hostProcesses(home).length === 0,
    `${member.name}'s processes are gone`,
  );
}

/** Every file under `dir` (but the `skip`ped names), with its text. */
function filesUnder(dir: string, skip: string[] = []): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (skip.includes(e.name)) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(path));
    else if (e.isFile()) out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}

/**
 * The PlanetScale objects a member's stack holds (`pulumi stack export`'s resources but the stack
 * and its providers), as `type id`, read from the file backend's checkpoint.
 */
function held(member: Member): string[] {
  assert.ok(member.files, `${member.name} is on a file backend`);
  return member.files
    .deployment()
    .resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
    .map((r) => `${r.type.slice(r.type.lastIndexOf(":") + 1)} ${r.id}`);
}

function branchIds(emulator: Emulator, name: string): string[] {
  return emulator
    .snapshot()
    .branches.filter((b) => b.name === name)
    .map((b) => b.id);
}

/*
 * No test destroys its stacks: every assertion is made before, and the emulator, the backend and
 * the project directory go with the file (destroy after recovery is recovery.test.ts's). The
 * stacks stay in the shared backend, so each later recover reads more of the team's stacks.
 */
describe("a team: one token, one backend, many stacks", { skip: skipWithoutCli, concurrency: 1 }, () => {
  let emulator: Emulator;
  let team: Team;
  before(async () => {
    emulator = await startEmulator({ readyDelayMs: 0, quiet: true, strict: true });
    const state = mkdtempSync(join(tmpdir(), "pps-team-state-"));
    team = new Team(emulator, `file://${state}`);
  });
  after(async () => {
    await emulator?.stop();
    team?.remove();
  });

  test("recover of a stack whose create never reached PlanetScale leaves a colleague's same-name branch alone", async () => {
    const proxy = await HoldProxy.start(emulator.apiUrl);
    try {
      const a = await team.member("a", branchProgram("shared-7"), proxy.apiUrl);
      const b = await team.member("b", branchProgram("shared-7"), emulator.apiUrl);
      const postsBefore = emulator
        .requests()
        .filter((r) => r.method === "POST" && r.path.endsWith("/branches")).length;
      // a's create is held before it reaches PlanetScale, and a's CLI is killed.
      await kill(a, "cli", await upUntilHeld(a, proxy, { method: "POST", path: BRANCHES, phase: "before" }));
      // b, same token and backend, creates the name.
      assert.equal((await b.stack.up({ color: "never" })).summary.result, "succeeded");
      const [theirs] = branchIds(emulator, "shared-7");
      const posts = emulator.requests().filter((r) => r.method === "POST" && r.path.endsWith("/branches"));
      assert.equal(posts.length - postsBefore, 1, "the emulator's log: only b's create reached PlanetScale");

      const recovered = await team.recover(a);
      assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
      assert.match(
        recovered.stdout,
        new RegExp(`untouched .*\\(id ${theirs}\\): stack organization/team/b holds it`),
      );
      assert.match(recovered.stdout, /deleted=0 untouched=1 .* lock=removed refused=0/);
      assert.deepEqual(branchIds(emulator, "shared-7"), [theirs], "b's branch is still there");
      // a's next up meets the taken name, as any stack would; b's stack is unharmed.
      const again = await expectingProgramFailure(() => a.stack.up({ color: "never" })).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.match(String(again?.message), /already exists/);
      assert.deepEqual(held(b), [`Branch ${theirs}`], "b's stack holds its branch");
      assert.deepEqual(held(a), [], "a's stack holds nothing, b's branch least of all");
      await b.stack.preview({ expectNoChanges: true, color: "never" });
    } finally {
      await proxy.close();
    }
  });

  test("one project directory and runner, several stacks: recover of one never deletes what another adopted", async () => {
    const proxy = await HoldProxy.start(emulator.apiUrl);
    try {
      const y = await team.member("y", branchProgram("y-1"), proxy.apiUrl, "shared");
      const a = await team.member("a2", branchProgram("a2-1"), proxy.apiUrl, "shared");
      // y's host is killed after its create acted; y then adopts the branch, as the error advises.
      await kill(y, "host", await upUntilHeld(y, proxy, { method: "POST", path: BRANCHES, phase: "after" }));
      y.setProgram(branchProgram("y-1", { adopt: true }));
      assert.equal((await y.stack.up({ color: "never" })).summary.result, "succeeded");
      const [ys] = branchIds(emulator, "y-1");
      // a's host is killed the same way; a's recover reads the journal y's runner shares.
      await kill(a, "host", await upUntilHeld(a, proxy, { method: "POST", path: BRANCHES, phase: "after" }));
      const [as] = branchIds(emulator, "a2-1");
      const recovered = await team.recover(a);
      assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
      // y's record names its stack (resources pass it to the provider): a's recover leaves it alone.
      assert.match(recovered.stdout, /skip .*journal.*: written for stack y, not this stack/);
      assert.match(recovered.stdout, /deleted=1 untouched=0 /);
      assert.match(recovered.stdout, new RegExp(`deleted .*\\(id ${as}\\)`));
      assert.deepEqual(branchIds(emulator, "y-1"), [ys], "y's branch is still there");
      assert.equal((await a.stack.up({ color: "never" })).summary.result, "succeeded");
      await y.stack.preview({ expectNoChanges: true, color: "never" });
    } finally {
      await proxy.close();
    }
  });

  test("recover --force-unlock during a live up on this machine refuses, deletes nothing and imports nothing", async () => {
    const proxy = await HoldProxy.start(emulator.apiUrl);
    try {
      const c = await team.member("c", branchProgram("c-1"), proxy.apiUrl);
      const run = await upUntilHeld(c, proxy, { method: "POST", path: BRANCHES, phase: "after" });
      const [made] = branchIds(emulator, "c-1");
      assert.ok(made, "the live run's create acted");
      const refused = await team.recover(c, "--force-unlock");
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(
        refused.stderr,
        /REFUSED .*held by pid \d+ on this machine, which is still running.*never takes a lock from a running process/,
      );
      assert.match(refused.stdout, /deleted=0 .* lock=kept refused=1/);
      assert.deepEqual(branchIds(emulator, "c-1"), [made], "the live run's branch is untouched");
      // The run is still the stack's: once it is gone, recover does its work.
      await kill(c, "cli", run);
      const recovered = await team.recover(c);
      assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
      assert.match(recovered.stdout, /deleted=1 .* refused=0/);
      assert.equal((await c.stack.up({ color: "never" })).summary.result, "succeeded");
    } finally {
      await proxy.close();
    }
  });

  test("a create held before its request was sent (the host killed during the listing before it) deletes nothing", async () => {
    const proxy = await HoldProxy.start(emulator.apiUrl);
    try {
      const program: PulumiFn = async () => {
        new ps.BranchPassword("pw", { database: "app", branch: "main", name: "d-pw", role: "reader" });
      };
      const d = await team.member("d", program, proxy.apiUrl);
      // The password create lists the branch's passwords just before its POST: held there.
      const run = await upUntilHeld(d, proxy, {
        method: "GET",
        path: `${BRANCHES}/*/passwords`,
        phase: "before",
      });
      // Meanwhile the same token makes a password of that name (e.g. a script of the team's).
      const same = await call(emulator, "POST", `${BRANCHES}/main/passwords`, {
        body: { name: "d-pw", role: "reader" },
      });
      assert.equal(same.status, 201);
      await kill(d, "host", run);
      const posts = emulator
        .requests()
        .filter((r) => r.method === "POST" && r.path.endsWith("/main/passwords"));
      assert.equal(posts.length, 1, "the emulator's log: the run's create never reached PlanetScale");
      const recovered = await team.recover(d);
      assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
      assert.match(
        recovered.stdout,
        /never reached PlanetScale as far as the journal shows \(no request was sent\)/,
      );
      assert.match(recovered.stdout, /deleted=0 /);
      assert.ok(emulator.snapshot().passwords.some((p) => p.id === same.body.id));
      assert.deepEqual(held(d), [], "d's stack holds nothing, the team's password least of all");
    } finally {
      await proxy.close();
    }
  });
});

describe("a PostgreSQL state backend, recovered from a fresh runner", { skip: skipWithoutCli }, () => {
  let emulator: Emulator;
  let postgres: Postgres;
  let team: Team;
  before(async () => {
    const { startPostgres } = await import("../../scripts/lib/postgres.mjs");
    postgres = await startPostgres();
    emulator = await startEmulator({ readyDelayMs: 0, quiet: true, strict: true });
    team = new Team(emulator, postgres.url);
  });
  after(async () => {
    await emulator?.stop();
    await postgres?.stop();
    team?.remove();
  });

  test("a killed CLI's lock is read and released through the CLI; another machine's needs --force-unlock; no file written holds a secret", async () => {
    const proxy = await HoldProxy.start(emulator.apiUrl);
    try {
      const program: PulumiFn = async () => {
        new ps.ApiToken("tok", { name: "pg-tok", scopes: ["read_only"], databases: ["app"], ttl: "1h" });
      };
      const p = await team.member("p", program, proxy.apiUrl);
      // Everything the provider and the commands write to a temporary directory lands here.
      const tmp = join(team.dir, "tmp");
      mkdirSync(tmp);
      p.env["TMPDIR"] = tmp;
      p.stack.workspace.envVars["TMPDIR"] = tmp;
      await kill(p, "cli", await upUntilHeld(p, proxy, { method: "POST", path: TOKENS, phase: "after" }));
      const journal = filesUnder(join(p.env.PULUMI_HOME, "planetscale"));
      assert.ok(journal.length > 0, "the killed run's journal record is there");
      // The run was on a CI runner that is gone: its lock names that machine.
      const db = postgres.client();
      await db.connect();
      try {
        const rows = await db.query("SELECT key, data FROM pulumi_state WHERE key LIKE '%/.pulumi/locks/%'");
        assert.equal(rows.rows.length, 1, "the killed run's lock is in the backend");
        const row = rows.rows[0] as { key: string; data: { data: string } };
        const lock = JSON.parse(Buffer.from(row.data.data, "base64").toString("utf8"));
        lock.hostname = "lost-runner-17";
        const data = { data: Buffer.from(JSON.stringify(lock)).toString("base64") };
        await db.query("UPDATE pulumi_state SET data = $1 WHERE key = $2", [JSON.stringify(data), row.key]);
      } finally {
        await db.end();
      }
      // A fresh runner: another Pulumi home (no journal, no login), the backend named on the command line.
      const fresh = {
        ...p,
        env: { ...p.env, PULUMI_HOME: join(team.dir, "home-fresh"), PULUMI_BACKEND_URL: "" },
      };
      mkdirSync(fresh.env.PULUMI_HOME, { recursive: true });
      const refused = await team.recover(fresh, "--backend-url", postgres.url);
      assert.equal(refused.code, 1, refused.stdout + refused.stderr);
      assert.match(
        refused.stderr,
        /held by pid \d+ on lost-runner-17 since .*cannot be checked from here.*--force-unlock/,
      );
      assert.ok(
        !`${refused.stdout}${refused.stderr}`.includes(postgres.password),
        "the backend's password is never shown",
      );
      assert.equal(
        emulator.snapshot().serviceTokens.filter((t) => t.name === "pg-tok").length,
        1,
        "nothing deleted",
      );

      const recovered = await team.recover(fresh, "--backend-url", postgres.url, "--force-unlock");
      assert.equal(recovered.code, 0, recovered.stdout + recovered.stderr);
      assert.match(
        recovered.stdout,
        /deleted=1 untouched=0 never_created=0 pending_cleared=1 lock=removed refused=0/,
      );
      assert.match(recovered.stdout, /taken over with --force-unlock/);
      assert.ok(!`${recovered.stdout}${recovered.stderr}`.includes(postgres.password));
      assert.equal((await p.stack.up({ color: "never" })).summary.result, "succeeded");
      assert.equal(
        emulator.snapshot().serviceTokens.filter((t) => t.name === "pg-tok").length,
        1,
        "exactly one token",
      );
    } finally {
      await proxy.close();
    }
  });
});
