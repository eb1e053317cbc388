import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  BackoffGate,
  type ClientOptions,
  closeAllClients,
  PlanetScaleClient,
  type Settings,
  SharedBackoffFile,
} from "../../provider/internal/client/index";
import { ScriptedServer } from "../support/scripted-server";

let server: ScriptedServer;
let dir: string;
before(async () => {
  server = await ScriptedServer.start({ fallback: { status: 200, json: {} } });
  dir = mkdtempSync(join(tmpdir(), "pps-gate-"));
});
after(async () => {
  await server.close();
  await closeAllClients();
  rmSync(dir, { recursive: true, force: true });
});

const settings = (overrides: Partial<Settings> = {}): Settings => ({
  apiUrl: server.url,
  credential: { kind: "serviceToken", id: "gate-id", token: "pscale_tkn_gate_secret" },
  timeoutMs: 5_000,
  maxRetries: 4,
  requestsPerMinute: 0,
  ...overrides,
});

/** A clock that only sleeping moves, and the sleeps asked for. */
function virtualTime(start = 1_000_000): { sleeps: number[]; options: ClientOptions; now: () => number } {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    options: {
      now: () => t,
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    },
  };
}

describe("rate limiting driven by the server", () => {
  it("never waits while the API accepts, with the default settings", async () => {
    const time = virtualTime();
    const client = new PlanetScaleClient(settings({ credential: { kind: "accessToken", token: "t-free" } }), {
      ...time.options,
      backoffGate: new BackoffGate(undefined, 60_000),
    });
    const before = server.requests.length;
    await Promise.all(Array.from({ length: 200 }, () => client.request({ method: "GET", path: "/x" })));
    assert.equal(server.requests.length - before, 200);
    assert.deepEqual(time.sleeps, []);
  });

  it("holds every request of the credential for the Retry-After of one 429, then sends each once", async () => {
    const time = virtualTime();
    const gate = new BackoffGate(undefined, 60_000);
    const client = new PlanetScaleClient(settings(), { ...time.options, backoffGate: gate });
    server.push({ status: 429, headers: { "retry-after": "3" } });
    const before = server.requests.length;
    await client.request({ method: "GET", path: "/first" });
    assert.deepEqual(time.sleeps, [3000], "the 429 itself waits exactly Retry-After");
    // The gate is open again at the instant the server gave; a request now does not wait.
    await client.request({ method: "GET", path: "/second" });
    assert.deepEqual(time.sleeps, [3000]);
    assert.equal(server.requests.length - before, 3);
  });

  it("makes a request that the 429 did not answer wait until the server's instant", async () => {
    const time = virtualTime();
    const gate = new BackoffGate(undefined, 60_000);
    gate.close(time.now() + 2500);
    const client = new PlanetScaleClient(settings(), { ...time.options, backoffGate: gate });
    await client.request({ method: "GET", path: "/x" });
    assert.deepEqual(time.sleeps, [2500]);
  });

  it("closes the gate when a success says the allowance is spent (RateLimit-Remaining: 0)", async () => {
    const time = virtualTime();
    const gate = new BackoffGate(undefined, 60_000);
    const client = new PlanetScaleClient(settings(), { ...time.options, backoffGate: gate });
    server.push({
      status: 200,
      json: {},
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "4" },
    });
    await client.request({ method: "GET", path: "/x" });
    await client.request({ method: "GET", path: "/y" });
    assert.deepEqual(time.sleeps, [4000]);
  });
});

describe("SharedBackoffFile (processes sharing a credential)", () => {
  it("tells another process's gate when to send again", async () => {
    const key = `${server.url}|id:gate-id`;
    const time = virtualTime(Date.now());
    const here = new PlanetScaleClient(settings(), {
      ...time.options,
      backoffGate: new BackoffGate(new SharedBackoffFile(key, dir), 60_000),
    });
    server.push({ status: 429, headers: { "retry-after": "5" } });
    const done = here.request({ method: "GET", path: "/x" });
    await done;
    // Another process: its own gate over the same file, its own clock at the same instant.
    const script = `
      const { BackoffGate, SharedBackoffFile } = require(${JSON.stringify(join(__dirname, "../../provider/internal/client/index.ts"))});
      const gate = new BackoffGate(new SharedBackoffFile(process.argv[2], process.argv[3]), 60000);
      process.send(gate.delay(Number(process.argv[4])));
    `;
    const scriptFile = join(dir, "other-process.cjs");
    writeFileSync(scriptFile, script);
    const child = fork(scriptFile, [key, dir, String(time.now() - 5000)], { execArgv: ["--import", "tsx"] });
    const delay = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("error", reject);
    });
    await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(delay, 5000, "the other process waits for the instant this one was given");
    // The file names neither the secret nor the token id in the clear.
    for (const name of readdirSync(dir)) {
      assert.ok(!name.includes("gate-id") && !name.includes("secret"), name);
      assert.ok(!readFileSync(join(dir, name), "utf8").includes("secret"));
    }
  });

  it("ignores a garbage or stale file, and keeps a later instant when an earlier one is written", () => {
    const file = new SharedBackoffFile("garbage-key", dir);
    writeFileSync(file.file, "not a number");
    const gate = new BackoffGate(file, 60_000);
    assert.equal(gate.delay(Date.now()), 0);
    gate.close(Date.now() + 10_000);
    const other = new BackoffGate(new SharedBackoffFile("garbage-key", dir), 60_000);
    other.close(Date.now() + 1_000);
    const recorded = Number(readFileSync(file.file, "utf8"));
    assert.ok(recorded >= Date.now() + 9_000, "the earlier instant did not overwrite the later one");
    // A crashed writer leaves at most an instant; one far in the future is capped by maxWaitMs.
    writeFileSync(file.file, String(Date.now() + 10 * 3600_000));
    assert.equal(
      new BackoffGate(new SharedBackoffFile("garbage-key", dir), 60_000).delay(Date.now()),
      60_000,
    );
  });

  it("falls back to this process alone when the directory cannot be written", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const gate = new BackoffGate(new SharedBackoffFile("k", join(blocker, "sub")), 60_000);
    const now = Date.now();
    gate.close(now + 1_000);
    assert.ok(gate.delay(now) >= 999);
  });
});
