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

/** One after the other, so that a held request decides exactly what exists at the kill. */
function program(prefix: string) {
  return async () => {
    const branch = new ps.Branch("br", { database: "app", name: `${prefix}-br` });
    const password = new ps.BranchPassword("pw", {
      database: "app",
      branch,
      name: `${prefix}-pw`,
      role: "reader",
    });
    const token = new ps.ApiToken(
      "tok",
      { name: `${prefix}-tok`, ...TOKEN_ACCESS, ttl: "1h" },
      { dependsOn: [password] },
    );
    return { branchId: branch.id, passwordId: password.id, tokenId: token.id };
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

/** What PlanetScale holds under this prefix, by kind. */
function remote(emulator: Emulator, prefix: string, foreign: ReadonlySet<string> = new Set()) {
  const snapshot = emulator.snapshot();
  return {
    branches: snapshot.branches.filter((b) => b.name.startsWith(`${prefix}-`) && !foreign.has(b.id)),
    passwords: snapshot.passwords.filter((p) => p.name.startsWith(`${prefix}-`)),
    tokens: snapshot.serviceTokens.filter(
      (t) => (t.name ?? "").startsWith(`${prefix}-`) && !foreign.has(t.id),
    ),
  };
}

/** PlanetScale and the state agree exactly; the token holds all of its accesses; preview is clean. */
async function assertConverged(env: TestStack, prefix: string, foreign: ReadonlySet<string> = new Set()) {
  const found = remote(env.emulator, prefix, foreign);
  const state = async (type: string) => (await env.resourcesOfType(`${TYPE}:${type}`)).map((r) => r.id);
  assert.deepEqual(
    found.branches.map((b) => b.id),
    await state("Branch"),
    "branches: exactly the state's",
  );
  assert.deepEqual(
    found.passwords.map((p) => p.id),
    await state("BranchPassword"),
    "passwords: exactly the state's",
  );
  assert.deepEqual(
    found.tokens.map((t) => t.id),
    await state("ApiToken"),
    "tokens: exactly the state's",
  );
  assert.equal(found.branches.length, 1);
  assert.equal(found.passwords.length, 1);
  assert.equal(found.tokens.length, 1);
  const held = (found.tokens[0]?.accesses ?? []).map((a) => `${a.database ?? "organization"}:${a.access}`);
  const wanted = desiredGrants("acme", TOKEN_ACCESS).flatMap((g) =>
    g.accesses.map((a) => `${g.resource === "organization" ? "organization" : g.name}:${a}`),
  );
  assert.deepEqual(held.sort(), wanted.sort(), "the token holds all of its accesses");
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
 * point interrupts an `up`, recovers, converges, checks exact agreement and destroys, so the next
 * point starts from an empty stack again.
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
        program: program(`${victim}-0`),
        useEmulator: emulator,
        config: { "planetscale:apiUrl": { value: proxy.apiUrl } },
      });
      let destroyed = true;
      try {
        for (const [i, point] of KILL_POINTS.entries()) {
          const prefix = `${victim}-${i + 1}`;
          const where = `${victim} killed ${point.what}`;
          env.setProgram(program(prefix));
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
          assert.deepEqual(journalRecords(env), [], `${where}: no record of the interrupted create is left`);

          const t2 = Date.now();
          const result = await env.stack.up();
          assert.equal(result.summary.result, "succeeded", where);
          const t3 = Date.now();
          await assertConverged(env, prefix);
          const t4 = Date.now();

          await env.stack.destroy();
          destroyed = true;
          t.diagnostic(
            `${where}: seconds: interrupted up ${s(t1 - t0)}, recover ${s(t2 - t1)}, up ${s(t3 - t2)}, checks and preview ${s(t4 - t3)}, destroy ${s(Date.now() - t4)}`,
          );
          const left = remote(emulator, prefix);
          assert.deepEqual(
            [left.branches, left.passwords, left.tokens],
            [[], [], []],
            `${where}: destroy left nothing`,
          );
        }
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
      await assertConverged(env, prefix, new Set([theirs.body.id]));
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
