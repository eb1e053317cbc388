// Rate limiting as PlanetScale drives it: nothing waits while the API accepts; a 429 holds back
// every request of the credential in this process until the server's Retry-After, and the requests
// that waited go spread out. Against a real server on port 0, on a fake clock.
import assert from "node:assert/strict";
import type * as http from "node:http";
import { after, before, describe, test } from "node:test";
import {
  closeAllClients,
  PlanetScaleClient,
  RateLimitError,
  RateLimitGate,
  type Settings,
} from "../../provider/internal/client/index";
import { type RecordedRequest, ScriptedServer } from "../support/scripted-server";
import { FakeClock } from "./fake-clock";

let server: ScriptedServer;
before(async () => {
  server = await ScriptedServer.start({ fallback: { status: 200, json: {} } });
});
after(async () => {
  await server.close();
  await closeAllClients();
});

let tokens = 0;
/** Settings with a credential of their own, so that each test has its own process-wide gate. */
const settings = (): Settings => ({
  apiUrl: server.url,
  credential: { kind: "serviceToken", id: "gate-id", token: `pscale_tkn_gate_${tokens++}` },
  // Generous: 200 requests at once on a loaded 2-core machine; timeouts are not under test here.
  timeoutMs: 30_000,
  requestsPerMinute: 0,
});

function reply(res: http.ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(status === 429 ? '{"code":"rate_limited","message":"slow down"}' : "{}");
}

/** Answers with `answer` and records when (on `clock`) each request arrived. */
function serve(clock: FakeClock, answer: (req: RecordedRequest, res: http.ServerResponse) => void) {
  const arrivals: { at: number; path: string }[] = [];
  server.setFallback((req, res) => {
    arrivals.push({ at: clock.now(), path: req.path.replace(/^\/v1/, "") });
    answer(req, res);
  });
  return arrivals;
}

/** PlanetScale's (and the emulator's) limit: a sliding one-minute window, Retry-After in whole seconds. */
function slidingWindow(clock: FakeClock, perMinute: number) {
  const times: number[] = [];
  const log: { at: number; status: number }[] = [];
  const handler = (_req: RecordedRequest, res: http.ServerResponse): void => {
    const now = clock.now();
    while (times.length > 0 && times[0]! <= now - 60_000) times.shift();
    if (times.length >= perMinute) {
      log.push({ at: now, status: 429 });
      reply(res, 429, { "retry-after": String(Math.max(1, Math.ceil((times[0]! + 60_000 - now) / 1000))) });
      return;
    }
    times.push(now);
    log.push({ at: now, status: 200 });
    reply(res, 200);
  };
  return { handler, log };
}

describe("rate limiting driven by the server", () => {
  after(() => server.setFallback({ status: 200, json: {} }));

  test("never waits while the API accepts, with the default settings", async () => {
    const clock = new FakeClock();
    const client = new PlanetScaleClient(settings(), clock.options());
    const before = server.requests.length;
    await Promise.all(Array.from({ length: 200 }, () => client.request({ method: "GET", path: "/x" })));
    assert.equal(server.requests.length - before, 200);
    assert.deepEqual(clock.sleeps, []);
  });

  test("sends the request that got a 429 again no sooner than Retry-After, then a jitter of up to 2 s", async () => {
    const clock = new FakeClock();
    let first = true;
    const arrivals = serve(clock, (_req, res) => {
      if (first) reply(res, 429, { "retry-after": "3" });
      else reply(res, 200);
      first = false;
    });
    const client = new PlanetScaleClient(settings(), clock.options());
    const [result] = await clock.run([() => client.request({ method: "GET", path: "/first" })]);
    assert.equal(result?.status, "fulfilled");
    // Retry-After 3 s, then half (the clock's draw) of the jitter's bound after one 429, 2 s.
    assert.deepEqual(
      arrivals.map((a) => a.at - 1_000_000),
      [0, 4_000],
    );
  });

  test("a 429 holds back every request of the credential in this process until the server's instant, then they go spread out", async () => {
    // Jitter draws 0, 1/8, 2/8, … so the spread is visible.
    let draws = 0;
    const clock = new FakeClock(1_000_000, () => (draws++ % 8) / 8);
    const gate = new RateLimitGate();
    gate.rateLimited(clock.now(), 2_000);
    const arrivals = serve(clock, (_req, res) => reply(res, 200));
    const held = new PlanetScaleClient(settings(), { ...clock.options(), rateLimitGate: gate });
    const other = new PlanetScaleClient(settings(), clock.options());
    const results = await clock.run([
      ...Array.from({ length: 8 }, () => () => held.request({ method: "GET", path: "/held" })),
      () => other.request({ method: "GET", path: "/other-credential" }),
    ]);
    assert.ok(results.every((r) => r.status === "fulfilled"));
    const offsets = (path: string) => arrivals.filter((a) => a.path === path).map((a) => a.at - 1_000_000);
    assert.deepEqual(offsets("/other-credential"), [0], "another credential is not held back");
    // Never before the instant; spread over the second after it (they met no 429 themselves).
    assert.deepEqual(
      offsets("/held").sort((a, b) => a - b),
      [2000, 2125, 2250, 2375, 2500, 2625, 2750, 2875],
    );
  });

  test("keeps waiting on 429s while other requests of the credential get through, and gives up only after the patience with no progress", async () => {
    const patience = { baseMs: 500, capMs: 8_000, maxRetryAfterMs: 60_000, rateLimitPatienceMs: 5_000 };
    const run = async (withProgress: boolean) => {
      const clock = new FakeClock();
      // /stuck is refused for 12 s, more than twice the patience: with Retry-After 1 s and the
      // jitter (half of 2, 4, 4 s), it tries at 0, 2, 5, 10 and 15 s.
      serve(clock, (req, res) => {
        if (req.path.endsWith("/stuck") && clock.now() - 1_000_000 < 12_000) {
          reply(res, 429, { "retry-after": "1" });
        } else reply(res, 200);
      });
      const gate = new RateLimitGate();
      const stuck = new PlanetScaleClient(settings(), {
        ...clock.options(),
        backoff: patience,
        rateLimitGate: gate,
      });
      const tasks = [() => stuck.request({ method: "GET", path: "/stuck" })];
      if (withProgress) {
        tasks.push(async () => {
          // Another request of the credential gets an answer every 0.5 s for 10 s.
          for (let i = 0; i < 20; i++) {
            await clock.sleep(500);
            gate.answered(clock.now());
          }
        });
      }
      const [result] = await clock.run(tasks);
      return { result, seconds: (clock.now() - 1_000_000) / 1000 };
    };
    const alone = await run(false);
    assert.equal(alone.result?.status, "rejected");
    assert.ok((alone.result as PromiseRejectedResult).reason instanceof RateLimitError);
    // At its first 429 after the patience (the retries' jitter grows with each 429).
    assert.ok(alone.seconds >= 5 && alone.seconds < 12, `gave up after ${alone.seconds} s, the patience`);
    const shared = await run(true);
    assert.equal(shared.result?.status, "fulfilled", "progress of the credential keeps the request waiting");
    assert.ok(shared.seconds >= 12, "it got through when the server let it, after more than the patience");
  });

  test("three processes (a gate each, as on separate CI runners) get every request through a sliding-window limit near its floor", async () => {
    let seed = 1;
    const clock = new FakeClock(1_000_000, () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    });
    const window = slidingWindow(clock, 20);
    server.setFallback(window.handler);
    const credential = settings();
    // Each process: two workers sending 10 requests, 200 ms apart: 60 requests, 3 windows.
    const tasks = Array.from({ length: 3 }, () => {
      const client = new PlanetScaleClient(credential, {
        ...clock.options(),
        rateLimitGate: new RateLimitGate(),
      });
      return Array.from({ length: 2 }, () => async () => {
        for (let i = 0; i < 10; i++) {
          await client.request({ method: "GET", path: "/x" });
          await clock.sleep(200);
        }
      });
    }).flat();
    const results = await clock.run(tasks);
    assert.ok(results.every((r) => r.status === "fulfilled"));
    const rejected = window.log.filter((e) => e.status === 429).length;
    assert.equal(window.log.length - rejected, 60);
    // 60 requests at 20 per sliding minute need 2 minutes at least.
    const seconds = (clock.now() - 1_000_000) / 1000;
    assert.ok(seconds >= 120 && seconds <= 132, `took ${seconds} s (floor 120 s)`);
    // Each process meets the limit on its own (nothing is shared between runners): a 429 for its
    // requests in flight when the window filled, and a few when its waiting requests went again.
    assert.ok(rejected / window.log.length <= 0.15, `${rejected} of ${window.log.length} requests got a 429`);
  });
});
