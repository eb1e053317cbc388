// Level 4: interrupted runs ("Interrupted runs" of the ownership issue). A real `pulumi up` is
// killed with SIGKILL (the CLI, or the dynamic-provider host) at a point chosen by a condition: a
// proxy in front of the emulator holds one request, before the emulator sees it or after it acted,
// and the kill happens while it is held. Then the documented recovery, `pulumi-planetscale recover`
// and `pulumi up`, must leave PlanetScale and the state in exact agreement.
import assert from "node:assert/strict";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type * as planetscale from "pulumi-planetscale";
import { type Emulator, startEmulator } from "../../emulator";
import { desiredGrants } from "../../provider/internal/api-token/grants";
import { call } from "../support/api";
import { createTestStack, skipWithoutCli, type TestStack } from "../support/engine";
import { HoldProxy, type HoldRule } from "../support/hold-proxy";
import { runProcess } from "../support/process";
import { expectingProgramFailure } from "../support/program-failure";
import { alive, cliProcesses, hostProcesses } from "../support/stack-processes";

const ps: typeof planetscale = require("pulumi-planetscale");
const BRANCHES = "/organizations/acme/databases/app/branches";
const TOKENS = "/organizations/acme/service-tokens";
const TYPE = "pulumi-nodejs:dynamic/planetscale";
const RECOVER_BIN = join(__dirname, "..", "..", "dist", "provider", "commands", "cli.js");

/** Where the run is stopped, and what `recover` must then find and delete. */
interface KillPoint {
  what: string;
  hold: HoldRule;
  /** What recover deletes: the object the interrupted create made, if any. */
  deletes: number;
}

const KILL_POINTS: KillPoint[] = [
  {
    what: "after the branch is created, before the answer",
    hold: { method: "POST", path: BRANCHES, phase: "after" },
    deletes: 1,
  },
  {
    what: "while waiting for the new branch to be ready",
    hold: { method: "GET", path: `${BRANCHES}/*`, phase: "before" },
    deletes: 1,
  },
  {
    what: "after the branch password is created, before the answer",
    hold: { method: "POST", path: `${BRANCHES}/*/passwords`, phase: "after" },
    deletes: 1,
  },
  {
    what: "after the token is created, before the answer",
    hold: { method: "POST", path: TOKENS, phase: "after" },
    deletes: 1,
  },
  {
    what: "between the token's creation and its grants",
    hold: { method: "POST", path: `${TOKENS}/*/access`, phase: "before" },
    deletes: 1,
  },
  {
    what: "after the token's first grant, before its second",
    hold: { method: "POST", path: `${TOKENS}/*/access`, phase: "after" },
    deletes: 1,
  },
];

/** Organization-level accesses and two databases: three grant requests. */
const TOKEN_ACCESS = { scopes: ["read_only" as const], databases: ["app", "other"] };

/**
 * A branch, its password and a token per prefix, one after the other, so that a held request decides
 * exactly what exists at the kill. A chain's later points declare the earlier points' resources too,
 * unchanged: the engine makes no PlanetScale call for them, so only the newest prefix's creates run.
 */
function program(...prefixes: string[]) {
  return async () => {
    for (const prefix of prefixes) {
      const branch = new ps.Branch(`${prefix}-br`, { database: "app", name: `${prefix}-br` });
      const password = new ps.BranchPassword(`${prefix}-pw`, {
        database: "app",
        branch,
        name: `${prefix}-pw`,
        role: "reader",
      });
      new ps.ApiToken(
        `${prefix}-tok`,
        { name: `${prefix}-tok`, ...TOKEN_ACCESS, ttl: "1h" },
        { dependsOn: [password] },
      );
    }
  };
}

/** Kills the CLI or the provider host of the stack's run, by process id. */
function kill(env: TestStack, victim: "cli" | "host"): number[] {
  const home = env.env["PULUMI_HOME"] as string;
  const pids = victim === "cli" ? cliProcesses(home) : hostProcesses(home);
  assert.ok(pids.length > 0, `found the ${victim} process of the run`);
  for (const pid of pids) process.kill(pid, "SIGKILL");
  return pids;
}

/** Polls a condition (no fixed sleep decides the outcome; the bound only stops a hung test). */
async function until(condition: () => boolean, what: string, boundMs = 20_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function recover(env: TestStack): Promise<{ code: number; stdout: string; stderr: string }> {
  return runProcess(process.execPath, [RECOVER_BIN, "recover", "--stack", "test", "--cwd", env.workDir], {
    env: { ...process.env, ...env.env },
  });
}

/** Starts `up`, waits until the held request is held, kills `victim`; the run must fail. */
async function interruptedUp(env: TestStack, proxy: HoldProxy, hold: HoldRule, victim: "cli" | "host") {
  const held = proxy.hold(hold);
  const run = expectingProgramFailure(() => env.stack.up()).then(
    () => undefined,
    (error: Error) => error,
  );
  const first = await Promise.race([held.then(() => "held" as const), run.then(() => "ended" as const)]);
  if (first !== "held")
    assert.fail(`the run ended before the kill point: ${(await run)?.message ?? "it succeeded"}`);
  const pids = kill(env, victim);
  const error = await run;
  assert.ok(error instanceof Error, "the interrupted up failed");
  await until(() => pids.every((pid) => !alive(pid)), `the killed ${victim} is gone`);
  // A provider host whose engine is gone stops by itself, promptly.
  await until(
    () => hostProcesses(env.env["PULUMI_HOME"] as string).length === 0,
    "the provider host stopped",
    10_000,
  );
}

/** What PlanetScale holds under any of these prefixes, by kind. */
function remote(emulator: Emulator, prefixes: string[], foreign: ReadonlySet<string> = new Set()) {
  const snapshot = emulator.snapshot();
  const ours = (name: string | null | undefined) =>
    prefixes.some((prefix) => (name ?? "").startsWith(`${prefix}-`));
  return {
    branches: snapshot.branches.filter((b) => ours(b.name) && !foreign.has(b.id)),
    passwords: snapshot.passwords.filter((p) => ours(p.name)),
    tokens: snapshot.serviceTokens.filter((t) => ours(t.name) && !foreign.has(t.id)),
  };
}

/**
 * PlanetScale and the state agree exactly, over every prefix the program declares (the stack holds
 * nothing else); each prefix has one object of each kind; every token holds all of its accesses;
 * preview is clean.
 */
async function assertConverged(env: TestStack, prefixes: string[], foreign: ReadonlySet<string> = new Set()) {
  const found = remote(env.emulator, prefixes, foreign);
  const state = async (type: string) =>
    (await env.resourcesOfType(`${TYPE}:${type}`)).map((r) => r.id as string).sort();
  const ids = (objects: Array<{ id: string }>) => objects.map((o) => o.id).sort();
  assert.deepEqual(ids(found.branches), await state("Branch"), "branches: exactly the state's");
  assert.deepEqual(ids(found.passwords), await state("BranchPassword"), "passwords: exactly the state's");
  assert.deepEqual(ids(found.tokens), await state("ApiToken"), "tokens: exactly the state's");
  for (const prefix of prefixes) {
    const one = remote(env.emulator, [prefix], foreign);
    assert.equal(one.branches.length, 1, `${prefix}: one branch`);
    assert.equal(one.passwords.length, 1, `${prefix}: one password`);
    assert.equal(one.tokens.length, 1, `${prefix}: one token`);
  }
  const wanted = desiredGrants("acme", TOKEN_ACCESS).flatMap((g) =>
    g.accesses.map((a) => `${g.resource === "organization" ? "organization" : g.name}:${a}`),
  );
  for (const token of found.tokens) {
    const held = (token.accesses ?? []).map((a) => `${a.database ?? "organization"}:${a.access}`);
    assert.deepEqual(held.sort(), wanted.sort(), `${token.name}: the token holds all of its accesses`);
  }
  assert.equal(
    ((await env.exportState()) as { pending_operations?: unknown[] }).pending_operations?.length ?? 0,
    0,
  );
  await env.stack.preview({ expectNoChanges: true });
}

function s(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** Removes the stack (destroying what is left unless the test destroyed it) and stops the proxy. */
async function finish(env: TestStack, proxy: HoldProxy, destroyed: boolean): Promise<void> {
  if (destroyed) rmSync(env.workDir, { recursive: true, force: true });
  else await env.cleanup();
  await proxy.close();
}

function journalRecords(env: TestStack): string[] {
  const dir = join(env.env["PULUMI_HOME"] as string, "planetscale", "journal");
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The checkpoint attribute file of the file backend, which a CLI killed while writing it leaves empty. */
function attrsFile(env: TestStack): string {
  return join(env.workDir, "state", ".pulumi", "stacks", "e2e", "test.json.attrs");
}

/**
 * One stack per victim, reused by every kill point in turn (a stack costs seconds to set up): each
 * point adds a prefix's resources to the program, interrupts an `up` while they are created,
 * recovers, converges and checks exact agreement. The earlier points' resources stay declared and
 * unchanged (no PlanetScale call is made for them, so the held request still decides exactly what
 * exists at the kill); one `destroy` at the end of the chain must then leave nothing of any point.
 */
describe("recovery after a killed `pulumi up`", { skip: skipWithoutCli, concurrency: 2 }, () => {
  let emulator: Emulator;
  before(async () => {
    // No readiness delay: only the point that kills during readiness polling sets one.
    emulator = await startEmulator({ readyDelayMs: 0, quiet: true, strict: true });
  });
  after(async () => emulator?.stop());

  for (const victim of ["cli", "host"] as const) {
    test(`${victim} killed at each of ${KILL_POINTS.length} points: recover and up converge every time`, async (t) => {
      // Its own emulator: the readiness point changes the readiness delay, which the other chain must not see.
      const emulator = await startEmulator({ readyDelayMs: 0, quiet: true, strict: true });
      const proxy = await HoldProxy.start(emulator.apiUrl);
      const env = await createTestStack({
        program: program(),
        useEmulator: emulator,
        config: { "planetscale:apiUrl": { value: proxy.apiUrl } },
      });
      let destroyed = true;
      const prefixes: string[] = [];
      try {
        for (const [i, point] of KILL_POINTS.entries()) {
          const prefix = `${victim}-${i + 1}`;
          const where = `${victim} killed ${point.what}`;
          // The earlier points' objects, as PlanetScale's paths name them (a branch by its name).
          const earlier = remote(emulator, prefixes);
          const earlierNames = [
            ...earlier.branches.map((b) => b.name),
            ...earlier.passwords.map((p) => p.id),
            ...earlier.tokens.map((t) => t.id),
          ];
          emulator.clearRequests();
          prefixes.push(prefix);
          env.setProgram(program(...prefixes));
          const readiness = point.hold.method === "GET";
          if (readiness) emulator.setReadyDelay(300);
          const t0 = Date.now();
          destroyed = false;
          try {
            await interruptedUp(env, proxy, point.hold, victim);
          } finally {
            if (readiness) emulator.setReadyDelay(0);
          }
          // A CLI killed while writing the checkpoint's attribute file leaves it empty (every
          // read then fails with "EOF"): recover gets past it.
          const truncate = i === 0 && victim === "cli";
          if (truncate) writeFileSync(attrsFile(env), "");
          const t1 = Date.now();

          const recovered = await recover(env);
          assert.equal(
            recovered.code,
            0,
            `${where}: recover succeeded:\n${recovered.stdout}\n${recovered.stderr}`,
          );
          assert.match(
            recovered.stdout,
            new RegExp(`recover: interrupted=\\d+ deleted=${point.deletes} untouched=0 .* refused=0`),
            where,
          );
          if (truncate) assert.match(recovered.stdout, /repaired .*test\.json\.attrs .*moved aside/);
          // A host killed after the branch's create returned leaves its settled record (the engine
          // ends a host only once the run's steps are saved): recover removes it, as the stack holds it.
          if (victim === "host" && point.hold.path !== BRANCHES && point.hold.method === "POST")
            assert.match(
              recovered.stdout,
              new RegExp(`recorded branch '${prefix}-br' .*this stack holds it`),
              where,
            );
          assert.deepEqual(journalRecords(env), [], `${where}: no record of the interrupted create is left`);

          const t2 = Date.now();
          const result = await env.stack.up();
          assert.equal(result.summary.result, "succeeded", where);
          const t3 = Date.now();
          await assertConverged(env, prefixes);
          const touched = emulator
            .requests()
            .filter((r) => earlierNames.some((name) => r.path.includes(name)))
            .map((r) => `${r.method} ${r.path}`);
          assert.deepEqual(touched, [], `${where}: no request named an earlier point's object`);
          t.diagnostic(
            `${where}: seconds: interrupted up ${s(t1 - t0)}, recover ${s(t2 - t1)}, up ${s(t3 - t2)}, checks and preview ${s(Date.now() - t3)}`,
          );
        }
        const t5 = Date.now();
        await env.stack.destroy();
        destroyed = true;
        t.diagnostic(`${victim}: destroy of every point's resources: ${s(Date.now() - t5)} seconds`);
        const left = remote(emulator, prefixes);
        assert.deepEqual(
          [left.branches, left.passwords, left.tokens],
          [[], [], []],
          `${victim}: destroy left nothing of any point`,
        );
      } finally {
        await finish(env, proxy, destroyed);
        await emulator.stop();
      }
    });
  }

  test("a colleague's same-name token, created while the run was interrupted, is left alone", async () => {
    const prefix = "foreign";
    const colleague = (await call(emulator, "POST", TOKENS, { body: { name: "colleague-of-recovery" } }))
      .body;
    await call(emulator, "POST", `${TOKENS}/${colleague.id}/access`, {
      body: { access: ["write_service_tokens"] },
    });
    const proxy = await HoldProxy.start(emulator.apiUrl);
    const env = await createTestStack({
      program: program(prefix),
      useEmulator: emulator,
      config: { "planetscale:apiUrl": { value: proxy.apiUrl } },
    });
    let destroyed = false;
    try {
      const held = proxy.hold({ method: "POST", path: TOKENS, phase: "before" });
      const run = expectingProgramFailure(() => env.stack.up()).then(
        () => undefined,
        (error: Error) => error,
      );
      await held;
      // While our create is held, someone else creates a token with the same name.
      const theirs = await call(emulator, "POST", TOKENS, {
        body: { name: `${prefix}-tok` },
        cred: colleague,
      });
      assert.equal(theirs.status, 200);
      kill(env, "cli");
      assert.ok((await run) instanceof Error);

      const recovered = await recover(env);
      assert.equal(recovered.code, 0, `${recovered.stdout}\n${recovered.stderr}`);
      assert.match(recovered.stdout, /deleted=0 untouched=1 .* refused=0/);
      assert.match(recovered.stdout, new RegExp(`${theirs.body.id}.*not by the credential of this stack`));

      assert.equal((await env.stack.up()).summary.result, "succeeded");
      await assertConverged(env, [prefix], new Set([theirs.body.id]));
      await env.stack.destroy();
      destroyed = true;
      const still = emulator.snapshot().serviceTokens.filter((t) => t.name === `${prefix}-tok`);
      assert.deepEqual(
        still.map((t) => t.id),
        [theirs.body.id],
        "their token is still there, and only theirs",
      );
    } finally {
      await finish(env, proxy, destroyed);
    }
  });
});
