import assert from "node:assert/strict";
import { fork } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { addRoom, claimSlot, onAnswered, onRateLimited } from "../../provider/internal/client/admission";
import {
  BackoffGate,
  type ClientOptions,
  closeAllClients,
  FIRST_INTERVAL_MS,
  FREE_ADMISSION,
  PlanetScaleClient,
  parseAdmission,
  RateLimitError,
  type Settings,
  SharedBackoffFile,
  WIDENING,
} from "../../provider/internal/client/index";
import { type RecordedRequest, ScriptedServer } from "../support/scripted-server";

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

/** A clock that only sleeping moves, and the sleeps asked for (one request at a time). */
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

/**
 * A fake clock for concurrent tasks: time moves only when every running task is asleep, straight
 * to the earliest wake-up. No real timer is involved, so nothing races.
 */
class FakeClock {
  t: number;
  private timers: { at: number; wake: () => void }[] = [];
  private running = 0;

  constructor(start = 1_000_000) {
    this.t = start;
  }

  readonly now = (): number => this.t;
  readonly sleep = (ms: number): Promise<void> =>
    new Promise((wake) => this.timers.push({ at: this.t + Math.max(0, ms), wake }));

  options(): ClientOptions {
    return { now: this.now, sleep: this.sleep, random: () => 0.5 };
  }

  /** Runs the tasks to their end, moving the clock whenever all of them wait on it. */
  async run<T>(tasks: (() => Promise<T>)[]): Promise<PromiseSettledResult<T>[]> {
    this.running = tasks.length;
    const all = Promise.allSettled(
      tasks.map((task) =>
        task().finally(() => {
          this.running--;
        }),
      ),
    );
    while (this.running > 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (this.timers.length === 0 || this.timers.length < this.running) continue;
      const at = Math.min(...this.timers.map((timer) => timer.at));
      this.t = Math.max(this.t, at);
      const due = this.timers.filter((timer) => timer.at <= this.t);
      this.timers = this.timers.filter((timer) => timer.at > this.t);
      for (const timer of due) timer.wake();
    }
    return all;
  }
}

function reply(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(status === 429 ? '{"code":"rate_limited","message":"slow down"}' : "{}");
}

/** PlanetScale's (and the emulator's) limit: a sliding one-minute window, Retry-After in whole seconds. */
function slidingWindow(clock: FakeClock, perMinute: number) {
  const times: number[] = [];
  const log: { at: number; status: number }[] = [];
  const handler = (_req: RecordedRequest, res: http.ServerResponse): void => {
    const now = clock.now();
    while (times.length > 0 && times[0]! <= now - 60_000) times.shift();
    if (times.length >= perMinute) {
      const retryAfter = Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000));
      log.push({ at: now, status: 429 });
      reply(res, 429, { "retry-after": String(retryAfter) });
      return;
    }
    times.push(now);
    log.push({ at: now, status: 200 });
    reply(res, 200);
  };
  return { handler, log };
}

describe("rate limiting driven by the server", () => {
  test("never waits while the API accepts, with the default settings", async () => {
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

  test("sends the request that got a 429 again exactly at the instant Retry-After gave", async () => {
    const time = virtualTime();
    const client = new PlanetScaleClient(settings(), {
      ...time.options,
      backoffGate: new BackoffGate(undefined, 60_000),
    });
    server.push({ status: 429, headers: { "retry-after": "3" } });
    const before = server.requests.length;
    await client.request({ method: "GET", path: "/first" });
    assert.deepEqual(time.sleeps, [3000], "the 429 waits exactly Retry-After, nothing more");
    assert.equal(server.requests.length - before, 2);
  });

  test("after a 429, re-admits the waiting requests one at a time: a probe at the server's instant, then a pace that widens with each answer", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const gate = new BackoffGate(undefined, 60_000);
    gate.rateLimited(start, 2000, { wait: 0, epoch: 0 });
    const arrivals: number[] = [];
    server.setFallback((_req, res) => {
      arrivals.push(clock.now());
      reply(res, 200);
    });
    try {
      const client = new PlanetScaleClient(settings(), { ...clock.options(), backoffGate: gate });
      const results = await clock.run(
        Array.from({ length: 8 }, () => () => client.request({ method: "GET", path: "/x" })),
      );
      assert.ok(results.every((r) => r.status === "fulfilled"));
    } finally {
      server.setFallback({ status: 200, json: {} });
    }
    // With no jitter (random 0.5): the probe at exactly Retry-After, then one request per interval,
    // the interval shrinking by WIDENING with every answer.
    const expected = [start + 2000];
    for (let k = 0; k < 7; k++) {
      expected.push(expected[k]! + Math.max(1, Math.round(FIRST_INTERVAL_MS * WIDENING ** k)));
    }
    assert.deepEqual(arrivals, expected);
  });

  test("a 429 under the current pace doubles its interval; 429s of requests sent before it only move the instant", () => {
    const first = onRateLimited(FREE_ADMISSION, 1000, 2000, 0);
    assert.deepEqual([first.until, first.interval, first.epoch], [3000, FIRST_INTERVAL_MS, 1]);
    // Requests already in flight when the first 429 arrived (epoch 0) do not slow the pace again.
    const inFlight = onRateLimited(first, 1010, 2500, 0);
    assert.deepEqual([inFlight.until, inFlight.interval, inFlight.epoch], [3510, FIRST_INTERVAL_MS, 1]);
    // The probe sent under epoch 1 got a 429 too: the pace halves.
    const probe = onRateLimited(inFlight, 3600, 1000, 1);
    assert.deepEqual([probe.until, probe.interval, probe.epoch], [4600, 2 * FIRST_INTERVAL_MS, 2]);
  });

  test("while re-admitting, a known place in the server's window is taken as it frees, before the pace; a 429 on one drops the room", () => {
    const limited = onRateLimited(FREE_ADMISSION, 1000, 59_000, 0);
    // Two processes hand over their answers of the last minute (instants 100, 700 and 400).
    const pooled = addRoom(addRoom(limited, [100, 700]) ?? limited, [400]) ?? limited;
    assert.deepEqual(pooled.room, [100, 400, 700]);
    assert.equal(addRoom(FREE_ADMISSION, [1]), undefined, "no room while admission is free");
    // At until (60 s) the first place frees only at 60.1 s: the probe goes, and claims the slot.
    const probe = claimSlot(pooled, 60_000, () => 0.5);
    assert.deepEqual(
      [probe.admission, probe.state?.next],
      [{ wait: 0, epoch: 1 }, 60_000 + FIRST_INTERVAL_MS],
    );
    // The next waiter: the place frees before the next slot, so it waits for the place, claiming nothing.
    const early = claimSlot(probe.state!, 60_000, () => 0.5);
    assert.deepEqual([early.admission, early.state], [{ wait: 100, epoch: 1, room: true }, undefined]);
    // At 60.1 s the place is taken.
    const taken = claimSlot(probe.state!, 60_100, () => 0.5);
    assert.deepEqual([taken.admission, taken.state?.room], [{ wait: 0, epoch: 1, room: true }, [400, 700]]);
    // An answer while re-admitting holds a new place; one of a process that has not handed over does not.
    assert.deepEqual(onAnswered(taken.state!, 60_650, true)?.room, [400, 700, 60_650]);
    assert.deepEqual(onAnswered(taken.state!, 60_650, false)?.room, [400, 700]);
    // A 429 on a request that took a place: the room was not known after all.
    assert.deepEqual(onRateLimited(taken.state!, 60_700, 1000, 1, true).room, []);
    assert.deepEqual(onRateLimited(taken.state!, 60_700, 1000, 1, false).room, [400, 700]);
    assert.deepEqual(parseAdmission(JSON.stringify(taken.state)), taken.state);
    assert.deepEqual(parseAdmission('{"room":[3,"x",-1,1]}').room, [1, 3]);
  });

  test("closes the way when a success says the allowance is spent (RateLimit-Remaining: 0), until the reset", async () => {
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

  test("keeps waiting on 429s while other requests of the credential get through, and gives up only after the patience with no progress", async () => {
    const patience = { baseMs: 500, capMs: 8_000, maxRetryAfterMs: 60_000, rateLimitPatienceMs: 5_000 };
    const run = async (withProgress: boolean) => {
      const clock = new FakeClock();
      let stuck = 0;
      server.setFallback((req, res) => {
        // /stuck is refused for 7 s (longer than the patience); /other always gets through.
        if (req.path.endsWith("/stuck") && clock.now() - 1_000_000 < 7_000) {
          stuck++;
          reply(res, 429, { "retry-after": "1" });
        } else reply(res, 200);
      });
      try {
        const client = new PlanetScaleClient(settings(), {
          ...clock.options(),
          backoff: patience,
          backoffGate: new BackoffGate(undefined, 60_000),
        });
        const tasks = [() => client.request({ method: "GET", path: "/stuck" })];
        if (withProgress) {
          tasks.push(async () => {
            for (let i = 0; i < 20; i++) {
              await clock.sleep(500);
              await client.request({ method: "GET", path: "/other" });
            }
          });
        }
        const [result] = await clock.run(tasks);
        return { result, stuck, seconds: (clock.now() - 1_000_000) / 1000 };
      } finally {
        server.setFallback({ status: 200, json: {} });
      }
    };
    const alone = await run(false);
    assert.equal(alone.result?.status, "rejected");
    assert.ok((alone.result as PromiseRejectedResult).reason instanceof RateLimitError);
    assert.ok(alone.seconds >= 5 && alone.seconds < 7, `gave up after ${alone.seconds} s, the patience`);
    const shared = await run(true);
    assert.equal(shared.result?.status, "fulfilled", "progress of the credential keeps the request waiting");
    assert.ok(shared.seconds >= 7, "it got through when the server let it, after more than the patience");
  });
});

describe("SharedBackoffFile (processes sharing a credential)", () => {
  /**
   * Three "processes" (each its own client, gate and view of the shared file, read fresh), each
   * running `workers` copies of `work` against a sliding window of `perMinute`; all must succeed.
   */
  async function threeProcesses(
    name: string,
    perMinute: number,
    workers: number,
    work: (client: PlanetScaleClient, clock: FakeClock) => Promise<void>,
  ) {
    const clock = new FakeClock(Date.now());
    const start = clock.now();
    const window = slidingWindow(clock, perMinute);
    server.setFallback(window.handler);
    try {
      const clients = Array.from(
        { length: 3 },
        () =>
          new PlanetScaleClient(settings(), {
            ...clock.options(),
            backoffGate: new BackoffGate(new SharedBackoffFile(`${server.url}|id:${name}`, dir, 0), 60_000),
          }),
      );
      const tasks = clients.flatMap((client) =>
        Array.from({ length: workers }, () => () => work(client, clock)),
      );
      const results = await clock.run(tasks);
      assert.ok(results.every((r) => r.status === "fulfilled"));
    } finally {
      server.setFallback({ status: 200, json: {} });
    }
    const rejected = window.log.filter((e) => e.status === 429).length;
    return {
      log: window.log,
      start,
      rejected,
      accepted: window.log.length - rejected,
      seconds: (clock.now() - start) / 1000,
    };
  }

  test("lets three processes through a sliding-window limit with few 429s, all requests succeeding, near the window's floor", async () => {
    // Each process runs two workers sending 10 requests, 200 ms apart: 60 requests, 3 windows.
    const { log, rejected, accepted, seconds } = await threeProcesses(
      "three-processes",
      20,
      2,
      async (client, clock) => {
        for (let i = 0; i < 10; i++) {
          await client.request({ method: "GET", path: "/x" });
          await clock.sleep(200);
        }
      },
    );
    assert.equal(accepted, 60);
    // 60 requests at 20 per sliding minute need 2 minutes at least.
    assert.ok(seconds >= 120 && seconds <= 132, `took ${seconds} s (floor 120 s)`);
    assert.ok(rejected / log.length <= 0.1, `${rejected} of ${log.length} requests got a 429`);
  });

  test("after a burst filled the window, sends the rest as soon as the window frees them, not at a probe's pace", async () => {
    // Each process runs four workers sending 5 requests back to back: 60 requests, the first 30
    // at once, so the window frees 30 at once a minute later.
    const { log, start, rejected, accepted, seconds } = await threeProcesses(
      "burst-processes",
      30,
      4,
      async (client) => {
        for (let i = 0; i < 5; i++) await client.request({ method: "GET", path: "/x" });
      },
    );
    assert.equal(accepted, 60);
    // The window frees all 30 at 60 s: a probe and then a pace from 250 ms needed 1.1 s more.
    assert.equal(seconds, 60, `took ${seconds} s (floor 60 s)`);
    // The burst itself met the limit (12 requests in flight when it filled); re-admission did not.
    const late = log.filter((e) => e.at > start && e.status === 429);
    assert.deepEqual(late, [], "no 429 after the window freed");
    assert.equal(rejected, 12);
  });

  test("tells another process's gate when to send again", async () => {
    const key = `${server.url}|id:gate-id`;
    const time = virtualTime(Date.now());
    const here = new PlanetScaleClient(settings(), {
      ...time.options,
      backoffGate: new BackoffGate(new SharedBackoffFile(key, dir), 60_000),
    });
    server.push({ status: 429, headers: { "retry-after": "5" } });
    await here.request({ method: "GET", path: "/x" });
    // Another process: its own gate over the same file, its own clock at the instant of the 429.
    const script = `
      const { BackoffGate, SharedBackoffFile } = require(${JSON.stringify(join(__dirname, "../../provider/internal/client/index.ts"))});
      const gate = new BackoffGate(new SharedBackoffFile(process.argv[2], process.argv[3]), 60000);
      process.send(gate.admit(Number(process.argv[4]), Math.random).wait);
    `;
    const scriptFile = join(dir, "other-process.cjs");
    writeFileSync(scriptFile, script);
    const child = fork(scriptFile, [key, dir, String(time.now() - 5000)], { execArgv: ["--import", "tsx"] });
    const wait = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("error", reject);
    });
    await new Promise((resolve) => child.once("exit", resolve));
    // This process's retry (the probe) took the slot at the instant; the other one goes one pace later.
    assert.ok(
      typeof wait === "number" &&
        wait >= 5000 + 0.75 * FIRST_INTERVAL_MS &&
        wait <= 5001 + 1.25 * FIRST_INTERVAL_MS,
      `the other process waits for the instant this one was given, then its turn (${wait} ms)`,
    );
    // The files name neither the secret nor the token id in the clear.
    for (const name of readdirSync(dir)) {
      assert.ok(!name.includes("gate-id") && !name.includes("secret"), name);
      if (name.startsWith("backoff-")) assert.ok(!readFileSync(join(dir, name), "utf8").includes("secret"));
    }
  });

  test("reads a garbage file as free admission and a far-future instant as at most maxWaitMs", () => {
    const file = new SharedBackoffFile("garbage-key", dir, 0);
    writeFileSync(file.file, "not a number");
    assert.deepEqual(parseAdmission("not a number"), FREE_ADMISSION);
    const gate = new BackoffGate(file, 60_000);
    assert.equal(gate.admit(Date.now(), Math.random).wait, 0);
    // A crashed writer leaves at most an instant; one far in the future is capped by maxWaitMs.
    writeFileSync(file.file, String(Date.now() + 10 * 3600_000));
    assert.equal(
      new BackoffGate(new SharedBackoffFile("garbage-key", dir, 0), 60_000).admit(Date.now(), Math.random)
        .wait,
      60_000,
    );
  });

  test("falls back to this process alone when the directory cannot be written", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "");
    const gate = new BackoffGate(new SharedBackoffFile("k", join(blocker, "sub")), 60_000);
    const now = Date.now();
    gate.rateLimited(now, 1_000, { wait: 0, epoch: 0 });
    assert.ok(gate.admit(now, Math.random).wait >= 999);
  });
});
