import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type ClientOptions,
  closeAllClients,
  getClient,
  PlanetScaleClient,
  RateLimiter,
  type Settings,
} from "../../provider/internal/client/index";
import { ScriptedServer } from "../support/scripted-server";

let server: ScriptedServer;
before(async () => {
  server = await ScriptedServer.start({ fallback: { status: 200, json: {} } });
});
after(async () => {
  await server.close();
  await closeAllClients();
});

function settingsFor(token: string, overrides: Partial<Settings> = {}): Settings {
  return {
    apiUrl: server.url,
    credential: { kind: "accessToken", token },
    timeoutMs: 5_000,
    maxRetries: 0,
    requestsPerMinute: 60,
    ...overrides,
  };
}

/** A virtual clock: sleeping advances it, so waits are exact and instant. */
function virtualTime(): { sleeps: number[]; options: ClientOptions; now: () => number } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  const now = () => t;
  return {
    sleeps,
    now,
    options: {
      now,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    },
  };
}

describe("RateLimiter (token bucket)", () => {
  test("allows a burst of 10% of a minute, then one request per 60/rpm seconds", () => {
    const limiter = new RateLimiter(60);
    assert.equal(limiter.burst, 6);
    const waits = Array.from({ length: 9 }, () => limiter.reserve(0));
    assert.deepEqual(waits, [0, 0, 0, 0, 0, 0, 1000, 2000, 3000]);
    // 3 s later the three queued reservations are paid for; the bucket is empty again.
    assert.equal(limiter.reserve(3000), 1000);
    // A long pause refills up to the burst, not beyond.
    assert.deepEqual(
      Array.from({ length: 7 }, () => limiter.reserve(600_000)),
      [0, 0, 0, 0, 0, 0, 1000],
    );
  });

  test("defaults to a burst of 50 at 500 requests per minute", () => {
    assert.equal(new RateLimiter(500).burst, 50);
  });
});

describe("client-side rate limiting", () => {
  test("spaces sequential requests once the burst is spent", async () => {
    const time = virtualTime();
    const client = new PlanetScaleClient(settingsFor("tok-seq"), time.options);
    const before = server.requests.length;
    for (let i = 0; i < 10; i++) await client.request({ method: "GET", path: "/x" });
    assert.equal(server.requests.length - before, 10);
    assert.deepEqual(time.sleeps, [1000, 1000, 1000, 1000]);
  });

  test("queues concurrent requests fairly", async () => {
    // A frozen clock: all nine reserve at the same instant.
    const sleeps: number[] = [];
    const client = new PlanetScaleClient(settingsFor("tok-concurrent"), {
      now: () => 5_000,
      sleep: async (ms) => void sleeps.push(ms),
    });
    await Promise.all(Array.from({ length: 9 }, () => client.request({ method: "GET", path: "/x" })));
    assert.deepEqual(sleeps, [1000, 2000, 3000]);
  });

  test("shares one limiter between clients of the same credential, not across credentials", async () => {
    const time = virtualTime();
    const a = new PlanetScaleClient(settingsFor("tok-shared", { timeoutMs: 1000 }), time.options);
    const b = new PlanetScaleClient(settingsFor("tok-shared", { timeoutMs: 2000 }), time.options);
    const other = new PlanetScaleClient(settingsFor("tok-other"), time.options);
    for (let i = 0; i < 6; i++) await a.request({ method: "GET", path: "/x" });
    await other.request({ method: "GET", path: "/x" });
    assert.deepEqual(time.sleeps, [], "another credential has its own bucket");
    await b.request({ method: "GET", path: "/x" });
    assert.deepEqual(time.sleeps, [1000], "b waits: a spent the shared burst");
  });

  test("getClient shares clients per settings and limiters per credential", async () => {
    const s = settingsFor("tok-get", { requestsPerMinute: 120 });
    assert.equal(getClient(s), getClient({ ...s, credential: { kind: "accessToken", token: "tok-get" } }));
    const slower = getClient({ ...s, timeoutMs: 9_000 });
    assert.notEqual(slower, getClient(s));
    // Real time, 120/min: a burst of 12 spread over both clients, then one token every 500 ms. If
    // the two clients had separate buckets, the 13th request would go out at once.
    const started = performance.now();
    for (let i = 0; i < 12; i++) await (i % 2 ? slower : getClient(s)).request({ method: "GET", path: "/x" });
    await slower.request({ method: "GET", path: "/x" });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 480 && elapsed < 3000, `13 requests took ${elapsed} ms`);
  });

  test("does not limit when requestsPerMinute is 0", async () => {
    const time = virtualTime();
    const client = new PlanetScaleClient(settingsFor("tok-off", { requestsPerMinute: 0 }), time.options);
    await Promise.all(Array.from({ length: 50 }, () => client.request({ method: "GET", path: "/x" })));
    assert.deepEqual(time.sleeps, []);
  });
});
