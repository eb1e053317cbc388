import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  backoffDelay,
  type ClientOptions,
  ConnectionError,
  classifyConnectionFailure,
  closeAllClients,
  OutcomeUnknownError,
  PlanetScaleClient,
  RateLimitError,
  retryAfterDelay,
  ServerError,
  type Settings,
  UnprocessableEntityError,
} from "../../provider/internal/client/index";
import { ScriptedServer, unusedPort } from "../support/scripted-server";

after(() => closeAllClients());

let tokenCounter = 0;
function settingsFor(url: string, overrides: Partial<Settings> = {}): Settings {
  return {
    apiUrl: url,
    credential: { kind: "serviceToken", id: "retry-id", token: `pscale_tkn_retry${tokenCounter++}` },
    timeoutMs: 5_000,
    requestsPerMinute: 0,
    ...overrides,
  };
}

/**
 * Sleep that returns at once, moving a virtual clock, and records what the client asked for.
 * Jitter draws `draw` of each bound (default: all of it).
 */
function recordingSleep(draw = 1): { sleeps: number[]; options: ClientOptions; elapsed: () => number } {
  const sleeps: number[] = [];
  const start = Date.now();
  let now = start;
  return {
    sleeps,
    elapsed: () => now - start,
    options: {
      sleep: async (ms) => {
        sleeps.push(ms);
        now += ms;
      },
      now: () => now,
      random: () => draw,
    },
  };
}

async function withServer(fn: (server: ScriptedServer) => Promise<void>): Promise<void> {
  const server = await ScriptedServer.start();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

describe("backoff", () => {
  test("is full jitter over 0.5 s · 2^n capped at 8 s", () => {
    const top = [0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, () => 0.999999));
    assert.deepEqual(top, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    assert.equal(
      backoffDelay(3, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(2, () => 0.5),
      1000,
    );
  });

  test("reads Retry-After (seconds and HTTP date) and retry-after-ms, capped at 60 s", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(retryAfterDelay({ "retry-after": "3" }, now), 3000);
    assert.equal(retryAfterDelay({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, now), 7000);
    assert.equal(retryAfterDelay({ "retry-after": "Wed, 31 Dec 2025 23:00:00 GMT" }, now), 0);
    assert.equal(retryAfterDelay({ "retry-after-ms": "1250" }, now), 1250);
    assert.equal(retryAfterDelay({ "retry-after-ms": "10", "retry-after": "5" }, now), 10);
    assert.equal(retryAfterDelay({ "retry-after": "3600" }, now), 60_000);
    assert.equal(retryAfterDelay({ "retry-after": "soon" }, now), undefined);
    assert.equal(retryAfterDelay({}, now), undefined);
  });
});

describe("connection failure classification", () => {
  const err = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
  test("knows which failures happen before the request is written, and which are permanent", () => {
    assert.deepEqual(classifyConnectionFailure(err("ECONNREFUSED")), {
      code: "ECONNREFUSED",
      beforeWrite: true,
      permanent: false,
    });
    assert.deepEqual(classifyConnectionFailure(err("UND_ERR_SOCKET", err("ECONNRESET"))), {
      code: "ECONNRESET",
      beforeWrite: false,
      permanent: false,
    });
    assert.equal(classifyConnectionFailure(err("UND_ERR_SOCKET")).beforeWrite, false);
    assert.equal(classifyConnectionFailure(err("UND_ERR_CONNECT_TIMEOUT")).beforeWrite, true);
    assert.equal(classifyConnectionFailure(err("ENOTFOUND")).permanent, true);
  });
});

describe("retries against a scripted server", () => {
  test("retries GET on 502, 503, 504, 500 and 429 with growing backoff", () =>
    withServer(async (server) => {
      server.push(
        { status: 502 },
        { status: 503 },
        { status: 504 },
        { status: 500 },
        { status: 200, json: { ok: 1 } },
      );
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      assert.deepEqual(await client.request({ method: "GET", path: "/things" }), { ok: 1 });
      assert.equal(server.requests.length, 5);
      assert.deepEqual(sleeps, [500, 1000, 2000, 4000]);
    }));

  test("retries transient failures for a minute from the first one, then fails with a ServerError that counts the retries", () =>
    withServer(async (server) => {
      server.setFallback({ status: 503, json: { code: "unavailable", message: "try later" } });
      const { sleeps, options, elapsed } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await assert.rejects(client.request({ method: "GET", path: "/things" }), (err: unknown) => {
        assert.ok(err instanceof ServerError);
        assert.equal(err.retries, 11);
        assert.equal(err.status, 503);
        assert.equal(err.message, "GET /things → 503 unavailable: try later (after 11 retries)");
        return true;
      });
      // Backoff doubling from 0.5 s to the 8 s cap; the last wait ends exactly at the minute.
      assert.deepEqual(sleeps, [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000, 4500]);
      assert.equal(elapsed(), 60_000);
      assert.equal(server.requests.length, 12);
    }));

  test("rides out a 5-second outage: every request answered 503 for 5 s, then the GET succeeds", () =>
    withServer(async (server) => {
      // Half of each backoff bound, as jitter draws on average: 4 retries wait 3.75 s in all.
      const { sleeps, options, elapsed } = recordingSleep(0.5);
      server.setFallback((_req, res) => {
        res.writeHead(elapsed() < 5_000 ? 503 : 200, { "content-type": "application/json" });
        res.end("{}");
      });
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      assert.deepEqual(await client.request({ method: "GET", path: "/branch" }), {});
      assert.deepEqual(sleeps, [250, 500, 1000, 2000, 4000]);
      assert.equal(server.requests.length, 6);
    }));

  test("rides out a server that refuses connections for 5 s", async () => {
    const port = await unusedPort();
    let server: ScriptedServer | undefined;
    const { sleeps, options, elapsed } = recordingSleep(0.5);
    const client = new PlanetScaleClient(settingsFor(`http://127.0.0.1:${port}/v1`), {
      ...options,
      sleep: async (ms) => {
        await options.sleep?.(ms);
        // The server comes back 5 s into the outage.
        if (elapsed() >= 5_000)
          server ??= await ScriptedServer.start({ port, fallback: { status: 200, json: {} } });
      },
    });
    try {
      assert.deepEqual(await client.request({ method: "GET", path: "/branch" }), {});
      assert.deepEqual(sleeps, [250, 500, 1000, 2000, 4000]);
      assert.equal(server?.requests.length, 1);
    } finally {
      await server?.close();
    }
  });

  test("fails at once when the server asks to wait past the minute", () =>
    withServer(async (server) => {
      server.push({ status: 503 }, { status: 503, headers: { "retry-after": "60" } });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await assert.rejects(client.request({ method: "GET", path: "/x" }), ServerError);
      assert.deepEqual(sleeps, [500], "60 s after the second failure is past the first one's minute");
    }));

  test("stops after maxRetries retries when it is set", () =>
    withServer(async (server) => {
      server.setFallback({ status: 502 });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url, { maxRetries: 2 }), options);
      await assert.rejects(
        client.request({ method: "GET", path: "/x" }),
        (err: unknown) => err instanceof ServerError && err.retries === 2,
      );
      assert.deepEqual(sleeps, [500, 1000]);
    }));

  test("retryTimeoutMs sets how long", () =>
    withServer(async (server) => {
      server.setFallback({ status: 504 });
      const { sleeps, options, elapsed } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url, { retryTimeoutMs: 2_000 }), options);
      await assert.rejects(client.request({ method: "GET", path: "/x" }), ServerError);
      assert.deepEqual(sleeps, [500, 1000, 500]);
      assert.equal(elapsed(), 2_000);
    }));

  test("honours Retry-After seconds, an HTTP date and retry-after-ms", () =>
    withServer(async (server) => {
      // A clock that sleeping advances, as a real one would: the date is 5 s after the first 2 s wait.
      let now = Date.parse("2026-03-01T12:00:00Z");
      server.push(
        { status: 429, headers: { "retry-after": "2" } },
        { status: 503, headers: { "retry-after": new Date(now + 7000).toUTCString() } },
        { status: 429, headers: { "retry-after-ms": "1500" } },
        { status: 429, headers: { "retry-after": "86400" } },
        { status: 200, json: {} },
      );
      const sleeps: number[] = [];
      const client = new PlanetScaleClient(settingsFor(server.url), {
        // No jitter after the server's instant: the waits are exactly what it asked.
        random: () => 0,
        now: () => now,
        sleep: async (ms) => {
          sleeps.push(ms);
          now += ms;
        },
      });
      await client.request({ method: "GET", path: "/x" });
      assert.deepEqual(sleeps, [2000, 5000, 1500, 60_000]);
    }));

  test("does not retry other 4xx", () =>
    withServer(async (server) => {
      server.push({ status: 422, json: { code: "unprocessable", message: "Name has already been taken" } });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await assert.rejects(
        client.request({
          method: "POST",
          path: "/organizations/acme/databases/app/branches",
          body: { name: "x" },
        }),
        (err: unknown) =>
          err instanceof UnprocessableEntityError &&
          err.message ===
            "POST /organizations/acme/databases/app/branches → 422 unprocessable: Name has already been taken (after 0 retries)",
      );
      assert.equal(server.requests.length, 1);
      assert.deepEqual(sleeps, []);
    }));

  test("does not retry a 5xx outside the table (501); for a POST it is an unknown outcome", () =>
    withServer(async (server) => {
      server.setFallback({ status: 501, json: { code: "not_implemented", message: "no" } });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await assert.rejects(
        client.request({ method: "GET", path: "/x" }),
        (err: unknown) => err instanceof ServerError && !(err instanceof OutcomeUnknownError),
      );
      await assert.rejects(
        client.request({ method: "POST", path: "/x", body: {} }),
        (err: unknown) => err instanceof OutcomeUnknownError && err.cause instanceof ServerError,
      );
      assert.equal(server.requests.length, 2);
      assert.deepEqual(sleeps, []);
    }));

  test("retries a GET whose connection is reset", () =>
    withServer(async (server) => {
      server.push({ action: "reset" }, { action: "resetAfterBody" }, { status: 200, json: { n: 1 } });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      assert.deepEqual(await client.request({ method: "GET", path: "/x" }), { n: 1 });
      assert.equal(sleeps.length, 2);
    }));

  test("retries PUT and DELETE on 500 (idempotent)", () =>
    withServer(async (server) => {
      server.push({ status: 500 }, { status: 200, json: {} }, { status: 500 }, { status: 204 });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await client.request({ method: "PUT", path: "/x", body: { a: 1 } });
      assert.equal(await client.request({ method: "DELETE", path: "/x" }), undefined);
      assert.equal(server.requests.length, 4);
      assert.equal(sleeps.length, 2);
    }));
});

describe("non-idempotent requests (POST, PATCH)", () => {
  test("retries a POST answered 429: the server did not act", () =>
    withServer(async (server) => {
      server.push(
        { status: 429 },
        { status: 429, headers: { "retry-after": "1" } },
        { status: 201, json: { id: "b1" } },
      );
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      assert.deepEqual(await client.request({ method: "POST", path: "/b", body: { name: "n" } }), {
        id: "b1",
      });
      // The first 429 gave no Retry-After: 0.5 s of backoff; the second asked 1 s. Each wait
      // then adds a jitter one backoff step further (all of the bound here: 2 s, then 4 s).
      assert.deepEqual(sleeps, [500 + 2000, 1000 + 4000]);
      assert.equal(server.requests.length, 3);
      assert.ok(server.requests.every((r) => r.body === '{"name":"n"}'));
    }));

  test("waits out 429s beyond maxRetries, then fails with a RateLimitError after 10 minutes of them", () =>
    withServer(async (server) => {
      server.setFallback({ status: 429, json: { code: "rate_limited", message: "slow down" } });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url, { maxRetries: 2 }), options);
      await assert.rejects(
        client.request({ method: "POST", path: "/b", body: {} }),
        (err: unknown) => err instanceof RateLimitError && err.retries === sleeps.length,
      );
      const waited = sleeps.reduce((a, b) => a + b, 0);
      // At the first 429 past the patience: the last wait is at most the cap twice (backoff and jitter).
      assert.ok(waited >= 600_000 && waited < 600_000 + 16_000, `waited ${waited} ms`);
      assert.ok(server.requests.length > 3, "429s do not use up maxRetries");
      assert.equal(server.requests.length, sleeps.length + 1);
    }));

  test("stops at the first 429 when maxRetries is 0", () =>
    withServer(async (server) => {
      server.setFallback({ status: 429, json: { code: "rate_limited", message: "slow down" } });
      const client = new PlanetScaleClient(
        settingsFor(server.url, { maxRetries: 0 }),
        recordingSleep().options,
      );
      await assert.rejects(
        client.request({ method: "GET", path: "/b" }),
        (err: unknown) => err instanceof RateLimitError && err.retries === 0,
      );
      assert.equal(server.requests.length, 1);
    }));

  for (const status of [500, 502, 503]) {
    test(`does not retry a POST answered ${status}: OutcomeUnknownError carrying the ServerError`, () =>
      withServer(async (server) => {
        server.push({ status, json: { code: "internal", message: "boom" } });
        const { sleeps, options } = recordingSleep();
        const client = new PlanetScaleClient(settingsFor(server.url), options);
        await assert.rejects(
          client.request({ method: "POST", path: "/b", body: { name: "n" } }),
          (err: unknown) => {
            assert.ok(err instanceof OutcomeUnknownError);
            assert.equal(err.code, "PLANETSCALE_OUTCOME_UNKNOWN");
            assert.ok(err.cause instanceof ServerError);
            assert.equal(err.status, status);
            assert.match(err.message, new RegExp(`^POST /b → outcome unknown: ${status} internal: boom`));
            return true;
          },
        );
        assert.equal(server.requests.length, 1);
        assert.deepEqual(sleeps, []);
      }));
  }

  test("does not retry a PATCH whose connection was reset after the server read the body", () =>
    withServer(async (server) => {
      server.push({ action: "resetAfterBody" }, { status: 200, json: {} });
      const { sleeps, options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      await assert.rejects(
        client.request({ method: "PATCH", path: "/b", body: { new_name: "m" } }),
        (err: unknown) => {
          assert.ok(err instanceof OutcomeUnknownError);
          assert.ok(err.cause instanceof ConnectionError);
          return true;
        },
      );
      assert.equal(server.requests.length, 1);
      assert.equal(server.requests[0]?.body, '{"new_name":"m"}');
      assert.deepEqual(sleeps, []);
    }));

  test("retries a POST whose connection was refused (never sent), then succeeds", async () => {
    const port = await unusedPort();
    let server: ScriptedServer | undefined;
    const sleeps: number[] = [];
    const client = new PlanetScaleClient(settingsFor(`http://127.0.0.1:${port}/v1`), {
      random: () => 1,
      sleep: async (ms) => {
        sleeps.push(ms);
        // The server comes up during the first backoff.
        server ??= await ScriptedServer.start({ port, fallback: { status: 201, json: { id: "t1" } } });
      },
    });
    try {
      assert.deepEqual(await client.request({ method: "POST", path: "/b", body: { name: "n" } }), {
        id: "t1",
      });
      assert.deepEqual(sleeps, [500]);
      assert.equal(server?.requests.length, 1);
    } finally {
      await server?.close();
    }
  });

  test("ends a refused POST with a ConnectionError (not OutcomeUnknown) when the server never comes", async () => {
    const port = await unusedPort();
    const { sleeps, options } = recordingSleep();
    const client = new PlanetScaleClient(
      settingsFor(`http://127.0.0.1:${port}/v1`, { maxRetries: 2 }),
      options,
    );
    await assert.rejects(client.request({ method: "POST", path: "/b", body: {} }), (err: unknown) => {
      assert.ok(err instanceof ConnectionError);
      assert.ok(!(err instanceof OutcomeUnknownError));
      assert.match(err.message, /^POST \/b → connection failed: ECONNREFUSED/);
      assert.match(err.message, /\(after 2 retries\)$/);
      return true;
    });
    assert.deepEqual(sleeps, [500, 1000]);
  });

  test("retries a POST marked idempotent like a GET", () =>
    withServer(async (server) => {
      server.push({ status: 500 }, { status: 200, json: { ok: true } });
      const { options } = recordingSleep();
      const client = new PlanetScaleClient(settingsFor(server.url), options);
      assert.deepEqual(await client.request({ method: "POST", path: "/s", idempotent: true }), { ok: true });
    }));
});
